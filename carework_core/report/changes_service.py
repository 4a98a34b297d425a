"""What changed between rounds, read from the stored answers: the service the report and the export call.

Reads each opened round's latest answers, the rounds' figures (to fold the groups they fold) and the
dissent reasons of the later round; the counting itself is changes.py's, pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace

from carework_core.definitions.model import Consultation, ItemRatingQuestion, RatingQuestion
from carework_core.env import Env
from carework_core.errors import SummaryError
from carework_core.people.model import ParticipantStatus
from carework_core.report.changes import (
    Answered,
    CardPair,
    ChangeCell,
    ChangeReport,
    Key,
    QuotedReason,
    card_changes,
    card_pairs,
)
from carework_core.results.figures import Results
from carework_core.results.scrub import trim_excerpt
from carework_core.results.summary import RoundStats
from carework_core.rounds.service import opened_snapshots
from carework_core.storage import workbook as people_store
from carework_core.storage.db import Tx
from carework_core.storage.items import item_texts
from carework_core.storage.ratings import ratings_by_person
from carework_core.storage.reasons import reasons_of


class Changes:
    """What changed between rounds that rated the same cards, read without changing anything."""

    def __init__(self, env: Env, results: Results):
        self.env = env
        self.results = results  # the rounds' own figures, to fold the groups they fold

    async def between(
        self, round_ids: Collection[str] | None = None, known: Mapping[str, RoundStats] | None = None
    ) -> ChangeReport:
        """Returns every card rated in two opened rounds (those touching `round_ids`, when given), with its
        change for everyone and per group; `known` are round figures already counted, to reuse."""
        c = self.env.consultation
        async with self.env.db.reading() as tx:
            stored = await _read(tx, c, round_ids)
        stats = dict(known or {})
        for rid in {r for p in stored.pairs for r in (p.round_from, p.round_to)} - set(stats):
            stats[rid] = await self._stats(rid)
        stored.pairs.sort(key=_order(c, stats))  # each round's own order: items as their set lists them
        cells: list[ChangeCell] = []
        quoted: list[QuotedReason] = []
        every_group = {g.id for g in c.groups} | set(stored.groups.values())
        for pair in stored.pairs:
            before = stored.answers[pair.round_from].get(pair.key_from, {})
            after = stored.answers[pair.round_to].get(pair.key_to, {})
            both = {pid: Answered(stored.groups[pid], before[pid], after[pid]) for pid in before if pid in after}
            given = stored.reasons.get((pair.round_to, *pair.key_to), [])
            counts = Counter(group for group, _, _ in given)
            groups = list(c.round(pair.round_to).groups)
            folded = _folded(stats, pair, every_group)
            cells += card_changes(pair, both, groups, folded, c.min_group_size, c.report.stable_below, counts)
            quoted += [QuotedReason(pair, text) for _, text, may in given if may and text]
        return ChangeReport(c.report.stable_below, tuple(cells), tuple(quoted))

    async def _stats(self, round_id: str) -> RoundStats | None:
        try:
            return await self.results.round_stats(round_id)
        except SummaryError:
            return None


@dataclass
class _Stored:
    """What the counting needs from the database, read in one transaction."""

    pairs: list[CardPair]
    answers: dict[str, dict[Key, dict[int, str]]]  # round -> card -> participant -> latest value
    groups: dict[int, str]  # participant -> group
    reasons: dict[tuple, list[tuple[str, str, bool]]]  # (round, *card) -> (group, scrubbed text, may be quoted)


async def _read(tx: Tx, c: Consultation, round_ids: Collection[str] | None) -> _Stored:
    """Reads every opened round's latest ratings, pairs their cards, and reads the later rounds' reasons."""
    opened = [r.id for r in c.rounds if r.id in await opened_snapshots(tx)]
    answers: dict[str, dict[Key, dict[int, str]]] = {}
    groups: dict[int, str] = {}
    for rid in opened:
        rated = [q.id for q in c.round(rid).questions if isinstance(q, RatingQuestion | ItemRatingQuestion)]
        cards: dict[Key, dict[int, str]] = answers.setdefault(rid, {})
        if not rated:
            continue  # a round of examples or texts: nothing on a scale to compare
        async for mine in ratings_by_person(tx, rid, rated):
            for r in mine:
                groups[r.participant_id] = r.group_id
                cards.setdefault((r.question_id, r.item_id, r.criterion_id), {})[r.participant_id] = r.value
    pairs = card_pairs(c, opened, {rid: set(found) for rid, found in answers.items()})
    pairs = [p for p in pairs if round_ids is None or {p.round_from, p.round_to} & set(round_ids)]
    pairs = _titled(c, pairs, await item_texts(tx))
    people = {row.code: row async for row in people_store.people(tx)}
    consents = await people_store.consent_choices(tx)
    reasons: dict[tuple, list[tuple[str, str, bool]]] = {}
    for rid in dict.fromkeys(p.round_to for p in pairs):
        for r in await reasons_of(tx, rid):
            person = people.get(r.code)
            if person is not None:
                may = _quotable(person.status, consents.get(person.id, {}), c.consent.quotes)
                card = (rid, r.card.question_id, r.card.item_id, r.card.criterion_id)
                reasons.setdefault(card, []).append((person.group_id, trim_excerpt(r.text or ""), may))
    return _Stored(pairs, answers, groups, reasons)


def _folded(stats: Mapping[str, RoundStats | None], pair: CardPair, groups: Collection[str]) -> set[str]:
    """Returns the groups either round's figures fold for the card."""
    folded = set()
    for rid, key in ((pair.round_from, pair.key_from), (pair.round_to, pair.key_to)):
        figures = stats.get(rid)
        cells = [figures.cell(key, g) for g in groups] if figures is not None else []
        folded |= {cell.group_id for cell in cells if cell is not None and cell.suppressed}
    return folded


def _order(c: Consultation, stats: Mapping[str, RoundStats | None]) -> Callable[[CardPair], tuple[int, int]]:
    """Returns a sort key: a card's later round's place, then the card's place in that round's figures."""
    rounds = {r.id: n for n, r in enumerate(c.rounds)}
    places: dict[tuple[str, Key], int] = {}
    for rid, figures in stats.items():
        for n, cell in enumerate(figures.cells if figures is not None else ()):
            places.setdefault((rid, cell.key), n)
    return lambda pair: (rounds[pair.round_to], places.get((pair.round_to, pair.key_to), len(places)))


def _quotable(status: str, consents: Mapping[str, tuple], statement: str | None) -> bool:
    """Says whether a person's words may be quoted now: taking part, and agreeing to the quoting statement."""
    return statement is not None and status == ParticipantStatus.CONSENTED and bool(consents.get(statement, (0,))[0])


def _titled(c: Consultation, pairs: list[CardPair], texts: Mapping[tuple[str, str], str]) -> list[CardPair]:
    """Returns the pairs with each item's text as its title (a rating question's is its question)."""
    titled = []
    for p in pairs:
        question = c.round(p.round_to).question(p.question_to)
        item_set = getattr(question, "item_set", "")
        titled.append(replace(p, title=texts.get((item_set, p.item_id), p.item_id)) if p.item_id else p)
    return titled
