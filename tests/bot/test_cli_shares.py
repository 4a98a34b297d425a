"""`carework validate --participants K` warns when a share (items_per_person) leaves too few raters per group."""

from __future__ import annotations

from tests.bot.test_cli import carework
from tests.e2e.test_shares import shares_survey


def question_line(path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if "items_per_person" in line)


def test_validate_warns_when_expected_raters_fall_below_min_group_size(tmp_path):
    survey = shares_survey(tmp_path)  # r2: two groups, five ideas, two a person; min_group_size 5
    few = carework("validate", str(survey), "--participants", "20")
    assert few.returncode == 0, few.stdout + few.stderr  # a warning, not an error
    assert f"{survey}:{question_line(survey)}: rounds[1].questions[1].items_per_person: warning:" in few.stdout
    assert "about 4.0 raters per idea in each group (20 participants over 2 groups, 2 of 5 ideas each)" in few.stdout
    assert "fewer than min_group_size 5" in few.stdout
    assert f"{survey}: ok" in few.stdout

    enough = carework("validate", str(survey), "--participants", "30")  # 15 a group x 2/5 = 6 raters
    assert enough.returncode == 0 and "warning" not in enough.stdout, enough.stdout
    assert "warning" not in carework("validate", str(survey)).stdout  # no K given: nothing to expect


def test_validate_counts_a_set_loaded_with_items_import_from_the_database(tmp_path):
    survey = shares_survey(tmp_path)
    survey.write_text(survey.read_text(encoding="utf-8").split("\nitem_sets:")[0] + "\n", encoding="utf-8")
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(survey)}
    assert carework("init", env=env).returncode == 0
    unknown = carework("validate", str(survey), "--participants", "20", env=env)
    assert unknown.returncode == 0 and "warning" not in unknown.stdout  # the set's size is not known yet
    (tmp_path / "ideas.csv").write_text("id,title\n" + "".join(f"I{n},Idea {n}\n" for n in range(1, 9)))
    assert carework("items", "import", str(tmp_path / "ideas.csv"), "--into", "r2", env=env).returncode == 0
    counted = carework("validate", str(survey), "--participants", "20", "--database", env["CAREWORK_DATABASE"], env=env)
    assert counted.returncode == 0, counted.stdout + counted.stderr
    assert (
        "about 2.5 raters per idea in each group (20 participants over 2 groups, 2 of 8 ideas each)" in counted.stdout
    )
