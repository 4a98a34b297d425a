"""Sheets that keep every cell exactly as typed: an xlsx workbook (openpyxl write-only) or csv files in a zip.

Both take the same rows, so `--format csv` holds the same sheets as the workbook. Text is always text
(never a formula or an error cell; in a csv, a text that would start a formula or read as an error value
gets a leading apostrophe, counted in About), characters XML forbids are dropped and counted, and nothing is cut:
a text longer than a cell holds continues in the next cell, a sheet longer than a sheet holds continues
on "Name (2)".
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

EMPTY_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")
MAX_ROWS = 1_048_576  # rows an xlsx sheet holds, the header included; tests lower it
MAX_CELL = 32_767  # characters an xlsx cell holds
SAMPLE_ROWS = 50  # rows read to size the columns
MAX_WIDTH = 60
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Characters XML 1.0 forbids (and lone surrogates, which UTF-8 cannot hold) are dropped.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet would read these as the start of a formula (Excel takes the full-width signs too).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A spreadsheet would read these as an error value, whatever their case.
ERROR_VALUES = frozenset(
    "#NULL! #DIV/0! #VALUE! #REF! #NAME? #NUM! #N/A #GETTING_DATA #SPILL! #CALC! #FIELD! #BLOCKED! "
    "#CONNECT! #BUSY! #UNKNOWN! #EXTERNAL! #PYTHON!".split()
)
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")  # "-9" starts like a formula but is only a number


def reads_as_formula(text: str) -> bool:
    """Whether a spreadsheet would read this text as a formula or an error value rather than as text."""
    return text.startswith(FORMULA_START) or (text[:1] == "#" and text.strip().upper() in ERROR_VALUES)


@dataclass(frozen=True)
class Column:
    """One column of a sheet and what it means, for the codebook."""

    name: str
    meaning: str
    codes: tuple[tuple[str, str], ...] = ()  # (code, label) of a coded column
    continued: bool = False  # the next column holds the rest of a text longer than one cell


@dataclass(frozen=True)
class Sheet:
    """A sheet's title and columns."""

    title: str
    columns: tuple[Column, ...]
    note: str = ""  # said once in the codebook, for the sheet as a whole

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass
class Cleaning:
    """What was dropped on the way out, for the About sheet."""

    dropped: int = 0  # forbidden characters
    continued: int = 0  # texts that went on in the next cell
    quoted: int = 0  # csv texts that would start a formula, given a leading apostrophe
    sheets: list[str] = field(default_factory=list)  # every sheet written, continuations included

    def clean(self, text: str) -> str:
        """Returns a text without the characters the format forbids, counting them."""
        if text.isascii() and text.isprintable():
            return text  # the common case, checked in C without the pattern
        kept = FORBIDDEN.sub("", text)
        self.dropped += len(text) - len(kept)
        return kept


class XlsxBook:
    """A workbook written row by row; only a sample of rows per sheet is ever held."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self.cleaning = Cleaning()
        self.styles = {"bold": _style(self.book, font=Font(bold=True))}
        self.styles["time"] = _style(self.book, number_format=TIME_FORMAT)
        # Excel and LibreOffice keep a quote-prefixed cell as text even when it is edited.
        self.styles["quoted"] = _style(self.book, quotePrefix=True)

    def sheet(self, spec: Sheet) -> XlsxSheet:
        """Starts a sheet (its continuations are added as it grows)."""
        return XlsxSheet(self, spec)

    def save(self, handle: BinaryIO) -> None:
        self.book.save(handle)

    def discard(self) -> None:
        """Deletes the rows of sheets never saved (the export failed half-way)."""
        for sheet in self.book.worksheets:
            if isinstance(sheet, RowSheet):
                sheet.discard()


def clean_text(text: str) -> str:
    """Returns text as a cell can hold it: characters XML forbids dropped, every line end a newline."""
    return FORBIDDEN.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def text_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """Returns a cell for another write-only sheet showing exactly what was typed."""
    if not isinstance(value, str):
        return value
    clean = FORBIDDEN.sub("", value)  # first: a control character must not hide a leading "="
    cell = WriteOnlyCell(sheet, clean_text(clean))
    cell.data_type = "s"  # openpyxl would read "#N/A" as an error cell and "=..." as a formula
    cell.quotePrefix = reads_as_formula(clean)
    return cell


def _style(book: Workbook, **style: Any) -> str:
    """Returns the workbook's id of a cell style, registering it."""
    probe = WriteOnlyCell(WriteOnlyWorksheet(book, "probe"))
    for name, value in style.items():
        setattr(probe, name, value)
    return str(probe.style_id)


class RowSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows arrive as ready XML text, kept in a private temporary file.

    openpyxl builds an object per cell and an element per cell's part, about 15 us a cell
    (bench/export.py); writing the row's XML text costs a small fraction of that. openpyxl still
    writes everything around the rows (frozen header, widths, autofilter) and the package; on
    close the rows are spliced into its sheetData.
    """

    def __init__(self, parent: Workbook, title: str):
        super().__init__(parent, title)
        fd, self._rows_path = tempfile.mkstemp(prefix="carework-rows-", suffix=".xml")  # mode 0600
        self._rows_file = open(fd, "w", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115 (closed in close)

    def append(self, row: Any) -> None:
        self._rows_file.write(row)

    def discard(self) -> None:
        self._rows_file.close()
        Path(self._rows_path).unlink(missing_ok=True)

    def close(self) -> None:
        self._rows_file.close()
        super().close()
        around = Path(self._writer.out)  # openpyxl archives this file, then deletes it
        written = around.read_bytes()  # a few hundred bytes: everything but the rows
        head, tail = EMPTY_SHEET_DATA.split(written, maxsplit=1)  # lxml and ElementTree write it differently
        with around.open("wb") as out, open(self._rows_path, "rb") as rows:
            out.write(head + b"<sheetData>")
            shutil.copyfileobj(rows, out, 1 << 20)
            out.write(b"</sheetData>" + tail)
        Path(self._rows_path).unlink()


class XlsxSheet:
    """One sheet being written: sized from a sample, header bold and frozen, autofilter, split at the limit."""

    def __init__(self, book: XlsxBook, spec: Sheet):
        self.book, self.spec = book, spec
        self.parts = 0
        self.rows = 0  # data rows in the current part
        self.sample: list[list[Any]] | None = []
        self.current: WriteOnlyWorksheet | None = None
        self.cont = {n for n, c in enumerate(spec.columns) if c.continued}
        self.letters: list[str] = []

    def append(self, row: list[Any]) -> None:
        if self.sample is not None:
            self.sample.append(row)
            if len(self.sample) >= SAMPLE_ROWS:
                self._flush()
            return
        self._write(row)

    def close(self) -> None:
        if self.sample is not None:
            self._flush()
        self._finish()

    def _flush(self) -> None:
        sample, self.sample = self.sample or [], None
        self._start()
        for row in sample:
            self._write(row)

    def _start(self) -> None:
        self._finish()
        self.parts += 1
        title = self.spec.title if self.parts == 1 else f"{self.spec.title} ({self.parts})"
        self.current = RowSheet(self.book.book, title[:31])
        self.book.book._add_sheet(self.current)
        self.book.cleaning.sheets.append(self.current.title)
        self.current.freeze_panes = "A2"
        for n, width in enumerate(self._widths(), start=1):
            self.current.column_dimensions[get_column_letter(n)].width = width
        self.rows = 0
        self.current.append(self._row(self.spec.header, 1, self.book.styles["bold"]))

    def _finish(self) -> None:
        if self.current is not None:
            last = get_column_letter(max(1, len(self.spec.columns)))
            self.current.auto_filter.ref = f"A1:{last}{self.rows + 1}"

    def _write(self, row: list[Any]) -> None:
        if self.rows + 1 >= MAX_ROWS:
            self._start()
        assert self.current is not None
        self.rows += 1
        self.current.append(self._row(row, self.rows + 1))

    def _widths(self) -> list[float]:
        widths = [len(name) + 2 for name in self.spec.header]
        for row in self.sample or []:
            for n, value in enumerate(row[: len(widths)]):
                shown = 19 if isinstance(value, datetime) else len(str(value)) if value is not None else 0
                widths[n] = max(widths[n], min(shown + 2, MAX_WIDTH))
        return [float(w) for w in widths]

    def _fit(self, row: list[Any]) -> list[Any]:
        """Cleans text and moves what a cell cannot hold into the next cell (or the row's end)."""
        clean = self.book.cleaning.clean
        out = [clean(v) if type(v) is str else v for v in row]
        overflow: list[str] = []
        for n, value in enumerate(out):
            if isinstance(value, str) and len(value) > MAX_CELL:
                self.book.cleaning.continued += 1
                out[n], rest = value[:MAX_CELL], value[MAX_CELL:]
                if n in self.cont and not out[n + 1]:
                    out[n + 1], rest = rest[:MAX_CELL], rest[MAX_CELL:]
                overflow += [rest[i : i + MAX_CELL] for i in range(0, len(rest), MAX_CELL)]
        return out + overflow

    def _row(self, values: list[Any], number: int, style: str | None = None) -> str:
        """Returns a row's XML: text cleaned and always text, never a formula or an error.

        This runs for every row of the workbook, so it checks and writes each value in one pass."""
        letters = self.letters
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        parts = [f'<row r="{number}">']
        add = parts.append
        dropped = 0
        for letter, value in zip(letters, values, strict=False):
            if value is None or value == "":
                continue
            kind = type(value)
            if kind is not str and not isinstance(value, (int, float, datetime)):
                value, kind = str(value), str  # a StrEnum, a date: written as the text it reads as
            if kind is str:
                if not (value.isascii() and value.isprintable()):
                    kept = FORBIDDEN.sub("", value)
                    dropped += len(value) - len(kept)
                    value = kept
                if len(value) > MAX_CELL:
                    return self._row(self._fit(values), number, style)  # rare: _fit cleans and counts
                if value:
                    add(self._text(f"{letter}{number}", value, style))
            elif kind is datetime:
                add(f'<c r="{letter}{number}" s="{self.book.styles["time"]}"><v>{to_excel(value)!r}</v></c>')
            elif kind is bool:
                add(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
            else:
                add(f'<c r="{letter}{number}"><v>{value}</v></c>')
        self.book.cleaning.dropped += dropped
        add("</row>")
        return "".join(parts)

    def _text(self, ref: str, value: str, style: str | None) -> str:
        if "\r" in value:  # xlsx readers turn a bare carriage return into a line break; write it as one
            quoted = value.startswith("\r")
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        else:
            quoted = reads_as_formula(value)
        shown = escape(value, quote=False) if ("&" in value or "<" in value or ">" in value) else value
        space = ' xml:space="preserve"' if value != value.strip() else ""
        if style or quoted:
            return f'<c r="{ref}" t="inlineStr" s="{style or self.book.styles["quoted"]}"><is><t{space}>{shown}</t></is></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{shown}</t></is></c>'
