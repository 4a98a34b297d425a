"""`carework rehearse`: the whole consultation with virtual participants, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from rehearsal.run import REHEARSAL_TOKEN, rehearse
from tests.conftest import MINI, ROOT

pytestmark = pytest.mark.slow


def test_rehearse_writes_export_trace_and_transcripts(tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("Rota swaps in an app\n\n=formula-looking answer\nPeer support circles\n", encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "rehearse",
            str(MINI),
            "--participants",
            "4",
            "--answers",
            str(answers),
            "--seed",
            "5",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "participants registered: 4 of 4" in done.stdout and "rehearsal passed" in done.stdout
    stored = int(done.stdout.split("answers stored:")[1].split()[0])
    rows = list(load_workbook(out / "export.xlsx")["Answers"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == stored > 0
    typed = {r[10] for r in rows if r[5] == "examples"}
    assert typed <= {"Rota swaps in an app", "=formula-looking answer", "Peer support circles"} and typed
    transcripts = sorted(p.name for p in (out / "transcripts").iterdir())
    assert transcripts == ["P-0001.txt", "P-0002.txt", "P-0003.txt", "P-0004.txt"]
    first = (out / "transcripts" / "P-0001.txt").read_text()
    assert first.startswith("> typed: /start ") and "bot: Welcome to Mini consultation." in first
    assert "> tapped: I agree" in first and "That is the end of round 1" in first
    trace = [json.loads(line) for line in (out / "trace.jsonl").read_text().splitlines()]
    assert any(t.get("method") == "sendMessage" for t in trace)
    assert REHEARSAL_TOKEN.split(":")[1] not in (out / "trace.jsonl").read_text()
    log = (out / "bot.log").read_text()
    assert "participant registered" in log and "Rota swaps" not in log


async def test_rehearsal_survives_injected_faults(tmp_path):
    report = await rehearse(MINI, 3, tmp_path, seed=11, faults=0.1, think=(0.0, 0.2))
    assert report.ok, report
    assert report.registered == 3 and report.answers == report.exported > 0
