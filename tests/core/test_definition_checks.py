"""`validate` catches what would otherwise corrupt answers: repeated option ids and labels, YAML booleans."""

from __future__ import annotations

from carework_core.definition_file import load_definition
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


def test_consent_names_the_statement_that_lets_words_be_quoted(tmp_path):
    text = SMALL.replace("  intro: Please read this first.", "  intro: Please read this first.\n  quotes: quote")
    path = write(tmp_path, text)
    assert found(path) == []
    assert load_definition(path).consent.quotes == "quote"
    assert load_definition(write(tmp_path, SMALL, "plain.yaml")).consent.quotes is None  # nobody is quoted


def test_a_quotes_key_naming_no_statement_is_a_problem_on_its_line(tmp_path):
    text = SMALL.replace("  intro: Please read this first.", "  intro: Please read this first.\n  quotes: quoted")
    assert found(write(tmp_path, text)) == [
        (
            line_of(text, "quotes: quoted"),
            "consent.quotes",
            "no consent statement called 'quoted'; statements are agree, quote",
        ),
    ]
