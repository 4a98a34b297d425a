"""Carry-forward of earlier ratings, and when the bot asks someone why they see a card differently."""

import pytest
from openpyxl import load_workbook

from carework_core.answering.carry import carried, dissents, earlier_places, nearest_label
from carework_core.answering.service import Ask, ButtonsExpected, Item, ReasonSaved, RoundDone
from carework_core.answering.steps import Carried
from carework_core.bootstrap import Services
from carework_core.definitions.loading import load_definition
from carework_core.definitions.model import Scale
from carework_core.research.export import export_workbook
from carework_core.storage.reasons import count_reasons, reasons_of
from tests.conftest import ROOT, join

CARRY = ROOT / "tests" / "fixtures" / "carry.yaml"
THREE = Scale(labels=["None", "Some", "A lot"], not_sure=True)
IDEAS = [Item("i1", "Rota apps"), Item("i2", "Peer support")]


def test_the_group_is_named_by_the_label_nearest_its_median():
    assert nearest_label(THREE, 1.0) == "None"
    assert nearest_label(THREE, 1.5) == "Some"  # a half point goes up
    assert nearest_label(THREE, 2.49) == "Some"
    assert nearest_label(THREE, 3.0) == "A lot"


def test_what_is_carried_is_the_earlier_label_and_the_groups():
    assert carried("a", "2", THREE, 2.5) == Carried("a", "2", "Some", 2.5, "A lot")
    assert carried("a", "not_sure", THREE, None) == Carried("a", "not_sure", "Not sure", None, "")
    assert carried("a", "7", THREE, 2.0) is None  # the scale no longer has that point


def test_two_points_from_the_group_is_different_enough_to_ask_why():
    before = Carried("a", "2", "Some", 3.0, "A lot")
    assert dissents("1", before)
    assert not dissents("2", before)
    assert not dissents("1", Carried("a", "2", "Some", 2.5, "A lot"))  # 1.5 points away
    assert not dissents("not_sure", before)
    assert not dissents("1", Carried("a", "2", "Some", None, ""))  # the group is too small to compare
    assert not dissents("1", None)


def test_only_earlier_rounds_asking_the_same_card_on_the_same_scale_count():
    c = load_definition(CARRY)
    a, b = c.round("a"), c.round("b")
    evidence = c.criteria[0]
    assert earlier_places(c, b, b.question("rate"), evidence) == [("a", "rate")]
    assert earlier_places(c, b, b.question("size"), None) == [("a", "size")]
    assert earlier_places(c, a, a.question("rate"), evidence) == []


def test_a_card_of_a_kinds_own_criterion_is_carried_from_the_round_that_rated_that_kind():
    c = load_definition(CARRY)
    by_kind = {"criteria_by_kind": {"innovation": ["evidence"]}, "criteria": []}
    a = c.round("a").model_copy(update={"questions": [c.round("a").question("rate").model_copy(update=by_kind)]})
    c = c.model_copy(update={"rounds": [a, c.round("b")]})
    evidence = c.criteria[0]
    assert earlier_places(c, c.round("b"), c.round("b").question("rate"), evidence) == [("a", "rate")]


@pytest.fixture
async def carry(tmp_path, clock):
    built = await Services.open(tmp_path / "carework.db", CARRY, clock)
    await built.answering.load_items("ideas", IDEAS)
    yield built
    await built.close()


async def rate_round_a(services, telegram_user_id: int, ratings: list[str], size: str = "2") -> None:
    """Answers round a: one rating per idea, then the size question."""
    await services.answering.begin(telegram_user_id, "a")
    for position, value in enumerate(ratings):
        await services.answering.tap(telegram_user_id, "a", 1, value, f"a{telegram_user_id}-{position}", (position, 0))
    await services.answering.tap(telegram_user_id, "a", 2, size, f"a{telegram_user_id}-size")


async def a_closed_with(services, ann_ratings: list[str], others: int = 4, lived: int = 0):
    """Ann and `others` of her group rate round a (the others "A lot" throughout); a closes, b opens."""
    await services.rounds.open_round("a", actor="test")
    for n in range(others):
        await join(services, 200 + n)
        await rate_round_a(services, 200 + n, ["3", "3"], "3")
    for n in range(lived):
        await join(services, 300 + n, group="lived")
        await rate_round_a(services, 300 + n, ["3", "3"], "3")
    await join(services, 1)
    await rate_round_a(services, 1, ann_ratings)
    await services.rounds.close_round("a", actor="test")
    await services.rounds.open_round("b", actor="test")


async def test_a_card_rated_last_time_carries_the_answer_and_the_groups(carry):
    await a_closed_with(carry, ["2", "1"])
    await join(carry, 2)  # Bob joins after round a: he has nothing to carry
    card = await carry.answering.begin(1, "b")
    assert isinstance(card, Ask) and card.item == IDEAS[0]
    assert card.carried == Carried("a", "2", "Some", 3.0, "A lot")
    bobs = await carry.answering.begin(2, "b")
    assert isinstance(bobs, Ask) and bobs.carried is None


async def test_keep_stores_the_same_value_as_a_normal_answer(carry):
    await a_closed_with(carry, ["2", "3"])
    card = await carry.answering.begin(1, "b")
    result = await carry.answering.tap(1, "b", 1, card.carried.value, "keep", (0, 0))
    assert result.stored.labels == ("Some",) and not result.reason_offered
    assert result.step.item == IDEAS[1] and result.step.carried.label == "A lot"


async def test_a_rating_question_asked_again_carries_too(carry):
    await a_closed_with(carry, ["3", "3"], others=4)
    await carry.answering.begin(1, "b")
    await carry.answering.tap(1, "b", 1, "3", "t1", (0, 0))
    result = await carry.answering.tap(1, "b", 1, "3", "t2", (1, 0))
    assert result.step.question.id == "size"
    assert result.step.carried == Carried("a", "2", "Medium", 3.0, "Big")


async def test_a_small_group_is_left_out_and_never_asked_why(carry):
    await a_closed_with(carry, ["3", "3"], others=0, lived=6)  # Ann is alone in her group
    card = await carry.answering.begin(1, "b")
    assert card.carried == Carried("a", "3", "A lot", None, "")
    result = await carry.answering.tap(1, "b", 1, "1", "t1", (0, 0))
    assert not result.reason_offered


async def test_a_group_figure_from_two_ratings_and_three_not_sure_is_not_carried(carry):
    await carry.rounds.open_round("a", actor="test")
    for n, value in enumerate(["3", "not_sure", "not_sure", "not_sure"]):  # Ann's group: 2 ratings of i1
        await join(carry, 200 + n)
        await rate_round_a(carry, 200 + n, [value, "3"], "3")
    await join(carry, 1)
    await rate_round_a(carry, 1, ["1", "2"])
    await carry.rounds.close_round("a", actor="test")
    await carry.rounds.open_round("b", actor="test")
    card = await carry.answering.begin(1, "b")
    assert card.carried == Carried("a", "1", "None", None, "")  # two ratings: no group figure
    assert not (await carry.answering.tap(1, "b", 1, "3", "t1", (0, 0))).reason_offered


async def test_nothing_is_carried_from_a_round_still_open(carry):
    await carry.rounds.open_round("a", actor="test")
    await join(carry, 1)
    await rate_round_a(carry, 1, ["2", "2"])
    await carry.rounds.open_round("b", actor="test")
    card = await carry.answering.begin(1, "b")
    assert card.carried is None


async def reason_count(services, round_id="b") -> tuple[int, list]:
    async with services.env.db.reading() as tx:
        return await count_reasons(tx, round_id), await reasons_of(tx, round_id)


async def test_a_rating_far_from_the_group_offers_a_reason_stored_once(carry):
    await a_closed_with(carry, ["2", "2"])
    await carry.answering.begin(1, "b")
    result = await carry.answering.tap(1, "b", 1, "1", "t1", (0, 0))
    assert result.reason_offered
    saved = await carry.answering.receive_text(1, "Nobody has measured it", "m1")
    assert isinstance(saved, ReasonSaved) and not saved.duplicate
    assert saved.step.item == IDEAS[1] and saved.step.carried.label == "Some"  # the round goes on
    again = await carry.answering.receive_text(1, "Nobody has measured it", "m1")
    assert isinstance(again, ReasonSaved) and again.duplicate
    count, rows = await reason_count(carry)
    assert count == 1 and [(r.code, r.card.item_id, r.rating, r.text) for r in rows] == [
        ("P-0005", "i1", "1", "Nobody has measured it")
    ]
    after = await carry.answering.receive_text(1, "more words", "m2")
    assert isinstance(after, ButtonsExpected)  # only one line is a reason; the card wants a tap


async def test_skip_goes_on_without_a_reason(carry):
    await a_closed_with(carry, ["2", "2"])
    await carry.answering.begin(1, "b")
    await carry.answering.tap(1, "b", 1, "1", "t1", (0, 0))
    step = await carry.answering.skip_reason(1, "b")
    assert isinstance(step, Ask) and step.item == IDEAS[1]
    assert await carry.answering.skip_reason(1, "b") is None  # a second tap on Skip does nothing
    assert await reason_count(carry) == (0, [])


async def test_tapping_something_else_goes_on_without_a_reason(carry):
    await a_closed_with(carry, ["2", "2"])
    await carry.answering.begin(1, "b")
    await carry.answering.tap(1, "b", 1, "1", "t1", (0, 0))
    assert (await carry.answering.begin(1, "b")).item == IDEAS[1]  # Continue from a reminder, say
    assert isinstance(await carry.answering.receive_text(1, "late words", "m1"), ButtonsExpected)
    assert await reason_count(carry) == (0, [])


async def test_the_last_card_far_from_the_group_still_hears_the_reason(carry):
    await a_closed_with(carry, ["3", "3"])
    await carry.answering.begin(1, "b")
    await carry.answering.tap(1, "b", 1, "3", "t1", (0, 0))
    await carry.answering.tap(1, "b", 1, "3", "t2", (1, 0))
    result = await carry.answering.tap(1, "b", 2, "1", "t3")  # Small, where her group said Big
    assert result.reason_offered and isinstance(result.step, RoundDone)
    saved = await carry.answering.receive_text(1, "It is worse at night", "m1")
    assert isinstance(saved, ReasonSaved) and isinstance(saved.step, RoundDone)
    count, rows = await reason_count(carry)
    assert count == 1 and (rows[0].card.question_id, rows[0].card.item_id) == ("size", None)


async def test_reasons_are_exported_under_codes_as_text(carry, tmp_path):
    await a_closed_with(carry, ["2", "2"])
    await carry.answering.begin(1, "b")
    await carry.answering.tap(1, "b", 1, "1", "t1", (0, 0))
    await carry.answering.receive_text(1, "=HYPERLINK(1)", "m1")
    await export_workbook(carry.env, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx")["Answers"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    [explained] = [r for r in rows if r["reason"] is not None]
    assert (explained["participant"], explained["round"], explained["item_id"]) == ("P-0005", "b", "i1")
    assert explained["reason"] == "=HYPERLINK(1)"
    column = header.index("reason") + 1
    row = 2 + rows.index(explained)
    assert sheet.cell(row, column).data_type == "s"  # text, never a formula


async def test_a_replayed_tap_asks_why_only_while_the_offer_waits(carry):
    await a_closed_with(carry, ["2", "2"])
    await carry.answering.begin(1, "b")
    first = await carry.answering.tap(1, "b", 1, "1", "t1", (0, 0))
    replayed = await carry.answering.tap(1, "b", 1, "1", "t1", (0, 0))
    assert first.reason_offered and replayed.reason_offered and replayed.stored == first.stored
    await carry.answering.receive_text(1, "Nobody has measured it", "m1")
    late = await carry.answering.tap(1, "b", 1, "1", "t1", (0, 0))
    assert not late.reason_offered and late.step.item == IDEAS[1] and late.step.carried.label == "Some"
    assert (await reason_count(carry))[0] == 1


async def test_a_round_reopened_and_closed_again_gives_its_new_figures(carry, clock):
    await a_closed_with(carry, ["2", "2"])
    assert (await carry.answering.begin(1, "b")).carried.group_label == "A lot"
    await carry.rounds.reopen_round("a", actor="test")
    assert (await carry.answering.begin(1, "b")).carried is None  # nothing carried from an open round
    for n in range(5):  # five late colleagues say None: the group is now 3,3,3,3,2,1,1,1,1,1
        await join(carry, 400 + n)
        await rate_round_a(carry, 400 + n, ["1", "1"])
    clock.advance(hours=1)
    await carry.rounds.close_round("a", actor="test")
    assert (await carry.answering.begin(1, "b")).carried.group_label == "Some"  # median 1.5, a half goes up
