"""Benchmark: what one rating tap costs the database, from the update arriving to the reply sent.

The real bot runs against the emulator with a real SQLite file; a person reaches a rating
question, then taps one answer. Every SQL statement the bot's connection runs while that tap is
stored, answered and its replies sent is counted (SQLite's trace hook), and transactions are
counted by their BEGINs. The figures are compared run to run, before and after a change.

Run: PYTHONPATH=. .venv/bin/python bench/tap_cost.py [--taps 5]   (or make bench)
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections import Counter
from pathlib import Path

from tests.e2e.conftest import start_stack, stop_stack
from tests.e2e.test_round import reach_the_rating


async def outbox_drained(stack) -> None:
    while (await stack.services.outbox.counts()).get("pending"):
        await asyncio.sleep(0.02)


async def one_tap(folder: Path) -> Counter:
    """Returns the statements by kind that one rating tap ran, replies included."""
    stack = await start_stack(folder, reconcile_seconds=5)  # the product's default pace, not the tests' 0.5 s
    try:
        ann = await stack.joined("Ann")
        await reach_the_rating(stack, ann)
        await outbox_drained(stack)
        # Let the intake's idle work (checkpoint) pass and Ann's chat regain Telegram's burst allowance,
        # so the two replies go at once and the count holds the tap alone, not the waits between sends.
        await asyncio.sleep(4.5)
        statements: list[str] = []
        stack.services.watch_statements(statements.append)
        await ann.tap("Big")
        await ann.wait_for(lambda chat: chat[-1].text.startswith("Question 4 of 4"))
        await outbox_drained(stack)
        stack.services.watch_statements(None)
    finally:
        await stop_stack(stack)
    # SQLite's trace reports the start of a trigger's program with its statement's text again (outbox and
    # participation rows have triggers): a repeat straight after the statement is that, not a statement.
    ran = [s for n, s in enumerate(statements) if not n or s != statements[n - 1]]
    return Counter(statement.split()[0].upper() for statement in ran)


async def main(taps: int) -> None:
    runs = []
    for _ in range(taps):
        with tempfile.TemporaryDirectory() as folder:
            runs.append(await one_tap(Path(folder)))
    # Polling and idle work add a few statements that depend on timing; the smallest run is the tap itself.
    least = min(runs, key=lambda c: sum(c.values()))
    total, begins = sum(least.values()), least["BEGIN"]
    print(f"statements by kind: {dict(sorted(least.items()))}")
    print(f"runs: {[sum(c.values()) for c in runs]}")
    print(f"tap_cost: statements={total} transactions={begins} runs={taps}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=5)
    asyncio.run(main(parser.parse_args().taps))
