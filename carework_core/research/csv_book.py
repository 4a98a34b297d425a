"""The researchers' sheets as csv files in a zip (`--format csv`), and the private file every export is
written through. The rows and their cleaning are the workbook's (sheets.py), so both formats hold the same."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from carework_core.errors import ExportRefused
from carework_core.research.sheets import NUMBER, Cleaning, Sheet, reads_as_formula


class CsvBook:
    """The same sheets as UTF-8 csv files with a byte-order mark (so Excel reads them), in one zip."""

    def __init__(self, handle: BinaryIO):
        self.zip = zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED)
        self.cleaning = Cleaning()

    def sheet(self, spec: Sheet) -> CsvSheet:
        self.cleaning.sheets.append(spec.title)
        return CsvSheet(self, spec)

    def save(self, handle: BinaryIO) -> None:
        self.zip.close()

    def discard(self) -> None:
        """Nothing to delete: the zip is written straight into the private partial file."""


class CsvSheet:
    """One csv file in the zip; a zip takes one file at a time, so sheets are written one after another."""

    def __init__(self, book: CsvBook, spec: Sheet):
        self.book = book
        name = re.sub(r"[^A-Za-z0-9_-]+", "_", spec.title).strip("_").lower() or "sheet"
        self.text = io.TextIOWrapper(book.zip.open(f"{name}.csv", "w"), encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.text)
        self.writer.writerow(spec.header)

    def append(self, row: list[Any]) -> None:
        self.writer.writerow([self._text(v) for v in row])

    def close(self) -> None:
        self.text.close()

    def _text(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if not isinstance(value, str):
            return value
        text = self.book.cleaning.clean(value)
        if reads_as_formula(text) and not NUMBER.fullmatch(text):
            # A csv has no "this is text" mark, and a spreadsheet opening it would run "=HYPERLINK(...)"
            # typed by a participant, or show "#N/A" as an error; the apostrophe (OWASP's advice) stops
            # that, and About counts it.
            self.book.cleaning.quoted += 1
            return "'" + text
        return text


@contextmanager
def private_file(path: Path, what: str, mode: str = "wb") -> Iterator[IO]:
    """Writes through a private temporary file (mode 0600) beside path, so the result is never readable by
    others or half-written; a failure is ExportRefused naming the path and `what` was being written."""
    partial: str | None = None
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        with os.fdopen(fd, mode, **({} if "b" in mode else {"newline": "", "encoding": "utf-8"})) as handle:
            yield handle
        os.replace(partial, path)
    except OSError as exc:
        raise ExportRefused(f"{path}: cannot write {what}: {exc.strerror or exc}") from None
    finally:
        if partial:
            Path(partial).unlink(missing_ok=True)
