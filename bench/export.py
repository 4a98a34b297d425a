"""The researchers' workbook at scale: carework's export against pandas' DataFrame.to_excel.

Writes synthetic answers into real carework databases (tests/fixtures/mini.yaml: examples, text,
rating and choice answers in round 1, a role and 100 items on two criteria in round 2), then
measures each export in a child process of its own, so each peak memory (ru_maxrss) is that
export's alone: carework's whole workbook at 1,000,000 and at 100,000 answers, and pandas
reading the same answers (the Answers sheet's raw columns) and writing them with to_excel.

    PYTHONPATH=. .venv/bin/python bench/export.py [--answers 1000000] [--small 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURVEY = ROOT / "tests" / "fixtures" / "mini.yaml"
ITEMS = 100
WORDS = "rota swaps peer support night shifts buddy system tablet notes shared car pool mentoring".split()
ANSWERS_SQL = (
    "SELECT p.code AS participant, p.group_id AS 'group', a.round_id AS round, a.question_id, a.item_id,"
    " a.criterion_id AS criterion, a.value AS answer, a.created_at AS answered_at"
    " FROM answers a JOIN participants p ON p.id = a.participant_id ORDER BY a.id"
)


def person_answers(n: int) -> list[tuple]:
    """Returns one person's answers as (round, question, item, criterion, value)."""
    words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(8))
    rows = [("r1", "examples", None, None, f"Example {k} ({n}): {words}") for k in range(3)]
    rows += [("r1", "more", None, None, f"=note {n}"), ("r1", "size", None, None, str(n % 3 + 1))]
    rows += [("r1", "where", None, None, "home,res"), ("r2", "role", None, None, "carer")]
    for i in range(ITEMS):
        rows += [("r2", "rate", f"i{i}", "evidence", "not_sure" if (n + i) % 7 == 0 else str((n + i) % 3 + 1))]
        rows += [("r2", "rate", f"i{i}", "newness", str((n * i) % 3 + 1))]
    return rows


async def create(path: Path) -> None:
    from carework_core.bootstrap import Services
    from carework_core.clock import SystemClock

    await (await Services.open(path, SURVEY, SystemClock())).close()


def seed(path: Path, answers: int) -> None:
    """Creates a database through carework's migrations and fills it with `answers` answers."""
    asyncio.run(create(path))
    conn = sqlite3.connect(path)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with conn:
        conn.executemany(
            "INSERT INTO items (item_set, item_id, position, text) VALUES ('ideas', ?, ?, ?)",
            [(f"i{i}", i, f"Idea {i}: {WORDS[i % len(WORDS)]}") for i in range(ITEMS)],
        )
        written, person = 0, 0
        while written < answers:
            person += 1
            at = (start + timedelta(seconds=person)).isoformat(timespec="milliseconds")
            conn.execute(
                "INSERT INTO participants (id, code, group_id, status, language, created_at, consented_at)"
                " VALUES (?, ?, ?, 'consented', 'en', ?, ?)",
                (person, f"P-{person:05d}", "workforce" if person % 3 else "lived", at, at),
            )
            conn.executemany(
                "INSERT INTO consents (participant_id, statement_id, agreed, at) VALUES (?, ?, 1, ?)",
                [(person, s, at) for s in ("read", "store", "quote")],
            )
            rows = person_answers(person)[: answers - written]
            conn.executemany(
                "INSERT INTO answers (participant_id, round_id, question_id, item_id, criterion_id, value, source,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(person, *r, f"s{person}-{k}", at) for k, r in enumerate(rows)],
            )
            written += len(rows)
    conn.close()


async def ours(file: Path, out: Path) -> None:
    from carework_core.bootstrap import Services
    from carework_core.clock import SystemClock

    services = await Services.open(file, SURVEY, SystemClock(), create=False)
    try:
        await services.exports.workbook(out, definition=SURVEY)
    finally:
        await services.close()


def pandas(file: Path, out: Path) -> None:
    import pandas as pd

    with sqlite3.connect(file) as conn:
        frame = pd.read_sql_query(ANSWERS_SQL, conn)
    frame.to_excel(out, index=False, sheet_name="Answers")


def child(which: str, file: Path, out: Path) -> None:
    """Runs one export in this process and prints its seconds and peak memory as JSON."""
    started = time.perf_counter()
    asyncio.run(ours(file, out)) if which == "ours" else pandas(file, out)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "bytes": out.stat().st_size}))


def measure(which: str, file: Path, out: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", which, "--db", str(file), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT)},
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"{which} {file.name}: {figures['seconds']:.1f} s, {figures['peak_mb']:.0f} MB peak, {figures['bytes']:,} bytes"
    )
    return figures


def main(answers: int, small: int) -> None:
    with tempfile.TemporaryDirectory(prefix="carework-bench-export-") as folder:
        big, little = Path(folder) / "big.db", Path(folder) / "small.db"
        started = time.perf_counter()
        seed(big, answers)
        seed(little, small)
        print(f"seeded {answers:,} and {small:,} answers in {time.perf_counter() - started:.1f} s")
        mine = measure("ours", big, Path(folder) / "ours.xlsx")
        theirs = measure("pandas", big, Path(folder) / "pandas.xlsx")
        mine_small = measure("ours", little, Path(folder) / "ours_small.xlsx")
    print(
        f"export: answers={answers} seconds={mine['seconds']:.1f} pandas_seconds={theirs['seconds']:.1f}"
        f" peak_mb={mine['peak_mb']:.0f} pandas_peak_mb={theirs['peak_mb']:.0f} peak_mb_100k={mine_small['peak_mb']:.0f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--child", choices=["ours", "pandas"])
    parser.add_argument("--db", dest="database", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database, args.out)
    else:
        main(args.answers, args.small)
