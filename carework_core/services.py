"""The core's composition: every service built once from the database, definition and clock."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from carework_core.answering import Answering
from carework_core.clock import Clock
from carework_core.definition_file import load_definition
from carework_core.definitions import Consultation
from carework_core.env import Env
from carework_core.inbox import Inbox
from carework_core.onboarding import Onboarding
from carework_core.outbox import Outbox
from carework_core.rounds import Rounds
from carework_core.storage.db import Database
from carework_core.tallies import Tallies


@dataclass(frozen=True)
class Services:
    env: Env
    onboarding: Onboarding
    rounds: Rounds
    answering: Answering
    inbox: Inbox
    outbox: Outbox
    tallies: Tallies

    @classmethod
    def build(cls, db: Database, consultation: Consultation, clock: Clock) -> Services:
        """Builds every service around one shared environment."""
        env = Env(db, consultation, clock)
        return cls(env, Onboarding(env), Rounds(env), Answering(env), Inbox(env), Outbox(env), Tallies(env))

    @classmethod
    async def open(cls, database: str | Path, survey: str | Path, clock: Clock, create: bool = True) -> Services:
        """Loads the definition, opens the database (creating it if `create`) and builds the services."""
        consultation = load_definition(survey)
        db = await Database.open(database, create=create)
        return cls.build(db, consultation, clock)

    async def close(self) -> None:
        await self.env.db.close()

    async def get_state(self, key: str) -> str | None:
        """Returns a small piece of bot state, such as the bot's username."""
        row = await self.env.db.fetchone("SELECT value FROM bot_state WHERE key = ?", (key,))
        return row[0] if row else None

    async def set_state(self, key: str, value: str) -> None:
        async with self.env.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
