"""Each person's updates are handled in the order they sent them, and different people's at once."""

import asyncio

from telegram import Update
from telegram.ext import ExtBot, TypeHandler

from tests.e2e.test_round import start_round


def slow_for(stack, user, delays: list[float] | None = None) -> asyncio.Event:
    """A fault in front of every handler: this person's updates wait (each its own delay, or until
    the returned event is set); everyone else's go straight through."""
    released = asyncio.Event()

    async def hold(update: Update, context) -> None:
        if update.effective_user is None or update.effective_user.id != user.user_id:
            return
        if delays:
            await asyncio.sleep(delays.pop(0))
        else:
            await released.wait()

    stack.bot.app.add_handler(TypeHandler(Update, hold), group=-9)
    return released


async def test_a_person_stuck_in_slow_work_holds_up_nobody_else(stack):
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    released = slow_for(stack, ann)
    await ann.send("Hello?")
    await asyncio.sleep(0.5)  # the bot has Ann's message and is stuck in it
    await bob.send("Hello?")
    reply = await bob.wait_for_reply(timeout=5)  # Bob is answered while Ann waits
    assert (await ann.chat())[-1].text == "Hello?"
    released.set()
    answered = await ann.wait_for_reply(timeout=5)
    assert answered.text == reply.text  # then Ann gets the same answer


async def test_rapid_taps_and_messages_are_handled_in_the_order_sent(telegram_paced):
    stack = telegram_paced  # at five times the pace the tap on the older copy is refused as stale: not yet understood
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    await ann.send("Buddy scheme")
    saved = await ann.wait_for_reply()
    # Each later update would be done first if her updates ran side by side: the first waits longest.
    slow_for(stack, ann, delays=[0.8, 0.6, 0.4, 0.2])
    await ann.tap("Add another example", message_id=saved.message_id)
    await ann.send("Wellbeing walks")
    await ann.tap("Next question", message_id=saved.message_id)
    await ann.send("Nothing more")
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 3 of 4"), timeout=10)
    assert await stack.answers() == [
        ("P-0001", "examples", "Buddy scheme"),
        ("P-0001", "examples", "Wellbeing walks"),
        ("P-0001", "more", "Nothing more"),
    ]


async def test_the_next_question_never_waits_for_telegram_to_confirm_the_tap(stack, monkeypatch):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    await ann.send("Buddy scheme")
    await ann.wait_for_reply()
    confirmed = asyncio.Event()
    answer = ExtBot.answer_callback_query

    async def slow_answer(self, *args, **kwargs):  # Telegram is slow to confirm the tap
        await confirmed.wait()
        return await answer(self, *args, **kwargs)

    monkeypatch.setattr(ExtBot, "answer_callback_query", slow_answer)
    await ann.tap("Next question")
    second = await ann.wait_for(lambda c: c[-1].text.startswith("Question 2 of 4"), timeout=5)
    assert second[-1].buttons == [["Skip this question"]]
    confirmed.set()
