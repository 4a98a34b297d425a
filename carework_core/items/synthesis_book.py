"""The synthesis workbook on disk: Examples (with suggested clusters), an Items sheet to fill, and About.

Plain openpyxl, not write-only: a round holds hundreds of examples, not millions, and the Items
sheet needs header comments and cell checks that help a researcher fill it in Excel or LibreOffice.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from carework_core.definitions.model import Consultation, Round
from carework_core.errors import SheetProblem, SynthesisRejected
from carework_core.research.sheets import clean_text, reads_as_formula

EXAMPLE_COLUMNS = ["example_id", "group", "question_id", "question", "text", "suggested_cluster", "cluster_members"]
ITEM_COLUMNS = ["item_id", "title", "description", "theme", "source_examples", "evidence_notes"]
# A synthesis workbook of a thousand examples unpacks to about 1 MB; a few kilobytes of zip can
# unpack to gigabytes, which openpyxl would hold as XML and cells. Checked before openpyxl opens it.
MAX_UNPACKED = 20_000_000
MAX_ITEM_ROWS = 5_000  # rows of the Items sheet read; a round rates tens of items
MAX_COLUMNS = 100


class TooLarge(ValueError):
    """The workbook is larger than a synthesis workbook can be."""


# What openpyxl and zipfile raise for a file that is not a well-formed workbook (ParseError is a SyntaxError).
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,
)
TITLE_PREFIX = "title_"  # title_cy: an item's title in another language of the consultation


def item_columns(c: Consultation) -> list[str]:
    """Returns the Items sheet's columns: the title in each further language follows the title."""
    return ITEM_COLUMNS[:2] + title_columns(c) + ITEM_COLUMNS[2:]


def title_columns(c: Consultation) -> list[str]:
    """Returns a title column for every language after the first (whose title is in `title`)."""
    return [f"{TITLE_PREFIX}{lang}" for lang in c.languages[1:]]


SCORE_PREFIX = "score_"
ROUND_KEY = "round"  # the About sheet's row naming the round the examples came from
# Rows of the Items sheet whose scores Excel checks as they are typed. No cell is written below the
# header, so a researcher's script that appends rows starts on row 2.
FILLABLE_ROWS = 500
# The same rule as the researchers' export: characters XML 1.0 forbids, and lone surrogates.
WIDTHS = {"text": 70, "question": 40, "title": 50, "description": 50, "evidence_notes": 40, "cluster_members": 30}


@dataclass(frozen=True)
class ExampleRow:
    """One example as the Examples sheet shows it."""

    example_id: str
    group: str
    question_id: str
    question: str
    text: str
    cluster: int
    members: tuple[str, ...]  # the other examples of its suggested cluster


@dataclass
class FilledItems:
    """The Items sheet as a researcher left it: its header, its non-empty rows, the round it is for."""

    columns: dict[str, int]  # header name -> column number, 1 is A
    rows: list[tuple[int, list[Any]]]  # (row number, values)
    from_round: str | None
    problems: list[SheetProblem] = field(default_factory=list)


def write_book(path: Path, c: Consultation, rnd: Round, examples: list[ExampleRow], exported_at: str) -> None:
    """Writes the three sheets for one round's examples."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Examples"
    _header(sheet, EXAMPLE_COLUMNS)
    for e in examples:
        row = [e.example_id, e.group, e.question_id, e.question, e.text, e.cluster, "; ".join(e.members)]
        sheet.append([_text_safe(v) for v in row])
    for n in (1, 2, 3, 4, 5, 7):
        for cells in sheet.iter_cols(min_col=n, max_col=n, min_row=2):
            for cell in cells:
                _keep_text(cell)
    _items_sheet(book.create_sheet("Items"), c)
    _about_sheet(book.create_sheet("About"), c, rnd, len(examples), exported_at)
    book.save(path)


def _header(sheet: Worksheet, names: list[str]) -> None:
    sheet.append(names)
    for n, name in enumerate(names, start=1):
        sheet.cell(1, n).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(n)].width = WIDTHS.get(name, max(12, len(name) + 2))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}1"


def _items_sheet(sheet: Worksheet, c: Consultation) -> None:
    scores = [f"{SCORE_PREFIX}{k.id}" for k in c.criteria]
    columns = item_columns(c)
    _header(sheet, columns + scores)
    sheet.cell(1, 1).comment = Comment("A short id of your choice, e.g. I1: letters, digits, - and _.", "carework")
    sheet.cell(1, 2).comment = Comment(
        f"What participants read on the card: at most {c.synthesis.title_max} characters.", "carework"
    )
    for name in title_columns(c):
        lang = name.removeprefix(TITLE_PREFIX)
        sheet.cell(1, columns.index(name) + 1).comment = Comment(
            f"The title as people who read {lang} see it.", "carework"
        )
    theme, sources = columns.index("theme") + 1, columns.index("source_examples") + 1
    sheet.cell(1, theme).comment = Comment("A theme id or name: " + ", ".join(t.id for t in c.themes), "carework")
    sheet.cell(1, sources).comment = Comment(
        "Example ids from the Examples sheet, separated by ; e.g. E12; E40", "carework"
    )
    for n, crit in enumerate(c.criteria, start=len(columns) + 1):
        scale = ", ".join(f"{p} = {label}" for p, label in enumerate(crit.scale.labels, start=1))
        sheet.cell(1, n).comment = Comment(f"{crit.name}: {scale}. Leave empty if not scored.", "carework")
        check = DataValidation(type="whole", operator="between", formula1="1", formula2=str(len(crit.scale.labels)))
        check.error = f"A whole number from 1 to {len(crit.scale.labels)}"
        letter = get_column_letter(n)
        check.add(f"{letter}2:{letter}{FILLABLE_ROWS + 1}")
        sheet.add_data_validation(check)


def _about_sheet(sheet: Worksheet, c: Consultation, rnd: Round, count: int, exported_at: str) -> None:
    rows: list[list[Any]] = [
        ["consultation", c.id],
        [ROUND_KEY, rnd.id],
        ["round_title", rnd.title],
        ["examples", count],
        ["exported_at", exported_at],
        ["title_max", c.synthesis.title_max],
        [],
        ["How to fill in the Items sheet"],
        ["1", "Read the Examples sheet. Similar examples share a suggested cluster: a suggestion only."],
        ["2", "Write one row per item: an item id (e.g. I1) and a title participants will read."],
        ["3", f"Keep each title to {c.synthesis.title_max} characters or fewer."],
        *(
            [["3b", f"Write each title in {', '.join(title_columns(c))} too: people read the title in their language."]]
            if title_columns(c)
            else []
        ),
        ["4", "List the examples behind each item in source_examples, separated by ; (e.g. E12; E40)."],
        ["5", "Optionally add a description, a theme, evidence notes and your own scores."],
        [
            "6",
            f"Then run: carework synthesis import FILE --into ROUND (the round that rates the items, after {rnd.id}).",
        ],
        [],
        ["theme", "name"],
        *[[t.id, t.name] for t in c.themes],
        [],
        ["criterion", "score", "label"],
        *[[f"{SCORE_PREFIX}{k.id}", p, label] for k in c.criteria for p, label in enumerate(k.scale.labels, start=1)],
    ]
    for row in rows:
        sheet.append([_text_safe(v) for v in row])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90


def _text_safe(value: Any) -> Any:
    """Returns a value the workbook can hold: characters XML forbids are dropped, as the export drops them."""
    return clean_text(value) if isinstance(value, str) else value


def _keep_text(cell: Any) -> None:
    """Keeps typed text as text: never a formula ("=...") or an error cell ("#N/A")."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        cell.quotePrefix = reads_as_formula(cell.value)


def read_items(path: Path) -> FilledItems:
    """Reads the Items sheet's filled rows and the About sheet's round; problems name sheet and cell."""
    try:
        _refuse_large(path)
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return _filled(book)  # read-only: the sheets' XML is parsed here, row by row
        finally:
            book.close()
    except FileNotFoundError:
        raise SynthesisRejected(str(path), [SheetProblem("workbook", "", "no such file")]) from None
    except UNREADABLE as exc:
        problem = SheetProblem("workbook", "", f"cannot be read as an .xlsx workbook ({_why(exc)})")
        raise SynthesisRejected(str(path), [problem]) from None


def _refuse_large(path: Path) -> None:
    """Refuses, from the zip's directory alone, a workbook that unpacks past MAX_UNPACKED bytes."""
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED:
        raise TooLarge(f"it unpacks to more than {MAX_UNPACKED // 1_000_000} MB; a synthesis workbook is far smaller")


def _why(exc: BaseException) -> str:
    """Says in one line why a workbook could not be read."""
    if isinstance(exc, SyntaxError):  # xml's ParseError
        return f"a part of it is not well-formed XML: {exc.msg}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _filled(book: Any) -> FilledItems:
    problems: list[SheetProblem] = []
    from_round = None
    if "About" in book.sheetnames:
        for row in book["About"].iter_rows(max_row=MAX_ITEM_ROWS, max_col=2, values_only=True):
            if row and row[0] == ROUND_KEY and len(row) > 1:
                from_round = cell_text(row[1]) or None
    if from_round is None:
        problems.append(SheetProblem("About", "B2", "the round the examples came from is missing (round, then its id)"))
    if "Items" not in book.sheetnames:
        return FilledItems({}, [], from_round, [*problems, SheetProblem("Items", "", "the sheet is missing")])
    rows = book["Items"].iter_rows(max_row=MAX_ITEM_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
    header = [cell_text(v) for v in next(rows, ())]
    columns = {name: n for n, name in reversed(list(enumerate(header, start=1))) if name}
    filled = []
    for number, values in enumerate(rows, start=2):
        if any(cell_text(v) for v in values):
            filled.append((number, list(values)))
    if filled and filled[-1][0] > MAX_ITEM_ROWS:
        problems.append(SheetProblem("Items", "", f"more than {MAX_ITEM_ROWS} rows; only that many are read"))
    return FilledItems(columns, filled, from_round, problems)


def cell_text(value: Any) -> str:
    """Returns what a cell shows as text: a whole number without ".0", a date as ISO, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()
