"""Changing the team in Telegram: /coordinators, /uncoordinate and /revoke, with CAREWORK_COORDINATORS
deciding for those it names, and an id taken out of it leaving the team when the bot restarts."""

from __future__ import annotations

from carework_core.storage.audit import audit_entries
from tests.e2e.test_coordinators import REFUSED, ask, audit

USED_UP = "Sorry, this link has already been used. Please ask the research team for a new link."


async def joined_team(stack, name: str):
    """Returns a person who joined the team through a link Cora made."""
    link = await ask(stack.coordinator, "/invite coordinator")
    person = await stack.person(name)
    assert (await ask(person, f"/start {link.split('?start=')[1]}")).startswith("You have joined")
    return person


async def test_a_coordinator_who_joined_by_link_can_be_removed_but_one_named_in_the_settings_cannot(stack):
    cora = stack.coordinator
    dan = await joined_team(stack, "Dan")
    listed = (await ask(cora, "/coordinators")).splitlines()
    assert [line.split(", since")[0] for line in listed] == [
        "coordinator 1: named in CAREWORK_COORDINATORS",
        "coordinator 2: joined through a link",
        "/uncoordinate N takes coordinator N off the team.",
    ]
    assert str(cora.user_id) not in "\n".join(listed) and str(dan.user_id) not in "\n".join(listed)
    assert await ask(dan, "/uncoordinate 1") == (
        "coordinator 1 is named in CAREWORK_COORDINATORS, which decides for those it names: "
        "take their id out of it and restart the bot"
    )
    assert await ask(cora, "/uncoordinate ²") == "Write it as /uncoordinate N, with N as /coordinators shows it."
    said = await ask(cora, "/uncoordinate 2")
    assert said == "Coordinator 2 is off the team: the team's commands now refuse them."
    async with stack.services.env.db.reading() as tx:  # their id is gone, with the replies they were sent
        kept = [
            (await tx.fetchone(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (dan.user_id,)))[0]
            for table, column in (
                ("coordinators", "telegram_user_id"),
                ("coordinators", "chat_id"),
                ("outbox", "chat_id"),
            )
        ]
    assert kept == [0, 0, 0]
    assert await ask(dan, "/status") == REFUSED
    assert ("coordinator:1", "remove_coordinator", "coordinator:2") in await audit(stack)


async def test_unused_links_are_listed_and_revoked_and_a_revoked_link_is_used_up(stack):
    cora = stack.coordinator
    link = (await ask(cora, "/invite workforce")).split("?start=")[1]
    await ask(cora, "/invite lived 3")
    listed = (await ask(cora, "/revoke")).splitlines()
    assert [line.split(", made")[0] for line in listed[:2]] == ["g1: workforce, 1 use left", "g2: lived, 3 uses left"]
    assert listed[0].endswith("by coordinator:1") and listed[2].startswith("/revoke REF")
    assert await ask(cora, "/revoke g1") == "Revoked 1 link: g1 (workforce). They now count as used up."
    assert await ask(await stack.person("Sam"), f"/start {link}") == USED_UP
    assert await ask(cora, "/revoke all") == "Revoked 1 link: g2 (lived). They now count as used up."
    assert await ask(cora, "/revoke all") == "No invite link had uses left; nothing was revoked."
    assert [s for a, action, s in await audit(stack) if action == "revoke_invite"] == ["g1", "g2"]


async def test_an_id_taken_out_of_the_settings_leaves_the_team_at_restart_unless_it_joined_by_link(stack):
    cora = stack.coordinator
    dan = await joined_team(stack, "Dan")
    await stack.restart(coordinators=[])
    assert await ask(cora, "/status") == REFUSED
    assert (await ask(dan, "/status")).startswith("No round is open")
    async with stack.services.env.db.reading() as tx:
        entries = [(actor, action, subject) for actor, action, subject, _ in await audit_entries(tx)]
    assert ("settings", "remove_coordinator", "coordinator:1") in entries
