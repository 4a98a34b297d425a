"""`carework rehearse` with hostile answers: formulas, markup, control characters, emoji, RTL, a 5,000-character text."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
import zipfile

import pytest
import yaml
from openpyxl import load_workbook

from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from carework_core.research.export import export_workbook
from carework_core.research.sheets import FORBIDDEN, clean_text
from tests.conftest import ROOT
from tests.e2e.test_followups import SURVEY

pytestmark = pytest.mark.slow

HOSTILE = ROOT / "tests" / "fixtures" / "hostile_answers.txt"
FORMULAS = {'=HYPERLINK("http://x")&A1', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"}
# Excel error codes and full-width signs: whether the csv quotes them is the export's rule to decide.
EITHER = {"#N/A", "#DIV/0!", "#REF!", "＝1+1", "＋cmd|' /C calc'!A0"}


def _lines() -> list[str]:
    """Returns the answers the rehearsal types, as it reads them from the file (rehearsal/bank.py)."""
    text = HOSTILE.read_bytes().decode("utf-8")
    return [line.removesuffix("\r") for line in text.split("\n") if line.strip()]


def stored_texts(db) -> set[str]:
    """Returns every text the database holds as an answer, a replaced answer, a detail or a reason."""
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT value FROM answers UNION SELECT value FROM answer_history"
            " UNION SELECT value FROM answer_details UNION SELECT text FROM reasons"
        ).fetchall()
    return {r[0] for r in rows if isinstance(r[0], str)}


def current_texts(db) -> set[str]:
    """Returns the texts the export is to show: answers and their details as they stand."""
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT value FROM answers UNION SELECT value FROM answer_details").fetchall()
    return {r[0] for r in rows if isinstance(r[0], str)}


async def test_a_rehearsal_with_hostile_answers_passes_and_the_export_holds_them_exactly(tmp_path):
    definition = yaml.safe_load(SURVEY.read_text(encoding="utf-8")) | {"on_withdraw": "anonymise"}
    survey = tmp_path / "followups.yaml"  # the leaver's answers stay, so every text typed can be found
    survey.write_text(yaml.safe_dump(definition, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "bot.cli.main", "rehearse", str(survey), "--participants", "12"]
    command += ["--answers", str(HOSTILE), "--seed", "18", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "participants registered: 12 of 12" in done.stdout and "rehearsal passed" in done.stdout
    assert "emulator refusals:       0 (0" in done.stdout
    typed = _lines()
    assert max(len(t) for t in typed) == 5000 and "/start xyz" in typed and "Next question" in typed
    stored = stored_texts(out / "carework.db")
    # Everything typed was stored exactly, the 5,000-character text whole, though the app sent it in two
    # pieces; only "/start xyz" is a command, not an answer.
    assert set(typed) - stored == {"/start xyz"}
    log = (out / "bot.log").read_text(encoding="utf-8")
    assert not [t for t in typed if len(t.strip()) > 4 and t in log]

    shown = set(current_texts(out / "carework.db")) & set(typed)
    book = load_workbook(out / "export.xlsx")
    cells = {c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert shown and not [t for t in shown if clean_text(t) not in cells]  # XML forbids \x00-\x1f but \t \n \r
    with zipfile.ZipFile(out / "export.xlsx") as archive:
        xml = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert xml and not [x for x in xml if "<f>" in x or 't="e"' in x]  # typed text is never a formula or an error
    await export_csv(survey, out)
    with zipfile.ZipFile(out / "export.zip") as archive:
        texts = {
            cell
            for name in archive.namelist()
            for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"), newline=""))
            for cell in row
        }
    for text in shown:  # a csv has no "this is text" mark: a formula gets an apostrophe, nothing else changes
        clean = FORBIDDEN.sub("", text)
        if text in FORMULAS:
            assert "'" + clean in texts and clean not in texts, text
        elif text in EITHER:
            assert clean in texts or "'" + clean in texts, text
        else:
            assert clean in texts, text


async def export_csv(survey, out) -> None:
    """Writes the rehearsal's answers as `carework export --format csv` does, to out/export.zip."""
    services = await Services.open(out / "carework.db", survey, ShiftedClock())
    try:
        await export_workbook(services.env, out / "export.zip", format="csv")
    finally:
        await services.close()
