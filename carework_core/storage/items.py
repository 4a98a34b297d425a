"""The item sets people rate (the researchers' synthesis), and the rounds that use them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from carework_core.definitions.local_text import LocalText, languages_of
from carework_core.research.example_ids import answer_id_of, example_id
from carework_core.storage.db import Tx


async def item_rows(tx: Tx, item_set: str) -> list[tuple[str, str]]:
    """Returns an item set's (item id, text) pairs in order; empty when none are loaded. A text given in
    several languages is a LocalText: its str is the first language, the bot picks the person's."""
    rows = await tx.fetchall(
        "SELECT item_id, text, titles FROM items WHERE item_set = ? ORDER BY position", (item_set,)
    )
    return [(r[0], LocalText(r[1], json.loads(r[2])) if r[2] else r[1]) for r in rows]


async def replace_items(tx: Tx, item_set: str, items: list[tuple[str, str]]) -> None:
    """Replaces an item set with the given (item id, text) pairs, in order (with no sources or scores)."""
    for table in ("items", "item_sources", "item_scores"):
        await tx.execute(f"DELETE FROM {table} WHERE item_set = ?", (item_set,))
    await tx.executemany(
        "INSERT INTO items (item_set, item_id, position, text, titles) VALUES (?, ?, ?, ?, ?)",
        [(item_set, item_id, n, text, _titles(text)) for n, (item_id, text) in enumerate(items)],
    )


def _titles(text: str) -> str | None:
    """Returns a title's languages as JSON, or None for a title in one language."""
    translations = languages_of(text)
    return json.dumps(translations, ensure_ascii=False) if translations else None


async def opened_rounds(tx: Tx, round_ids: list[str]) -> list[str]:
    """Returns which of these rounds have ever opened (a round gets its row when it first opens)."""
    marks = ",".join("?" * len(round_ids))
    rows = await tx.fetchall(f"SELECT round_id FROM rounds WHERE round_id IN ({marks}) ORDER BY round_id", round_ids)
    return [r[0] for r in rows]


async def item_texts(tx: Tx) -> dict[tuple[str, str], str]:
    """Returns the text of every loaded item, by (item set, item id)."""
    return {(r[0], r[1]): r[2] for r in await tx.fetchall("SELECT item_set, item_id, text FROM items")}


@dataclass(frozen=True)
class ItemDetail:
    """An item with the synthesis behind it: the examples it came from and the team's review scores."""

    item_id: str
    title: str
    description: str = ""
    theme: str = ""
    sources: tuple[str, ...] = ()  # example ids, E<answer id>
    notes: str = ""
    scores: dict[str, int] = field(default_factory=dict)  # criterion id -> point, 1 is the lowest
    kind: str = ""  # e.g. innovation or solution; "" when the list gives none


async def replace_item_details(tx: Tx, item_set: str, items: list[ItemDetail]) -> None:
    """Replaces an item set with these items, their sources and scores, in order."""
    for table in ("items", "item_sources", "item_scores"):
        await tx.execute(f"DELETE FROM {table} WHERE item_set = ?", (item_set,))
    await tx.executemany(
        "INSERT INTO items (item_set, item_id, position, text, titles, description, theme, notes, kind,"
        " descriptions, notes_languages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (item_set, it.item_id, n, it.title, _titles(it.title), it.description, it.theme, it.notes, it.kind)
            + (_titles(it.description), _titles(it.notes))
            for n, it in enumerate(items)
        ],
    )
    await tx.executemany(
        "INSERT INTO item_sources (item_set, item_id, answer_id, position) VALUES (?, ?, ?, ?)",
        [(item_set, it.item_id, _answer_id(s), n) for it in items for n, s in enumerate(it.sources)],
    )
    await tx.executemany(
        "INSERT INTO item_scores (item_set, item_id, criterion_id, score) VALUES (?, ?, ?, ?)",
        [(item_set, it.item_id, crit, score) for it in items for crit, score in it.scores.items()],
    )


async def item_details(tx: Tx, item_set: str) -> list[ItemDetail]:
    """Returns an item set's items in order, each with its source example ids and review scores."""
    rows = await tx.fetchall(
        "SELECT item_id, text, titles, description, descriptions, theme, notes, notes_languages, kind FROM items"
        " WHERE item_set = ? ORDER BY position",
        (item_set,),
    )
    sources: dict[str, list[str]] = {}
    for item_id, answer_id in await tx.fetchall(
        "SELECT item_id, answer_id FROM item_sources WHERE item_set = ? ORDER BY item_id, position", (item_set,)
    ):
        sources.setdefault(item_id, []).append(example_id(answer_id))
    scores: dict[str, dict[str, int]] = {}
    for item_id, crit, score in await tx.fetchall(
        "SELECT item_id, criterion_id, score FROM item_scores WHERE item_set = ? ORDER BY item_id, criterion_id",
        (item_set,),
    ):
        scores.setdefault(item_id, {})[crit] = score
    return [
        ItemDetail(
            r[0],
            _local(r[1], r[2]),
            _local(r[3], r[4]),
            r[5],
            tuple(sources.get(r[0], ())),
            _local(r[6], r[7]),
            scores.get(r[0], {}),
            r[8],
        )
        for r in rows
    ]


async def item_cards(tx: Tx, item_set: str) -> list[tuple[str, str, str, str]]:
    """Returns an item set's (item id, title, description, evidence notes) in order, each text in its languages."""
    rows = await tx.fetchall(
        "SELECT item_id, text, titles, description, descriptions, notes, notes_languages FROM items"
        " WHERE item_set = ? ORDER BY position",
        (item_set,),
    )
    return [(r[0], _local(r[1], r[2]), _local(r[3], r[4]), _local(r[5], r[6])) for r in rows]


def _local(text: str, languages: str | None) -> str:
    """Returns a stored text with its languages (a LocalText), or the plain text when it has one language."""
    return LocalText(text, json.loads(languages)) if languages else text


async def items_fed_by(tx: Tx) -> dict[str, list[str]]:
    """Returns, for each example id (E<answer id>) that fed an item, the ids of the items it fed."""
    rows = await tx.fetchall(
        "SELECT s.answer_id, s.item_id FROM item_sources s JOIN items i ON i.item_set = s.item_set"
        " AND i.item_id = s.item_id ORDER BY s.answer_id, s.item_set, i.position"
    )
    fed: dict[str, list[str]] = {}
    for answer_id, item_id in rows:
        items = fed.setdefault(example_id(answer_id), [])
        if item_id not in items:  # a round rating one item list in two questions loads it into two item sets
            items.append(item_id)
    return fed


def _answer_id(source: str) -> int:
    answer_id = answer_id_of(source)
    if answer_id is None:  # the import checks every id first; this is a caller's mistake
        raise ValueError(f"{source!r} is not an example id")
    return answer_id


async def item_kinds(tx: Tx, item_set: str) -> dict[str, str]:
    """Returns each item's kind by item id; "" for an item given none."""
    rows = await tx.fetchall("SELECT item_id, kind FROM items WHERE item_set = ?", (item_set,))
    return {r[0]: r[1] or "" for r in rows}


async def item_set_sizes(tx: Tx) -> dict[str, int]:
    """Returns how many items each loaded item set holds."""
    return {r[0]: r[1] for r in await tx.fetchall("SELECT item_set, COUNT(*) FROM items GROUP BY item_set")}
