"""Examples (answers to examples questions): as the synthesis reads them, by answer id, and the read-only
figures of a round of examples for its summary: who gave examples, how many, and what may be quoted."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.results.summary import ALL_GROUPS, ExamplesTally, Quotable, hidden_groups
from carework_core.storage.db import Tx


async def examples_tallies(
    tx: Tx, round_id: str, question_ids: list[str], group_ids: list[str], min_group_size: int
) -> tuple[ExamplesTally, ...]:
    """Returns, per question, each group's people and examples, then everyone's; small groups suppressed."""
    questions, groups = _marks(question_ids), _marks(group_ids)
    rows = await tx.fetchall(
        "SELECT a.question_id, p.group_id, COUNT(DISTINCT a.participant_id), COUNT(*)"
        " FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.round_id = ? AND a.question_id IN ({questions}) AND p.group_id IN ({groups})"
        " GROUP BY a.question_id, p.group_id",
        (round_id, *question_ids, *group_ids),
    )
    found = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    tallies: list[ExamplesTally] = []
    for question_id in question_ids:
        counts = [found.get((question_id, g), (0, 0)) for g in group_ids]
        hidden = hidden_groups({g: c[0] for g, c in zip(group_ids, counts, strict=True)}, min_group_size)
        for group_id, (people, examples) in zip(group_ids, counts, strict=True):
            small = group_id in hidden  # counted only in everyone's figures, never named
            tallies.append(
                ExamplesTally(question_id, group_id, 0 if small else people, 0 if small else examples, small)
            )
        everyone = (sum(c[0] for c in counts), sum(c[1] for c in counts))
        tallies.append(ExamplesTally(question_id, ALL_GROUPS, *everyone))
    return tuple(tallies)


async def quotable_examples(tx: Tx, round_id: str, question_ids: list[str], statement_id: str) -> list[Quotable]:
    """Returns the answers of people taking part who agree to be quoted now (not withdrawn or declined), in order."""
    rows = await tx.fetchall(
        "SELECT p.group_id, a.question_id, a.value, a.id FROM answers a"
        " JOIN participants p ON p.id = a.participant_id"
        " JOIN consents c ON c.participant_id = a.participant_id AND c.statement_id = ? AND c.agreed = 1"
        f" WHERE a.round_id = ? AND a.question_id IN ({_marks(question_ids)}) AND p.status = 'consented'"
        " ORDER BY a.id",
        (statement_id, round_id, *question_ids),
    )
    return [Quotable(*r) for r in rows]


async def answers_of(tx: Tx, participant_id: int) -> list[tuple[int, str, str]]:
    """Returns (answer id, question, value) of every answer a person gave, oldest first."""
    rows = await tx.fetchall(
        "SELECT id, question_id, value FROM answers WHERE participant_id = ? ORDER BY id", (participant_id,)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def _marks(values: list[str]) -> str:
    """Returns the placeholders of an IN list; an empty list matches nothing."""
    return ",".join("?" * len(values)) or "NULL"


@dataclass(frozen=True)
class StoredExample:
    """One typed example with its answer id and the group of the person who gave it."""

    answer_id: int
    group_id: str
    round_id: str
    question_id: str
    text: str


async def examples_in(tx: Tx, round_id: str, question_ids: list[str]) -> list[StoredExample]:
    """Returns every answer to these questions of a round, oldest first."""
    if not question_ids:
        return []
    marks = ",".join("?" * len(question_ids))
    rows = await tx.fetchall(
        "SELECT a.id, p.group_id, a.round_id, a.question_id, a.value FROM answers a"
        f" JOIN participants p ON p.id = a.participant_id WHERE a.round_id = ? AND a.question_id IN ({marks})"
        " ORDER BY a.id",
        (round_id, *question_ids),
    )
    return [StoredExample(*r) for r in rows]


async def answer_places(tx: Tx, answer_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Returns (round id, question id) of each of these answers that exists."""
    places: dict[int, tuple[str, str]] = {}
    for start in range(0, len(answer_ids), 500):  # SQLite limits the parameters of one statement
        chunk = answer_ids[start : start + 500]
        rows = await tx.fetchall(
            f"SELECT id, round_id, question_id FROM answers WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        places.update({r[0]: (r[1], r[2]) for r in rows})
    return places


async def quotable_answers(tx: Tx, answer_ids: list[int], statement_id: str) -> list[Quotable]:
    """Returns those of these answers whose writers take part and agree to be quoted now, oldest first."""
    found: list[Quotable] = []
    for start in range(0, len(answer_ids), 500):  # SQLite limits the parameters of one statement
        chunk = answer_ids[start : start + 500]
        found += [
            Quotable(*r)
            for r in await tx.fetchall(
                "SELECT p.group_id, a.question_id, a.value, a.id FROM answers a"
                " JOIN participants p ON p.id = a.participant_id"
                " JOIN consents c ON c.participant_id = a.participant_id AND c.statement_id = ? AND c.agreed = 1"
                f" WHERE a.id IN ({_marks(chunk)}) AND p.status = 'consented' ORDER BY a.id",
                (statement_id, *chunk),
            )
        ]
    return sorted(found, key=lambda q: q.answer_id or 0)
