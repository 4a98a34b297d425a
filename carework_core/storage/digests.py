"""Each person's digest of a rating round, kept with its summary when it is drafted, so sending it and
paging through it read what the team approved and never count the ratings again.

What every digest of a round shares (each card's title and criterion, a group's and everyone's
figures, the answers' labels) is kept once, as the summary's legend; a person's row keeps, for each
line, which card and group it is, which answer they gave and how far it lies from everyone's: a
million ratings make about 12 MB, not 130.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from carework_core.answering.vocabulary import CatalogueWord
from carework_core.definitions.local_text import LocalText
from carework_core.results.summary import Digest, DigestLine, Spread
from carework_core.storage.db import Tx

Entry = tuple[tuple[str, str | None, str | None], str, str, str, str]  # key, title, criterion, group's, everyone's


def _text(value: str) -> Any:
    """Returns a text as JSON, keeping whether it is the definition's (a LocalText, with its translations)."""
    if isinstance(value, CatalogueWord):
        return {"catalogue": str(value)}  # the catalogue's own word, such as "Not sure": kept as such
    return [str(value), value.translations] if isinstance(value, LocalText) else str(value)


def _from_text(data: Any) -> str:
    if isinstance(data, dict):
        return CatalogueWord(data["catalogue"])
    return LocalText(data[0], data[1]) if isinstance(data, list) else data


def _same(text: str) -> tuple:
    """Returns what tells two texts apart: words, kind (the catalogue's "Not sure" is a CatalogueWord) and translations."""
    return (str(text), type(text).__name__, tuple(sorted(getattr(text, "translations", {}).items())))


class Packer:
    """Packs digests one at a time, as they are counted, into a round's legend and each person's row.

    The legend holds each distinct text once (titles, criteria, labels) and each card and group's
    entry (title, criterion, the group's and everyone's figures) by the texts' places."""

    def __init__(self) -> None:
        self._texts: dict[tuple, int] = {}
        self._written: list[Any] = []
        self._entries: dict[tuple[Any, str], int] = {}
        self._legend: list[list[Any]] = []
        self.rows: list[tuple[int, str, str]] = []  # participant id, group id, lines JSON

    def add(self, digest: Digest) -> None:
        """Packs one person's digest."""
        lines = []
        for line in digest.lines:
            shared = (line.key, digest.group_id)  # the card's title, criterion and figures follow from these
            if shared not in self._entries:
                self._entries[shared] = len(self._legend)
                texts = [self._at(line.title), self._at(line.criterion), self._spread(line.group)]
                self._legend.append([*line.key, *texts, self._spread(line.everyone)])
            lines.append([self._entries[shared], self._at(line.yours), line.distance])
        self.rows.append((digest.participant_id, digest.group_id, json.dumps(lines, separators=(",", ":"))))

    def legend(self) -> str:
        """Returns what the packed digests share, as JSON."""
        return json.dumps({"texts": self._written, "entries": self._legend}, ensure_ascii=False)

    def _at(self, text: str) -> int:
        same = _same(text)
        if same not in self._texts:
            self._texts[same] = len(self._written)
            self._written.append(_text(text))
        return self._texts[same]

    def _spread(self, value: str) -> Any:
        """Returns "mostly Some" or "Some to A lot" as its two labels' places, so each language can say it."""
        return [self._at(value.low), self._at(value.high)] if isinstance(value, Spread) else self._at(value)


def packed(digests: Iterable[Digest]) -> Packer:
    """Returns these digests packed."""
    packer = Packer()
    for digest in digests:
        packer.add(digest)
    return packer


def _legend(data: str) -> tuple[list[Entry], list[str]]:
    found = json.loads(data)
    texts = [_from_text(t) for t in found["texts"]]
    spreads: dict[tuple[int, int], Spread] = {}  # a few label pairs make every card's figures

    def spread(at: Any) -> str:
        if not isinstance(at, list):
            return texts[at]
        low, high = at
        if (low, high) not in spreads:
            spreads[low, high] = Spread(texts[low], texts[high])
        return spreads[low, high]

    entries = [((e[0], e[1], e[2]), texts[e[3]], texts[e[4]], spread(e[5]), spread(e[6])) for e in found["entries"]]
    return entries, texts


def _digest(round_id: str, row, legend: tuple[list[Entry], list[str]]) -> Digest:
    entries, texts = legend
    lines = []
    for entry, answer, distance in json.loads(row[2]):
        key, title, criterion, group, everyone = entries[entry]
        lines.append(DigestLine(key, title, criterion, texts[answer], group, everyone, distance))
    return Digest(row[0], round_id, row[1], tuple(lines))


async def keep_digests(tx: Tx, round_id: str, digests: Packer) -> None:
    """Replaces a round's digests with these (none for a round that rated nothing) and their legend."""
    await tx.execute("DELETE FROM summary_digests WHERE round_id = ?", (round_id,))
    await tx.executemany(
        "INSERT INTO summary_digests (round_id, participant_id, group_id, lines) VALUES (?, ?, ?, ?)",
        [(round_id, *row) for row in digests.rows],
    )
    await tx.execute("UPDATE summaries SET digest_legend = ? WHERE round_id = ?", (digests.legend(), round_id))


async def digest_state(tx: Tx, round_id: str) -> tuple[str, bool] | None:
    """Returns a round's summary status and whether it keeps its digests; None when it has no summary.

    A summary drafted before digests were kept (migration 26) has none."""
    row = await tx.fetchone("SELECT status, digest_legend IS NOT NULL FROM summaries WHERE round_id = ?", (round_id,))
    return (row[0], bool(row[1])) if row else None


async def _read(tx: Tx, round_id: str, where: str, args: tuple) -> list[Digest]:
    found = await tx.fetchone("SELECT digest_legend FROM summaries WHERE round_id = ?", (round_id,))
    if not found or found[0] is None:
        return []
    legend = _legend(found[0])
    sql = (
        f"SELECT participant_id, group_id, lines FROM summary_digests WHERE round_id = ?{where} ORDER BY participant_id"
    )
    return [_digest(round_id, row, legend) for row in await tx.fetchall(sql, (round_id, *args))]


async def round_digests(tx: Tx, round_id: str) -> list[Digest]:
    """Returns the digest of everyone who rated anything in the round, by participant id."""
    return await _read(tx, round_id, "", ())


async def first_digest(tx: Tx, round_id: str) -> Digest | None:
    """Returns the digest of the first person (by id) who rated anything: the team's sample."""
    first = await tx.fetchone("SELECT MIN(participant_id) FROM summary_digests WHERE round_id = ?", (round_id,))
    return await digest_of(tx, round_id, first[0]) if first and first[0] is not None else None


async def digest_of(tx: Tx, round_id: str, participant_id: int) -> Digest | None:
    """Returns one person's kept digest, or None when they rated nothing in the round."""
    found = await _read(tx, round_id, " AND participant_id = ?", (participant_id,))
    return found[0] if found else None
