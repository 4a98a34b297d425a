"""/pause and /resume as a participant meets them: the real bot against the emulator."""

from __future__ import annotations

from carework_core.storage.schedule import logged_actions

PAUSED = "Reminders are paused. You will still hear when a new round opens. Send /resume to get them again."
INVITATION = "Round 1: Wellbeing"
REMINDER = "A reminder: Round 1"


async def ask(user, text: str) -> str:
    await user.send(text)
    return (await user.wait_for_reply()).text


def count(chat, start: str) -> int:
    return sum(m.from_bot and m.text.startswith(start) for m in chat)


async def remind(stack, people: str) -> None:
    """The coordinator asks for a reminder to round r1 and sends it."""
    cora = stack.coordinator
    assert await ask(cora, "/remind r1") == f"Not finished yet in round r1: {people}. Send them a reminder now?"
    await cora.tap("Send reminder")
    await cora.wait_for(lambda chat: chat[-1].text.startswith("Reminder to round r1 is on its way"))


async def reminders_sent(stack) -> list[int]:
    async with stack.services.env.db.reading() as tx:
        return [a.recipients for a in await logged_actions(tx) if a.action == "remind"]


async def test_a_paused_person_is_invited_once_but_not_reminded_until_they_resume(stack):
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    assert await ask(ann, "/pause") == PAUSED
    assert await ask(ann, "/pause") == "Reminders are already paused. Send /resume to get them again."

    await stack.open_round("r1")
    await ann.wait_for(lambda chat: count(chat, INVITATION) == 1)  # a new round's invitation still comes
    await bob.wait_for(lambda chat: count(chat, INVITATION) == 1)
    await stack.bot.reconcile_now()
    assert count(await ann.chat(), INVITATION) == 1  # once

    await remind(stack, "1 person")
    await bob.wait_for(lambda chat: count(chat, REMINDER) == 1)
    assert await reminders_sent(stack) == [1]
    assert count(await ann.chat(), REMINDER) == 0

    assert await ask(ann, "/resume") == "Reminders are back on."
    assert await ask(ann, "/resume") == "Reminders are already on. Send /pause to stop them for a while."
    await remind(stack, "1 person (and 1 person left out: reminded in the last 12 hours)")
    await ann.wait_for(lambda chat: count(chat, REMINDER) == 1)
    assert await reminders_sent(stack) == [1, 1]  # Bob had his within the reminder gap


async def test_an_announcement_skips_a_paused_person(stack):
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    await ask(ann, "/pause")
    cora = stack.coordinator
    await ask(cora, "/announce workforce")
    assert await ask(cora, "Tea on Friday") == "This goes to 1 person (workforce):\n\nTea on Friday"
    await cora.tap("Send")
    await cora.wait_for(lambda chat: chat[-1].text == "Announcement queued for 1 person.")
    await bob.wait_for(lambda chat: chat[-1].text == "Tea on Friday")
    assert all(m.text != "Tea on Friday" for m in await ann.chat())
    assert (await stack.services.coordinators.announcement(1)).recipients == 1


async def test_help_lists_pause_and_resume_and_a_stranger_is_told_how_to_join(stack):
    ann = await stack.joined("Ann")
    listed = await ask(ann, "/help")
    assert "/pause: Stop reminders and news for a while\n/resume: Get reminders and news again" in listed
    stranger = await stack.person("Sam")
    assert await ask(stranger, "/pause") == (
        "To take part you need an invite link from the research team. Please ask them for one."
    )
    assert await stack.services.onboarding.participant(stranger.user_id) is None


async def test_a_paused_person_is_not_told_that_a_round_they_left_has_closed(stack):
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    assert await ask(ann, "/pause") == PAUSED
    await stack.open_round("r1")
    for person in (ann, bob):
        await person.wait_for(lambda chat: count(chat, INVITATION) == 1)
    await stack.services.rounds.close_round("r1", actor="test")
    await stack.bot.reconcile_now()
    await bob.wait_for(lambda chat: count(chat, "Round 1 has closed") == 1)
    await ann.send("/help")  # replies leave in order, so a notice queued earlier would arrive first
    chat = await ann.wait_for(lambda c: c[-1].text.startswith("This is Mini consultation"))
    assert count(chat, "Round 1 has closed") == 0
