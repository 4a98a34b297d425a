"""What changed between rounds, read from the stored answers: the service the report and the export call.

Reads each opened round's latest answers, the rounds' figures (to fold the groups they fold) and the
dissent reasons of the later round; the counting itself is changes.py's, pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import replace

from carework_core.definitions.model import Consultation
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
from carework_core.results.summary import Rating, RoundStats
from carework_core.rounds.service import opened_snapshots
from carework_core.storage import workbook as people_store
from carework_core.storage.items import item_texts
from carework_core.storage.ratings import ratings_of
from carework_core.storage.reasons import CodedReason, reasons_of


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
            opened = [r.id for r in c.rounds if r.id in await opened_snapshots(tx)]
            answers = {rid: _by_card(await ratings_of(tx, rid)) for rid in opened}
            pairs = card_pairs(c, opened, {rid: set(found) for rid, found in answers.items()})
            pairs = [p for p in pairs if round_ids is None or {p.round_from, p.round_to} & set(round_ids)]
            pairs = _titled(c, pairs, await item_texts(tx))
            reasons = {rid: await reasons_of(tx, rid) for rid in {p.round_to for p in pairs}}
            people = {row.id: row async for row in people_store.people(tx)}
            consents = await people_store.consent_choices(tx)
        stats = dict(known or {})
        for rid in {r for p in pairs for r in (p.round_from, p.round_to)} - set(stats):
            stats[rid] = await self._stats(rid)
        by_code = {row.code: row for row in people.values()}
        cells: list[ChangeCell] = []
        for pair in pairs:
            both = _both(answers[pair.round_from].get(pair.key_from, {}), answers[pair.round_to].get(pair.key_to, {}))
            given = Counter(
                by_code[r.code].group_id for r in reasons[pair.round_to] if _on(r, pair) and r.code in by_code
            )
            groups, folded = list(c.round(pair.round_to).groups), _folded(stats, pair)
            cells += card_changes(pair, both, groups, folded, c.min_group_size, c.report.stable_below, given)
        quoting = {pid for pid, row in people.items() if _quotable(row.status, consents.get(pid, {}), c.consent.quotes)}
        quoted = [
            QuotedReason(pair, trim_excerpt(r.text))
            for pair in pairs
            for r in reasons[pair.round_to]
            if _on(r, pair) and r.code in by_code and by_code[r.code].id in quoting and r.text
        ]
        return ChangeReport(c.report.stable_below, tuple(cells), tuple(q for q in quoted if q.text))

    async def _stats(self, round_id: str) -> RoundStats | None:
        try:
            return await self.results.round_stats(round_id)
        except SummaryError:
            return None


def _by_card(ratings: list[Rating]) -> dict[Key, dict[int, Rating]]:
    """Returns each card's latest answers by participant."""
    found: dict[Key, dict[int, Rating]] = {}
    for r in ratings:
        found.setdefault((r.question_id, r.item_id, r.criterion_id), {})[r.participant_id] = r
    return found


def _both(before: Mapping[int, Rating], after: Mapping[int, Rating]) -> dict[int, Answered]:
    """Returns the people who answered the card in both rounds, under their group now."""
    return {pid: Answered(after[pid].group_id, before[pid].value, after[pid].value) for pid in before if pid in after}


def _folded(stats: Mapping[str, RoundStats | None], pair: CardPair) -> set[str]:
    """Returns the groups either round's figures fold for the card."""
    folded = set()
    for rid, key in ((pair.round_from, pair.key_from), (pair.round_to, pair.key_to)):
        figures = stats.get(rid)
        if figures is not None:
            folded |= {c.group_id for c in figures.cells if c.key == key and c.suppressed}
    return folded


def _on(reason: CodedReason, pair: CardPair) -> bool:
    card = reason.card
    return (card.round_id, card.question_id, card.item_id, card.criterion_id) == (
        pair.round_to,
        pair.question_to,
        pair.item_id,
        pair.criterion_id,
    )


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
