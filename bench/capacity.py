"""Benchmark: the bot's own ceiling, with Telegram's limits lifted.

Three processes share this machine: the emulator (`carework emulator --no-flood-control`), a crowd
of virtual participants (rehearsal/participant.py, in a child process), and the real bot
(bot.runner.RunningBot) in this process, so the CPU time and memory reported are the bot's alone.
Everyone joins through their invite link first; then a round opens and the bench measures the
answering phase, from the invitations going out to the last person's end-of-round message.

The sender's overall pace is raised far above Telegram's 30 a second for this run only: the
validated setting stays capped at 30 for real use, and the bench replaces it on a copy of the
settings (pydantic's model_copy does not validate). The bot keeps Telegram's per-chat pace.

The baseline in the same run is python-telegram-bot's stock HTTPXRequest (CAREWORK_HTTP_CLIENT=httpx):
a child process runs the same bench with it first, and the result line gains its figures.

`--scaling` asks whether the bot's cost grows with the crowd rather than with the work: it runs the
bench at a small and a large crowd (1,500 and 10,000 people), each in a child process of its own, and
compares the bot's CPU per message in the answering phase (goal: the large at most 1.3 times the small).

Run: PYTHONPATH=. .venv/bin/python bench/capacity.py [--participants 10000] [--client httpx] [--no-compare]
     PYTHONPATH=. .venv/bin/python bench/capacity.py --scaling [--sizes 1500 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import multiprocessing
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from random import Random

from bot.runner import RunningBot
from bot.settings import Settings
from botapi_emulator import EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from rehearsal.bank import TextSource
from rehearsal.emulator import emulator_process
from rehearsal.participant import VirtualParticipant
from rehearsal.run import REHEARSAL_TOKEN, log_to

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "bench" / "capacity.yaml"
TELEGRAM_PER_SECOND = 30
BENCH_PACE = 100_000.0  # far above any ceiling: the bench finds the bot's limit, not the pace's
PEOPLE_PER_CLIENT = 400  # one control-API session per 400 people stays under its 500 connections
THINK = (0.05, 0.2)  # seconds a virtual person pauses before each answer
# Ten thousand people tapping at once queue for their replies (minutes at the harness's pace on 2
# cores): they wait as long as it takes, since the bench measures throughput, not patience.
PATIENCE = 900.0


@dataclass
class Phase:
    seconds: float
    cpu_seconds: float
    messages: int
    requests: int


async def main(participants: int, profile: Path | None = None, client: str = "aiohttp") -> dict[str, str]:
    started = resource.getrusage(resource.RUSAGE_CHILDREN)  # the baseline's child process is not ours
    with tempfile.TemporaryDirectory() as folder:
        async with emulator_process(flood_control=False) as url:
            log_to(Path(folder) / "bot.log")
            services = await Services.open(Path(folder) / "carework.db", SURVEY, ShiftedClock())
            tokens = await services.onboarding.create_invites("workforce", participants, 1, actor="bench")
            settings = Settings(
                telegram_token=REHEARSAL_TOKEN,
                telegram_api_url=url,
                database=Path(folder) / "carework.db",
                survey=SURVEY,
                reconcile_seconds=1.0,
                poll_timeout=10,
            ).model_copy(update={"messages_per_second": BENCH_PACE, "http_client": client})
            bot = RunningBot(settings, services)
            await bot.start()
            context = multiprocessing.get_context("spawn")
            here, there = context.Pipe()
            crowd = context.Process(target=crowd_main, args=(there, url, tokens), name="crowd")
            crowd.start()
            try:
                joining = await measured(url, lambda: ask(here, "join"))
                print(f"joined: {participants} people in {joining.seconds:.1f} s ({rate(joining):.0f} messages/s)")
                before = (await services.tallies.counts()).answers

                async def answer() -> list[str]:
                    await services.rounds.open_round("r1", actor="bench")
                    await bot.reconcile_now()
                    return await ask(here, "answer")

                profiler = cProfile.Profile() if profile else None
                answering = await measured(url, answer, profiler)
                answers = (await services.tallies.counts()).answers - before
                await services.rounds.open_round("r2", actor="bench")
                await bot.reconcile_now()
                await ask(here, "invited")  # everyone holds the second round's invitation
                await bot.stop()
                taking_part = await ask(here, "taking part")  # those who could not finish the round sit this out
                burst_failed = await ask(here, "burst")  # a tap and a typed answer each wait in the queue
                bot = RunningBot(settings, services)
                expected = answers + before + taking_part - len(burst_failed)
                backlog = await measured(url, lambda: drained(bot, services, expected))
                crowd_cpu, failures = await ask(here, "stop")
            finally:
                crowd.join(timeout=30)
                await bot.stop()
                await services.close()
    if profiler:
        profiler.dump_stats(profile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return report(participants, answering, answers, crowd_cpu, failures, started, backlog)


async def drained(bot: RunningBot, services: Services, answers: int) -> list[str]:
    """Starts the bot and waits until it has stored every queued answer and sent every reply (or gives up
    after PATIENCE seconds, saying so, rather than wait for ever on an answer that will not come)."""
    await bot.start()
    deadline = time.monotonic() + PATIENCE
    while (await services.tallies.counts()).answers < answers or (await services.outbox.counts()).get("pending"):
        if time.monotonic() > deadline:
            return [f"backlog not drained in {PATIENCE:.0f} s: {answers} answers expected"]
        await asyncio.sleep(0.05)
    return []


async def measured(url: str, act, profiler: cProfile.Profile | None = None) -> Phase:
    """Runs one phase and returns its wall time, this process's CPU time and the bot's messages."""
    async with EmulatorClient(url) as client:
        first, wall, cpu = await client.stats(), time.perf_counter(), time.process_time()
        with profiler or contextlib.nullcontext():
            failures = await act()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        last = await client.stats()
    if failures:
        print(f"{len(failures)} people did not finish; first: {failures[0]}")
    messages, requests = last["messages_sent"] - first["messages_sent"], last["requests"] - first["requests"]
    return Phase(wall, cpu, messages, requests)


def rate(phase: Phase) -> float:
    return phase.messages / phase.seconds


def report(
    participants: int, answering: Phase, answers: int, crowd_cpu: float, failures: int, started, backlog: Phase
) -> dict[str, str]:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    others = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_ms = 1000 * answering.cpu_seconds / max(answers, 1)
    cpu_per_message = 1000 * answering.cpu_seconds / max(answering.messages, 1)
    ceiling = 1000 / cpu_per_message  # the bot's own limit: its messages per second of its own CPU
    print(
        f"answering: {answering.messages} messages and {answering.requests} Bot API requests in "
        f"{answering.seconds:.1f} s; {answers} answers stored; {failures} people did not finish\n"
        f"bot process: {answering.cpu_seconds:.1f} CPU s while answering "
        f"({100 * answering.cpu_seconds / answering.seconds:.0f}% of one core), {cpu_per_message:.2f} ms a message, "
        f"so {ceiling:.0f} messages a second on one full core; peak memory {peak_mb:.0f} MB\n"
        f"the rest of the machine (2 cores shared): emulator + crowd used "
        f"{others.ru_utime + others.ru_stime - started.ru_utime - started.ru_stime:.0f} CPU s in all, the crowd {crowd_cpu:.0f} s\n"
        f"messages a second: bot {rate(answering):.0f}, Telegram allows {TELEGRAM_PER_SECOND} "
        f"(ratio {rate(answering) / TELEGRAM_PER_SECOND:.1f})\n"
        f"backlog: the restarted bot worked through {participants} taps and {participants} typed answers, "
        f"{backlog.messages} messages and {backlog.requests} Bot API requests, in {backlog.seconds:.1f} s: "
        f"{rate(backlog):.0f} messages a second, {1000 * backlog.cpu_seconds / max(backlog.messages, 1):.2f} "
        f"CPU ms a message ({100 * backlog.cpu_seconds / backlog.seconds:.0f}% of one core)"
    )
    return {
        "participants": str(participants),
        "messages_per_s": f"{rate(answering):.0f}",
        "cpu_ms_per_answer": f"{cpu_ms:.2f}",
        "cpu_ms_per_message": f"{cpu_per_message:.2f}",
        "core_ceiling_per_s": f"{ceiling:.0f}",
        "backlog_messages_per_s": f"{rate(backlog):.0f}",
        "peak_mb": f"{peak_mb:.0f}",
        "answers": str(answers),
    }


def baseline(participants: int) -> dict[str, str]:
    """Runs this bench with python-telegram-bot's stock httpx request in a child process; returns its figures."""
    return child_run(participants, "httpx", "httpx")


def child_run(participants: int, client: str, label: str) -> dict[str, str]:
    """Runs this bench once in a child process of its own (no baseline), echoing its output; returns its figures."""
    command = [sys.executable, __file__, "--participants", str(participants), "--client", client, "--no-compare"]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    print("".join(f"  {label} | {line}\n" for line in output.splitlines()), end="", flush=True)
    last = output.strip().splitlines()[-1].removeprefix("capacity: ")
    return dict(pair.split("=", 1) for pair in last.split())


def scaling(small: int, large: int, client: str) -> str:
    """Runs the bench at both sizes, one child process each; returns the `scaling:` line comparing the
    bot's CPU per message in the answering phase."""
    a, b = (float(child_run(n, client, str(n))["cpu_ms_per_message"]) for n in (small, large))
    return f"scaling: small={small} large={large} cpu_ms_small={a:.2f} cpu_ms_large={b:.2f} ratio={b / a:.2f}"


async def ask(pipe, command: str):
    """Sends the crowd a command and waits for its answer without blocking the bot."""
    pipe.send(command)
    return await asyncio.to_thread(pipe.recv)


def crowd_main(pipe, url: str, tokens: list[str]) -> None:
    """The child process: virtual participants who join, then answer when told."""
    asyncio.run(Crowd(pipe, url, tokens).serve())


class Crowd:
    """Virtual participants spread over several control-API sessions."""

    def __init__(self, pipe, url: str, tokens: list[str]) -> None:
        self.pipe, self.url, self.tokens = pipe, url, tokens
        self.people: list[VirtualParticipant] = []
        self.failed: set[str] = set()

    async def serve(self) -> None:
        async with contextlib.AsyncExitStack() as stack:
            count = -(-len(self.tokens) // PEOPLE_PER_CLIENT)
            clients = [
                await stack.enter_async_context(EmulatorClient(self.url, request_timeout=PATIENCE))
                for _ in range(count)
            ]
            await self._recruit(clients)
            while (command := await asyncio.to_thread(self.pipe.recv)) != "stop":
                if command == "taking part":
                    self.pipe.send(len(self.people) - len(self.failed))
                    continue
                act = {
                    "join": lambda p: p.join(p.token),
                    "answer": lambda p: p.answer_round(1, "wellbeing", timeout=PATIENCE),
                    "invited": lambda p: p.await_invitation(2, timeout=PATIENCE),
                    "burst": lambda p: p.tap_start_and_type(2, "Shorter shifts would help."),
                }[command]
                self.pipe.send(await self._each(act))
        self.pipe.send((time.process_time(), len(self.failed)))

    async def _recruit(self, clients: list[EmulatorClient]) -> None:
        rng, texts = Random(2026), TextSource(Random(2026))
        for n, token in enumerate(self.tokens):
            user = await clients[n // PEOPLE_PER_CLIENT].new_user(f"Virtual {n + 1}")
            person = VirtualParticipant(
                user, "workforce", Random(rng.random()), texts, THINK, token=token, patience=PATIENCE
            )
            self.people.append(person)

    async def _each(self, act) -> list[str]:
        failed: list[str] = []

        async def one(person: VirtualParticipant) -> None:
            if person.token in self.failed:
                return
            try:
                await act(person)
            except Exception as exc:  # one who cannot finish is counted, not fatal
                self.failed.add(person.token)
                failed.append(
                    f"{person.user.first_name}: {type(exc).__name__}: {(str(exc) or '(no detail)').splitlines()[0][:200]}"
                )

        await asyncio.gather(*(one(p) for p in self.people))
        return failed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument(
        "--profile", type=Path, help="write the bot's cProfile while answering here, print its top costs"
    )
    parser.add_argument("--client", choices=["aiohttp", "httpx"], default="aiohttp", help="the bot's HTTP client")
    parser.add_argument("--no-compare", action="store_true", help="skip the httpx baseline run")
    parser.add_argument(
        "--scaling", action="store_true", help="run a small and a large crowd and compare the CPU per message"
    )
    parser.add_argument("--sizes", type=int, nargs=2, default=(1500, 10_000), metavar=("SMALL", "LARGE"))
    arguments = parser.parse_args()
    if arguments.scaling:
        print(scaling(*arguments.sizes, arguments.client))
        sys.exit(0)
    compared = {} if arguments.no_compare else baseline(arguments.participants)
    figures = asyncio.run(main(arguments.participants, arguments.profile, arguments.client))
    figures |= {f"httpx_{key}": compared[key] for key in ("messages_per_s", "cpu_ms_per_answer") if key in compared}
    print("capacity: " + " ".join(f"{key}={value}" for key, value in figures.items()))
