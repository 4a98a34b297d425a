"""A person is reminded about a round at most once in the definition's reminder_gap (12 hours unless
it says otherwise), however the reminder was asked for: /remind, `carework remind` or the schedule."""

from __future__ import annotations

from tests.e2e.test_coordinators import ask, invited

REMINDER = "A reminder: Round 1"


def reminders(chat) -> int:
    return sum(m.text.startswith(REMINDER) for m in chat if m.from_bot)


async def remind(cora) -> None:
    await ask(cora, "/remind r1")
    await cora.tap("Send reminder")
    await cora.wait_for(lambda chat: chat[-1].text.startswith("Reminder to round r1"))


async def test_remind_three_times_in_a_row_reminds_once_until_the_gap_has_passed(stack):
    alice = await stack.joined("Alice")
    cora = stack.coordinator
    await stack.open_round("r1")
    await invited(alice)
    await remind(cora)
    await alice.wait_for(lambda chat: reminders(chat) == 1)
    for _ in range(2):
        said = await ask(cora, "/remind r1")
        assert said.startswith("everyone waiting in round r1 (1 person) had a reminder less than 12 hours ago.")
        assert "The next can go from " in said
    stack.services.env.clock.advance(hours=12, minutes=1)
    await remind(cora)
    await alice.wait_for(lambda chat: reminders(chat) == 2)  # the second comes only after the gap
    await ask(alice, "/help")  # anything queued before this reply has been delivered
    assert reminders(await alice.chat()) == 2
