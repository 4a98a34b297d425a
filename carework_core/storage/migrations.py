"""Numbered schema migrations, applied in order and recorded in the database.

Add a migration by appending to MIGRATIONS; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carework_core.errors import MigrationError
from carework_core.storage import first_schemas as first
from carework_core.storage import later_schemas as later

if TYPE_CHECKING:
    from carework_core.storage.tx import Tx


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


# A person may pause reminders, announcements and summaries; invitations to a new round still come.
MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema", first.INITIAL),
    Migration(2, "inbox receipts: update ids may restart", first.INBOX_RECEIPTS),
    Migration(3, "round snapshots", first.ROUND_SNAPSHOTS),
    Migration(4, "outbox rows know how long they matter", first.OUTBOX_LIFETIME),
    Migration(5, "outbox rows hold a message kind, not a Bot API method", first.OUTBOX_KINDS),
    Migration(6, "an update id is stored once while unconfirmed", first.INBOX_UNCONFIRMED_ONCE),
    Migration(7, "plan changes and the schedule's log", first.SCHEDULE),
    Migration(8, "outbox lanes: replies before broadcasts", first.OUTBOX_LANES),
    Migration(9, "coordinators, their invites and announcements", first.COORDINATORS),
    Migration(10, "between-round summaries and their charts", first.SUMMARIES),
    Migration(11, "reasons people give for seeing an item differently", first.REASONS),
    Migration(12, "items keep their synthesis: description, theme, notes, sources and scores", first.ITEM_DETAILS),
    Migration(13, "participants may pause reminders and announcements", later.PAUSES),
    Migration(14, "invite tokens hashed; consent rows keep their wording's version", later.SECRETS),
    Migration(15, "follow-up answers about examples and the words given with Other", later.ANSWER_DETAILS),
    Migration(16, "changed answers keep their earlier versions; a typed change waits in SQLite", later.ANSWER_HISTORY),
    Migration(17, "voice notes: the Telegram file behind a spoken answer or reason", later.VOICE_NOTES),
    Migration(18, "the language each participant reads", later.CHOSEN_LANGUAGE),
    Migration(19, "sent or given-up messages keep no words", later.SENT_WITHOUT_WORDS),
    Migration(20, "item titles in each language", later.ITEM_TITLES),
    Migration(21, "a closed round keeps the figures it closed with", later.ROUND_FIGURES),
    Migration(22, "coordinators can be removed and invite links revoked", later.REMOVALS),
    Migration(23, "last reminder per person and round", later.REMINDED_AT),
    Migration(24, "announcements wait for quiet hours", later.SEND_AFTER),
    Migration(25, "sent messages keep their buttons", later.BUTTONS),
    Migration(26, "a summary keeps each person's digest", later.SUMMARY_DIGESTS),
    Migration(27, "pending replies in queue order without a sort", later.REPLY_ORDER),
    Migration(28, "whose invitation may be owed, kept by triggers", later.INVITATION_CHECKS),
    Migration(29, "whose closing notice may be owed, kept by triggers", later.CLOSING_CHECKS),
    Migration(30, "items keep a kind, and their description and notes in each language", later.ITEM_KINDS),
    Migration(31, "the share of an item set each person rates, and the seed that breaks ties", later.ITEM_SHARES),
    Migration(32, "team members are coordinators or researchers", later.TEAM_ROLES),
    Migration(33, "a summary's chart in each language its readers read", later.CHART_LANGUAGES),
]


async def migrate(tx: Tx) -> list[int]:
    """Applies every migration the database lacks, in order; returns the versions applied."""
    await tx.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations"
        " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
    )
    rows = await tx.fetchall("SELECT version FROM schema_migrations")
    done = {r[0] for r in rows}
    newest = max(m.version for m in MIGRATIONS)
    if done and max(done) > newest:
        raise MigrationError(
            f"the database is at schema version {max(done)} but this carework knows only up to {newest}; "
            "upgrade carework before opening it"
        )
    applied = []
    for migration in sorted(MIGRATIONS, key=lambda m: m.version):
        if migration.version in done:
            continue
        for statement in _statements(migration.sql):
            await tx.execute(statement)
        await tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (migration.version, migration.name)
        )
        applied.append(migration.version)
    return applied


def _statements(sql: str) -> list[str]:
    """Splits a migration into statements; a trigger's body keeps its own semicolons."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    found, part = [], ""
    for piece in "\n".join(lines).split(";"):
        part += piece + ";"
        if sqlite3.complete_statement(part):
            found.append(part.strip().removesuffix(";").strip())
            part = ""
    return [s for s in [*found, part.strip().removesuffix(";").strip()] if s]
