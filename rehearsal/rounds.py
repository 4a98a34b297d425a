"""The rounds of a rehearsal: a scheduled round is run by the bot's own schedule, the rest by hand.

For a round with a schedule the rehearsal only moves the clock to each scheduled time (opens, each
reminder, closes) and lets the bot reconcile, so the bot opens, reminds and closes as it will for
real. One member in five, chosen by the seed, stops half-way: half of them come back after the
first reminder, the other half never do and get every reminder and the closing notice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from random import Random

from bot.runner import RunningBot
from botapi_emulator import ChatMessage
from carework_core.bootstrap import Services
from carework_core.definitions.model import Consultation, Round
from carework_core.reading.messages import ReadingFigures
from carework_core.rounds.schedule import local_to_utc
from rehearsal.participant import VirtualParticipant, reminders_in
from rehearsal.summaries import deliver_summary

PAUSING = 5  # one member in this many stops half-way through a round with reminders
CHANGING = 8  # one member in this many changes an answer through /review once they have finished

Progress = Callable[[int], None]


@dataclass
class RehearsalReport:
    participants: int
    registered: int = 0
    answers: int = 0
    exported: int = 0
    messages_sent: int = 0
    refusals: int = 0
    refusal_descriptions: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    faults: float = 0.0
    reminders: dict[str, int] = field(default_factory=dict)  # group -> reminders its members received
    paused: int = 0  # times someone stopped half-way on purpose
    came_back: int = 0  # of those, how many finished after a reminder
    summaries: int = 0  # between-round summaries approved and received
    charts: int = 0  # charts written to the output folder
    # rating round -> (round its examples came from, items imported, examples behind them)
    synthesis: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    voice_notes: int = 0  # answers spoken instead of typed
    changed: int = 0  # answers changed through /review
    withdrawn: int = 0  # people who withdrew at the end, with /withdraw
    report_bytes: int = 0  # the research team's report (report.html) as written
    report_seconds: float = 0.0  # how long counting, rendering and writing it took
    reading: ReadingFigures = ReadingFigures()  # the distinct bot messages people read, documents excepted

    @property
    def unexpected_refusals(self) -> int:
        """Refusals the bot is to blame for. With injected faults, an edit whose reply was dropped
        gets retried and refused as "not modified": that one is the fault's doing."""
        if not self.faults:
            return self.refusals
        return self.refusals - sum(n for d, n in self.refusal_descriptions.items() if "not modified" in d)

    @property
    def ok(self) -> bool:
        """Everyone registered and finished every round, except those who stopped on purpose; no
        reminder reached anyone who had finished; no refusal the bot is to blame for."""
        return self.unexpected_refusals == 0 and not self.failures and self.registered == self.participants


def first_scheduled(consultation: Consultation) -> datetime | None:
    """Returns the earliest time any round's schedule names (UTC), if any round has one."""
    times = [
        local_to_utc(t, consultation.zone)
        for r in consultation.rounds
        for t in (r.schedule.opens, r.schedule.closes, *r.schedule.reminders)
        if t is not None
    ]
    return min(times, default=None)


@dataclass
class Stage:
    """What every round of a rehearsal shares: the services, the bot, the report, who failed."""

    services: Services
    bot: RunningBot
    report: RehearsalReport
    progress: Progress
    rng: Random
    failed: set[int] = field(default_factory=set)
    out: Path | None = None  # where charts are written

    async def each(
        self, people: list[VirtualParticipant], act: Callable[[VirtualParticipant], Awaitable[None]], what: str
    ) -> None:
        """Has everyone not failed yet do something at once; a failure is reported, not fatal."""

        async def one(person: VirtualParticipant) -> None:
            if id(person) in self.failed:
                return
            try:
                await act(person)
            except Exception as exc:  # a participant who cannot finish is reported, not fatal
                self.failed.add(id(person))
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                self.report.failures.append(f"{person.user.first_name} ({person.group_id}), {what}: {first}")

        await asyncio.gather(*(one(p) for p in people))

    async def reach(self, when: datetime) -> None:
        """Moves the clock to a scheduled time (or past the quiet hours it falls in) and lets the bot act."""
        clock = self.services.clock
        clock.set(when)
        quiet_end = await self.services.plans.quiet_until()
        if quiet_end is not None:
            clock.set(quiet_end)
        await self.bot.reconcile_now()


async def run_round(stage: Stage, rnd: Round, number: int, people: list[VirtualParticipant]) -> None:
    """Runs one round: by its schedule if it has one, otherwise opened and closed by the rehearsal."""
    members = [p for p in people if p.group_id in rnd.groups]
    plan = await stage.services.plans.plan(rnd.id)
    if plan.opens is None:
        await stage.services.rounds.open_round(rnd.id, actor="rehearsal")
        await stage.bot.reconcile_now()
    else:
        await stage.reach(plan.opens)
    reminders = [r for r in plan.reminders if not r.cancelled]
    pausers = _pausers(stage, members) if reminders and plan.opens else []
    half, pausing = len(rnd.questions) // 2, {id(p) for p in pausers}

    async def answer(person: VirtualParticipant) -> None:
        await person.answer_round(number, rnd.theme, pause_after=half if id(person) in pausing else None)
        stage.progress(1)

    await stage.each(members, answer, f"round {number}")
    changers = [p for p in _sample(stage, members, CHANGING) if id(p) not in pausing]
    await stage.each(changers, lambda p: p.change_an_answer(rnd.theme), f"changing an answer in round {number}")
    stage.report.paused += sum(number in p.paused for p in pausers)
    for count, reminder in enumerate(reminders, start=1):
        await stage.reach(reminder.at)
        waiting = [p for p in pausers if number in p.paused]
        back = {id(p) for p in pausers[::2]}
        comeback = partial(_after_reminder, number=number, theme=rnd.theme, count=count, back=back)
        await stage.each(waiting, comeback, f"reminder {count} of round {number}")
    stage.report.came_back += sum(number in p.finished for p in pausers)
    if plan.closes is None:
        await stage.services.rounds.close_round(rnd.id, actor="rehearsal")
    else:
        await stage.reach(plan.closes)
        left = [p for p in pausers if number in p.paused]
        await stage.each(left, lambda p: p.wait_for_closing(number), f"closing of round {number}")
    await deliver_summary(stage, rnd, number, members, stage.out)


def _pausers(stage: Stage, members: list[VirtualParticipant]) -> list[VirtualParticipant]:
    """Picks, by the seed, the members who will stop half-way through this round."""
    return _sample(stage, members, PAUSING)


def _sample(stage: Stage, members: list[VirtualParticipant], one_in: int) -> list[VirtualParticipant]:
    """Picks, by the seed, about one member in `one_in` (at least one) of those not failed."""
    able = [p for p in members if id(p) not in stage.failed]
    return stage.rng.sample(able, min(len(able), max(1, round(len(able) / one_in))))


async def _after_reminder(person: VirtualParticipant, number: int, theme: str, count: int, back: set[int]) -> None:
    """Waits for the reminder; someone who comes back does so after the first one."""
    reminder = await person.wait_for_reminder(number, count)
    if count == 1 and id(person) in back:
        await person.resume(number, theme, reminder)


def count_reminders(
    people: list[VirtualParticipant], chats: list[list[ChatMessage]], codes: list[str], report: RehearsalReport
) -> None:
    """Counts reminders by group, and reports anyone reminded about a round after finishing it."""
    for person, chat, code in zip(people, chats, codes, strict=True):
        for number, last_seen in sorted(person.finished.items()):
            if any(m.message_id > last_seen for m in reminders_in(chat, number)):
                report.failures.append(f"{code} was reminded about round {number} after finishing it")
        got = len(reminders_in(chat))
        if got:
            report.reminders[person.group_id] = report.reminders.get(person.group_id, 0) + got
