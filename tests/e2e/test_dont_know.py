"""'I don't know this idea': one tap passes every criterion of an idea, stored once, changeable in /review."""

import pytest

from tests.e2e.conftest import caught_up
from tests.e2e.test_cards import rated, reach_the_first_card
from tests.e2e.test_carry_forward import CARRY, colleague_rates_round_a, rated_in
from tests.e2e.test_carry_forward import IDEAS as CARRIED_IDEAS
from tests.e2e.test_review import review

DONT_KNOW = "I don't know this idea"


def forged_tap(ann, query_id: str, data: str, message_id: int) -> dict:
    """Returns a callback query as Telegram would send it, for a redelivered or forged tap."""
    return {
        "callback_query": {
            "id": query_id,
            "chat_instance": "1",
            "data": data,
            "from": {"id": ann.user_id, "is_bot": False, "first_name": "Ann"},
            "message": {
                "message_id": message_id,
                "date": 1767600000,
                "text": "x",
                "chat": {"id": ann.user_id, "type": "private"},
            },
        }
    }


async def test_one_tap_passes_the_idea_and_a_redelivered_tap_stores_nothing_twice(stack):
    ann = await stack.joined("Ann")
    card = await reach_the_first_card(stack, ann)
    assert card.buttons == [["None"], ["Some"], ["A lot"], ["Not sure"], [DONT_KNOW]]
    query_id = await ann.tap(DONT_KNOW)
    chat = await ann.wait_for(lambda c: "Peer support" in c[-1].text)
    assert chat[-1].message_id == card.message_id  # the card moved on in place, as a rating tap does
    assert "Idea 2 of 3" in chat[-1].text and "How much evidence" in chat[-1].text
    await stack.client.raw_update(forged_tap(ann, query_id, "dk|r2|2|0|0", card.message_id))  # redelivered
    await stack.client.raw_update(forged_tap(ann, "forged-1", "dk|r2|2|2|0", card.message_id))  # a card not seen
    await stack.client.raw_update(forged_tap(ann, "forged-2", "dk|r2|2|x|0", card.message_id))  # not a number
    # Telegram refuses answers to queries it never issued (or answered already), and the redelivered tap's
    # edit of the card to what it already shows ("message is not modified"), as for any redelivered rating.
    stack.expected_refusals = 4
    await caught_up(ann)
    assert await rated(stack) == [("i1", "evidence", "dont_know"), ("i1", "newness", "dont_know")]
    (still,) = [m for m in await ann.chat() if m.message_id == card.message_id]
    assert "Peer support" in still.text  # nothing passed the second idea


async def test_a_half_rated_idea_passes_only_what_is_left_and_the_round_can_finish(stack):
    ann = await stack.joined("Ann")
    await reach_the_first_card(stack, ann)
    await ann.tap("Some")
    await ann.wait_for(lambda c: "How new is this?" in c[-1].text)
    await ann.tap(DONT_KNOW)
    await ann.wait_for(lambda c: "Peer support" in c[-1].text)
    for title in ("Shared notes", "That is the end of round 2"):
        await ann.tap(DONT_KNOW)
        await ann.wait_for(lambda c, title=title: title in c[-1].text)
    assert await rated(stack) == [
        ("i1", "evidence", "2"),
        ("i1", "newness", "dont_know"),
        *((i, k, "dont_know") for i in ("i2", "i3") for k in ("evidence", "newness")),
    ]


async def test_review_shows_it_and_changes_it_like_any_answer(stack):
    ann = await stack.joined("Ann")
    await reach_the_first_card(stack, ann)
    await ann.tap(DONT_KNOW)
    await ann.wait_for(lambda c: "Peer support" in c[-1].text)
    listed = await review(ann)
    assert f"Rota apps (Evidence)\n{DONT_KNOW}" in listed.text and f"Rota apps (Newness)\n{DONT_KNOW}" in listed.text
    await ann.tap("Change 2")  # 1 is the role; 2 is Rota apps on Evidence
    asked = await ann.wait_for_reply()
    assert f"Your answer now: {DONT_KNOW}" in asked.text
    await ann.tap("A lot")
    await ann.wait_for(lambda c: "Peer support" in c[-1].text and "How much evidence" in c[-1].text)
    assert await rated(stack) == [("i1", "evidence", "3"), ("i1", "newness", "dont_know")]
    await ann.tap("Change 2", message_id=listed.message_id)
    await ann.wait_for(lambda c: "Your answer now: A lot" in c[-1].text)
    await ann.tap(DONT_KNOW)  # back again: this one card only
    await ann.wait_for(lambda c: "Peer support" in c[-1].text and "How much evidence" in c[-1].text)
    assert await rated(stack) == [("i1", "evidence", "dont_know"), ("i1", "newness", "dont_know")]


@pytest.fixture
async def carry_stack(make_stack):
    return await make_stack(CARRY)


async def test_a_later_round_says_the_person_did_not_know_the_idea_last_time(carry_stack):
    stack = carry_stack
    ann = await stack.joined("Ann")
    colleagues = [await stack.joined(f"Worker{n}") for n in range(4)]
    await stack.services.answering.load_items("ideas", CARRIED_IDEAS)
    await stack.open_round("a")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1: First ratings") for m in c))
    await ann.tap("Start")
    await ann.wait_for(lambda c: "Rota apps" in c[-1].text)
    for label, next_card in ((DONT_KNOW, "Peer support"), ("Some", "Shared notes"), ("A lot", "staff wellbeing")):
        await ann.tap(label)
        await ann.wait_for(lambda c, text=next_card: text in c[-1].text)
    await ann.tap("Medium")
    await ann.wait_for(lambda c: "That is the end of round 1" in c[-1].text)
    for user in colleagues:
        await colleague_rates_round_a(stack, user)
    await stack.services.rounds.close_round("a", actor="test")
    await stack.open_round("b")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 2: Second ratings") for m in c))
    await ann.tap("Start")
    card = (await ann.wait_for(lambda c: "Rota apps" in c[-1].text))[-1]
    assert card.text.endswith("Last time you did not know this idea. Rate it if you know it now.")
    assert card.buttons == [["None"], ["Some"], ["A lot"], ["Not sure"], [DONT_KNOW]]  # no Keep: the last row is it
    await ann.tap("Some")
    second = (await ann.wait_for(lambda c: "Peer support" in c[-1].text))[-1]
    assert "Last time you said Some (your group: A lot). Keep or change?" in second.text
    assert await rated_in(stack, "b") == [("rate", "i1", "2")]
