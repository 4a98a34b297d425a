"""Review and change in the core: only one's own answers, only while the round is open."""

import pytest

from carework_core.answering.review import Changed, Listing, NothingToReview
from carework_core.errors import RoundNotOpen, StaleAction
from carework_core.storage.answers import all_answers
from tests.conftest import join


@pytest.fixture
async def ann(services):
    person = await join(services, 100)
    await services.rounds.open_round("r1", actor="test")
    a = services.answering
    await a.begin(100, "r1")
    await a.receive_text(100, "Buddy schemes", "m1")
    await a.finish_question(100, "r1", 1)
    await a.finish_question(100, "r1", 2, skip=True)
    await a.tap(100, "r1", 3, "3", "q1")
    return person


async def values(services) -> list[tuple[str, str]]:
    async with services.env.db.reading() as tx:
        return [(a.question_id, a.value) for a in await all_answers(tx)]


async def test_someone_elses_answer_cannot_be_changed(services, ann):
    await join(services, 200)
    await services.answering.begin(200, "r1")
    listing = await services.review.listing(100)
    assert isinstance(listing, Listing) and [e.question.id for e in listing.entries] == ["examples", "size"]
    assert await services.review.listing(200) == NothingToReview(1)  # started, nothing answered yet
    with pytest.raises(StaleAction):
        await services.review.change(200, "r1", listing.entries[0].answer_id)
    assert await services.answering.receive_text(200, "Not a change", "m9") is not None
    assert ("examples", "Buddy schemes") in await values(services)


async def test_a_typed_change_replaces_the_answer_once(services, ann):
    listing = await services.review.listing(100)
    await services.review.change(100, "r1", listing.entries[0].answer_id)
    changed = await services.answering.receive_text(100, "Mentors", "m2")
    assert isinstance(changed, Changed) and changed.step.question.id == "where"
    again = await services.answering.receive_text(100, "Mentors", "m2")  # the same message redelivered
    assert not isinstance(again, Changed)
    assert await values(services) == [("examples", "Mentors"), ("size", "3")]


async def test_nothing_changes_after_the_round_closes(services, ann):
    listing = await services.review.listing(100)
    await services.review.change(100, "r1", listing.entries[0].answer_id)
    await services.rounds.close_round("r1", actor="test")
    with pytest.raises(RoundNotOpen):
        await services.review.change(100, "r1", listing.entries[1].answer_id)
    with pytest.raises(RoundNotOpen):
        await services.answering.tap(100, "r1", 3, "1", "q2")
    assert not isinstance(await services.answering.receive_text(100, "Too late", "m3"), Changed)
    assert await values(services) == [("examples", "Buddy schemes"), ("size", "3")]
    assert await services.review.listing(100) == NothingToReview()


async def test_answering_on_instead_of_typing_the_change_forgets_the_change(services, ann, clock):
    listing = await services.review.listing(100)
    await services.review.change(100, "r1", listing.entries[0].answer_id)
    clock.advance(minutes=1)
    await services.answering.tap(100, "r1", 4, "0", "q2")  # the question waiting, not the change
    clock.advance(minutes=1)
    assert not isinstance(await services.answering.receive_text(100, "Later words", "m2"), Changed)
    assert ("examples", "Buddy schemes") in await values(services)
