"""A plain item list on disk (.xlsx or .csv with a header row), read into cells that know where they are.

Only reading: what the cells must hold is checked in item_checks.py, so every problem of a file
can be named at once, by sheet and cell (a workbook) or by line and column (a csv file).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from carework_core.items.synthesis_book import MAX_COLUMNS, MAX_ITEM_ROWS, UNREADABLE, _refuse_large, _why, cell_text

SHEET = "items"  # the sheet read when a workbook has one by this name (any case); else the first sheet


@dataclass(frozen=True)
class Place:
    """Where a cell is, said the way a researcher finds it: `sheet items, cell B7` or `line 7, column title`."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class ItemTable:
    """An item list as read: its header (name -> column number, 1 is the first) and its non-empty rows."""

    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]  # (row or line number, the cells' texts)
    place: Callable[[int, int], Place]  # (row, column) -> where that cell is
    problems: list[tuple[Place | None, str]] = field(default_factory=list)  # None: the whole file

    def at(self, number: int, name: str) -> Place:
        """Returns where a row's cell in a named column is (the first column when the header lacks it)."""
        return self.place(number, self.columns.get(name, 1))

    def header_at(self, name: str | None = None) -> Place:
        """Returns where a column's name is in the header, or the header row itself."""
        return self.place(1, self.columns[name] if name else 0)


def read_table(path: Path) -> ItemTable:
    """Reads an .xlsx (first sheet, or the one called items) or a .csv item list; never raises for bad files."""
    try:
        if path.suffix.lower() == ".csv":
            return _csv_table(path)
        if path.suffix.lower() == ".xlsx":
            return _xlsx_table(path)
        why = "give an .xlsx workbook or a .csv file with a header row (id, title, description, ...)"
    except FileNotFoundError:
        why = "no such file"
    except UnicodeDecodeError:
        why = "cannot be read as text: save the csv file as UTF-8"
    except csv.Error as exc:
        why = f"cannot be read as csv: {exc}"
    except OSError as exc:  # a folder, or a file the system will not let us read
        why = f"cannot be read: {exc.strerror or type(exc).__name__}"
    except UNREADABLE as exc:
        why = f"cannot be read as an .xlsx workbook ({_why(exc)})"
    return ItemTable({}, [], lambda row, col: Place(""), [(None, why)])


def _xlsx_table(path: Path) -> ItemTable:
    _refuse_large(path)
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        name = next((n for n in book.sheetnames if n.casefold() == SHEET), book.sheetnames[0])
        rows = book[name].iter_rows(max_row=MAX_ITEM_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        return _table(([cell_text(v) for v in row] for row in rows), lambda r, c: _cell(name, r, c))
    finally:
        book.close()


def _cell(sheet: str, row: int, column: int) -> Place:
    """Names a cell, or a whole row when column is 0."""
    return Place(
        f"sheet {sheet}, row {row}" if column == 0 else f"sheet {sheet}, cell {get_column_letter(column)}{row}"
    )


def _csv_table(path: Path) -> ItemTable:
    with path.open(encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        f.seek(0)
        # Excel saves csv with ; where the decimal mark is a comma; a header of one column has neither.
        delimiter = next((d for d in ",;\t" if d in first), ",")
        reader = csv.reader(f, delimiter=delimiter)
        lines: list[list[str]] = []
        numbers: list[int] = []  # the line each row starts on: a quoted cell may hold line breaks
        start = 1
        for row in reader:
            lines.append([v.strip() for v in row])
            numbers.append(start)
            start = reader.line_num + 1
            if len(lines) > MAX_ITEM_ROWS + 1:
                break
    header = lines[0] if lines else []
    return _table(lines, lambda r, c: Place(f"line {r}" if c == 0 else f"line {r}, column {_name(header, c)}"), numbers)


def _name(header: list[str], column: int) -> str:
    return header[column - 1] if 0 < column <= len(header) and header[column - 1] else str(column)


def _table(
    rows: Iterable[list[Any]], place: Callable[[int, int], Place], numbers: list[int] | None = None
) -> ItemTable:
    """Builds a table from rows of cell texts; `numbers` are their line numbers (a csv file), else 1, 2, ..."""
    rows = iter(rows)
    header = next(rows, [])
    columns = {name: n for n, name in reversed(list(enumerate(header, start=1))) if name}
    found: list[tuple[int, list[str]]] = []
    for index, values in enumerate(rows, start=2):
        if any(values):
            found.append((numbers[index - 1] if numbers else index, [str(v) for v in values]))
    table = ItemTable(columns, found, place)
    if len(found) > MAX_ITEM_ROWS:
        table.problems.append((None, f"more than {MAX_ITEM_ROWS} rows; an item list is far shorter"))
    return table
