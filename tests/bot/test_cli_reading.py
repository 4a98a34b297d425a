"""`carework validate` checks what participants read against the definition's reading limits."""

from __future__ import annotations

import csv

from tests.bot.test_cli import carework
from tests.conftest import MINI, ROOT

CAREWORK = ROOT / "surveys" / "carework.yaml"
CYMRAEG = ROOT / "tests" / "fixtures" / "cymraeg.yaml"
JARGON = (
    "In consideration of the multidisciplinary interprofessional collaborative arrangements "
    "operationalised across integrated commissioning environments, to what extent do you consider "
    "that organisational infrastructure, workforce sustainability initiatives and associated "
    "governance mechanisms demonstrably facilitate the realisation of person-centred outcomes, "
    "notwithstanding the considerable heterogeneity of local implementation methodologies? "
)


def with_question(tmp_path, text: str, extra: str = ""):
    """Writes mini.yaml with its first question's text replaced (as a folded block) and `extra` added at the end."""
    folded = "\n          ".join(text.split("\n"))
    written = MINI.read_text(encoding="utf-8").replace(
        "text: Tell us about a new way of working you have seen.", f"text: >-\n          {folded}"
    )
    path = tmp_path / "jargon.yaml"
    path.write_text(written + extra, encoding="utf-8")
    return path, written.splitlines().index("        text: >-") + 1


def test_a_long_question_full_of_jargon_is_reported_by_line_and_measure(tmp_path):
    question = (JARGON * 5)[:1900].rsplit(" ", 1)[0]
    assert 1850 <= len(question) <= 1900
    path, line = with_question(tmp_path, question)
    result = carework("validate", str(path))
    assert result.returncode == 0, result.stdout  # warnings, not problems
    found = [w for w in result.stdout.splitlines() if w.startswith(f"{path}:{line}: rounds[0].questions[0].text: ")]
    measures = sorted(w.split(".text: ")[1] for w in found)
    assert measures[0].startswith(f"{len(question)} characters on one screen (at most 700)"), measures
    assert measures[1].startswith("a sentence of 44 words (at most 25)"), measures
    grade = float(measures[2].removeprefix("reading grade ").split()[0])
    assert grade > 20 and measures[2].endswith("(at most 8)"), measures
    assert result.stdout.splitlines()[-1].startswith(f"{path}: ok")
    strict = carework("validate", "--strict", str(path))
    assert strict.returncode == 1 and f"{path}: 3 warnings (--strict)" in strict.stdout


def test_limits_and_words_to_avoid_are_the_definitions_own(tmp_path):
    text = "Tell us about a new way of working you have seen. Stakeholders and carers are welcome."
    extra = "reading: {max_grade: 12, max_sentence_words: 8, max_screen_chars: 80, avoid: [stakeholder, key worker]}\n"
    path, line = with_question(tmp_path, text, extra)
    result = carework("validate", "--strict", str(path))
    assert result.returncode == 1
    where = f"{path}:{line}: rounds[0].questions[0].text: "
    assert [w.removeprefix(where) for w in result.stdout.splitlines() if w.startswith(where)] == [
        "a sentence of 11 words (at most 8)",
        "86 characters on one screen (at most 80)",
        "uses 'stakeholder', which reading.avoid lists",
    ]


def test_welsh_texts_are_checked_for_length_but_not_graded(tmp_path):
    long_welsh = " ".join(["Mae gofal cymdeithasol yn bwysig iawn i bawb sy'n byw yng Nghymru heddiw"] * 4)
    written = CYMRAEG.read_text(encoding="utf-8")
    assert 'cy: "Meddyliwch am y mis diwethaf."' in written
    path = tmp_path / "cy.yaml"
    path.write_text(written.replace('cy: "Meddyliwch am y mis diwethaf."', f'cy: "{long_welsh}."'), encoding="utf-8")
    result = carework("validate", str(path))
    found = [w for w in result.stdout.splitlines() if "rounds[0].questions[0].hint: " in w]
    assert [w.split(".hint: ")[1] for w in found] == ["cy: a sentence of 52 words (at most 25)"], result.stdout


def test_the_consultation_we_run_passes_strict():
    result = carework("validate", "--strict", str(CAREWORK))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"{CAREWORK}: ok")


def test_items_loaded_in_the_database_are_checked_too(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    items = tmp_path / "items.csv"
    with items.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "title", "description"], ["I1", "Shift swaps", JARGON.strip()]])
    assert carework("items", "import", str(items), "--into", "r2", env=env).returncode == 0
    result = carework("validate", "--database", str(tmp_path / "c.db"), str(MINI), env=env)
    assert result.returncode == 0, result.stdout
    found = [w for w in result.stdout.splitlines() if w.startswith(f"{tmp_path / 'c.db'}: item_sets.ideas[I1]")]
    assert [w.split(": ")[2].split(" (")[0] for w in found][1:] == ["a sentence of 44 words"], found
    assert found[0].startswith(f"{tmp_path / 'c.db'}: item_sets.ideas[I1].description: reading grade ")
