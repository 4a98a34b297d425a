"""Answers, progress through a round's questions, and when a person started and finished a round."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

from carework_core.storage.db import Tx


@dataclass(frozen=True)
class Answer:
    """One stored answer; `source` names the message or tap it came from, so a replay stores nothing."""

    round_id: str
    question_id: str
    value: str
    source: str
    item_id: str | None = None
    criterion_id: str | None = None


@dataclass(frozen=True)
class RoundProgress:
    """What a person has done in one round: questions finished and answers given."""

    done: frozenset[str] = frozenset()
    answers: tuple[Answer, ...] = field(default=())
    participant_id: int = 0  # whose progress: follow-ups and Other words are read by it

    def count(self, question_id: str) -> int:
        """Returns how many answers a question has (examples are several)."""
        return sum(1 for a in self.answers if a.question_id == question_id)

    def cards(self, question_id: str) -> set[tuple[str | None, str | None]]:
        """Returns the (item id, criterion id) cards of an item-rating question already rated."""
        return {(a.item_id, a.criterion_id) for a in self.answers if a.question_id == question_id}

    def with_answer(self, *answers: Answer) -> RoundProgress:
        """Returns this progress with one more answer (or several, from one tap)."""
        return replace(self, answers=(*self.answers, *answers))

    def with_done(self, question_id: str) -> RoundProgress:
        """Returns this progress with one more question finished."""
        return replace(self, done=self.done | {question_id})


async def round_progress(tx: Tx, participant_id: int, round_id: str) -> RoundProgress:
    """Returns a person's finished questions and answers in a round."""
    done = await tx.fetchall(
        "SELECT question_id FROM progress WHERE participant_id = ? AND round_id = ?", (participant_id, round_id)
    )
    rows = await tx.fetchall(
        "SELECT round_id, question_id, value, source, item_id, criterion_id FROM answers"
        " WHERE participant_id = ? AND round_id = ? ORDER BY id",
        (participant_id, round_id),
    )
    return RoundProgress(frozenset(r[0] for r in done), tuple(Answer(*r) for r in rows), participant_id)


async def answer_from(tx: Tx, participant_id: int, source: str) -> Answer | None:
    """Returns the answer a message or tap already gave, or None when it is new."""
    row = await tx.fetchone(
        "SELECT round_id, question_id, value, source, item_id, criterion_id FROM answers"
        " WHERE participant_id = ? AND source = ?",
        (participant_id, source),
    )
    return Answer(*row) if row else None


async def record_answer(tx: Tx, participant_id: int, answer: Answer, at: str) -> None:
    """Stores an answer; one already stored from the same source is kept as it was."""
    await tx.execute(
        "INSERT OR IGNORE INTO answers (participant_id, round_id, question_id, item_id, criterion_id, value, source,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            participant_id,
            answer.round_id,
            answer.question_id,
            answer.item_id,
            answer.criterion_id,
            answer.value,
            answer.source,
            at,
        ),
    )


async def mark_done(tx: Tx, participant_id: int, round_id: str, question_id: str, skipped: bool, at: str) -> None:
    """Records that a person has finished (or skipped) a question."""
    await tx.execute(
        "INSERT OR IGNORE INTO progress (participant_id, round_id, question_id, skipped, done_at) VALUES (?, ?, ?, ?, ?)",
        (participant_id, round_id, question_id, int(skipped), at),
    )


async def start_participation(tx: Tx, participant_id: int, round_id: str, at: str) -> None:
    """Records when a person first tapped Start in a round; a later Start keeps the first time."""
    await tx.execute(
        "INSERT INTO participations (participant_id, round_id, started_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO UPDATE SET started_at = COALESCE(started_at, excluded.started_at)",
        (participant_id, round_id, at),
    )


async def finish_participation(tx: Tx, participant_id: int, round_id: str, at: str) -> None:
    """Records when a person answered a round's last question; the first time is kept."""
    await tx.execute(
        "UPDATE participations SET finished_at = COALESCE(finished_at, ?) WHERE participant_id = ? AND round_id = ?",
        (at, participant_id, round_id),
    )


async def rounds_under_way(tx: Tx, participant_id: int) -> list[str]:
    """Returns the open rounds a person has started and not finished, the latest started first."""
    return await open_rounds_started(tx, participant_id, unfinished_only=True)


async def open_rounds_started(tx: Tx, participant_id: int, unfinished_only: bool = False) -> list[str]:
    """Returns the open rounds a person has started (only unfinished ones, if asked), the latest started first."""
    unfinished = " AND x.finished_at IS NULL" if unfinished_only else ""
    rows = await tx.fetchall(
        "SELECT x.round_id FROM participations x JOIN rounds r ON r.round_id = x.round_id"
        f" WHERE x.participant_id = ? AND x.started_at IS NOT NULL{unfinished} AND r.status = 'open'"
        " ORDER BY x.started_at DESC",
        (participant_id,),
    )
    return [r[0] for r in rows]


async def all_answers(tx: Tx) -> list[Answer]:
    """Returns every stored answer in the order given."""
    rows = await tx.fetchall(
        "SELECT round_id, question_id, value, source, item_id, criterion_id FROM answers ORDER BY id"
    )
    return [Answer(*r) for r in rows]


async def earlier_rating(
    tx: Tx, participant_id: int, places: list[tuple[str, str]], item_id: str | None, criterion_id: str | None
) -> tuple[Answer, str] | None:
    """Returns a person's latest answer to the same card in one of `places` (round, question) now closed,
    with when that round closed."""
    if not places:
        return None
    where = " OR ".join("(a.round_id = ? AND a.question_id = ?)" for _ in places)
    row = await tx.fetchone(
        "SELECT a.round_id, a.question_id, a.value, a.source, a.item_id, a.criterion_id, r.closed_at FROM answers a"
        " JOIN rounds r ON r.round_id = a.round_id AND r.status = 'closed'"
        f" WHERE a.participant_id = ? AND a.item_id IS ? AND a.criterion_id IS ? AND ({where})"
        " ORDER BY a.id DESC LIMIT 1",
        (participant_id, item_id, criterion_id, *(v for place in places for v in place)),
    )
    return (Answer(*row[:6]), row[6]) if row else None


async def finished_at(tx: Tx, participant_id: int, round_id: str) -> str | None:
    """Returns when a person finished a round, or None while they have not."""
    row = await tx.fetchone(
        "SELECT finished_at FROM participations WHERE participant_id = ? AND round_id = ?", (participant_id, round_id)
    )
    return row[0] if row else None


@dataclass(frozen=True)
class CodedAnswer:
    """A stored answer with its participant's pseudonymous code and group, for the workbook."""

    code: str
    group_id: str
    answer: Answer
    created_at: str


async def coded_answers(tx: Tx) -> AsyncIterator[CodedAnswer]:
    """Yields every answer in the order given, a page at a time, with the participant's code and group."""
    sql = (
        "SELECT p.code, p.group_id, a.created_at, a.round_id, a.question_id, a.value, a.source, a.item_id,"
        " a.criterion_id FROM answers a JOIN participants p ON p.id = a.participant_id ORDER BY a.id"
    )
    async for code, group, at, *answer in tx.iterate(sql):
        yield CodedAnswer(code, group, Answer(*answer), at)
