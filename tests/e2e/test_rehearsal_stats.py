"""`carework summary stats` of a rehearsal agrees with the rehearsal's exported answers."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from openpyxl import load_workbook

from rehearsal.run import rehearse
from tests.bot.test_cli import carework
from tests.conftest import MINI

pytestmark = pytest.mark.slow


async def test_summary_stats_of_a_rehearsal_counts_what_the_export_holds(tmp_path):
    report = await rehearse(MINI, 6, tmp_path, seed=4, think=(0.0, 0.1))
    assert report.ok, report
    env = {"CAREWORK_DATABASE": str(tmp_path / "carework.db"), "CAREWORK_SURVEY": str(MINI)}
    exported: Counter = Counter()
    sheet = load_workbook(tmp_path / "export.xlsx")["Answers"]
    header = [c.value for c in sheet[1]]
    for row in (dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)):
        if row["question_id"] in ("size", "rate"):  # the rating questions of mini.yaml; criteria named as their ids
            key = (row["round"], row["item_id"] or row["question_id"], (row["criterion"] or "").lower())
            kind = {"Not sure": "not_sure", "I don't know this idea": "dont_know"}.get(row["answer"], "n")
            exported[*key, kind] += 1
    counted: Counter = Counter()
    for round_id in ("r1", "r2"):
        out = tmp_path / f"{round_id}.csv"
        result = carework("summary", "stats", round_id, str(out), env=env)
        assert result.returncode == 0, result.stderr
        for r in csv.DictReader(out.open()):
            if r["group"] == "all":
                for kind in ("n", "not_sure", "dont_know"):
                    counted[round_id, r["item_id"], r["criterion"], kind] += int(r[kind])
    assert +counted == exported and {key[0] for key in exported} == {"r1", "r2"}
