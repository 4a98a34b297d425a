"""The participant information sheet sent with the consent screen: a file beside the definition, or a link.

`consent.sheet` is written once or per language (`{en: sheet-en.pdf, cy: sheet-cy.pdf}`); a value
starting http:// or https:// is a link, anything else a file relative to the definition's folder.
Its version is a short hash of what is sent (the file's bytes, or the link), named in the codebook
as the consent wording's is, so a researcher can tell which sheet people read before agreeing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from carework_core.definitions.local_text import text_in
from carework_core.definitions.model import Consultation

SHEET_TYPES = (".pdf", ".txt")  # what a phone opens without another app
MAX_SHEET_BYTES = 20_000_000  # Telegram's bots upload documents up to 50 MB; a sheet is far smaller


@dataclass(frozen=True)
class InfoSheet:
    """The sheet for one language: a link, or a file to send as a document; `version` is its hash."""

    link: str | None
    file: Path | None
    version: str

    @property
    def name(self) -> str:
        """Returns the file name the document is sent under."""
        return self.file.name if self.file else ""


def _is_link(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _where(c: Consultation, value: str) -> Path:
    """Returns a sheet file's path: as written when absolute, else beside the definition."""
    path = Path(value)
    return path if path.is_absolute() or c.folder is None else c.folder / path


def sheet_for(c: Consultation, language: str | None) -> InfoSheet | None:
    """Returns the sheet in a language (the first language's when not written in it); None when none is named."""
    if c.consent.sheet is None:
        return None
    value = text_in(c.consent.sheet, language).strip()
    if _is_link(value):
        return InfoSheet(value, None, _version(value.encode()))
    path = _where(c, value)
    seen = path.stat()
    return InfoSheet(None, path, _file_version(str(path), seen.st_mtime_ns, seen.st_size))


def sheet_versions(c: Consultation) -> dict[str, str]:
    """Returns each language's sheet version, by language; empty when no sheet is named."""
    found = {}
    for lang in c.languages:
        sheet = sheet_for(c, lang)
        if sheet is not None:
            found[lang] = sheet.version
    return found


def sheet_problems(c: Consultation) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yields each sheet file that is missing, unreadable, too big or not a PDF or text file, where it is written."""
    sheet = c.consent.sheet
    if sheet is None:
        return
    written = sheet.translations or {"": str(sheet)}
    for lang, value in written.items():
        where = ("consent", "sheet", lang) if lang else ("consent", "sheet")
        value = value.strip()
        if _is_link(value):
            continue
        path = _where(c, value)
        if path.suffix.lower() not in SHEET_TYPES:
            yield where, f"the information sheet {value!r} must be a PDF or a text file (.pdf or .txt), or a link"
        elif not path.is_file():
            yield where, f"no information sheet file {value!r} (looked for {path})"
        elif path.stat().st_size > MAX_SHEET_BYTES:
            yield where, f"the information sheet {value!r} is over {MAX_SHEET_BYTES // 1_000_000} MB"


@lru_cache(maxsize=16)
def _file_version(path: str, mtime_ns: int, size: int) -> str:
    """Hashes a sheet file once per change: every newcomer's /start asks for its version."""
    return _version(Path(path).read_bytes())


def _version(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:12]
