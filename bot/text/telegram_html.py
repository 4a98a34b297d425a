"""Telegram HTML that never breaks: long messages split where a reader expects, captions kept short.

Telegram refuses a message whose visible text (after entity parsing, in UTF-16 code units) is over
4,096, or whose tags do not balance. A summary can be longer than that, so it is cut at a paragraph,
else a line end, else a space, never inside a tag or a character reference; tags still open at a
cut are closed there and opened again at the start of the next part.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from carework_core.messaging.messages import MESSAGE_UNITS, utf16_units

__all__ = ["CAPTION_LIMIT", "MESSAGE_LIMIT", "caption", "shown_units", "split_html", "utf16_units"]

MESSAGE_LIMIT = MESSAGE_UNITS
CAPTION_LIMIT = 1024
_ATOM = re.compile(r"<[^>]*>|&(?:#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});|.", re.S)
_PREFERENCE = ("\n\n", "\n", "")  # a paragraph, else a line end, else any whitespace
_SENTENCE_END = re.compile(r"[.!?](?=\s)")


@dataclass(frozen=True)
class _Atom:
    raw: str
    units: int  # visible UTF-16 code units; 0 for a tag
    tag: str = ""  # the tag's name, for a start or end tag
    closing: bool = False

    @property
    def blank(self) -> bool:
        return not self.tag and self.raw.isspace()


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Returns the message as parts that each parse on their own and show at most limit units."""
    atoms = [_atom(m.group()) for m in _ATOM.finditer(text)]
    parts: list[str] = []
    open_tags: list[_Atom] = []
    start = 0
    while start < len(atoms):
        fits = _fitting_end(atoms, start, limit)
        cut, resume = (fits, fits) if fits == len(atoms) else _cut(atoms, start, fits)
        body = "".join(a.raw for a in open_tags)  # what was open at the last cut opens again
        for atom in atoms[start:cut]:
            _track(open_tags, atom)
            body += atom.raw
        body += "".join(f"</{a.tag}>" for a in reversed(open_tags))
        for atom in atoms[cut:resume]:  # the whitespace at the cut is dropped; its tags still count
            _track(open_tags, atom)
        if any(not a.tag and not a.blank for a in atoms[start:cut]):
            parts.append(body)
        start = resume
    return parts


def shown_units(text: str) -> int:
    """Returns how long a message reads as Telegram counts it: UTF-16 units of its text, tags not counted."""
    return sum(_atom(m.group()).units for m in _ATOM.finditer(text.strip()))


def _atom(raw: str) -> _Atom:
    if raw.startswith("<"):
        closing = raw.startswith("</")
        name = re.match(r"</?\s*([A-Za-z0-9-]*)", raw)
        return _Atom(raw, 0, (name.group(1) if name else "").lower() or "?", closing)
    return _Atom(raw, utf16_units(html.unescape(raw) if raw.startswith("&") else raw))


def _track(open_tags: list[_Atom], atom: _Atom) -> None:
    if atom.tag and atom.closing:
        if open_tags:
            open_tags.pop()
    elif atom.tag:
        open_tags.append(atom)


def _fitting_end(atoms: list[_Atom], start: int, limit: int) -> int:
    """Returns the furthest end whose atoms from start show at most limit units (at least one atom)."""
    used, end = 0, start
    while end < len(atoms) and used + atoms[end].units <= limit:
        used += atoms[end].units
        end += 1
    return max(end, start + 1)


def _cut(atoms: list[_Atom], start: int, end: int) -> tuple[int, int]:
    """Returns where this part ends and the next begins: around the best whitespace run before end."""
    runs = _blank_runs(atoms, start, end)
    for wanted in _PREFERENCE:
        for first, after, blank in reversed(runs):
            if wanted in blank:
                return first, after
    return end, end  # one unbroken word longer than the limit: cut between characters


def _blank_runs(atoms: list[_Atom], start: int, end: int) -> list[tuple[int, int, str]]:
    """Returns (first, after, whitespace) of each run of whitespace that begins after start and by end."""
    runs: list[tuple[int, int, str]] = []
    index = start + 1
    while index <= end and index < len(atoms):
        if not atoms[index].blank:
            index += 1
            continue
        first, blank = index, ""
        while index < len(atoms) and (atoms[index].blank or atoms[index].tag):
            blank += atoms[index].raw if atoms[index].blank else ""
            index += 1
        while index > first and atoms[index - 1].tag:
            index -= 1  # tags after the whitespace belong to the next part
        runs.append((first, index, blank))
    return runs


def caption(text: str, limit: int = CAPTION_LIMIT) -> str:
    """Returns plain text shortened to limit units at a sentence or word end, ending with "…"."""
    text = text.strip()
    if utf16_units(text) <= limit:
        return text
    room, used = "", 0
    for char in text:  # keep room for " …" at the end
        used += utf16_units(char)
        if used > limit - 2:
            break
        room += char
    ends = [m.end() for m in _SENTENCE_END.finditer(room + " ")]
    if ends and ends[-1] > len(room) // 2:
        return room[: ends[-1]] + " …"
    mid_word = not text[len(room)].isspace()
    if mid_word and " " in room.strip():
        room = room.rstrip()[: room.rstrip().rindex(" ")]
    return room.rstrip(" ,;:-–—") + "…"
