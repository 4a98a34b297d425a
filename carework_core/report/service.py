"""The research team's report, read without changing anything: who took part, the ideas ranked with their
figures, where each idea came from, what changed between rounds. The shell renders it (bot/report/); saving the page is audited like an export.

Figures come from Results.round_stats, the one count `carework summary stats` writes, so every figure in
the report is the figure of the statistics file for the same round.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from carework_core.definitions.changes import snapshot_of
from carework_core.definitions.model import ItemRatingQuestion, RatingQuestion
from carework_core.env import Env, audit
from carework_core.errors import ExportRefused
from carework_core.report.changes_service import Changes
from carework_core.report.model import Idea, Report, RoundRanking, RoundTurnout
from carework_core.report.ranking import rank_round
from carework_core.report.turnout import retention, round_turnout
from carework_core.research.csv_book import private_file
from carework_core.research.example_ids import answer_id_of
from carework_core.research.export import check_round
from carework_core.results.figures import Results
from carework_core.results.scrub import choose_excerpts
from carework_core.results.team_scores import team_only, team_scores
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.service import opened_snapshots
from carework_core.storage.db import Tx
from carework_core.storage.examples import quotable_answers
from carework_core.storage.items import ItemDetail, item_details
from carework_core.storage.progress import finishers, group_counts, kept_figures
from carework_core.storage.rounds import read_round

EXCERPTS = 3  # excerpts per idea at most


class Reports:
    """The report for `carework report` and a coordinator's /report."""

    def __init__(self, env: Env, results: Results):
        self.env = env
        self.results = results

    async def report(self, round_ids: list[str] | None = None) -> Report:
        """Returns the report of these rounds (every round opened so far when none are named)."""
        c = self.env.consultation
        for round_id in round_ids or []:
            check_round(c, round_id)
        async with self.env.db.reading() as tx:
            opened = [r.id for r in c.rounds if (await read_round(tx, r.id)).status != RoundStatus.DRAFT]
            chosen = [r for r in opened if not round_ids or r in round_ids]
            turnout = tuple([await self._turnout(tx, r) for r in chosen])
            done = {r: await finishers(tx, r) for r in chosen}
        later = {r: list(c.round(r).groups) for r in chosen[1:]}
        kept = retention(chosen[0], later, done, [g.id for g in c.groups], c.min_group_size) if chosen else None
        rankings = tuple([await self._ranking(r) for r in chosen if self._rates_items(r)])
        made = self.env.clock.now().astimezone(c.zone).strftime("%Y-%m-%d %H:%M")
        changes = await Changes(self.env, self.results).between(round_ids or None)
        return Report(c, made, turnout, kept, rankings, tuple(chosen), changes)

    async def save(self, path: str | Path, page: str, round_ids: list[str] | None = None, actor: str = "cli") -> int:
        """Writes the page to a private file, noted in the audit log like an export; returns its bytes."""
        target = _target(Path(path))
        data = page.encode("utf-8")
        with private_file(target, "the report") as handle:
            handle.write(data)
        detail = json.dumps({"format": "html", "file": target.name, "bytes": len(data)})
        async with self.env.db.transaction() as tx:
            await audit(tx, self.env, actor, "report", ",".join(round_ids or []) or "all", detail)
        return len(data)

    def _rates_items(self, round_id: str) -> bool:
        """Says whether a round rates anything on a scale: ideas, or a rating question of its own."""
        questions = self.env.consultation.round(round_id).questions
        return any(isinstance(q, ItemRatingQuestion | RatingQuestion) for q in questions)

    async def _turnout(self, tx: Tx, round_id: str) -> RoundTurnout:
        c = self.env.consultation
        closed = (await read_round(tx, round_id)).status == RoundStatus.CLOSED
        counts = (await kept_figures(tx, round_id) if closed else {}) or await group_counts(tx, round_id)
        return round_turnout(round_id, list(c.round(round_id).groups), counts, c.min_group_size)

    async def _ranking(self, round_id: str) -> RoundRanking:
        c = self.env.consultation
        stats = await self.results.round_stats(round_id)
        titles = await self.results.item_titles(round_id)
        async with self.env.db.reading() as tx:
            snapshot = (await opened_snapshots(tx)).get(round_id) or snapshot_of(c, c.round(round_id))
            scores = await team_scores(tx, snapshot)
            ranking = rank_round(stats, titles, c.report.terms(), [g.id for g in c.groups], scores)
            sets = {q.id: q.item_set for q in snapshot.round.questions if isinstance(q, ItemRatingQuestion)}
            details = {q: {d.item_id: d for d in await item_details(tx, s)} for q, s in sets.items()}
            ideas = [
                await self._origins(tx, idea, details[idea.question_id].get(idea.item_id)) for idea in ranking.ideas
            ]
        only = tuple(dict.fromkeys(k[2] for k, _ in team_only(snapshot, scores)))
        return replace(ranking, ideas=tuple(ideas), team_only=only)

    async def _origins(self, tx: Tx, idea: Idea, detail: ItemDetail | None) -> Idea:
        """Returns the idea with its source example ids and up to three scrubbed excerpts of quotable ones."""
        if detail is None:
            return idea
        quotes = self.env.consultation.consent.quotes
        ids = [a for a in (answer_id_of(s) for s in detail.sources) if a is not None]
        candidates = await quotable_answers(tx, ids, quotes) if quotes and ids else []
        excerpts = tuple(e.text for e in choose_excerpts(candidates, EXCERPTS))
        return replace(idea, sources=detail.sources, excerpts=excerpts)


def _target(path: Path) -> Path:
    """Returns where the report goes, or raises ExportRefused naming the path and the fix."""
    if path.is_dir():
        raise ExportRefused(f"{path} is a folder; give a file name such as {path / 'report.html'}")
    if path.suffix.lower() not in (".html", ".htm"):
        raise ExportRefused(f"{path}: the report is one HTML page; give a name ending in .html")
    if not path.parent.is_dir():
        raise ExportRefused(f"{path}: the folder {path.parent} does not exist; create it or choose another")
    return path
