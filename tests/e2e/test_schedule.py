"""A round that runs itself: the real bot opens, reminds and closes it on its schedule, with no command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from carework_core.rounds.lifecycle import RoundStatus
from carework_core.storage.schedule import logged_actions
from tests.conftest import MINI
from tests.e2e.conftest import caught_up

REMINDER = "A reminder:"


def scheduled(folder: Path, opens: datetime, reminder: datetime, closes: datetime) -> Path:
    """Writes the mini definition with round r1 on a schedule (times in UTC)."""
    definition = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    definition["timezone"] = "UTC"
    fmt = "%Y-%m-%d %H:%M:%S"
    definition["rounds"][0]["schedule"] = {
        "opens": opens.strftime(fmt),
        "reminders": [reminder.strftime(fmt)],
        "closes": closes.strftime(fmt),
    }
    path = folder / "scheduled.yaml"
    path.write_text(yaml.safe_dump(definition), encoding="utf-8")
    return path


async def finish_round_one(user) -> None:
    await user.tap("Start")
    await user.wait_for(lambda c: c[-1].text.startswith("Question 1 of 4"))
    await user.send("Rota swaps by text")
    await user.wait_for(lambda c: c[-1].text == "Saved. Thank you.")
    await user.tap("Next question")
    await user.wait_for(lambda c: c[-1].text.startswith("Question 2 of 4"))
    await user.tap("Skip this question")
    await user.wait_for(lambda c: c[-1].text.startswith("Question 3 of 4"))
    await user.tap("Big")
    await user.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    await user.tap("Home care")
    await user.wait_for(lambda c: ["✓ Home care"] in c[-1].buttons)
    await user.tap("Done")
    await user.wait_for(lambda c: "Thank you" in c[-1].text and not c[-1].buttons)


def texts(chat) -> list[str]:
    return [m.text for m in chat if m.from_bot]


async def test_a_scheduled_round_opens_reminds_only_those_not_finished_and_closes(make_stack, tmp_path):
    now = datetime.now(UTC)
    survey = scheduled(tmp_path, now + timedelta(seconds=5), now + timedelta(hours=1), now + timedelta(hours=2))
    stack = await make_stack(survey)
    assert (await stack.services.rounds.statuses())["r1"] == RoundStatus.DRAFT
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    # No command: the bot's own wake-up opens the round and invites both.
    for person in (ann, bob):
        await person.wait_for(lambda c: any("Round 1: Wellbeing examples" in t for t in texts(c)), timeout=15)
    await finish_round_one(ann)
    await bob.tap("Start")
    await bob.wait_for(lambda c: c[-1].text.startswith("Question 1 of 4"))

    stack.services.env.clock.advance(hours=1)  # the reminder is due; the next reconcile sends it
    reminded = await bob.wait_for(lambda c: any(REMINDER in t for t in texts(c)), timeout=10)
    reminder = next(m for m in reminded if m.from_bot and REMINDER in m.text)
    assert "4 questions left" in reminder.text and reminder.buttons == [["Continue"]]

    stack.services.env.clock.advance(hours=1)
    await bob.wait_for(lambda c: any("has closed" in t for t in texts(c)), timeout=10)
    assert (await stack.services.rounds.statuses())["r1"] == RoundStatus.CLOSED
    await stack.bot.reconcile_now()  # a later reconcile owes nobody anything more
    await caught_up(ann, bob)
    assert not any(REMINDER in t for t in texts(await ann.chat()))
    assert sum(REMINDER in t for t in texts(await bob.chat())) == 1
    async with stack.services.env.db.reading() as tx:
        log = {a.key: (a.outcome, a.recipients) for a in await logged_actions(tx)}
    assert log["remind:r1:1"] == ("done", 1)
    assert [k for k in log if k.startswith("open:")] == ["open:r1"]


async def test_a_restart_during_an_open_round_sends_no_invitation_or_reminder_twice(make_stack, tmp_path):
    now = datetime.now(UTC)
    survey = scheduled(tmp_path, now - timedelta(minutes=1), now + timedelta(hours=1), now + timedelta(hours=3))
    stack = await make_stack(survey)
    clock = stack.services.env.clock
    people = [await stack.joined(name) for name in ("Ann", "Bob", "Cy")]
    for person in people:
        await person.wait_for(lambda c: any("Round 1" in t for t in texts(c)), timeout=15)
    await stack.restart(reopen=True)
    clock.advance(hours=1, minutes=1)
    for person in people:
        await person.wait_for(lambda c: any(REMINDER in t for t in texts(c)), timeout=10)
    await stack.restart(reopen=True)
    await stack.bot.reconcile_now()
    await caught_up(*people)
    for person in people:
        chat = texts(await person.chat())
        assert sum("Tap Start when you are ready" in t for t in chat) == 1
        assert sum(REMINDER in t for t in chat) == 1


async def test_an_extended_round_shows_its_new_closing_time_to_someone_coming_back(stack):
    ann = await stack.joined("Ann")
    await stack.open_round("r1")
    await ann.wait_for(lambda c: any("Tap Start when you are ready" in t for t in texts(c)))
    until = datetime(2036, 1, 25, 21, 0, tzinfo=UTC)  # Europe/London is on UTC in January
    await stack.services.plans.extend("r1", until, actor="test")
    await ann.send("/start")
    back = await ann.wait_for(lambda c: c[-1].text.startswith("Round 1:"))
    assert "Open until Friday 25 January, 21:00." in back[-1].text
