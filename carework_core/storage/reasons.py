"""Reasons people give for seeing a card differently from their group, and the offers to hear them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from carework_core.storage.db import Tx


class OfferStatus(StrEnum):
    OFFERED = "offered"  # the bot asked; the person's next typed line is the reason
    GIVEN = "given"
    SKIPPED = "skipped"  # the person tapped Skip
    PASSED = "passed"  # the person tapped something else, so the round went on without a reason


@dataclass(frozen=True)
class Card:
    """What was rated: a question of a round, and for an item card its item and criterion."""

    round_id: str
    question_id: str
    item_id: str | None = None
    criterion_id: str | None = None


@dataclass(frozen=True)
class Offer:
    """An offer to hear a reason, and what came of it."""

    id: int
    card: Card
    rating: str
    status: OfferStatus


@dataclass(frozen=True)
class CodedReason:
    """A reason as the workbook shows it: under the participant's code, never a Telegram id."""

    code: str
    card: Card
    rating: str
    text: str
    given_at: str


def card_of(answer) -> Card:
    """Returns the card a stored answer rated."""
    return Card(answer.round_id, answer.question_id, answer.item_id, answer.criterion_id)


_OFFER = "SELECT id, round_id, question_id, item_id, criterion_id, rating, status FROM reasons"


def _offer(row) -> Offer:
    card = Card(row[1], row[2], row[3] or None, row[4] or None)
    return Offer(row[0], card, row[5], OfferStatus(row[6]))


async def offer_reason(tx: Tx, participant_id: int, card: Card, rating: str, at: str) -> bool:
    """Records that the bot asks why; returns False when this card was offered before (a replay)."""
    new = await tx.insert(
        "INSERT OR IGNORE INTO reasons (participant_id, round_id, question_id, item_id, criterion_id, rating, status,"
        " offered_at) VALUES (?, ?, ?, ?, ?, ?, 'offered', ?)",
        (participant_id, card.round_id, card.question_id, card.item_id or "", card.criterion_id or "", rating, at),
    )
    return new is not None


async def open_offer(tx: Tx, participant_id: int) -> Offer | None:
    """Returns the offer waiting for a person's typed line, if its round is still open."""
    row = await tx.fetchone(
        _OFFER + " WHERE participant_id = ? AND status = 'offered'"
        " AND round_id IN (SELECT round_id FROM rounds WHERE status = 'open') ORDER BY id DESC",
        (participant_id,),
    )
    return _offer(row) if row else None


async def reason_from(tx: Tx, participant_id: int, source: str) -> Offer | None:
    """Returns the offer a message already answered, or None when the message is new."""
    row = await tx.fetchone(_OFFER + " WHERE participant_id = ? AND source = ?", (participant_id, source))
    return _offer(row) if row else None


async def give_reason(tx: Tx, offer_id: int, text: str, source: str, at: str) -> None:
    """Stores the typed reason on its offer."""
    await tx.execute(
        "UPDATE reasons SET status = 'given', text = ?, source = ?, given_at = ? WHERE id = ? AND status = 'offered'",
        (text, source, at, offer_id),
    )


async def close_offers(tx: Tx, participant_id: int, status: OfferStatus) -> None:
    """Ends a person's waiting offers without a reason: Skip, or they went on with something else."""
    await tx.execute(
        "UPDATE reasons SET status = ? WHERE participant_id = ? AND status = 'offered'", (status, participant_id)
    )


async def count_reasons(tx: Tx, round_id: str) -> int:
    """Returns how many people gave at least one reason in a round."""
    row = await tx.fetchone(
        "SELECT COUNT(DISTINCT participant_id) FROM reasons WHERE round_id = ? AND status = 'given'", (round_id,)
    )
    return row[0]


async def reasons_of(tx: Tx, round_id: str | None = None) -> list[CodedReason]:
    """Returns the reasons given in a round (or in every round), oldest first, under participants' codes."""
    where, params = ("AND r.round_id = ?", (round_id,)) if round_id is not None else ("", ())
    rows: Iterable = await tx.fetchall(
        "SELECT p.code, r.round_id, r.question_id, r.item_id, r.criterion_id, r.rating, r.text, r.given_at"
        f" FROM reasons r JOIN participants p ON p.id = r.participant_id WHERE r.status = 'given' {where}"
        " ORDER BY r.given_at, r.id",
        params,
    )
    return [CodedReason(r[0], Card(r[1], r[2], r[3] or None, r[4] or None), r[5], r[6], r[7]) for r in rows]


@dataclass(frozen=True)
class QuotableReason:
    """A typed reason whose writer takes part and agrees to be quoted now."""

    id: int
    group_id: str
    card: Card
    text: str


async def quotable_reasons(tx: Tx, round_id: str, statement_id: str) -> list[QuotableReason]:
    """Returns a round's typed reasons (not voice notes) of people who agree to be quoted now, oldest first."""
    rows = await tx.fetchall(
        "SELECT r.id, p.group_id, r.round_id, r.question_id, r.item_id, r.criterion_id, r.text FROM reasons r"
        " JOIN participants p ON p.id = r.participant_id"
        " JOIN consents c ON c.participant_id = r.participant_id AND c.statement_id = ? AND c.agreed = 1"
        " WHERE r.round_id = ? AND r.status = 'given' AND p.status = 'consented'"
        " AND NOT EXISTS (SELECT 1 FROM voice_notes v WHERE v.reason_id = r.id) ORDER BY r.id",
        (statement_id, round_id),
    )
    return [QuotableReason(r[0], r[1], Card(r[2], r[3], r[4] or None, r[5] or None), r[6]) for r in rows]


async def reason_ids_of(tx: Tx, participant_id: int) -> set[int]:
    """Returns the ids of every reason a person gave."""
    rows = await tx.fetchall("SELECT id FROM reasons WHERE participant_id = ? AND status = 'given'", (participant_id,))
    return {r[0] for r in rows}
