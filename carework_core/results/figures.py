"""A rating round's results: its figures, each person's digest, and the researchers' CSV of them.

Questions, scales and criteria are read from the round as it was when it opened (its stored
snapshot), as the export does, so the figures mean what people saw when they answered.
"""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from carework_core.definitions.changes import RoundSnapshot, snapshot_of
from carework_core.definitions.kinds import asked_with
from carework_core.definitions.model import Consultation, ItemRatingQuestion, RatingQuestion
from carework_core.env import Env, audit
from carework_core.errors import ExportRefused, SummaryError
from carework_core.research.csv_book import private_file
from carework_core.results.summary import CellStats, Digest, RoundStats
from carework_core.results.summary_stats import Key, digest_of, round_stats
from carework_core.results.team_scores import TEAM_GROUP, team_only, team_scores
from carework_core.rounds.service import opened_snapshots, round_named
from carework_core.storage.db import Tx
from carework_core.storage.digests import Packer
from carework_core.storage.items import item_kinds, item_rows
from carework_core.storage.ratings import rating_counts, ratings_by_person, ratings_of

STATS_COLUMNS = [
    "round",
    "item_id",
    "criterion",
    "group",
    "n",
    "not_sure",
    "dont_know",
    "median",
    "q1",
    "q3",
    "top2_share",
    "consensus",
    "suppressed",
    "team_score",  # the research team's own score of the item on the criterion; "" when it gave none
]


@dataclass(frozen=True)
class _Seen:
    """A round as people saw it: the consultation with the round's criteria then, and what was offered."""

    consultation: Consultation
    snapshot: RoundSnapshot
    keys: list[Key]
    titles: dict[str, str]

    @property
    def rated(self) -> list[str]:
        return [q.id for q in self.snapshot.round.questions if isinstance(q, RatingQuestion | ItemRatingQuestion)]


@dataclass(frozen=True)
class Figures:
    """A rating round counted once: its figures, its items' titles, and the digest of everyone who rated,
    packed as they are kept (each is packed as it is made, so a million lines are never in memory whole)."""

    stats: RoundStats
    titles: dict[str, str]
    digests: Packer


class Results:
    """The figures of rating rounds, read without changing anything.

    Counting a round reads every rating (a million take seconds), so it runs off the event loop, on a
    connection of its own (Database.read_apart): the bot keeps answering people meanwhile."""

    def __init__(self, env: Env):
        self.env = env

    async def round_stats(self, round_id: str) -> RoundStats:
        """Returns every cell of a rating round: each item, criterion and group, and all groups."""

        async def count(tx: Tx) -> RoundStats:
            return await self._stats(tx, await self._seen(tx, round_id))

        return await self.env.db.read_apart(count)

    async def figures(self, round_id: str) -> Figures:
        """Counts a rating round once: its figures, its items' titles and everyone's digest."""

        async def count(tx: Tx) -> Figures:
            seen = await self._seen(tx, round_id)
            stats, packer = await self._stats(tx, seen), Packer()
            async for digest in self._digests(tx, seen, stats):
                packer.add(digest)
            return Figures(stats, seen.titles, packer)

        return await self.env.db.read_apart(count)

    async def item_titles(self, round_id: str) -> dict[str, str]:
        """Returns the text of each item a round rates, by item id."""
        async with self.env.db.reading() as tx:
            return (await self._seen(tx, round_id)).titles

    async def digests(self, round_id: str) -> list[Digest]:
        """Returns the digest of everyone who rated anything in the round, by participant id, counted afresh."""

        async def count(tx: Tx) -> list[Digest]:
            seen = await self._seen(tx, round_id)
            stats = await self._stats(tx, seen)
            return [digest async for digest in self._digests(tx, seen, stats)]

        return await self.env.db.read_apart(count)

    async def digest(self, round_id: str, participant_id: int) -> Digest | None:
        """Returns one person's digest, or None when they rated nothing in the round."""

        async def count(tx: Tx) -> Digest | None:
            seen = await self._seen(tx, round_id)
            mine = [r for r in await ratings_of(tx, round_id, participant_id) if r.question_id in seen.rated]
            if not mine:
                return None
            return self._digest(participant_id, mine[0].group_id, mine, await self._stats(tx, seen), seen)

        return await self.env.db.read_apart(count)

    async def group_median(self, round_id: str, key: Key, group_id: str) -> float | None:
        """Returns a group's median for one card, or None when the group is suppressed or nobody rated it."""
        cell = (await self.round_stats(round_id)).cell(key, group_id)
        return cell.median if cell is not None else None

    async def write_stats_csv(self, round_id: str, path: str | Path, actor: str = "cli") -> int:
        """Writes one row per card and group (and all groups) to a CSV file, noted in the audit log;
        returns the rows written."""
        target = _target(Path(path))
        stats = await self.round_stats(round_id)
        async with self.env.db.reading() as tx:
            snapshot = (await self._seen(tx, round_id)).snapshot
            scores = await team_scores(tx, snapshot)
        rows = [[*_csv_row(round_id, cell), _team(scores, cell)] for cell in stats.cells]
        rows += [
            [round_id, key[1], key[2], TEAM_GROUP, *[""] * (len(STATS_COLUMNS) - 6), 0, n]
            for key, n in team_only(snapshot, scores)
        ]
        _save_csv(target, [STATS_COLUMNS, *rows])
        detail = json.dumps({"format": "csv", "file": target.name, "rows": len(rows)})
        async with self.env.db.transaction() as tx:
            await audit(tx, self.env, actor, "export_stats", round_id, detail)
        return len(rows)

    async def _digests(self, tx: Tx, seen: _Seen, stats: RoundStats) -> AsyncIterator[Digest]:
        shared: dict = {}  # what every digest of the round has in common, worded once
        async for mine in ratings_by_person(tx, seen.snapshot.round.id, seen.rated):
            yield self._digest(mine[0].participant_id, mine[0].group_id, mine, stats, seen, shared)

    def _digest(self, pid: int, group: str, mine: list, stats: RoundStats, seen: _Seen, shared=None) -> Digest:
        return digest_of(pid, group, mine, stats, seen.consultation, seen.snapshot.round, seen.titles, shared)

    async def _stats(self, tx: Tx, seen: _Seen) -> RoundStats:
        counts = await rating_counts(tx, seen.snapshot.round.id, seen.rated)
        return round_stats(seen.snapshot.round, seen.consultation, counts, seen.keys)

    async def _seen(self, tx: Tx, round_id: str) -> _Seen:
        """Returns the round as people saw it, or raises NotFound or SummaryError naming it."""
        c = self.env.consultation
        snapshot = (await opened_snapshots(tx)).get(round_id) or snapshot_of(c, round_named(c, round_id))
        rated = [q for q in snapshot.round.questions if isinstance(q, RatingQuestion | ItemRatingQuestion)]
        if not rated:
            raise SummaryError(
                f"round {round_id} has no rating questions, so it has no statistics; "
                "choose a round that rates items or asks a rating question"
            )
        keys: list[Key] = []
        titles: dict[str, str] = {}
        for q in rated:
            if isinstance(q, RatingQuestion):
                keys.append((q.id, None, None))
                continue
            kinds, team = await item_kinds(tx, q.item_set), {k.id for k in snapshot.criteria if k.rated_by == "team"}
            for item_id, text in await item_rows(tx, q.item_set):
                titles[item_id] = text
                keys += [(q.id, item_id, k) for k in asked_with(team, q, kinds.get(item_id))]
        return _Seen(c.model_copy(update={"criteria": snapshot.criteria}), snapshot, keys, titles)


def _csv_row(round_id: str, cell: CellStats) -> list[object]:
    """Returns a cell as a CSV row; a suppressed cell keeps only its ids, to protect a small group."""
    ids = [round_id, cell.item_id or cell.question_id, cell.criterion_id or "", cell.group_id]
    if cell.suppressed:
        return [*ids, "", "", "", "", "", "", "", "", 1]
    figures = [cell.median, cell.q1, cell.q3, None if cell.top2_share is None else round(cell.top2_share, 4)]
    consensus = cell.consensus.value if cell.consensus else ""
    figures_ = ("" if f is None else f for f in figures)
    return [*ids, cell.n, cell.not_sure, cell.dont_know, *figures_, consensus, 0]


def _team(scores: dict, cell: CellStats) -> int | str:
    """Returns the team's score beside a cell of the participants' figures, or "" when it gave none."""
    return scores.get((cell.question_id, cell.item_id, cell.criterion_id), "")


def _target(path: Path) -> Path:
    """Returns where the CSV goes, or raises ExportRefused naming the path and the fix."""
    if path.is_dir():
        raise ExportRefused(f"{path} is a folder; give a file name such as {path / 'stats.csv'}")
    if path.suffix.lower() != ".csv":
        raise ExportRefused(f"{path}: the statistics are written as CSV; give a name ending in .csv")
    if not path.parent.is_dir():
        raise ExportRefused(f"{path}: the folder {path.parent} does not exist; create it or choose another")
    return path


def _save_csv(path: Path, rows: list[list[object]]) -> None:
    """Writes the rows through a private temporary file, so the CSV is never readable by others or half-written."""
    with private_file(path, "the statistics", "w") as handle:
        csv.writer(handle).writerows(rows)
