"""The core's composition: every service built once from the database, definition and clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from carework_core.answering.review import Review
from carework_core.answering.service import Answering
from carework_core.answering.voice import VoiceNotes
from carework_core.clock import Clock
from carework_core.definitions.loading import load_definition
from carework_core.definitions.model import Consultation
from carework_core.env import Env
from carework_core.items.item_lists import ItemLists
from carework_core.items.synthesis import Synthesis
from carework_core.messaging.inbox import Inbox
from carework_core.messaging.outbox import Outbox
from carework_core.people.consents import Consents
from carework_core.people.coordinators import Coordinators
from carework_core.people.invite_links import InviteLinks
from carework_core.people.invite_tokens import invite_key as load_invite_key
from carework_core.people.invite_tokens import seal_invites
from carework_core.people.onboarding import Onboarding
from carework_core.people.their_data import TheirData
from carework_core.report.service import Reports
from carework_core.research.export import Exports
from carework_core.results.digests import Digests
from carework_core.results.figures import Results
from carework_core.results.summaries import Summaries
from carework_core.results.tallies import Tallies
from carework_core.rounds.plans import Plans
from carework_core.rounds.progress import Progress
from carework_core.rounds.service import Rounds
from carework_core.storage.db import Database
from carework_core.storage.state import read_state, write_state


@dataclass(frozen=True)
class Services:
    env: Env
    onboarding: Onboarding
    rounds: Rounds
    answering: Answering
    inbox: Inbox
    outbox: Outbox
    tallies: Tallies
    plans: Plans
    coordinators: Coordinators
    invite_links: InviteLinks
    progress: Progress
    results: Results
    summaries: Summaries
    digests: Digests
    synthesis: Synthesis
    consents: Consents
    their_data: TheirData
    review: Review
    voice_notes: VoiceNotes
    exports: Exports
    item_lists: ItemLists
    reports: Reports

    @property
    def consultation(self) -> Consultation:
        """The validated definition the services run: for texts, groups, rounds and the time zone."""
        return self.env.consultation

    @property
    def clock(self) -> Clock:
        """The clock every service reads (a fake one in tests)."""
        return self.env.clock

    def now(self) -> datetime:
        """The present moment by the services' clock."""
        return self.env.clock.now()

    def watch_statements(self, callback: Callable[[str], object] | None) -> None:
        """Hands every SQL statement the services run to `callback` (None stops): for benchmarks and debugging."""
        self.env.db.watch_statements(callback)

    @classmethod
    def build(cls, db: Database, consultation: Consultation, clock: Clock, invite_key: bytes) -> Services:
        """Builds every service around one shared environment."""
        env = Env(db, consultation, clock)
        results, review, plans = Results(env), Review(env), Plans(env)
        summaries = Summaries(env, results)
        return cls(
            env,
            Onboarding(env, invite_key),
            Rounds(env),
            Answering(env, results, review),
            Inbox(env),
            Outbox(env),
            Tallies(env),
            plans,
            Coordinators(env, invite_key),
            InviteLinks(env),
            Progress(env, plans),
            results,
            summaries,
            Digests(env, results),
            Synthesis(env),
            Consents(env),
            TheirData(env, summaries),
            review,
            VoiceNotes(env),
            Exports(env),
            ItemLists(env),
            Reports(env, results),
        )

    @classmethod
    async def open(
        cls,
        database: str | Path,
        survey: str | Path,
        clock: Clock,
        create: bool = True,
        invite_key: str | None = None,
        adopt_empty: bool = False,
    ) -> Services:
        """Loads the definition, opens the database (creating it if `create`) and builds the services.

        invite_key is CAREWORK_INVITE_KEY; without it the key lives in <database>.key, made once.
        adopt_empty lets `carework init` take an empty file; otherwise only a carework database opens."""
        consultation = load_definition(survey)
        db = await Database.open(database, create=create, adopt_empty=adopt_empty)
        try:
            key = load_invite_key(database, invite_key)  # after the open: a refused file gets no key beside it
            await seal_invites(db, key)
        except BaseException:
            await db.close()
            raise
        return cls.build(db, consultation, clock, key)

    async def close(self) -> None:
        await self.env.db.close()

    async def get_state(self, key: str) -> str | None:
        """Returns a small piece of bot state, such as the bot's username."""
        async with self.env.db.reading() as tx:
            return await read_state(tx, key)

    async def set_state(self, key: str, value: str) -> None:
        """Stores a small piece of bot state under key."""
        async with self.env.db.transaction() as tx:
            await write_state(tx, key, value)
