"""`carework validate` on ids written twice and on schedules the clocks change under."""

from __future__ import annotations

from tests.bot.test_cli import carework
from tests.conftest import MINI

SCHEDULE = "    groups: [workforce, lived]\n    minutes: 5\n"


def written(tmp_path, text: str):
    path = tmp_path / "survey.yaml"
    path.write_text(text)
    return path


def line_of(text: str, marker: str, nth: int = 1) -> int:
    """Returns the 1-based line of the nth line containing marker."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    return hits[nth - 1]


def test_a_criterion_named_twice_in_a_question_is_a_problem_with_its_line(tmp_path):
    text = MINI.read_text().replace("criteria: [evidence, newness]", "criteria: [evidence, evidence]")
    path = written(tmp_path, text)
    result = carework("validate", str(path))
    assert result.returncode == 1
    line = line_of(text, "criteria: [evidence, evidence]")
    assert f"{path}:{line}: rounds[1].questions[1].criteria[1]: duplicate id 'evidence'" in result.stdout


def test_an_item_set_rated_twice_in_one_round_is_a_problem_with_its_line(tmp_path):
    again = (
        "      - id: rate2\n        type: item_rating\n        text: Rate it again.\n"
        "        item_set: ideas\n        criteria: [newness]\n"
    )
    text = MINI.read_text().rstrip("\n") + "\n" + again
    path = written(tmp_path, text)
    result = carework("validate", str(path))
    assert result.returncode == 1
    line = line_of(text, "item_set: ideas", 2)
    assert f"{path}:{line}: rounds[1].questions[2].item_set: item set 'ideas' is already rated" in result.stdout


def test_a_group_named_twice_in_a_round_is_a_problem_with_its_line(tmp_path):
    text = MINI.read_text().replace("groups: [workforce]\n", "groups: [workforce, workforce]\n")
    path = written(tmp_path, text)
    result = carework("validate", str(path))
    assert result.returncode == 1
    line = line_of(text, "groups: [workforce, workforce]")
    assert f"{path}:{line}: rounds[1].groups[1]: duplicate id 'workforce'" in result.stdout


def test_a_window_that_the_clocks_going_forward_empty_is_a_problem_naming_its_line(tmp_path):
    # 01:30 does not exist in London on 2026-03-29; once in UTC, 02:10 BST comes before it.
    schedule = SCHEDULE + "    schedule:\n      opens: 2026-03-29 01:30\n      closes: 2026-03-29 02:10\n"
    text = MINI.read_text().replace(SCHEDULE, schedule, 1)
    path = written(tmp_path, text)
    result = carework("validate", str(path))
    assert result.returncode == 1
    opens = line_of(text, "opens: 2026-03-29 01:30")
    assert f"{path}:{opens}: rounds[0].schedule.opens: 2026-03-29 01:30 does not exist in Europe/London" in (
        result.stdout
    )
    closes = line_of(text, "closes: 2026-03-29 02:10")
    assert f"{path}:{closes}: rounds[0].schedule.closes: the round would close before it opens" in result.stdout


def test_a_time_the_clocks_going_back_make_happen_twice_is_a_problem(tmp_path):
    schedule = SCHEDULE + "    schedule:\n      opens: 2026-10-25 01:30\n      closes: 2026-10-26 09:00\n"
    text = MINI.read_text().replace(SCHEDULE, schedule, 1)
    path = written(tmp_path, text)
    result = carework("validate", str(path))
    assert result.returncode == 1
    opens = line_of(text, "opens: 2026-10-25 01:30")
    assert f"{path}:{opens}: rounds[0].schedule.opens: 2026-10-25 01:30 happens twice in Europe/London" in (
        result.stdout
    )


def test_an_ordinary_schedule_around_the_change_of_clocks_is_ok(tmp_path):
    schedule = SCHEDULE + "    schedule:\n      opens: 2026-03-29 00:30\n      closes: 2026-03-29 03:10\n"
    path = written(tmp_path, MINI.read_text().replace(SCHEDULE, schedule, 1))
    result = carework("validate", str(path))
    assert result.returncode == 0, result.stdout


def test_a_reminder_sooner_than_the_reminder_gap_after_the_one_before_is_a_problem(tmp_path):
    schedule = SCHEDULE + (
        "    schedule:\n      opens: 2026-01-12 09:00\n"
        "      reminders: [2026-01-13 09:00, 2026-01-13 15:00]\n      closes: 2026-01-20 21:00\n"
    )
    text = MINI.read_text().replace(SCHEDULE, schedule, 1)
    path = written(tmp_path, text)
    result = carework("validate", str(path))
    assert result.returncode == 1
    line = line_of(text, "reminders: [2026-01-13 09:00")
    assert f"{path}:{line}: rounds[0].schedule.reminders[1]: this reminder comes less than reminder_gap (12h)" in (
        result.stdout
    )
    spaced = written(tmp_path, text.replace("timezone: Europe/London\n", "timezone: Europe/London\nreminder_gap: 6h\n"))
    assert carework("validate", str(spaced)).returncode == 0
