"""`carework synthesis export|import` through the real CLI process: one clear line per problem."""

from __future__ import annotations

from openpyxl import load_workbook

from tests.bot.test_cli import carework
from tests.conftest import MINI


def test_synthesis_commands_name_the_round_and_each_cell_at_fault(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    unknown = carework("synthesis", "export", "r9", str(tmp_path / "s.xlsx"), env=env)
    assert unknown.returncode == 1 and "no round 'r9' in the definition; rounds are: r1, r2" in unknown.stderr
    rating = carework("synthesis", "export", "r2", str(tmp_path / "s.xlsx"), env=env)
    assert rating.returncode == 1 and "round r2 has no examples question" in rating.stderr
    book_path = tmp_path / "s.xlsx"
    exported = carework("synthesis", "export", "r1", str(book_path), env=env)
    assert exported.returncode == 0 and "wrote 0 examples of round r1 in 0 suggested clusters" in exported.stdout
    book = load_workbook(book_path)
    book["Items"].append(["I1", "", "", "", "E7"])
    book["Items"].append(["I1", "Rota apps", "", "nonsense", "", "", 5])
    book.save(book_path)
    wrong_round = carework("synthesis", "import", str(book_path), "--into", "r1", env=env)
    assert wrong_round.returncode == 1 and "round r1 has no item_rating question" in wrong_round.stderr
    refused = carework("synthesis", "import", str(book_path), "--into", "r2", env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert lines[0] == f"error: {book_path}: 5 problem(s), nothing was imported:"
    assert [line.split(": ")[1] for line in lines[1:]] == ["Items!B2", "Items!E2", "Items!A3", "Items!D3", "Items!G3"]
    missing = carework("synthesis", "import", str(tmp_path / "none.xlsx"), "--into", "r2", env=env)
    assert missing.returncode == 1 and missing.stderr.strip() == (
        f"error: {tmp_path / 'none.xlsx'}: workbook: no such file; nothing was imported"
    )
