"""`validate` catches what would otherwise corrupt answers: repeated option ids and labels, YAML booleans."""

from __future__ import annotations

from tests.core.test_definitions import SMALL, found, write

OPTIONS = """\
          - id: pay
            label: Better pay
          - id: hours
            label: Better hours"""


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """Returns the 1-based line of the n-th line containing fragment."""
    hits = [n for n, line in enumerate(text.split("\n"), 1) if fragment in line]
    return hits[occurrence - 1]


def test_a_repeated_option_id_is_a_problem(tmp_path):
    text = SMALL.replace(OPTIONS, OPTIONS.replace("id: hours", "id: pay"))
    assert found(write(tmp_path, text)) == [
        (
            line_of(text, "- id: pay", 2),
            "rounds[0].questions[2].options[1].id",
            "duplicate id 'pay'; each id must be used once",
        ),
    ]


def test_a_repeated_option_label_is_a_problem(tmp_path):
    text = SMALL.replace(OPTIONS, OPTIONS.replace("label: Better hours", "label: Better pay"))
    assert found(write(tmp_path, text)) == [
        (
            line_of(text, "label: Better pay", 2),
            "rounds[0].questions[2].options[1].label",
            "duplicate label 'Better pay'; people could not tell these options apart",
        ),
    ]


def test_unquoted_yes_and_no_ids_say_to_quote_them(tmp_path):
    text = SMALL.replace(OPTIONS, OPTIONS.replace("id: pay", "id: yes").replace("id: hours", "id: off"))
    hint = (
        'YAML reads unquoted yes, no, on, off, true and false as true or false; put the value in quotes, e.g. id: "yes"'
    )
    assert found(write(tmp_path, text)) == [
        (line_of(text, "id: yes"), "rounds[0].questions[2].options[0].id", hint),
        (line_of(text, "id: off"), "rounds[0].questions[2].options[1].id", hint),
    ]


def test_quoted_yes_and_no_ids_are_fine(tmp_path):
    text = SMALL.replace(OPTIONS, OPTIONS.replace("id: pay", 'id: "yes"').replace("id: hours", "id: 'no'"))
    assert found(write(tmp_path, text)) == []
