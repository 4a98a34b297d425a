"""`carework rehearse`: the whole consultation on this machine, with virtual participants.

The emulator runs on a free loopback port, the real bot is pointed at it, and rounds are opened
and closed through the coordinators' own services with the clock jumped forward between them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from bot.runner import RunningBot
from bot.settings import Settings
from botapi_emulator import Emulator, EmulatorClient
from carework_core.answering import Item
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from carework_core.definition_file import load_definition
from carework_core.definitions import Consultation, ItemRatingQuestion, Round
from carework_core.export import export_workbook
from rehearsal.bank import TextSource
from rehearsal.participant import VirtualParticipant

# Shaped like a token so the library accepts it; it is never sent anywhere but the emulator.
REHEARSAL_TOKEN = "123456789:REHEARSAL-local-emulator-only-not-real"
ITEMS_PER_SET = 2

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

    @property
    def unexpected_refusals(self) -> int:
        """Refusals the bot is to blame for. With injected faults, an edit whose reply was dropped
        gets retried and refused as "not modified": that one is the fault's doing."""
        if not self.faults:
            return self.refusals
        return self.refusals - sum(n for d, n in self.refusal_descriptions.items() if "not modified" in d)

    @property
    def ok(self) -> bool:
        return self.unexpected_refusals == 0 and not self.failures and self.registered == self.participants


def steps_for(consultation: Consultation, participants: int) -> int:
    """Returns how many progress steps a rehearsal has: one per join and per round answered."""
    groups = [g.id for g in consultation.groups]
    members = [groups[n % len(groups)] for n in range(participants)]
    return participants + sum(sum(g in r.groups for g in members) for r in consultation.rounds)


async def rehearse(
    survey: Path,
    participants: int,
    out: Path,
    *,
    answers: Path | None = None,
    seed: int | None = None,
    progress: Progress = lambda n: None,
    think: tuple[float, float] = (0.2, 0.8),
    faults: float = 0.0,
) -> RehearsalReport:
    """Runs every round of a definition with virtual participants; writes export, trace, transcripts."""
    consultation = load_definition(survey)
    started = time.perf_counter()
    _fresh(out)
    rng = Random(seed)
    texts = TextSource.from_file(rng, answers)
    report = RehearsalReport(participants, faults=faults)
    async with Emulator(trace_path=out / "trace.jsonl", seed=seed, faults=faults).running() as emulator:
        services = await Services.open(out / "carework.db", survey, ShiftedClock())
        settings = Settings(
            telegram_token=REHEARSAL_TOKEN,
            telegram_api_url=emulator.url,
            database=out / "carework.db",
            survey=survey,
            reconcile_seconds=1.0,
            poll_timeout=10,
        )
        bot = RunningBot(settings, services)
        await bot.start()
        try:
            async with EmulatorClient(emulator.url) as client:
                people = await _recruit(client, services, consultation, participants, rng, texts, think)
                failed: set[int] = set()
                await _each(people, failed, report, progress, lambda p: p.join(p.token), "joining")
                for number, rnd in enumerate(consultation.rounds, start=1):
                    await _run_round(services, bot, rnd, number, people, failed, report, progress)
                await _drain(services)
                await _write_transcripts(services, people, out)
        finally:
            await bot.stop()
        stats = emulator.stats()
    report.messages_sent, report.refusals = stats["messages_sent"], stats["refusals"]
    report.refusal_descriptions = stats["refusal_descriptions"]
    counts = await services.tallies.counts()
    report.registered, report.answers = counts.registered, counts.answers
    report.exported = (await export_workbook(services.env, out / "export.xlsx"))["answers"]
    await services.close()
    report.seconds = time.perf_counter() - started
    return report


async def _recruit(client, services, consultation, count, rng, texts, think) -> list[VirtualParticipant]:
    groups = [g.id for g in consultation.groups]
    people = []
    for n in range(count):
        group = groups[n % len(groups)]
        user = await client.new_user(f"Virtual {n + 1}", language_code="en")
        person = VirtualParticipant(user, group, Random(rng.random()), texts, think)
        (person.token,) = await services.onboarding.create_invites(group, 1, 1, actor="rehearsal")
        people.append(person)
    return people


async def _run_round(services, bot, rnd: Round, number, people, failed, report, progress) -> None:
    await _stand_in_items(services, rnd)
    if rnd.schedule.opens:
        services.env.clock.set(
            rnd.schedule.opens.replace(tzinfo=rnd.schedule.opens.tzinfo or services.env.consultation.zone)
        )
    await services.rounds.open_round(rnd.id, actor="rehearsal")
    await bot.reconcile_now()
    members = [p for p in people if p.group_id in rnd.groups]
    await _each(members, failed, report, progress, lambda p: p.answer_round(number, rnd.theme), f"round {number}")
    await services.rounds.close_round(rnd.id, actor="rehearsal")


async def _each(people, failed, report, progress, act: Callable[[VirtualParticipant], Awaitable[None]], what: str):
    async def one(person: VirtualParticipant) -> None:
        if id(person) in failed:
            return
        try:
            await act(person)
        except Exception as exc:  # a participant who cannot finish is reported, not fatal
            failed.add(id(person))
            report.failures.append(f"{person.user.first_name} ({person.group_id}), {what}: {str(exc).splitlines()[0]}")
        progress(1)

    await asyncio.gather(*(one(p) for p in people))


async def _stand_in_items(services: Services, rnd: Round) -> None:
    """Stands in for the researchers' synthesis: earlier examples of the theme become items."""
    for question in rnd.questions:
        if not isinstance(question, ItemRatingQuestion):
            continue
        earlier = [r.id for r in services.env.consultation.rounds if r.theme == rnd.theme and r.id != rnd.id]
        texts = await services.tallies.typed_examples(earlier, longer_than=20, limit=ITEMS_PER_SET)
        texts = texts or [f"Example idea {n + 1}" for n in range(ITEMS_PER_SET)]
        await services.answering.load_items(question.item_set, [Item(f"i{n + 1}", t) for n, t in enumerate(texts)])


async def _drain(services: Services, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (await services.outbox.counts()).get("pending", 0) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)


async def _write_transcripts(services: Services, people: list[VirtualParticipant], out: Path) -> None:
    folder = out / "transcripts"
    folder.mkdir(exist_ok=True)
    for person in people:
        code = await services.onboarding.code_of(person.user.user_id) or f"unregistered-{person.user.user_id}"
        (folder / f"{code}.txt").write_text("\n".join(person.transcript) + "\n", encoding="utf-8")


def _fresh(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in ("carework.db", "carework.db-wal", "carework.db-shm", "trace.jsonl", "export.xlsx"):
        (out / name).unlink(missing_ok=True)
    for old in (out / "transcripts").glob("*.txt") if (out / "transcripts").exists() else []:
        old.unlink()


def log_to(path: Path) -> None:
    """Sends the bot's log to a file, so the terminal shows only the progress bar."""
    from bot.logs import KeyValueFormatter, configure_logging

    configure_logging()
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().handlers[:] = [handler]
