"""Benchmark: what a rating round asks of each person, at the seed's size.

The seed's definition (surveys/carework.yaml) is rehearsed with 100 virtual participants (25 a group)
against the emulator, by the rehearsal's own round runner (rehearsal/rounds.py): the definition's
schedule opens, reminds and closes each round, one member in five stops half-way and half of those come
back after the reminder, one in eight changes an answer with /review, and every summary is sent. The
rounds before the first rating round are passed by (the schedule skips a round whose time has gone),
since their answers change none of the figures and would triple the run; `--all-rounds` runs them too.
Before the first round, each rating round is given the seed's volume of ideas: surveys/carework-ideas.csv
holds 68 (10 innovations and 7 solutions in each of the four themes), and each rating round gets those
of its theme, imported as `carework items import` would (rehearsal/ideas.py, as the rehearsal does), with
kinds and descriptions; the definition's criteria by kind and items_per_person decide what each person rates.

For each person who finished a rating round (every tap and every screen from its invitation to its
thank-you, a reminder on the way included), the bench counts what they did and saw; the minutes come
from a fixed reading model (bench/burden_model.py): 6 s to read a card (each screen showing an idea to
rate), 2 s a tap, and every other screen at 200 words a minute. It ends with one line:

    burden: items=I taps_p50=T minutes_p50=M minutes_p90=M9 min_raters=R

I: the ideas the rating rounds hold in all; T, M, M9: the median taps, the median and 90th percentile
minutes, per person per rating round; R: the fewest people who rated any idea x criterion x group on
its scale (Not sure and the like not counted), read from the database after the run.

The figures count what happened, not how long it took, so Telegram's pace is lifted for the run (the
emulator's flood control is off, the bot's overall and per-chat pace raised), and the seed fixes every
choice the virtual participants make, so runs repeat.

Run: PYTHONPATH=. .venv/bin/python bench/burden.py [--participants 100] [--seed 2026] [--survey FILE] [--all-rounds]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from random import Random

from bench.burden_model import Load, Screen, Tap, load_of, median, percentile
from bot.runner import RunningBot
from bot.settings import Settings
from bot.transport.sender import Bucket
from botapi_emulator import ChatMessage, EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from carework_core.definitions.loading import load_definition
from carework_core.definitions.model import Consultation, ItemRatingQuestion, Round
from rehearsal.bank import TextSource
from rehearsal.emulator import emulator_process
from rehearsal.ideas import import_ideas
from rehearsal.participant import VirtualParticipant
from rehearsal.rounds import RehearsalReport, Stage, first_scheduled, run_round
from rehearsal.run import REHEARSAL_TOKEN, log_to

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "surveys" / "carework.yaml"
IDEAS = ROOT / "surveys" / "carework-ideas.csv"  # the rehearsal imports the same list (rehearsal/ideas.py)
BENCH_PACE = 100_000.0  # the bot's overall pace, far above Telegram's 30: the figures do not depend on time
CHAT_PACE = 50.0  # messages a second to one chat, for the bot's sender (Telegram allows about one)
THINK = (0.0, 0.05)  # seconds a virtual person pauses before each answer
PATIENCE = 300.0  # seconds a virtual person waits for each reply on a loaded machine


def rating_rounds(c: Consultation) -> list[tuple[int, Round]]:
    """Returns each round that rates items, with its number."""
    return [
        (n, r) for n, r in enumerate(c.rounds, start=1) if any(isinstance(q, ItemRatingQuestion) for q in r.questions)
    ]


def item_sets(rnd: Round) -> list[str]:
    return list(dict.fromkeys(q.item_set for q in rnd.questions if isinstance(q, ItemRatingQuestion)))


@dataclass
class CountedParticipant(VirtualParticipant):
    """A virtual participant who also notes each screen they see and each tap, and where each round begins and ends."""

    events: list[Tap | Screen] = field(default_factory=list)
    spans: dict[int, list[int]] = field(default_factory=dict)  # round number -> [first event, end]

    async def answer_round(self, number: int, theme_id: str, timeout: float = 120, pause_after: int | None = None):
        self.spans[number] = [len(self.events), -1]
        await super().answer_round(number, theme_id, timeout=PATIENCE, pause_after=pause_after)

    async def _answer(self, message: ChatMessage, number: int, theme_id: str, pause_after: int | None) -> None:
        await super()._answer(message, number, theme_id, pause_after)
        if number in self.finished and number not in self.paused:
            self.spans[number][1] = len(self.events)

    async def _tap(self, label: str, message: ChatMessage, wait: bool = True) -> ChatMessage:
        self.events.append(Tap(message.message_id))
        return await super()._tap(label, message, wait)

    def _saw(self, message: ChatMessage) -> ChatMessage:
        before = self._logged.get(message.message_id)
        super()._saw(message)
        if message.from_bot and self._logged.get(message.message_id) != before:
            text = before[0] if before else None
            self.events.append(Screen(message.message_id, message.text, bool(message.buttons), text))
        return message

    def load(self, number: int) -> Load | None:
        """Returns what a round cost this person, or None when they did not finish it."""
        start, end = self.spans.get(number, (0, -1))
        return load_of(self.events[start:end]) if end >= 0 else None


async def rehearse(
    survey: Path, participants: int, seed: int, folder: Path, all_rounds: bool = False
) -> list[CountedParticipant]:
    """Runs the definition's rounds with counted virtual participants; returns them."""
    c, database = load_definition(survey), folder / "carework.db"
    first = first_scheduled(c)
    services = await Services.open(database, survey, ShiftedClock(start=first - timedelta(hours=1) if first else None))
    for _, rnd in rating_rounds(c):  # as `carework items import` loads them, kinds and descriptions included
        await import_ideas(services, rnd, IDEAS, folder)
    async with emulator_process(flood_control=False) as url:  # a process of its own
        settings = Settings(
            telegram_token=REHEARSAL_TOKEN,
            telegram_api_url=url,
            database=database,
            survey=survey,
            reconcile_seconds=1.0,
            poll_timeout=10,
        ).model_copy(update={"messages_per_second": BENCH_PACE})
        bot = RunningBot(settings, services)
        chats: dict[int, Bucket] = {}
        bot.sender._chat = lambda chat_id: chats.setdefault(chat_id, Bucket(capacity=4, rate=CHAT_PACE))
        await bot.start()
        try:
            async with EmulatorClient(url, request_timeout=PATIENCE) as client:
                people = await recruit(client, services, c, participants, Random(seed))
                stage = Stage(services, bot, RehearsalReport(participants), lambda n: None, Random(seed + 1))
                await stage.each(people, lambda p: p.join(p.token), "joining")
                await run_rounds(stage, c, people, all_rounds)
            for failure in stage.report.failures[:10]:
                print(f"  problem: {failure}")
        finally:
            await bot.stop()
            await services.close()
    return people


async def run_rounds(stage: Stage, c: Consultation, people: list[CountedParticipant], all_rounds: bool) -> None:
    """Runs the rating rounds (and, with all_rounds, those before them) one after another."""
    first_rating = min(number for number, _ in rating_rounds(c))
    for number, rnd in enumerate(c.rounds, start=1):
        if number < first_rating and not all_rounds:
            continue  # the schedule passes it by: its answers change none of the figures
        started = time.perf_counter()
        await run_round(stage, rnd, number, people)
        print(f"round {number} ({rnd.id}) done in {time.perf_counter() - started:.0f} s", flush=True)


async def recruit(client, services: Services, c: Consultation, count: int, rng: Random) -> list[CountedParticipant]:
    """Makes `count` virtual participants, the groups in turn, each with an invite of their own."""
    groups, texts, people = [g.id for g in c.groups], TextSource(rng), []
    for n in range(count):
        group = groups[n % len(groups)]
        user = await client.new_user(f"Virtual {n + 1}", language_code="en")
        person = CountedParticipant(user, group, Random(rng.random()), texts, THINK, patience=PATIENCE)
        (person.token,) = await services.onboarding.create_invites(group, 1, 1, actor="bench")
        people.append(person)
    return people


def min_raters(database: Path, c: Consultation) -> dict[str, int]:
    """Returns, for each rating round, the fewest people who rated any of its items x criteria x groups on the
    scale. An item's criteria are those anyone answered for it (kinds may differ); an item nobody answered is 0."""
    fewest: dict[str, int] = {}
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        for _, rnd in rating_rounds(c):
            counts, asked = {}, {}
            for item_id, criterion, group, rated in connection.execute(RATED, (rnd.id,)):
                counts[item_id, criterion, group] = rated
                asked.setdefault(item_id, set()).add(criterion)
            marks = ",".join("?" * len(item_sets(rnd)))
            items = [
                r[0]
                for r in connection.execute(f"SELECT item_id FROM items WHERE item_set IN ({marks})", item_sets(rnd))
            ]
            cells = [counts.get((i, k, g), 0) for i in items for k in asked.get(i, {None}) for g in rnd.groups]
            fewest[rnd.id] = min(cells, default=0)
    return fewest


# Each person's latest answer to each card of a round's item ratings, counted by item, criterion and group;
# `rated` counts those on the scale (a point 1, 2, ...), not Not sure or any other code.
RATED = """
SELECT a.item_id, a.criterion_id, p.group_id, SUM(a.value GLOB '[1-9]*')
FROM answers a JOIN participants p ON p.id = a.participant_id
WHERE a.id IN (
    SELECT MAX(id) FROM answers WHERE round_id = ? AND item_id IS NOT NULL AND criterion_id IS NOT NULL
    GROUP BY participant_id, question_id, item_id, criterion_id
)
GROUP BY a.item_id, a.criterion_id, p.group_id
"""


def summary(people: list[CountedParticipant], c: Consultation, fewest: dict[str, int], items: int) -> str:
    """Prints each rating round's figures and returns the `burden:` line over all of them."""
    loads: list[Load] = []
    for number, rnd in rating_rounds(c):
        mine = [load for p in people if (load := p.load(number)) is not None]
        loads += mine
        print(f"{rnd.id}: {figures(mine)} min_raters={fewest[rnd.id]} (people who finished: {len(mine)})")
    return f"burden: items={items} {figures(loads)} min_raters={min(fewest.values(), default=0)}"


def figures(loads: list[Load]) -> str:
    if not loads:
        return "taps_p50=0 minutes_p50=0 minutes_p90=0"
    minutes = [load.minutes for load in loads]
    return (
        f"taps_p50={median([load.taps for load in loads]):g} "
        f"minutes_p50={median(minutes):.1f} minutes_p90={percentile(minutes, 0.9):.1f}"
    )


async def main(survey: Path, participants: int, seed: int, all_rounds: bool = False) -> str:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        log_to(folder / "bot.log")
        people = await rehearse(survey, participants, seed, folder, all_rounds)
        c = load_definition(survey)
        fewest = min_raters(folder / "carework.db", c)
        with sqlite3.connect(f"file:{folder / 'carework.db'}?mode=ro", uri=True) as connection:
            sets = [s for _, rnd in rating_rounds(c) for s in item_sets(rnd)]
            marks = ",".join("?" * len(sets))
            (items,) = connection.execute(f"SELECT COUNT(*) FROM items WHERE item_set IN ({marks})", sets).fetchone()
        line = summary(people, c, fewest, items)
    print(f"took {time.perf_counter() - started:.0f} s")
    return line


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--survey", type=Path, default=SURVEY)
    parser.add_argument("--all-rounds", action="store_true", help="run the rounds before the first rating round too")
    arguments = parser.parse_args()
    print(asyncio.run(main(arguments.survey, arguments.participants, arguments.seed, arguments.all_rounds)))
