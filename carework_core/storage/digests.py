"""Each person's digest of a rating round, kept with its summary when it is drafted (one row a person),
so sending it and paging through it read what the team approved and never count the ratings again."""

from __future__ import annotations

import json
from typing import Any

from carework_core.definitions.local_text import LocalText
from carework_core.results.summary import Digest, DigestLine, Spread
from carework_core.storage.db import Tx


def _text(value: str) -> Any:
    """Returns a text as JSON, keeping whether it is the definition's (a LocalText, with its translations)."""
    return [str(value), value.translations] if isinstance(value, LocalText) else str(value)


def _from_text(data: Any) -> str:
    return LocalText(data[0], data[1]) if isinstance(data, list) else data


def _spread(value: str) -> Any:
    """Returns "mostly Some" or "Some to A lot" as its two labels, so each language can say it."""
    return {"low": _text(value.low), "high": _text(value.high)} if isinstance(value, Spread) else _text(value)


def _from_spread(data: Any) -> str:
    return Spread(_from_text(data["low"]), _from_text(data["high"])) if isinstance(data, dict) else _from_text(data)


def lines_json(digest: Digest) -> str:
    """Returns a digest's lines as compact JSON: key, title, criterion, answer, group's, everyone's, distance."""
    return json.dumps(
        [
            [*line.key, _text(line.title), _text(line.criterion), _text(line.yours)]
            + [_spread(line.group), _spread(line.everyone), line.distance]
            for line in digest.lines
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _digest(row) -> Digest:
    lines = tuple(
        DigestLine(
            (d[0], d[1], d[2]), _from_text(d[3]), _from_text(d[4]), _from_text(d[5]), *map(_from_spread, d[6:8]), d[8]
        )
        for d in json.loads(row[3])
    )
    return Digest(row[1], row[0], row[2], lines)


async def keep_digests(tx: Tx, round_id: str, digests: tuple[Digest, ...]) -> None:
    """Replaces a round's digests with these (none for a round that rated nothing), and marks them kept."""
    await tx.execute("DELETE FROM summary_digests WHERE round_id = ?", (round_id,))
    await tx.executemany(
        "INSERT INTO summary_digests (round_id, participant_id, group_id, lines) VALUES (?, ?, ?, ?)",
        [(round_id, d.participant_id, d.group_id, lines_json(d)) for d in digests],
    )
    await tx.execute("UPDATE summaries SET digests_kept = 1 WHERE round_id = ?", (round_id,))


_COLUMNS = "round_id, participant_id, group_id, lines"


async def round_digests(tx: Tx, round_id: str) -> list[Digest]:
    """Returns the digest of everyone who rated anything in the round, by participant id."""
    sql = f"SELECT {_COLUMNS} FROM summary_digests WHERE round_id = ? ORDER BY participant_id"
    return [_digest(r) for r in await tx.fetchall(sql, (round_id,))]


async def first_digest(tx: Tx, round_id: str) -> Digest | None:
    """Returns the digest of the first person (by id) who rated anything: the team's sample."""
    sql = f"SELECT {_COLUMNS} FROM summary_digests WHERE round_id = ? ORDER BY participant_id LIMIT 1"
    row = await tx.fetchone(sql, (round_id,))
    return _digest(row) if row else None


async def digest_of(tx: Tx, round_id: str, participant_id: int) -> Digest | None:
    """Returns one person's kept digest, or None when they rated nothing in the round."""
    sql = f"SELECT {_COLUMNS} FROM summary_digests WHERE round_id = ? AND participant_id = ?"
    row = await tx.fetchone(sql, (round_id, participant_id))
    return _digest(row) if row else None


async def digest_state(tx: Tx, round_id: str) -> tuple[str, bool] | None:
    """Returns a round's summary status and whether it keeps its digests; None when it has no summary."""
    row = await tx.fetchone("SELECT status, digests_kept FROM summaries WHERE round_id = ?", (round_id,))
    return (row[0], bool(row[1])) if row else None
