"""The synthesis round trip: a round's examples out to the researchers, their items back in.

`export_examples` writes every example of a round with a suggested cluster and an Items sheet to
fill; `import_items` checks the filled sheet (every problem named by sheet and cell, nothing loaded
while any remains) and loads the items, with their sources and the team's scores, into the item
sets of the round that rates them. Items stay drafts until that round opens; then they are locked.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from carework_core.definitions.model import ExamplesQuestion, ItemRatingQuestion, Round
from carework_core.env import Env, audit
from carework_core.errors import CareworkError, ExportRefused, NotFound, SheetProblem, SynthesisRejected
from carework_core.items.clusters import suggest_clusters
from carework_core.items.item_lists import rating_questions, refuse_if_locked
from carework_core.items.synthesis_book import ExampleRow, read_items, write_book
from carework_core.items.synthesis_checks import Known, checked_items, cited_answers
from carework_core.research.example_ids import answer_id_of, example_id
from carework_core.storage.db import Tx
from carework_core.storage.examples import StoredExample, answer_places, examples_in
from carework_core.storage.items import ItemDetail, replace_item_details

__all__ = ["ItemDetail", "Synthesis", "SynthesisExport", "SynthesisImport", "answer_id_of", "example_id"]


@dataclass(frozen=True)
class SynthesisExport:
    """What an export wrote: how many examples, in how many suggested clusters."""

    round_id: str
    examples: int
    clusters: int


@dataclass(frozen=True)
class SynthesisImport:
    """What an import loaded: items into which item sets, from how many distinct examples."""

    round_id: str
    item_sets: tuple[str, ...]
    items: int
    examples: int


class Synthesis:
    """The researchers' round trip between a round's examples and the items a later round rates."""

    def __init__(self, env: Env):
        self.env = env

    async def export_examples(self, round_id: str, path: str | Path, actor: str = "cli") -> SynthesisExport:
        """Writes a round's examples, their suggested clusters and an Items sheet to fill."""
        c = self.env.consultation
        rnd = self._round(round_id)
        questions = {q.id: q.text for q in rnd.questions if isinstance(q, ExamplesQuestion)}
        if not questions:
            raise CareworkError(f"round {round_id} has no examples question, so it has no examples to export")
        path = _target(Path(path))
        async with self.env.db.reading() as tx:
            stored = await examples_in(tx, round_id, list(questions))
        groups = {g.id: g.name for g in c.groups}
        exported_at = self.env.clock.now().astimezone(c.zone).strftime("%Y-%m-%d %H:%M")
        # Clustering and writing take seconds on a big round: off the event loop, so the bot keeps answering.
        rows = await asyncio.to_thread(clustered_examples, stored, questions, groups)
        await asyncio.to_thread(_save, path, lambda target: write_book(target, c, rnd, rows, exported_at))
        async with self.env.db.transaction() as tx:
            detail = json.dumps({"format": "xlsx", "file": path.name, "examples": len(rows)})
            await audit(tx, self.env, actor, "synthesis_export", round_id, detail)
        return SynthesisExport(round_id, len(rows), len({r.cluster for r in rows}))

    async def import_items(self, path: str | Path, into: str, actor: str = "cli") -> SynthesisImport:
        """Checks a filled synthesis workbook and loads its items for the round that rates them."""
        rnd = self._round(into)
        item_sets = tuple(dict.fromkeys(q.item_set for q in rnd.questions if isinstance(q, ItemRatingQuestion)))
        if not item_sets:
            raise CareworkError(f"round {into} has no item_rating question, so it has no items to load")
        by_kind_only = [q.id for q in rating_questions(self.env.consultation, item_sets) if not q.criteria]
        if by_kind_only:  # the workbook has no kind column: its items would have nothing to be rated on
            raise CareworkError(
                f"question {by_kind_only[0]} rates items only by kind, and the synthesis workbook gives none; "
                "load the list with `carework items import` (it has a kind column), or give the question criteria"
            )
        async with self.env.db.reading() as tx:
            await self._refuse_if_locked(tx, item_sets)
        filled = await asyncio.to_thread(read_items, Path(path))
        async with self.env.db.reading() as tx:
            places = await answer_places(tx, cited_answers(filled))
        known = Known(self.env.consultation, filled.from_round, places)
        items, problems = checked_items(filled, known)
        if filled.from_round and filled.from_round not in {r.id for r in self.env.consultation.rounds}:
            problems.insert(0, SheetProblem("About", "B2", f"round {filled.from_round!r} is not in the definition"))
        if problems:
            raise SynthesisRejected(str(path), problems)
        async with self.env.db.transaction() as tx:
            await self._refuse_if_locked(tx, item_sets)  # it may have opened while the file was read
            for item_set in item_sets:
                await replace_item_details(tx, item_set, items)
            sources = {s for it in items for s in it.sources}
            detail = {"file": Path(path).name, "from": filled.from_round, "items": len(items), "examples": len(sources)}
            await audit(tx, self.env, actor, "synthesis_import", into, json.dumps(detail))
        return SynthesisImport(into, item_sets, len(items), len(sources))

    def _round(self, round_id: str) -> Round:
        rounds = self.env.consultation.rounds
        found = next((r for r in rounds if r.id == round_id), None)
        if found is None:
            raise NotFound(f"no round {round_id!r} in the definition; rounds are: {', '.join(r.id for r in rounds)}")
        return found

    async def _refuse_if_locked(self, tx: Tx, item_sets: tuple[str, ...]) -> None:
        """Raises ItemsLocked when a round rating one of these item sets has opened."""
        await refuse_if_locked(tx, self.env.consultation, item_sets)


def clustered_examples(
    stored: list[StoredExample], questions: dict[str, str], groups: dict[str, str]
) -> list[ExampleRow]:
    """Returns the examples with their suggested clusters, cluster by cluster.

    All the round's examples are clustered together: the same idea given as a new way of working
    and as an answer to a problem is one idea to the team.
    """
    labels = suggest_clusters([e.text for e in stored])
    members: dict[int, list[str]] = {}
    for e, label in zip(stored, labels, strict=True):
        members.setdefault(label, []).append(example_id(e.answer_id))
    rows = []
    for e, label in sorted(zip(stored, labels, strict=True), key=lambda pair: (pair[1], pair[0].answer_id)):
        eid = example_id(e.answer_id)
        others = tuple(m for m in members[label] if m != eid)
        group = groups.get(e.group_id, e.group_id)
        rows.append(ExampleRow(eid, group, e.question_id, questions[e.question_id], e.text, label, others))
    return rows


def _target(path: Path) -> Path:
    """Returns where the workbook goes, or raises ExportRefused naming the path and the fix."""
    if path.suffix.lower() != ".xlsx" or path.is_dir():
        raise ExportRefused(f"{path}: give a file name ending in .xlsx, such as synthesis-r1.xlsx")
    if not path.parent.is_dir():
        raise ExportRefused(f"{path}: the folder {path.parent} does not exist; create it or choose another")
    return path


def _save(path: Path, write) -> None:
    """Writes through a private temporary file, so the workbook is never half-written or readable by others."""
    fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)  # mode 0600
    os.close(fd)
    try:
        write(Path(partial))
        os.replace(partial, path)
    except OSError as exc:
        raise ExportRefused(f"{path}: cannot write the workbook: {exc.strerror or exc}") from None
    finally:
        Path(partial).unlink(missing_ok=True)
