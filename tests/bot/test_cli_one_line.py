"""What a careless operator or a hostile file gives the `carework` command: one line, exit 1, nothing written."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

from tests.bot.test_cli import carework
from tests.bot.test_cli_files import fingerprint
from tests.conftest import MINI

ALIAS_BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def one_line_error(result, *starts: str) -> str:
    """Asserts exit 1 and a single stderr line, no traceback; returns the line."""
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def initialised(tmp_path: Path) -> dict[str, str]:
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI), "CAREWORK_BOT_USERNAME": "b"}
    assert carework("init", env=env).returncode == 0
    return env


def test_an_empty_token_is_named(tmp_path):
    result = carework("run", env={"CAREWORK_DATABASE": str(tmp_path / "x.db"), "CAREWORK_TELEGRAM_TOKEN": ""})
    assert one_line_error(result) == "error: CAREWORK_TELEGRAM_TOKEN is set but empty"
    assert list(tmp_path.iterdir()) == []


def test_an_answers_file_that_cannot_be_used_is_named(tmp_path):
    (tmp_path / "empty.txt").touch()
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 rota\n".encode("latin-1"))
    (tmp_path / "folder").mkdir()
    reasons = {
        "missing.txt": "no such file",
        "empty.txt": "it has no answers in it (one answer per line)",
        "latin1.txt": "it is not UTF-8 text (save it as UTF-8)",
        "folder": "it is a folder, not a file",
    }
    for name, reason in reasons.items():
        answers = tmp_path / name
        out = tmp_path / f"out-{name}"
        result = carework("rehearse", str(MINI), "--participants", "1", "--out", str(out), "--answers", str(answers))
        assert one_line_error(result) == f"error: cannot use the answers file {answers}: {reason}"
        assert not out.exists()


def test_too_many_uses_and_a_far_extension_are_refused_unwritten(tmp_path):
    env = initialised(tmp_path)
    before = fingerprint(tmp_path)
    for uses in ("99999999999999999999999", "0", "10001"):
        huge = carework("invite", "--group", "lived", "--uses", uses, env=env)
        assert one_line_error(huge) == "error: uses must be a whole number from 1 to 10000"
    far = carework("round", "extend", "r1", "+99999999d", env=env)
    assert one_line_error(far) == (
        "error: cannot read '+99999999d' as a time: write 2026-01-25 21:00, 2026-01-25, or +3d (at most 366 days ahead)"
    )
    assert fingerprint(tmp_path) == before


def _exported(tmp_path: Path, env: dict[str, str]) -> Path:
    book = tmp_path / "synthesis.xlsx"
    assert carework("synthesis", "export", "r1", str(book), env=env).returncode == 0
    return book


def _with_part(book: Path, name: str, content: bytes, into: Path) -> Path:
    """Copies a workbook, replacing (or adding) one part of its zip."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(into, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        target.writestr(name, content)
    return into


def test_a_workbook_with_broken_xml_is_one_line(tmp_path):
    env = initialised(tmp_path)
    book = _with_part(
        _exported(tmp_path, env), "xl/worksheets/sheet2.xml", b"<worksheet><sheetData><row>", tmp_path / "broken.xlsx"
    )
    before = fingerprint(tmp_path)
    result = carework("synthesis", "import", str(book), "--into", "r2", env=env)
    assert one_line_error(result) == (
        f"error: {book}: workbook: cannot be read as an .xlsx workbook "
        "(a part of it is not well-formed XML: no element found: line 1, column 27); nothing was imported"
    )
    assert fingerprint(tmp_path) == before


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(tmp_path):
    env = initialised(tmp_path)
    cell = b'<row r="2"><c r="B2" t="inlineStr"><is><t>%s</t></is></c></row>' % (b"x" * 25_000_000)
    sheet = b"<worksheet><sheetData>%s</sheetData></worksheet>" % cell
    book = _with_part(_exported(tmp_path, env), "xl/worksheets/sheet2.xml", sheet, tmp_path / "big.xlsx")
    assert book.stat().st_size < 100_000  # small on disk, 25 MB unpacked
    started = time.monotonic()
    result = carework("synthesis", "import", str(book), "--into", "r2", env=env)
    assert one_line_error(result) == (
        f"error: {book}: workbook: cannot be read as an .xlsx workbook (it unpacks to more than 20 MB; "
        "a synthesis workbook is far smaller); nothing was imported"
    )
    assert time.monotonic() - started < 30


def test_a_definition_whose_aliases_explode_is_refused_quickly(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    started = time.monotonic()
    checked = carework("validate", str(bomb))
    assert checked.returncode == 1 and checked.stdout.strip() == (
        f"{bomb}:2: the definition expands to more than 100000 values through its aliases (*name); "
        "write it out with fewer aliases"
    )
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(bomb)}
    assert one_line_error(carework("status", env=env)).startswith(f"error: {bomb}:2: the definition expands")
    assert time.monotonic() - started < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.yaml"]
