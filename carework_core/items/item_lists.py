"""Item sets a research team already has: loaded from a plain list (`carework items import`) or written in
the definition (`item_sets:`), without an examples round. Both store what the synthesis import stores.

Items stay drafts until a round rating them opens; then they are locked, whichever way they came.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from carework_core.definitions.local_text import languages_of
from carework_core.definitions.model import Consultation, ItemRatingQuestion, ListedItem
from carework_core.definitions.reading_checks import text_findings
from carework_core.env import Env, audit
from carework_core.errors import CareworkError, ItemListRejected, ItemsLocked, NotFound
from carework_core.items.item_checks import checked_items
from carework_core.items.item_sheet import read_table
from carework_core.storage.db import Tx
from carework_core.storage.items import (
    ItemDetail,
    item_cards,
    item_details,
    item_set_sizes,
    opened_rounds,
    replace_item_details,
)


@dataclass(frozen=True)
class ItemsImported:
    """What `items import` loaded: how many items, into which item sets, for which round."""

    round_id: str
    item_sets: tuple[str, ...]
    items: int


@dataclass(frozen=True)
class DefinedSet:
    """What became of an item set written in the definition when the bot started."""

    item_set: str
    items: int
    outcome: Literal["loaded", "unchanged", "kept"]  # kept: it differs, but a round rating it has opened
    opened: tuple[str, ...] = ()


class ItemLists:
    """Loads item sets from a file or from the definition into the rounds that rate them."""

    def __init__(self, env: Env):
        self.env = env

    async def import_file(self, path: str | Path, into: str, actor: str = "cli") -> ItemsImported:
        """Checks an .xlsx or .csv item list and loads it for the round that rates it; nothing loads on a problem."""
        c, path = self.env.consultation, Path(path)
        item_sets = rated_sets(c, into)
        async with self.env.db.reading() as tx:
            await refuse_if_locked(tx, c, item_sets, "loaded")
        table = await asyncio.to_thread(read_table, path)
        items, problems = checked_items(table, c, rating_questions(c, item_sets))
        if problems:
            raise ItemListRejected(path.name, [f"{where}: {why}" if where else why for where, why in problems])
        async with self.env.db.transaction() as tx:
            await refuse_if_locked(tx, c, item_sets, "loaded")  # it may have opened while the file was read
            for item_set in item_sets:
                await replace_item_details(tx, item_set, items)
            detail = {"file": path.name, "items": len(items), "item_sets": list(item_sets)}
            await audit(tx, self.env, actor, "items_import", into, json.dumps(detail))
        return ItemsImported(into, item_sets, len(items))

    async def sizes(self) -> dict[str, int]:
        """Returns how many items each loaded item set holds (for validate --participants)."""
        async with self.env.db.reading() as tx:
            return await item_set_sizes(tx)

    async def reading_findings(self) -> list[tuple[str, str, str, str]]:
        """Returns (item set, item id, title|description|evidence, finding) for each loaded text over the reading limits."""
        c, found = self.env.consultation, []
        async with self.env.db.reading() as tx:
            for item_set in (s for s in await item_set_sizes(tx) if s not in c.item_sets):  # those have lines
                for item_id, *texts in await item_cards(tx, item_set):
                    for name, text in zip(("title", "description", "evidence"), texts, strict=True):
                        found += [(item_set, item_id, name, why) for why in text_findings(text, c) if text]
        return found

    async def load_defined(self) -> list[DefinedSet]:
        """Stores each item set the definition writes out, unless a round rating it has opened."""
        c, done = self.env.consultation, []
        async with self.env.db.transaction() as tx:
            for item_set, listed in c.item_sets.items():
                items = [detail_of(it) for it in listed]
                if _spelled(await item_details(tx, item_set)) == _spelled(items):
                    done.append(DefinedSet(item_set, len(items), "unchanged"))
                    continue
                opened = tuple(await opened_rounds(tx, raters(c, (item_set,))))
                if opened:
                    done.append(DefinedSet(item_set, len(items), "kept", opened))
                    continue
                await replace_item_details(tx, item_set, items)
                await audit(tx, self.env, "definition", "items_defined", item_set, json.dumps({"items": len(items)}))
                done.append(DefinedSet(item_set, len(items), "loaded"))
        return done


def detail_of(item: ListedItem) -> ItemDetail:
    """Returns a definition's item as stored: the same row an item list or a synthesis workbook gives."""
    return ItemDetail(item.id, item.title, item.description, item.theme or "", (), item.evidence, {}, item.kind or "")


def _spelled(items: list[ItemDetail]) -> list[tuple]:
    """Returns items with every language of their texts, so a changed translation counts as a change."""
    return [(it, *(languages_of(t) for t in (it.title, it.description, it.notes))) for it in items]


def rated_sets(c: Consultation, round_id: str) -> tuple[str, ...]:
    """Returns the item sets a round rates; refuses a round not in the definition or rating none."""
    rnd = next((r for r in c.rounds if r.id == round_id), None)
    if rnd is None:
        raise NotFound(f"no round {round_id!r} in the definition; rounds are: {', '.join(r.id for r in c.rounds)}")
    item_sets = tuple(dict.fromkeys(q.item_set for q in rnd.questions if isinstance(q, ItemRatingQuestion)))
    if not item_sets:
        raise CareworkError(f"round {round_id} has no item_rating question, so it has no items to load")
    return item_sets


def rating_questions(c: Consultation, item_sets: tuple[str, ...]) -> tuple[ItemRatingQuestion, ...]:
    """Returns every item_rating question, in any round, that rates one of these item sets."""
    return tuple(
        q for r in c.rounds for q in r.questions if isinstance(q, ItemRatingQuestion) and q.item_set in item_sets
    )


def raters(c: Consultation, item_sets: tuple[str, ...]) -> list[str]:
    """Returns the rounds that rate any of these item sets."""
    return [
        r.id
        for r in c.rounds
        if any(isinstance(q, ItemRatingQuestion) and q.item_set in item_sets for q in r.questions)
    ]


async def refuse_if_locked(tx: Tx, c: Consultation, item_sets: tuple[str, ...], verb: str = "imported") -> None:
    """Raises ItemsLocked when a round rating one of these item sets has opened."""
    opened = await opened_rounds(tx, raters(c, item_sets))
    if opened:
        raise ItemsLocked(
            f"the items of round {', '.join(opened)} are locked: it has opened and people rate them; "
            f"nothing was {verb} (to rate other items, add a round with a new item_set)"
        )
