import pytest

from carework_core.answering.service import (
    Ask,
    ButtonsExpected,
    Item,
    NothingToAnswer,
    RoundDone,
    StoredAnswer,
    TextSaved,
)
from carework_core.answering.whereabouts import NoRoundOpen, RoundClosed, ToStart
from carework_core.errors import (
    AnswerRejected,
    CareworkError,
    IllegalTransition,
    NotRegistered,
    RoundNotOpen,
    StaleAction,
)
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.next_round import NextRound
from carework_core.storage.answers import all_answers, finished_at
from tests.conftest import join


async def stored(services, question_id: str | None = None) -> list:
    """Returns the stored answers (of one question, if named) as (question id, value) pairs."""
    async with services.env.db.reading() as tx:
        rows = await all_answers(tx)
    return [(a.question_id, a.value) for a in rows if question_id in (None, a.question_id)]


@pytest.fixture
async def ann(services):
    person = await join(services, 100)
    await services.rounds.open_round("r1", actor="test")
    return person


async def test_a_whole_round_in_order(services, ann):
    a = services.answering
    step = await a.begin(100, "r1")
    assert isinstance(step, Ask) and step.question.id == "examples" and (step.number, step.total) == (1, 4)
    saved = await a.receive_text(100, "Buddy schemes for new staff", "m1")
    assert isinstance(saved, TextSaved) and saved.step.examples_given == 1 and saved.was_example
    saved = await a.receive_text(100, "Wellbeing days", "m2")
    assert saved.step.examples_given == 2
    step = await a.finish_question(100, "r1", 1)
    assert step.question.id == "more"
    step = await a.finish_question(100, "r1", 2, skip=True)
    assert step.question.id == "size"
    tapped = await a.tap(100, "r1", 3, "not_sure", "q1")
    assert tapped.step.question.id == "where" and tapped.stored.labels == ("Not sure",) and not tapped.same_card
    tapped = await a.tap(100, "r1", 4, "2,0", "q2")  # the buttons name options by place
    assert tapped.stored == StoredAnswer("home,other", ("Home care", "Somewhere else"))
    done = tapped.step
    assert isinstance(done, RoundDone) and done.round_number == 1
    assert await stored(services) == [
        ("examples", "Buddy schemes for new staff"),
        ("examples", "Wellbeing days"),
        ("size", "not_sure"),
        ("where", "home,other"),
    ]
    async with services.env.db.reading() as tx:
        assert await finished_at(tx, ann.id, "r1") is not None


async def test_examples_stop_at_the_maximum(services, ann):
    a = services.answering
    await a.begin(100, "r1")
    for n in range(3):
        saved = await a.receive_text(100, f"example {n}", f"m{n}")
    assert saved.step.question.id == "more"  # the third example filled the question


async def test_redelivered_message_is_stored_once(services, ann):
    a = services.answering
    await a.begin(100, "r1")
    first = await a.receive_text(100, "same", "m7")
    again = await a.receive_text(100, "same", "m7")
    assert not first.duplicate and again.duplicate
    assert len(await stored(services)) == 1


async def test_redelivered_tap_is_stored_once(services, ann):
    a = services.answering
    await a.begin(100, "r1")
    await a.receive_text(100, "x", "m1")
    await a.finish_question(100, "r1", 1)
    await a.finish_question(100, "r1", 2, skip=True)
    first = await a.tap(100, "r1", 3, "2", "q9")
    again = await a.tap(100, "r1", 3, "2", "q9")  # same callback again: no error, no new row
    assert again == first and again.step.question.id == "where" and again.stored.labels == ("Medium",)
    assert await stored(services, "size") == [("size", "2")]


async def test_stale_and_wrong_answers_change_nothing(services, ann):
    a = services.answering
    await a.begin(100, "r1")
    with pytest.raises(StaleAction):
        await a.tap(100, "r1", 3, "1", "q1")  # not the current question
    with pytest.raises(AnswerRejected):
        await a.finish_question(100, "r1", 1)  # no example typed yet
    with pytest.raises(AnswerRejected):
        await a.finish_question(100, "r1", 1, skip=True)  # required
    await a.receive_text(100, "x", "m1")
    await a.finish_question(100, "r1", 1)
    await a.finish_question(100, "r1", 2, skip=True)
    for bad in ("0", "4", "maybe", ""):
        with pytest.raises(AnswerRejected):
            await a.tap(100, "r1", 3, bad, f"q-{bad}")
    assert len(await stored(services)) == 1


async def test_typing_at_a_button_question_or_with_nothing_open(services, ann):
    a = services.answering
    assert isinstance(await a.receive_text(100, "hello", "m1"), NothingToAnswer)  # round not started
    await a.begin(100, "r1")
    await a.receive_text(100, "x", "m2")
    await a.finish_question(100, "r1", 1)
    await a.receive_text(100, "extra thoughts", "m3")  # the optional text question
    assert isinstance(await a.receive_text(100, "words", "m4"), ButtonsExpected)


async def test_closed_round_refuses_answers(services, ann):
    await services.answering.begin(100, "r1")
    await services.rounds.close_round("r1", actor="test")
    with pytest.raises(RoundNotOpen):
        await services.answering.tap(100, "r1", 1, "1", "q1")
    assert isinstance(await services.answering.receive_text(100, "late", "m1"), NothingToAnswer)


async def test_only_consented_people_in_the_rounds_groups(services, ann):
    await join(services, 200, group="lived")
    await services.answering.load_items("ideas", [Item("i1", "Rota apps")])
    await services.rounds.open_round("r2", actor="test")
    with pytest.raises(StaleAction):
        await services.answering.begin(200, "r2")  # r2 is for the workforce only
    with pytest.raises(NotRegistered):
        await services.answering.begin(999, "r1")


async def test_item_rating_walks_items_and_criteria(services, ann):
    a = services.answering
    await a.load_items("ideas", [Item("i1", "Rota apps"), Item("i2", "Peer support")])
    await services.rounds.open_round("r2", actor="test")
    await a.begin(100, "r2")
    step = (await a.tap(100, "r2", 1, "carer", "q1")).step
    seen = []
    source = 2
    while isinstance(step, Ask):
        seen.append((step.item.id, step.criterion.id, step.card, step.items_total))
        tapped = await a.tap(100, "r2", 2, "1", f"q{source}", step.card)
        step, source = tapped.step, source + 1
        assert tapped.same_card == isinstance(step, Ask)  # the card's message moves on while cards are left
    assert seen == [
        ("i1", "evidence", (0, 0), 2),
        ("i1", "newness", (0, 1), 2),
        ("i2", "evidence", (1, 0), 2),
        ("i2", "newness", (1, 1), 2),
    ]
    assert isinstance(step, RoundDone)


async def test_item_rating_refuses_a_tap_for_another_card(services, ann):
    a = services.answering
    await a.load_items("ideas", [Item("i1", "Rota apps"), Item("i2", "Peer support")])
    await services.rounds.open_round("r2", actor="test")
    await a.begin(100, "r2")
    await a.tap(100, "r2", 1, "carer", "q1")
    await a.tap(100, "r2", 2, "2", "q2", (0, 0))
    for card in ((0, 0), (1, 0), None):  # a repeat tap on the first card, a card not yet shown, no card
        with pytest.raises(StaleAction):
            await a.tap(100, "r2", 2, "2", f"q-{card}", card)
    assert len(await stored(services, "rate")) == 1


async def test_whereabouts_when_nothing_is_waiting(services, ann):
    a = services.answering
    assert await a.whereabouts(100) == ToStart(services.env.consultation.rounds[0], 1)
    typed = await a.receive_text(100, "too early", "m1")
    assert typed == NothingToAnswer(ToStart(services.env.consultation.rounds[0], 1))
    await a.begin(100, "r1")
    assert isinstance(await a.whereabouts(100), Ask)
    await services.rounds.close_round("r1", actor="test")
    r1, r2 = services.env.consultation.rounds
    closed = RoundClosed(r1, 1, NextRound(r2, 2))  # ann's group's next round, not yet planned
    assert (await a.receive_text(100, "too late", "m2")).where == closed
    await join(services, 300)
    assert await a.whereabouts(300) == NoRoundOpen()  # joined after round 1 closed


async def test_an_item_rating_round_without_items_cannot_open(services, ann):
    with pytest.raises(
        IllegalTransition,
        match="round r2 cannot open: question rate rates the item set 'ideas', which has no items yet",
    ):
        await services.rounds.open_round("r2", actor="test")
    assert (await services.rounds.statuses())["r2"] == RoundStatus.DRAFT
    with pytest.raises(RoundNotOpen):
        await services.answering.begin(100, "r2")


async def test_items_cannot_change_once_their_round_has_opened(services, ann):
    a = services.answering
    await a.load_items("ideas", [Item("i1", "Rota apps")])
    await services.rounds.open_round("r2", actor="test")
    await a.begin(100, "r2")
    await a.load_items("ideas", [Item("i1", "Rota apps")])  # the same items again change nothing
    with pytest.raises(CareworkError, match="item set 'ideas' cannot change: round r2 has opened"):
        await a.load_items("ideas", [Item("i1", "Rota apps"), Item("i2", "Peer support")])
    step = (await a.tap(100, "r2", 1, "manager", "q1")).step
    assert (step.item, step.criterion.id) == (Item("i1", "Rota apps"), "evidence")


async def test_reading_a_position_changes_nothing(services, ann):
    a = services.answering
    await a.begin(100, "r1")
    await a.receive_text(100, "x", "m1")
    await a.finish_question(100, "r1", 1)
    await a.finish_question(100, "r1", 2, skip=True)
    await a.tap(100, "r1", 3, "1", "q1")
    assert (await a.toggle(100, "r1", 4)).question.id == "where"  # the tick belongs to the waiting question
    assert await a.toggle(100, "r1", 3) is None
    assert not (await a.add_example(100, "r1", 1)).waiting
    async with services.env.db.reading() as tx:
        assert await finished_at(tx, ann.id, "r1") is None
    done = (await a.tap(100, "r1", 4, "1", "q2")).step
    assert isinstance(done, RoundDone) and isinstance(await a.current(100, "r1"), RoundDone)
    async with services.env.db.reading() as tx:
        assert await finished_at(tx, ann.id, "r1") is not None  # the last answer's write finished the round


async def test_loading_items_again_with_a_new_translation_stores_it(services):
    from carework_core.definitions.local_text import LocalText
    from carework_core.storage.items import item_rows

    await services.answering.load_items(
        "ideas", [Item("i1", LocalText("Rota apps", {"en": "Rota apps", "cy": "Apiau"}))]
    )
    fixed = LocalText("Rota apps", {"en": "Rota apps", "cy": "Apiau rota"})
    await services.answering.load_items("ideas", [Item("i1", fixed)])
    async with services.env.db.reading() as tx:
        [(_, text)] = await item_rows(tx, "ideas")
    assert text.in_language("cy") == "Apiau rota"
