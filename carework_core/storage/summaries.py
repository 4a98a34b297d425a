"""Between-round summaries as stored: the draft and its state, its content as JSON, and its chart."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from carework_core.definitions.local_text import LocalText, languages_of
from carework_core.people.model import Participant
from carework_core.results.summary import (
    CellStats,
    ChoiceTally,
    ChosenReason,
    Consensus,
    ExamplesTally,
    Excerpt,
    GroupCount,
    RoundStats,
    Summary,
    SummaryKind,
    SummaryStatus,
)
from carework_core.storage.db import Tx
from carework_core.storage.participants import participant_from_row
from carework_core.storage.rounds import NOTIFIED_SQL


@dataclass(frozen=True)
class StoredSummary:
    """A summary with what the team did to it: who approved it, whether it goes now, when it went."""

    summary: Summary
    drafted_at: str
    opening_replaced: bool = False
    approved_by: str | None = None
    approved_at: str | None = None
    send_now: bool = False
    sent_at: str | None = None
    recipients: int = 0


def content_json(summary: Summary) -> str:
    """Returns the drafted content of a summary (everything but its opening, next step and status) as JSON."""
    stats = summary.stats
    content: dict[str, Any] = {
        "tallies": [asdict(t) for t in summary.tallies],
        "excerpts": [asdict(e) for e in summary.excerpts],
        "reasons": summary.reasons,
        "chosen_reasons": [asdict(r) for r in summary.chosen_reasons],
        "item_titles": summary.item_titles,
        # An item's title in each language, when the synthesis gave more than one (LocalText's translations).
        "item_title_languages": {k: languages_of(v) for k, v in summary.item_titles.items() if languages_of(v)},
        "next_opens": summary.next_opens,
        "took_part": [asdict(t) for t in summary.took_part],
        "choices": [asdict(t) for t in summary.choices],
        "stats": None
        if stats is None
        else {
            "cells": [asdict(c) for c in stats.cells],
            "disagreements": sorted(list(k) for k in stats.disagreements),
        },
    }
    return json.dumps(content, sort_keys=True)


def _stats(data: dict | None, round_id: str) -> RoundStats | None:
    if data is None:
        return None
    cells = tuple(
        CellStats(**{**c, "consensus": Consensus(c["consensus"]) if c["consensus"] else None}) for c in data["cells"]
    )
    return RoundStats(round_id, cells, frozenset(tuple(k) for k in data["disagreements"]))


def _choice(data: dict[str, Any]) -> ChoiceTally:
    return ChoiceTally(**{**data, "chosen": tuple((o, n) for o, n in data["chosen"])})


def _titles(content: dict[str, Any]) -> dict[str, str]:
    """Returns the stored item titles, each as a LocalText when it was given in several languages."""
    languages = content.get("item_title_languages", {})
    return {k: LocalText(v, languages[k]) if k in languages else v for k, v in content["item_titles"].items()}


def _summary(row) -> StoredSummary:
    round_id, content = row[0], json.loads(row[6])
    summary = Summary(
        round_id,
        SummaryKind(row[1]),
        row[2] if row[3] else "",  # a default opening written in English by older versions is the shell's to say
        SummaryStatus(row[5]),
        tuple(ExamplesTally(**t) for t in content["tallies"]),
        tuple(Excerpt(**e) for e in content["excerpts"]),
        _stats(content["stats"], round_id),
        content["reasons"],
        _titles(content),
        own_opening=bool(row[3]),
        next_opens=content.get("next_opens"),
        chosen_reasons=tuple(ChosenReason(**r) for r in content.get("chosen_reasons", [])),
        took_part=tuple(GroupCount(**t) for t in content.get("took_part", ())),
        choices=tuple(_choice(t) for t in content.get("choices", ())),
    )
    return StoredSummary(summary, row[7], bool(row[3]), row[8], row[9], bool(row[10]), row[11], row[12])


_COLUMNS = (
    "round_id, kind, opening, opening_replaced, next_step, status, content, drafted_at,"
    " approved_by, approved_at, send_now, sent_at, recipients"
)

# The chart refers to its summary, so a remade summary is updated in place rather than replaced.
_UPDATES = ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in _COLUMNS.split(",")[1:])


async def read_summary(tx: Tx, round_id: str) -> StoredSummary | None:
    """Returns a round's stored summary, or None when none was drafted."""
    row = await tx.fetchone(f"SELECT {_COLUMNS} FROM summaries WHERE round_id = ?", (round_id,))
    return _summary(row) if row else None


async def all_summaries(tx: Tx) -> list[StoredSummary]:
    """Returns every stored summary, draft, approved or sent, by round."""
    return [_summary(r) for r in await tx.fetchall(f"SELECT {_COLUMNS} FROM summaries ORDER BY round_id")]


async def save_summary(tx: Tx, stored: StoredSummary) -> None:
    """Stores a summary whole, replacing the round's earlier one."""
    s = stored.summary
    await tx.execute(
        f"INSERT INTO summaries ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        f" ON CONFLICT (round_id) DO UPDATE SET {_UPDATES}",
        (
            s.round_id,
            s.kind.value,
            s.opening,
            int(stored.opening_replaced),
            "",  # the next step is said by the shell, from next_opens; the column predates that
            s.status.value,
            content_json(s),
            stored.drafted_at,
            stored.approved_by,
            stored.approved_at,
            int(stored.send_now),
            stored.sent_at,
            stored.recipients,
        ),
    )


async def ready_summaries(tx: Tx) -> dict[str, bool]:
    """Returns each approved summary not yet sent, by round, with whether it was to go at once."""
    rows = await tx.fetchall("SELECT round_id, send_now FROM summaries WHERE status = 'approved'")
    return {r[0]: bool(r[1]) for r in rows}


async def closed_without_summary(tx: Tx) -> list[str]:
    """Returns the closed rounds with no summary yet, or only a draft made before the round last closed
    (it was extended and took more answers since)."""
    rows = await tx.fetchall(
        "SELECT r.round_id FROM rounds r LEFT JOIN summaries s ON s.round_id = r.round_id WHERE r.status = 'closed'"
        " AND (s.round_id IS NULL OR (s.status = 'draft' AND s.drafted_at < r.closed_at)) ORDER BY r.round_id"
    )
    return [r[0] for r in rows]


async def recipients(tx: Tx, groups: list[str]) -> list[Participant]:
    """Returns consented, reachable, unpaused participants of these groups, in the order they joined."""
    marks = ",".join("?" for _ in groups)
    rows = await tx.fetchall(NOTIFIED_SQL + f" AND p.group_id IN ({marks}) ORDER BY p.id", groups)
    return [participant_from_row(r) for r in rows]


async def read_chart(tx: Tx, round_id: str, language: str = "en") -> tuple[bytes, str | None] | None:
    """Returns a round's chart in a language as PNG and Telegram's file_id for it (None until uploaded)."""
    row = await tx.fetchone(
        "SELECT png, file_id FROM summary_charts WHERE round_id = ? AND language = ?", (round_id, language)
    )
    return (bytes(row[0]), row[1]) if row else None


async def save_chart(tx: Tx, round_id: str, png: bytes, language: str = "en") -> None:
    """Stores a round's chart in a language; a new picture forgets the file_id of the old one."""
    await tx.execute(
        "INSERT OR REPLACE INTO summary_charts (round_id, language, png, file_id) VALUES (?, ?, ?, NULL)",
        (round_id, language, png),
    )


async def save_file_id(tx: Tx, round_id: str, file_id: str, language: str = "en") -> None:
    """Stores the file_id Telegram gave the chart's first upload."""
    await tx.execute(
        "UPDATE summary_charts SET file_id = ? WHERE round_id = ? AND language = ?", (file_id, round_id, language)
    )


async def await_opening(tx: Tx, round_id: str, coordinator_id: int) -> None:
    """Records that this coordinator's next message is the new opening of the round's summary."""
    await tx.execute("UPDATE summaries SET opening_from = NULL WHERE opening_from = ?", (coordinator_id,))
    await tx.execute("UPDATE summaries SET opening_from = ? WHERE round_id = ?", (coordinator_id, round_id))


async def opening_awaited(tx: Tx, coordinator_id: int) -> str | None:
    """Returns the round whose summary waits for this coordinator's new opening, and forgets the wait."""
    row = await tx.fetchone("SELECT round_id FROM summaries WHERE opening_from = ?", (coordinator_id,))
    await tx.execute("UPDATE summaries SET opening_from = NULL WHERE opening_from = ?", (coordinator_id,))
    return row[0] if row else None
