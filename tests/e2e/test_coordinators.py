"""The consultation team inside Telegram: the real bot against the emulator, a coordinator named in
CAREWORK_COORDINATORS (Cora), and participants who must never get past the team's commands."""

from __future__ import annotations

import asyncio
import logging

from carework_core.rounds.lifecycle import RoundStatus
from carework_core.storage.audit import audit_entries
from tests.e2e.conftest import caught_up

REFUSED = "This command is for the consultation team."


async def ask(user, text: str) -> str:
    await user.send(text)
    return (await user.wait_for_reply()).text


async def audit(stack) -> list[tuple[str, str, str]]:
    async with stack.services.env.db.reading() as tx:
        return [(actor, action, subject) for actor, action, subject, _ in await audit_entries(tx)]


async def invited(user) -> None:
    await user.wait_for(lambda chat: any(m.text.startswith("Round 1: Wellbeing") for m in chat))


async def test_everyone_else_is_refused_and_nothing_happens(stack, caplog):
    alice = await stack.joined("Alice")
    stranger = await stack.person("Sam")
    caplog.set_level(logging.INFO, logger="bot.team")
    for person in (alice, stranger):
        for command in ("/open r1", "/status", "/announce all", "/invite coordinator", "/remind r1"):
            assert await ask(person, command) == REFUSED
    assert (await stack.services.rounds.statuses())["r1"] == RoundStatus.DRAFT
    assert [a for a in await audit(stack) if a[1] != "create_invites"] == []
    refused = [r for r in caplog.records if r.getMessage() == "team command refused"]
    assert [r.participant for r in refused] == ["P-0001"] * 5 + ["unregistered"] * 5
    logged = " ".join(f"{r.getMessage()} {vars(r)}" for r in refused)
    assert str(alice.user_id) not in logged and str(stranger.user_id) not in logged


async def test_a_forged_team_button_is_refused(stack):
    alice = await stack.joined("Alice")
    await stack.open_round("r1")
    await invited(alice)
    chat = {"id": alice.user_id, "type": "private"}
    forged = {
        "id": "forged-1",
        "chat_instance": "1",
        "data": "rm|r1|0|1",
        "from": {"id": alice.user_id, "is_bot": False, "first_name": "Alice"},
        "message": {"message_id": 1, "date": 1767600000, "text": "x", "chat": chat},
    }
    await stack.client.raw_update({"callback_query": forged})
    stack.expected_refusals = 1  # Telegram refuses the answer to a query it never issued
    for _ in range(200):  # the refused toast is the bot's last act on this update
        if stack.emulator.stats()["refusals"]:
            break
        await asyncio.sleep(0.05)
    assert stack.emulator.stats()["refusals"] == 1
    assert (await stack.services.plans.plan("r1")).reminders == ()


async def test_open_status_and_close_from_telegram(stack):
    alice = await stack.joined("Alice")
    await stack.joined("Bob", group="lived")
    cora = stack.coordinator
    assert await ask(cora, "/open r1") == "Round r1 is now open. Invitations go out within seconds."
    await invited(alice)
    await alice.tap("Start")
    await alice.wait_for_reply()
    report = await ask(cora, "/status")
    assert report.splitlines() == [
        "Round r1 (open)",
        "  workforce: invited 1, started 1, finished 0 (0%), unreachable 0",
        "  lived: invited 1, started 0, finished 0 (0%), unreachable 0",
    ]
    assert await ask(cora, "/close r1") == "Round r1 is now closed."
    assert (await stack.services.rounds.statuses())["r1"] == RoundStatus.CLOSED
    await cora.send("/open nope")  # the reconcile may tell Cora of r1's drafted summary meanwhile
    await cora.wait_for(lambda chat: any(m.text == "there is no round called 'nope'; rounds are r1, r2" for m in chat))
    # The schedule may draft r1's summary once it has closed: only the coordinator's own acts count here.
    assert [a for a in await audit(stack) if a[0] == "coordinator:1"] == [
        ("coordinator:1", "open_round", "r1"),
        ("coordinator:1", "close_round", "r1"),
    ]


async def test_extend_shows_in_the_plan(stack):
    cora = stack.coordinator
    await stack.open_round("r1")
    said = await ask(cora, "/extend r1 2099-03-06 17:00")
    assert said == "Round r1 now closes Fri 6 Mar 2099 17:00."
    plan = await ask(cora, "/rounds")
    assert "r1\topen\n  opens not set, closes Fri 6 Mar 2099 17:00 (changed)" in plan
    assert await ask(cora, "/extend r1 yesterday") == (
        "cannot read 'yesterday' as a time: write 2026-01-25 21:00, 2026-01-25, or +3d"
    )
    assert ("coordinator:1", "plan_closes", "r1") in await audit(stack)


async def test_remind_says_how_many_and_asks_first(stack):
    alice = await stack.joined("Alice")
    cora = stack.coordinator
    await stack.open_round("r1")
    await invited(alice)
    question = await ask(cora, "/remind r1")
    assert question == "Not finished yet in round r1: 1 person. Send them a reminder now?"
    assert (await stack.services.plans.plan("r1")).reminders == ()
    asked = (await cora.chat())[-1]
    await cora.tap("Send reminder")
    done = await cora.wait_for(lambda chat: chat[-1].text.startswith("Reminder to round r1"))
    assert done[-1].text == "Reminder to round r1 is on its way to 1 person."
    assert [m.buttons for m in done if m.message_id == asked.message_id] == [[]]  # one tap is enough
    (reminder,) = (await stack.services.plans.plan("r1")).reminders
    assert reminder.manual and not reminder.cancelled
    assert "  reminder 1: " in await ask(cora, "/rounds")
    assert ("coordinator:1", "plan_add_reminder", "r1") in await audit(stack)
    # The running bot's schedule sends it with no restart, once, to the one who has not finished.
    await alice.wait_for(lambda chat: any(m.text.startswith("A reminder: Round 1") for m in chat))
    await stack.bot.reconcile_now()  # a later reconcile owes nobody anything more
    await caught_up(alice, cora)
    assert sum(m.text.startswith("A reminder:") for m in await alice.chat()) == 1
    assert not any(m.text.startswith("A reminder:") for m in await cora.chat())


async def test_cancelling_a_reminder_adds_none(stack):
    alice = await stack.joined("Alice")
    await stack.open_round("r1")
    await invited(alice)
    await ask(stack.coordinator, "/remind r1")
    await stack.coordinator.tap("Cancel")
    await stack.coordinator.wait_for(lambda chat: chat[-1].text == "No reminder sent.")
    assert (await stack.services.plans.plan("r1")).reminders == ()


async def test_invite_links_for_a_group_and_for_the_team(stack):
    cora = stack.coordinator
    said = await ask(cora, "/invite lived 2")
    token = said.split("?start=")[1]
    assert said.startswith("An invite link for lived (2 uses):\nhttps://t.me/")
    dee = await stack.person("Dee")
    assert (await ask(dee, f"/start {token}")).endswith("Do you agree?")
    assert (await stack.services.onboarding.participant(dee.user_id)).group_id == "lived"
    team_link = await ask(cora, "/invite coordinator")
    assert team_link.startswith("A link that makes someone a coordinator (1 use):")
    eve = await stack.person("Eve")
    joined = await ask(eve, f"/start {team_link.split('?start=')[1]}")
    assert joined.startswith("You have joined the consultation team. You can use:\n/status")
    assert (await ask(eve, "/status")).startswith("No round is open")
    log = await audit(stack)
    assert ("coordinator:1", "create_invites", "lived") in log
    assert ("coordinator:2", "join_team", "coordinator:2") in log


async def test_a_coordinator_starting_the_bot_is_not_asked_for_consent(stack):
    said = await ask(stack.coordinator, "/start")
    assert said.startswith("You are on the consultation team.")
    assert await stack.services.onboarding.participant(stack.coordinator.user_id) is None


async def test_announce_previews_then_sends_to_the_group(stack):
    alice = await stack.joined("Alice")
    bob = await stack.joined("Bob", group="lived")
    cora = stack.coordinator
    assert await ask(cora, "/announce workforce") == "Send the announcement for workforce as your next message."
    preview = await ask(cora, "Round 2 opens on Monday <3")
    assert preview == "This goes to 1 person (workforce):\n\nRound 2 opens on Monday <3"
    await cora.tap("Send")
    await cora.wait_for(lambda chat: chat[-1].text == "Announcement queued for 1 person.")
    await alice.wait_for(lambda chat: chat[-1].text == "Round 2 opens on Monday <3")
    assert all(m.text != "Round 2 opens on Monday <3" for m in await bob.chat())
    assert ("coordinator:1", "announce", "workforce") in await audit(stack)


async def test_a_cancelled_announcement_goes_nowhere(stack):
    alice = await stack.joined("Alice")
    cora = stack.coordinator
    await ask(cora, "/announce all")
    await ask(cora, "Never mind")
    await cora.tap("Cancel")
    await cora.wait_for(lambda chat: chat[-1].text == "Announcement cancelled.")
    await ask(alice, "/help")
    assert all(m.text != "Never mind" for m in await alice.chat())
