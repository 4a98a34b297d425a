"""`carework rehearse`: the whole consultation with virtual participants, through the real CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml
from openpyxl import load_workbook

from carework_core.reading.messages import own_words
from rehearsal.run import REHEARSAL_TOKEN, rehearse
from tests.conftest import MINI, ROOT

pytestmark = pytest.mark.slow


SCHEDULES = {
    "r1": {
        "opens": "2026-01-12 09:00",
        "reminders": ["2026-01-14 18:00", "2026-01-16 18:00"],
        "closes": "2026-01-18 21:00",
    },
    "r2": {"opens": "2026-01-19 09:00", "reminders": ["2026-01-21 18:00"], "closes": "2026-01-23 21:00"},
}


def scheduled_mini(folder):
    """Writes the mini definition with a schedule for each round, dates long past; returns its path."""
    definition = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    for rnd in definition["rounds"]:
        rnd["schedule"] = SCHEDULES[rnd["id"]]
    path = folder / "scheduled.yaml"
    path.write_text(yaml.safe_dump(definition, sort_keys=False), encoding="utf-8")
    return path


def bot_messages(transcript: str) -> list[str]:
    """Returns the text of each bot message in a transcript (every version seen), leaving out documents."""
    found, current = [], None
    for line in transcript.splitlines():
        starts = line.startswith(("bot:", "bot (", "> ", "     ["))
        if starts and current is not None:
            found.append(current)
            current = None
        if line.startswith(("bot:", "bot (")) and "(file " not in line.split(": ", 1)[0]:
            current = line.split(": ", 1)[1]
        elif not starts and current is not None:
            current += "\n" + line
    return found + ([current] if current is not None else [])


def test_rehearse_writes_export_trace_and_transcripts(tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("Rota swaps in an app\n\n=formula-looking answer\nPeer support circles\n", encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli.main",
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
    # After each round, the summary everyone received; after the rating round, the chart and a digest.
    assert "summaries sent:          2 (charts written: 1)" in done.stdout
    everyone = [(out / "transcripts" / name).read_text() for name in transcripts]
    assert all("bot: Wellbeing examples: what we heard" in t for t in everyone)
    assert any("bot (photo): Chart: the share of people" in t for t in everyone)  # r2 is for one group
    assert any("bot: Your answers beside everyone's" in t for t in everyone)
    assert (out / "charts" / "r2.png").read_bytes().startswith(b"\x89PNG")
    trace = [json.loads(line) for line in (out / "trace.jsonl").read_text().splitlines()]
    assert any(t.get("method") == "sendMessage" for t in trace)
    assert REHEARSAL_TOKEN.split(":")[1] not in (out / "trace.jsonl").read_text()
    log = (out / "bot.log").read_text()
    assert "participant registered" in log and "Rota swaps" not in log
    # The rating round rates what the team made of round 1's examples: one item per suggested cluster.
    said = re.search(r"items to rate: +r2 (\d+) items from (\d+) examples of r1", done.stdout)
    assert said, done.stdout
    examples = list(load_workbook(out / "synthesis-r1.xlsx")["Examples"].iter_rows(min_row=2, values_only=True))
    titles = {r[1] for r in load_workbook(out / "synthesis-r1.xlsx")["Items"].iter_rows(min_row=2, values_only=True)}
    assert int(said.group(1)) == len({r[5] for r in examples}) == len(titles) and int(said.group(2)) == len(examples)
    assert titles <= typed  # titled with each cluster's first example, "=formula-looking answer" included as text
    rated = {r[8] for r in rows if r[5] == "rate"}
    assert rated <= titles  # one person withdrew at the end, and their ratings went with them
    # Someone changes an answer in each round, and one person withdraws at the end.
    changed = int(re.search(r"; (\d+) answers changed with /review", done.stdout).group(1))
    assert changed >= 2 and sum(t.count("> typed: /review") for t in everyone) >= changed
    assert "withdrew at the end:     1" in done.stdout
    leaver = [t for t in everyone if "> typed: /withdraw" in t]
    assert len(leaver) == 1 and "You have withdrawn." in leaver[0]
    spoken = int(re.search(r"voice notes, changes: +(\d+) voice notes", done.stdout).group(1))
    assert spoken == sum(t.count("> spoke: a voice note") for t in everyone)
    # How the bot's own words read: each distinct message of the transcripts once, quotes left out, and documents
    # (with /mydata's account of a person's data, a record sent as a document once it is long).
    read = re.search(
        r"^reading: messages=(\d+) over_grade=(\d+) max_grade=([\d.]+) longest_screen_chars=(\d+)$", done.stdout, re.M
    )
    assert read, done.stdout
    shown = {own_words(m) for t in everyone for m in bot_messages(t) if not m.startswith("What we hold about you")}
    assert int(read.group(1)) == len(shown) > 20 and int(read.group(2)) == 0 and float(read.group(3)) <= 8
    assert int(read.group(4)) == max(len(m) for m in shown) <= 1000
    assert any("“”" in m for m in shown)  # the summary quoted what people wrote, and it was not counted


async def test_rehearsal_survives_injected_faults(tmp_path):
    report = await rehearse(MINI, 3, tmp_path, seed=11, faults=0.1, think=(0.0, 0.2))
    assert report.ok, report
    assert report.registered == 3 and report.answers == report.exported > 0


def test_rehearsal_follows_the_schedule_and_reminds_only_those_who_had_not_finished(tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "bot.cli.main", "rehearse", str(scheduled_mini(tmp_path)), "--participants", "10"]
    done = subprocess.run(
        [*command, "--seed", "3", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rehearsal passed" in done.stdout
    transcripts = {p.stem: p.read_text() for p in (out / "transcripts").iterdir()}
    reminded = {code for code, text in transcripts.items() if "bot: A reminder: Round" in text}
    # Two of the ten stop half-way through round 1 and one of the five in round 2: round 1's second
    # reminder reaches only the one who never came back, who is then told the round has closed.
    assert 1 <= len(reminded) <= 3
    for code, text in transcripts.items():
        for number in (1, 2):
            end = text.find(f"That is the end of round {number}")
            reminder = text.find(f"bot: A reminder: Round {number}:")
            assert reminder == -1 or end == -1 or reminder < end, f"{code} was reminded after finishing round {number}"
    unfinished = [code for code, text in transcripts.items() if "That is the end of round 1" not in text]
    assert len(unfinished) == 1
    gone = transcripts[unfinished[0]]
    assert gone.count("bot: A reminder: Round 1:") == 2 and "Round 1 has closed" in gone
    total = sum(text.count("bot: A reminder: Round") for text in transcripts.values())
    assert f"reminders received:      {total} (" in done.stdout
    assert "paused half-way:         3 (came back after a reminder: 2)" in done.stdout
    spoken = [text for text in transcripts.values() if "> spoke: a voice note" in text]
    assert spoken and all("bot: Saved your voice note. Thank you." in text for text in spoken)
    log = (out / "bot.log").read_text()
    assert "scheduled action" in log and "reminder queued" in log


async def test_a_definition_with_its_own_list_of_ideas_rehearses_a_rating_round_of_that_list(tmp_path):
    # A team with its list (as in the seed) rates it without a made-up examples round: the rehearsal imports
    # the round's theme's ideas from NAME-ideas.csv beside NAME.yaml, as `carework items import` would.
    survey = tmp_path / "listed.yaml"
    survey.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "listed-ideas.csv").write_text(
        "id,title,description,theme,kind\n"
        "T1,Shift swaps in an app,People swap shifts on their phones.,tech,\n"
        "T2,Shared care notes,One record the family can read.,tech,\n"
        "W1,Peer support circles,Not this round's theme.,wellbeing,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    report = await rehearse(survey, 3, out, seed=7, think=(0.0, 0.2))
    assert report.ok, report
    assert report.synthesis["r2"] == ("listed-ideas.csv", 2, 0)
    header, *rows = load_workbook(out / "export.xlsx")["Items"].iter_rows(values_only=True)
    rated = {row[header.index("item_id")] for row in rows}
    assert rated == {"T1", "T2"}
