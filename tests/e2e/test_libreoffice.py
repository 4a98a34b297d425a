"""An export opens in LibreOffice with every answer present and nothing evaluated."""

import csv
import shutil
import subprocess

import pytest

from carework_core.research.export import export_workbook
from tests.conftest import type_answers

TYPED = ["=1+1", "#N/A", "#DIV/0!", "007", "2024-01-02", "@SUM(A1)", "-5", "café 👩🏽‍⚕️ <b> & é", "  spaced  "]
# LibreOffice's csv filter: comma, double quote, UTF-8, from row 1, ..., -1 writes every sheet to its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed on this machine")
async def test_libreoffice_reads_every_answer_as_typed(services, tmp_path):
    await services.rounds.open_round("r1", actor="cli")
    await type_answers(services, TYPED, first_user=100)
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    converted = tmp_path / "csv"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", CSV_FILTER, "--outdir", str(converted), str(out)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    (answers,) = converted.glob("*Answers*.csv")
    rows = list(csv.reader(answers.open(encoding="utf-8")))
    assert [r[10] for r in rows[1:]] == TYPED
