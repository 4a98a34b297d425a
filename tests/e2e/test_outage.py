"""Invitations that outlive a long Bot API outage, and people who come back after blocking the bot."""

import asyncio


def failed_sends(stack) -> int:
    return stack.emulator.stats()["faults_by_kind"].get("server_error", 0)


async def until(predicate, timeout: float = 5.0) -> bool:
    """Waits for predicate() to hold; returns whether it did."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def invited(chat) -> bool:
    return any(m.from_bot and m.text.startswith("Round 1: Wellbeing") for m in chat)


def retries_recorded(caplog) -> int:
    return sum(r.getMessage() == "send failed, will retry" for r in caplog.records)


async def test_an_invitation_outlives_four_hours_of_failed_sends(stack, caplog):
    caplog.set_level("INFO", logger="bot.transport.sender")
    ann = await stack.joined("Ann")
    stack.emulator.begin_outage("sendMessage")
    await stack.open_round("r1")
    for _ in range(16):  # a quarter of an hour at a time, each try failing
        tried = retries_recorded(caplog)
        stack.services.env.clock.advance(minutes=15)
        stack.bot.sender.wake()
        # Wait for the sender to record the failed try (not only for the emulator to refuse it):
        # a clock jump between the two would put the next try past the next jump.
        if not await until(lambda tried=tried: retries_recorded(caplog) > tried, timeout=20):
            break
    assert failed_sends(stack) >= 16 and retries_recorded(caplog) >= 16
    stack.emulator.end_outage()
    stack.services.env.clock.advance(minutes=15)
    stack.bot.sender.wake()
    chat = await ann.wait_for(invited, timeout=10)
    assert [m.text for m in chat if m.from_bot and m.text.startswith("Round 1")] == [chat[-1].text]
    await ann.tap("Start")
    question = await ann.wait_for_reply()
    assert question.text.startswith("Question 1 of 4")


async def test_someone_who_blocked_the_bot_and_wrote_again_is_invited(stack):
    ann = await stack.joined("Ann")
    await ann.block()
    stack.expected_refusals = 1  # Telegram refuses the first invitation: she blocked the bot
    await stack.open_round("r1")
    assert await until(lambda: stack.emulator.stats()["refusals"] == 1)
    await ann.send("Hello again")
    await ann.wait_for(invited, timeout=10)
    await ann.tap("Start")
    question = await ann.wait_for_reply()
    assert question.text.startswith("Question 1 of 4")
