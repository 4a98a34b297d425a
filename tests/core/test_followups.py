"""Follow-ups and Other in the core: where a person is comes from stored rows, and nothing is stored twice."""

import pytest

from carework_core.answering.service import Ask
from carework_core.bootstrap import Services
from carework_core.errors import StaleAction
from carework_core.storage.answers import all_answers
from tests.conftest import ROOT, join

SURVEY = ROOT / "tests" / "fixtures" / "followups.yaml"


@pytest.fixture
async def fservices(tmp_path, clock):
    built = await Services.open(tmp_path / "carework.db", SURVEY, clock)
    await join(built, 100)
    await built.rounds.open_round("r1", actor="test")
    yield built
    await built.close()


async def test_the_last_follow_up_of_the_last_example_allowed_finishes_the_question(fservices):
    a = fservices.answering
    await a.begin(100, "r1")
    for n, example in enumerate(["Buddy scheme", "Wellbeing walks"], start=1):
        saved = await a.receive_text(100, example, f"m{n}0")
        assert saved.step.waiting.field == "where" and saved.step.waiting.nth == n
        await a.receive_text(100, "In Leeds", f"m{n}1")
        step = await a.skip_followup(100, "r1", 1, n, 1, f"q{n}")
        assert step.waiting.field == "evidence"
        step = await a.skip_followup(100, "r1", 1, n, 2, f"q{n}x")
    assert isinstance(step, Ask) and step.question.id == "role" and step.waiting is None


async def test_a_late_skip_for_an_answered_follow_up_is_refused(fservices):
    a = fservices.answering
    await a.begin(100, "r1")
    await a.receive_text(100, "Buddy scheme", "m1")
    await a.receive_text(100, "In Leeds", "m2")
    with pytest.raises(StaleAction):
        await a.skip_followup(100, "r1", 1, 1, 0, "q1")  # "where" was answered: "who" is not skipped by it
    assert (await a.current(100, "r1")).waiting.field == "who"


async def test_picking_another_option_after_other_changes_the_choice_instead_of_adding_one(fservices):
    a = fservices.answering
    await a.begin(100, "r1")
    await a.receive_text(100, "Buddy scheme", "m1")
    await a.finish_question(100, "r1", 1)
    tapped = await a.tap(100, "r1", 2, "other", "q1")  # Something else: what is it?
    assert tapped.step.waiting.field == "other"
    tapped = await a.tap(100, "r1", 2, "carer", "q2")  # changed their mind: Care worker
    assert tapped.step.question.id == "where"
    async with fservices.env.db.reading() as tx:
        assert [(x.question_id, x.value) for x in await all_answers(tx)] == [
            ("examples", "Buddy scheme"),
            ("role", "carer"),
        ]


async def test_no_example_is_refused_once_an_example_is_given(fservices):
    a = fservices.answering
    await a.begin(100, "r1")
    await a.receive_text(100, "Buddy scheme", "m1")
    with pytest.raises(StaleAction):
        await a.no_example(100, "r1", 1)
