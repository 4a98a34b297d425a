"""Rating cards and long tick lists: a tap answers exactly what the person saw."""

import asyncio

import pytest

from botapi_emulator import ButtonNotFound
from carework_core.answering.service import Item
from carework_core.messaging.messages import OutgoingMessage
from carework_core.storage.answers import all_answers
from tests.conftest import ROOT
from tests.e2e.conftest import toasts
from tests.e2e.test_forged_taps import GONE

WIDE = ROOT / "tests" / "fixtures" / "wide.yaml"
IDEAS = [Item("i1", "Rota apps"), Item("i2", "Peer support"), Item("i3", "Shared notes")]


async def reach_the_first_card(stack, ann):
    """Loads three ideas, opens round 2, answers its role question and returns the first card."""
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))
    await ann.tap("Start")
    await ann.wait_for_reply()
    await ann.tap("Care worker")
    chat = await ann.wait_for(lambda c: "Rota apps" in c[-1].text)
    return chat[-1]


async def rated(stack) -> list[tuple]:
    async with stack.services.env.db.reading() as tx:
        rows = await all_answers(tx)
    return [(a.item_id, a.criterion_id, a.value) for a in rows if a.question_id == "rate"]


async def test_fast_repeat_taps_answer_only_the_card_on_screen(stack):
    ann = await stack.joined("Ann")
    card = await reach_the_first_card(stack, ann)

    async def tap_some():
        try:
            await ann.tap("Some", message_id=card.message_id)
        except ButtonNotFound:
            pass  # the card had already moved on to "How new is this?"

    await asyncio.gather(*(tap_some() for _ in range(10)))
    await ann.wait_for(lambda c: "How new is this?" in c[-1].text)
    await ann.tap("Quite new")
    await ann.wait_for(lambda c: "Peer support" in c[-1].text)
    assert await rated(stack) == [("i1", "evidence", "2"), ("i1", "newness", "2")]


async def test_an_item_card_says_which_idea_it_is(stack):
    ann = await stack.joined("Ann")
    card = await reach_the_first_card(stack, ann)
    assert "Idea 1 of 3" in card.text
    await ann.tap("Some")
    await ann.wait_for(lambda c: "How new is this?" in c[-1].text)
    await ann.tap("Very new")
    second = await ann.wait_for(lambda c: "Peer support" in c[-1].text)
    assert "Idea 2 of 3" in second[-1].text


@pytest.fixture
async def wide_stack(make_stack):
    return await make_stack(WIDE)


async def test_every_option_of_a_long_list_can_be_ticked_and_sent(wide_stack):
    """Also: the invitation shows the round's own title, minutes and closing time."""
    stack = wide_stack
    ann = await stack.joined("Ann")
    assert "Each takes about 7 minutes" in (await ann.chat())[1].text  # the welcome
    await stack.open_round("a-round-with-a-thirty-two-char-i")
    chat = await ann.wait_for(lambda c: any(m.text.startswith("Round 1:") for m in c))
    assert chat[-1].text.startswith(
        "Round 1: Services you use - 1 question, about 7 minutes. Open until Friday 6 March, 17:00."
    )
    await ann.tap("Start")
    question = await ann.wait_for_reply()
    labels = [row[0] for row in question.buttons]
    assert len(labels) == 12
    for label in labels:
        await ann.tap(label)
        await ann.wait_for(lambda c, label=label: [f"✓ {label}"] in c[-1].buttons)
    await ann.tap("Done")
    await ann.wait_for(lambda c: "That is the end of round 1" in c[-1].text)
    ((code, question_id, value),) = await stack.answers()
    assert question_id == "services" and value.split(",") == [
        f"service-option-number-{n:02d}-long-id" for n in range(1, 13)
    ]


async def test_a_choice_button_sent_before_buttons_carried_option_ids_is_told_it_is_out_of_date(stack):
    # Before, a single choice's button carried the option's place ("0"); a message sent then may still be on
    # a phone after the upgrade. Its tap must not store a wrong answer, nor blame the person.
    ann = await stack.joined("Ann")
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))
    await ann.tap("Start")
    await ann.wait_for(lambda c: c[-1].buttons and ["Care worker"] in c[-1].buttons)
    button = {"text": "Care worker", "callback_data": "p|r2|1|0"}
    old = {"chat_id": ann.user_id, "text": "What is your role?", "reply_markup": {"inline_keyboard": [[button]]}}
    await stack.services.outbox.enqueue([OutgoingMessage(ann.user_id, old, "as-sent-before")])
    chat = await ann.wait_for(lambda c: c[-1].text == "What is your role?")
    await ann.tap("Care worker", message_id=chat[-1].message_id)
    assert await toasts(ann, 1) == [GONE]
    assert [a for a in await stack.answers() if a[1] == "role"] == []
