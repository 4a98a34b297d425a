"""`validate` catches what would otherwise corrupt answers: repeated option ids and labels, YAML booleans."""

from __future__ import annotations

from carework_core.definitions.loading import load_definition
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


# --- consensus rules -------------------------------------------------------------------------


def test_a_median_rule_past_a_scales_top_names_each_scale_and_its_line(tmp_path):
    # Both rated scales of SMALL have 3 points: the criterion evidence and the rating question support.
    text = SMALL + "consensus: {rule: median, agree_at_least: 7, disagree_at_most: 3, max_iqr: 3}\n"
    why = "has 3 points, so the consensus rule's agree_at_least 7 is not one of its points (1 to 3)"
    assert found(write(tmp_path, text)) == [
        (line_of(text, "labels: [None, Some, A lot]"), "criteria[0].scale.labels", f"criterion 'evidence' {why}"),
        (
            line_of(text, "labels: [Not at all, A little, Very]"),
            "rounds[0].questions[1].scale.labels",
            f"question 'support' of round r1 {why}",
        ),
    ]


def test_a_median_rule_with_thresholds_the_wrong_way_round_is_a_problem(tmp_path):
    text = SMALL + "consensus: {rule: median, agree_at_least: 1, disagree_at_most: 3}\n"
    assert found(write(tmp_path, text)) == [
        (line_of(text, "consensus:"), "consensus.disagree_at_most", "disagree_at_most must be below agree_at_least"),
    ]


def test_a_top_share_rule_needs_four_points_on_every_rated_scale(tmp_path):
    text = SMALL.replace("labels: [None, Some, A lot]", "labels: [None, A little, Some, A lot]")
    text += "consensus: {rule: top_share, top_share: 0.8, max_iqr: 1}\n"
    problems = found(write(tmp_path, text))
    assert [(line, path) for line, path, _ in problems] == [
        (line_of(text, "labels: [Not at all, A little, Very]"), "rounds[0].questions[1].scale.labels")
    ]
    assert "question 'support' of round r1 has 3 points" in problems[0][2] and "rule: median" in problems[0][2]


def test_a_rule_that_fits_every_scale_and_a_file_without_one_are_fine(tmp_path):
    assert found(write(tmp_path, SMALL + "consensus: {rule: median, agree_at_least: 3, disagree_at_most: 1}\n")) == []
    assert found(write(tmp_path, SMALL)) == []


def test_consensus_and_min_group_size_refuse_impossible_values(tmp_path):
    shares = found(write(tmp_path, SMALL + "consensus: {rule: top_share, top_share: 0.5}\nmin_group_size: 0\n"))
    assert [path for _, path, _ in shares] == ["consensus.top_share", "min_group_size"]
    unknown = found(write(tmp_path, SMALL + "consensus: {rule: mode}\n"))
    assert [path for _, path, _ in unknown] == ["consensus"]


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
