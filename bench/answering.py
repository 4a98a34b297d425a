"""Benchmark: the bot's CPU time for each answered question and tap-to-next-question latency.

In one run, two bots each answer 500 virtual participants tapping through a round at once
(`bench/answering.yaml`: Start, then five tapped questions):

- ours: the real bot (bot.runner.RunningBot, durable intake, SQLite, outbox), in a child process;
- the baseline: a minimal python-telegram-bot bot, a stock Application with its own polling, no
  storage and no logic, answering each tap with the same Bot API calls ours makes for a tap
  (answerCallbackQuery, editMessageText to show the choice, sendMessage with the next question).

Each bot gets its own emulator (`carework emulator --no-flood-control`) and its own crowd of
virtual participants (a third process). The bot process's CPU time (/proc) is read at the start
and end of the answering phase only; people join (ours) or say hello (baseline) before it, and have
their invitation with its Start button in hand. Latency is taken by each virtual person, from
sending a tap to the next bot message appearing in the chat. The sender's overall pace is lifted
far above Telegram's 30 a second, as in bench/capacity.py; the per-chat pace stays, and people
think a few seconds before each tap, as a person reading a short question on a phone does.

Ends with: answering: cpu_ratio=R p50_ms=A p99_ms=B (R: our CPU per answer over the baseline's).

Run: PYTHONPATH=. .venv/bin/python bench/answering.py [--participants 500] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import tempfile
import time
from pathlib import Path
from random import Random

from bench.answering_bots import baseline_main, ours_main
from bench.capacity import ask
from botapi_emulator import EmulatorClient, VirtualUser
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from rehearsal.bank import TextSource
from rehearsal.emulator import emulator_process
from rehearsal.participant import VirtualParticipant

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "bench" / "answering.yaml"
QUESTIONS = 5
THINK = (2.0, 6.0)  # seconds a person reads before each tap; the per-chat pace (1 a second) allows it
PEOPLE_PER_CLIENT = 400  # one control-API session per 400 people stays under its 500 connections
PATIENCE = 120.0


def cpu_seconds(pid: int) -> float:
    """Returns a process's user and system CPU time so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(
    kind: str, participants: int, think: tuple[float, float], profile: Path | None, client: str = "httpx"
) -> dict:
    """Runs one bot against its own emulator and crowd; returns its CPU per answer and latencies."""
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        async with emulator_process(flood_control=False) as url:
            tokens = await invites(Path(folder), participants) if kind == "ours" else [""] * participants
            bot_pipe, bot_end = context.Pipe()
            target, args = (
                (ours_main, (bot_end, url, folder, SURVEY, profile))
                if kind == "ours"
                else (baseline_main, (bot_end, url, client))
            )
            bot = context.Process(target=target, args=args, name=kind)
            bot.start()
            await ask(bot_pipe, "ready")
            here, there = context.Pipe()
            crowd = context.Process(target=crowd_main, args=(there, url, kind, tokens, think), name="crowd")
            crowd.start()
            try:
                await ask(here, "arrive")
                if kind == "ours":
                    await ask(bot_pipe, "open")
                await ask(here, "invited")
                cpu, wall = cpu_seconds(bot.pid), time.perf_counter()
                latencies, failures = await ask(here, "answer")
                cpu, wall = cpu_seconds(bot.pid) - cpu, time.perf_counter() - wall
                await ask(here, "stop")
            finally:
                bot_pipe.send("stop")
                bot.join(timeout=30)
                crowd.join(timeout=30)
    answers = QUESTIONS * (participants - len(failures))
    return {
        "cpu_ms": 1000 * cpu / max(answers, 1),
        "latencies": sorted(latencies),
        "wall": wall,
        "cpu": cpu,
        "answers": answers,
        "failures": failures,
    }


async def invites(folder: Path, participants: int) -> list[str]:
    services = await Services.open(folder / "carework.db", SURVEY, ShiftedClock())
    try:
        return await services.onboarding.create_invites("workforce", participants, 1, actor="bench")
    finally:
        await services.close()


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))] if values else float("nan")


def describe(kind: str, figures: dict) -> str:
    lat = figures["latencies"]
    return (
        f"{kind}: {figures['answers']} answers in {figures['wall']:.1f} s, {figures['cpu']:.1f} CPU s "
        f"({figures['cpu_ms']:.2f} ms an answer); tap to next question p50 {1000 * percentile(lat, 0.5):.0f} ms, "
        f"p90 {1000 * percentile(lat, 0.9):.0f} ms, p99 {1000 * percentile(lat, 0.99):.0f} ms, "
        f"max {1000 * max(lat, default=0):.0f} ms; {len(figures['failures'])} people did not finish"
        + (f" (first: {figures['failures'][0]})" if figures["failures"] else "")
    )


def crowd_main(pipe, url: str, kind: str, tokens: list[str], think: tuple[float, float]) -> None:
    """The child process: virtual participants who arrive, then answer when told."""
    asyncio.run(Crowd(pipe, url, kind, tokens, think).serve())


class Crowd:
    """Virtual participants spread over several control-API sessions."""

    def __init__(self, pipe, url: str, kind: str, tokens: list[str], think: tuple[float, float]):
        self.pipe, self.url, self.kind, self.tokens, self.think = pipe, url, kind, tokens, think
        self.users: list[VirtualUser] = []
        self.starts: dict[int, int] = {}  # user id -> the message holding their Start button

    async def serve(self) -> None:
        clients = [
            EmulatorClient(self.url, request_timeout=PATIENCE) for _ in range(-(-len(self.tokens) // PEOPLE_PER_CLIENT))
        ]
        for client in clients:
            await client.__aenter__()
        try:
            for n in range(len(self.tokens)):
                self.users.append(await clients[n // PEOPLE_PER_CLIENT].new_user(f"Virtual {n + 1}"))
            while (command := await asyncio.to_thread(self.pipe.recv)) != "stop":
                self.pipe.send(await getattr(self, command)())
            self.pipe.send(None)
        finally:
            for client in clients:
                await client.__aexit__(None, None, None)

    async def arrive(self) -> None:
        """Ours: everyone joins through their invite link. Baseline: everyone says hello."""
        if self.kind == "ours":
            rng, texts = Random(2026), TextSource(Random(2026))
            people = [
                VirtualParticipant(u, "workforce", rng, texts, (0, 0), token=t, patience=PATIENCE)
                for u, t in zip(self.users, self.tokens, strict=True)
            ]
            await asyncio.gather(*(p.join(p.token) for p in people))
        else:
            await asyncio.gather(*(u.send("/start") for u in self.users))

    async def invited(self) -> None:
        """Waits until everyone holds a message with a Start button."""

        async def one(user: VirtualUser) -> None:
            chat = await user.wait_for(lambda c: any(["Start"] in m.buttons for m in c), timeout=PATIENCE)
            self.starts[user.user_id] = next(m.message_id for m in reversed(chat) if ["Start"] in m.buttons)

        await asyncio.gather(*(one(u) for u in self.users))

    async def answer(self) -> tuple[list[float], list[str]]:
        """Everyone taps Start, then an answer to each question after a pause; returns latencies."""
        latencies: list[float] = []
        failures: list[str] = []

        async def one(user: VirtualUser, rng: Random) -> None:
            try:
                await tap_through(user, self.starts[user.user_id], rng, self.think, latencies)
            except Exception as exc:  # one who cannot finish is counted, not fatal
                failures.append(
                    f"{user.first_name}: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                )

        await asyncio.gather(*(one(u, Random(u.user_id)) for u in self.users))
        return latencies, failures


async def tap_through(user: VirtualUser, start: int, rng: Random, think, latencies: list[float]) -> None:
    """Taps Start, then a random button of each new question, timing each tap to the next message."""
    message_id, label = start, "Start"
    await asyncio.sleep(rng.uniform(0, think[1]))  # people open their invitation over a few seconds
    for _ in range(QUESTIONS + 1):
        newest = max(m.message_id for m in await user.chat())
        tapped = time.perf_counter()
        await user.tap(label, message_id=message_id)
        chat = await user.wait_for(
            lambda c, newest=newest: any(m.from_bot and m.message_id > newest for m in c), timeout=PATIENCE
        )
        latencies.append(time.perf_counter() - tapped)
        question = next(m for m in chat if m.from_bot and m.message_id > newest)
        if not question.buttons:
            return
        message_id, label = question.message_id, rng.choice([b for row in question.buttons for b in row])
        await asyncio.sleep(rng.uniform(*think))


async def main(participants: int, think: tuple[float, float], profile: Path | None, client: str) -> str:
    baseline = await measure("baseline", participants, think, None, client)
    print(describe("baseline (minimal python-telegram-bot bot)", baseline), flush=True)
    ours = await measure("ours", participants, think, profile)
    print(describe("carework", ours), flush=True)
    lat = ours["latencies"]
    ratio = ours["cpu_ms"] / baseline["cpu_ms"]
    return f"answering: cpu_ratio={ratio:.2f} p50_ms={1000 * percentile(lat, 0.5):.0f} p99_ms={1000 * percentile(lat, 0.99):.0f}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--think", type=float, nargs=2, default=THINK, help="seconds before each tap: least, most")
    parser.add_argument(
        "--profile", type=Path, help="write a cProfile of our bot's process (joining and answering) here"
    )
    parser.add_argument(
        "--baseline-client",
        choices=["httpx", "aiohttp"],
        default="httpx",
        help="the baseline's HTTP client: the library's own (stock), or carework's (to compare logic and storage alone)",
    )
    arguments = parser.parse_args()
    figures = main(arguments.participants, tuple(arguments.think), arguments.profile, arguments.baseline_client)
    print(asyncio.run(figures))
