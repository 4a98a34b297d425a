"""`carework validate` on criteria by kind and criteria the team scores: each problem named with FILE:LINE."""

from __future__ import annotations

from tests.bot.test_cli import carework
from tests.conftest import MINI
from tests.e2e.test_kinds import BY_KIND, TEAM

WRITTEN = """
item_sets:
  ideas:
    - id: I1
      title: Shift swaps in an app
      kind: inovation
"""


def lines(path, result) -> list[str]:
    return [line.replace(f"{path}:", "") for line in result.stdout.strip().splitlines()]


def test_validate_names_the_line_of_each_kind_problem(tmp_path):
    survey = tmp_path / "kinds.yaml"
    text = MINI.read_text(encoding="utf-8").replace("consent:", TEAM, 1)
    wrong = BY_KIND.replace("[evidence, lasting]", "[lasting]").replace("newness, lasting", "novelty, lasting")
    survey.write_text(text.replace("        criteria: [evidence, newness]", wrong) + WRITTEN, encoding="utf-8")
    result = carework("validate", str(survey))
    assert result.returncode == 1
    assert lines(survey, result) == [
        "93: rounds[1].questions[1].criteria_by_kind.innovation[1]: no criterion called 'novelty'; "
        "criteria are evidence, lasting, newness",
        "94: rounds[1].questions[1].criteria_by_kind.solution: every criterion of an item of kind 'solution' is "
        "rated_by: team, so participants would have nothing to rate",
        "90: rounds[1].questions[1].item_set: item set 'ideas' is written in the definition, which has no team "
        "scores; load it with `carework items import` (score_<criterion> columns) to rate it on a rated_by: team "
        "criterion",
        "100: item_sets.ideas[0].kind: kind 'inovation' is not one question 'rate' rates; its kinds are innovation, "
        "solution",
    ]


def test_a_question_with_kinds_and_no_criteria_for_an_item_without_one(tmp_path):
    survey = tmp_path / "kinds.yaml"
    only_kinds = BY_KIND.replace("        criteria: [evidence]\n", "").replace(", lasting", "")
    text = MINI.read_text(encoding="utf-8").replace("        criteria: [evidence, newness]", only_kinds)
    survey.write_text(text + WRITTEN.replace("      kind: inovation\n", ""), encoding="utf-8")
    result = carework("validate", str(survey))
    assert result.returncode == 1
    assert lines(survey, result) == [
        "91: item_sets.ideas[0].id: question 'rate' rates items by kind and has no criteria for an item without "
        "one; give a kind: innovation, solution"
    ]
    survey.write_text(text, encoding="utf-8")  # the same question, its items loaded later: fine
    assert carework("validate", str(survey)).returncode == 0


def test_synthesis_import_refuses_a_round_that_rates_only_by_kind(tmp_path):
    survey = tmp_path / "kinds.yaml"
    only_kinds = BY_KIND.replace("        criteria: [evidence]\n", "").replace(", lasting", "")
    survey.write_text(MINI.read_text(encoding="utf-8").replace("        criteria: [evidence, newness]", only_kinds))
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(survey)}
    assert carework("init", env=env).returncode == 0
    result = carework("synthesis", "import", str(tmp_path / "filled.xlsx"), "--into", "r2", env=env)
    assert result.returncode == 1
    assert "question rate rates items only by kind, and the synthesis workbook gives none" in result.stderr
