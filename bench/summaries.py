"""Benchmark: every statistic of a rating round of one million ratings, beside SQLite's own floor.

Builds a real database file through the product's migrations, with 2,000 participants in 4
groups each rating 100 items on 5 criteria (a few "Not sure"). Then, on the same file (the floor on
a plain connection of its own), times (a) `Results.round_stats` end to end (the counting query, quartiles, consensus and small-
group checks of every cell) and (b) one `SELECT ... COUNT(*), AVG(value) ... GROUP BY item,
criterion, group` over the same answers: the least any summary must cost. Each is run a few
times, alternating, and the fastest kept; peak memory is tracemalloc's (Python allocations
only, SQLite's own cache not included) in a separate run, since tracing slows Python down.
Then `loop_held`: the longest the event loop went without running a 5 ms ticker while
`round_stats` counted (the counting runs on a connection of its own in a worker thread, so the
bot keeps answering people meanwhile; on the loop's thread it would be the whole count).

Run: PYTHONPATH=. .venv/bin/python bench/summaries.py   (or make bench)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
import tracemalloc
from pathlib import Path

from carework_core.bootstrap import Services
from carework_core.clock import ManualClock

GROUPS = ["providers", "lived", "workforce", "policy"]
CRITERIA = ["evidence", "size", "newness", "transfer", "lasting"]
ROUND = "rate"
FLOOR = (
    "SELECT a.item_id, a.criterion_id, p.group_id, COUNT(*), AVG(a.value)"
    " FROM answers a JOIN participants p ON p.id = a.participant_id WHERE a.round_id = ?"
    " GROUP BY a.item_id, a.criterion_id, p.group_id"
)


def definition() -> str:
    """Returns a consultation of one item-rating round on five 5-point criteria, for four groups."""
    groups = "".join(f"  - id: {g}\n    name: Group {g}\n" for g in GROUPS)
    scale = "    scale:\n      labels: [One, Two, Three, Four, Five]\n      not_sure: true\n"
    criteria = "".join(f"  - id: {k}\n    name: {k}\n    question: How about {k}?\n{scale}" for k in CRITERIA)
    return (
        "id: bench\ntitle: Bench\nrun_by: bench\npurpose: To time summaries.\ncontact: bench@example.org\n"
        f"groups:\n{groups}themes:\n  - id: t\n    name: T\ncriteria:\n{criteria}"
        "consent:\n  intro: Bench.\n  statements:\n    - id: ok\n      text: I agree.\n"
        f"rounds:\n  - id: {ROUND}\n    title: Rate\n    theme: t\n    groups: [{', '.join(GROUPS)}]\n"
        "    questions:\n      - id: ideas\n        type: item_rating\n        text: Rate each idea.\n"
        f"        item_set: ideas\n        criteria: [{', '.join(CRITERIA)}]\n"
    )


async def build(folder: Path, participants: int, items: int, seed: int) -> tuple[Path, Path, int]:
    """Writes the definition and a migrated database holding every rating; returns paths and rating count."""
    survey, path = folder / "bench.yaml", folder / "bench.db"
    survey.write_text(definition())
    await (await Services.open(path, survey, ManualClock())).close()  # the real migrations make the tables
    rng = random.Random(seed)
    with sqlite3.connect(path) as conn:  # the bench fills the file directly: one transaction, executemany
        conn.executemany(
            "INSERT INTO participants (id, code, group_id, status, created_at) VALUES (?, ?, ?, 'consented', 't')",
            [(n, f"P-{n:05}", GROUPS[n % len(GROUPS)]) for n in range(1, participants + 1)],
        )
        conn.executemany(
            "INSERT INTO items (item_set, item_id, position, text) VALUES ('ideas', ?, ?, ?)",
            [(f"i{n}", n, f"Idea {n}") for n in range(items)],
        )
        conn.executemany(
            "INSERT INTO answers (participant_id, round_id, question_id, item_id, criterion_id, value, source,"
            " created_at) VALUES (?, ?, 'ideas', ?, ?, ?, ?, 't')",
            _answers(rng, participants, items),
        )
        count = conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    return survey, path, count


def _answers(rng: random.Random, participants: int, items: int):
    for person in range(1, participants + 1):
        lean = person % len(GROUPS)  # each group leans its own way, so groups' medians differ
        for item in range(items):
            for k in CRITERIA:
                value = "not_sure" if rng.random() < 0.05 else str(min(5, max(1, round(rng.gauss(2 + lean, 1.2)))))
                yield (person, ROUND, f"i{item}", k, value, f"{person}:{item}:{k}")


async def timed(work) -> float:
    start = time.perf_counter()
    await work()
    return time.perf_counter() - start


async def peak_mb(work) -> float:
    tracemalloc.start()
    try:
        await work()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


async def loop_held(work) -> float:
    """Returns the longest the event loop went without running another task while `work` ran (seconds)."""
    gaps, done = [0.0], asyncio.Event()

    async def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last - 0.005)
            last = now

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)  # the ticker starts its first wait before the work begins
    try:
        await work()
    finally:
        done.set()
        await ticker
    return max(gaps)


async def main(participants: int, items: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        survey, path, count = await build(Path(folder), participants, items, seed=9)
        print(f"built {path.name}: {count} ratings in {time.perf_counter() - started:.1f} s")
        services = await Services.open(path, survey, ManualClock(), create=False)
        try:

            async def ours():
                return await services.results.round_stats(ROUND)

            baseline = sqlite3.connect(path)  # the floor: one plain query on a connection of its own

            async def floor():
                return baseline.execute(FLOOR, (ROUND,)).fetchall()

            stats = await ours()
            cells = len(stats.cells)
            ours_s, floor_s = [], []
            for _ in range(repeats):
                ours_s.append(await timed(ours))
                floor_s.append(await timed(floor))
            peak, floor_peak = await peak_mb(ours), await peak_mb(floor)
            held = await loop_held(ours)
        finally:
            await services.close()
    s, q = min(ours_s), min(floor_s)
    print(
        f"round_stats runs: {', '.join(f'{t:.2f}' for t in ours_s)} s; {cells} cells, {len(stats.disagreements)} disagree"
    )
    print(f"GROUP BY floor runs: {', '.join(f'{t:.2f}' for t in floor_s)} s")
    print(f"peak Python memory: round_stats {peak:.1f} MB, floor {floor_peak:.1f} MB")
    print(f"the event loop was held at most {held * 1000:.0f} ms while round_stats counted")
    print(
        f"summaries: ratings={count} seconds={s:.2f} sql_seconds={q:.2f} ratio={s / q:.2f} peak_mb={peak:.1f}"
        f" loop_held_ms={held * 1000:.0f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.participants, args.items, args.repeats))
