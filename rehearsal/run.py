"""`carework rehearse`: the whole consultation on this machine, with virtual participants.

The emulator runs in a process of its own on a free loopback port, and the real bot is pointed at it. The clock starts an
hour before the first time the definition's schedules name and is moved from one scheduled time to
the next, so the bot's own schedule opens, reminds and closes (rehearsal/rounds.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from random import Random

from bot.report.page import report_page
from bot.runner import RunningBot
from bot.settings import Settings
from botapi_emulator import EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from carework_core.definitions.loading import load_definition
from carework_core.definitions.model import Consultation
from carework_core.reading.messages import read_messages
from rehearsal import synthesis
from rehearsal.bank import TextSource
from rehearsal.emulator import emulator_process
from rehearsal.ideas import ideas_beside, import_ideas
from rehearsal.participant import VirtualParticipant
from rehearsal.rounds import Progress, RehearsalReport, Stage, count_reminders, first_scheduled, run_round

# Shaped like a token so the library accepts it; it is never sent anywhere but the emulator.
REHEARSAL_TOKEN = "123456789:REHEARSAL-local-emulator-only-not-real"


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
    emulator = emulator_process(trace=out / "trace.jsonl", seed=seed, faults=faults)
    async with emulator as url, EmulatorClient(url) as client:
        clock = ShiftedClock(start=_hour_before(first_scheduled(consultation)))
        services = await Services.open(out / "carework.db", survey, clock)
        settings = Settings(
            telegram_token=REHEARSAL_TOKEN,
            telegram_api_url=url,
            database=out / "carework.db",
            survey=survey,
            reconcile_seconds=1.0,
            poll_timeout=10,
        )
        bot = RunningBot(settings, services)
        await bot.start()
        try:
            people = await _recruit(client, services, consultation, participants, rng, texts, think)
            stage = Stage(services, bot, report, progress, rng, out=out)
            await stage.each(people, partial(_join, progress=progress), "joining")
            for number, rnd in enumerate(consultation.rounds, start=1):
                loaded = await _items_for(services, rnd, out, rng, ideas_beside(survey))
                if loaded:
                    report.synthesis[rnd.id] = loaded
                await run_round(stage, rnd, number, people)
                await synthesis.export_examples(services, rnd, out)
            codes = [await _code(services, p) for p in people]  # before anyone withdraws
            await stage.each(people, lambda p: p.read_their_data(), "reading their data with /mydata")
            leaving = stage.rng.choice([p for p in people if id(p) not in stage.failed] or people)
            await stage.each([leaving], lambda p: p.withdraw(), "withdrawing")
            report.withdrawn = int(id(leaving) not in stage.failed)
            await _drain(services)
            chats = [await p.user.chat() for p in people]
            count_reminders(people, chats, codes, report)
            _write_transcripts(people, codes, out)
        finally:
            await bot.stop()
        stats = await client.stats()
    report.voice_notes = sum(p.spoken for p in people)
    report.changed = sum(p.changed for p in people)
    report.reading = read_messages((t for p in people for t in p.read), "en", consultation.reading)
    report.messages_sent, report.refusals = stats["messages_sent"], stats["refusals"]
    report.refusal_descriptions = stats["refusal_descriptions"]
    counts = await services.tallies.counts()
    report.registered, report.answers = counts.registered, counts.answers
    report.exported = (await services.exports.workbook(out / "export.xlsx", actor="rehearsal"))["answers"]
    report.report_bytes, report.report_seconds = await _write_report(services, out / "report.html")
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


async def _drain(services: Services, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (await services.outbox.counts()).get("pending", 0) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)


async def _join(person: VirtualParticipant, progress: Progress) -> None:
    await person.join(person.token)
    progress(1)


async def _items_for(services: Services, rnd, out: Path, rng: Random, ideas: Path | None):
    """Gives a rating round its items: the definition's own list of its theme, else the synthesis of examples."""
    listed = await import_ideas(services, rnd, ideas, out) if ideas and synthesis.rates_items(rnd) else None
    return listed or await synthesis.load_items(services, rnd, out, rng)


async def _write_report(services: Services, path: Path) -> tuple[int, float]:
    """Writes the research team's report as `carework report` does; returns its bytes and the seconds it took."""
    began = time.perf_counter()
    size = await services.reports.save(path, report_page(await services.reports.report()), actor="rehearsal")
    return size, time.perf_counter() - began


def _hour_before(when: datetime | None) -> datetime | None:
    return when - timedelta(hours=1) if when else None


async def _code(services: Services, person: VirtualParticipant) -> str:
    return await services.onboarding.code_of(person.user.user_id) or f"unregistered-{person.user.user_id}"


def _write_transcripts(people: list[VirtualParticipant], codes: list[str], out: Path) -> None:
    folder = out / "transcripts"
    folder.mkdir(exist_ok=True)
    for person, code in zip(people, codes, strict=True):
        (folder / f"{code}.txt").write_text("\n".join(person.transcript) + "\n", encoding="utf-8")


def _fresh(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in ("carework.db", "carework.db-wal", "carework.db-shm", "trace.jsonl", "export.xlsx", "report.html"):
        (out / name).unlink(missing_ok=True)
    for old in out.glob("synthesis-*.xlsx"):
        old.unlink()
    for folder, pattern in (("transcripts", "*.txt"), ("charts", "*.png")):
        for old in (out / folder).glob(pattern) if (out / folder).exists() else []:
            old.unlink()


def log_to(path: Path) -> None:
    """Sends the bot's log to a file, so the terminal shows only the progress bar."""
    from bot.logs import KeyValueFormatter, configure_logging

    configure_logging()
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().handlers[:] = [handler]
