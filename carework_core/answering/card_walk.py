"""The cards of an item-rating question: each item on the criteria its kind is rated on by participants."""

from __future__ import annotations

from carework_core.answering.steps import Ask, Item
from carework_core.definitions.kinds import asked_of
from carework_core.definitions.model import Consultation, ItemRatingQuestion
from carework_core.storage.db import Tx
from carework_core.storage.items import item_cards, item_kinds


async def asked_by_item(tx: Tx, c: Consultation, q: ItemRatingQuestion) -> dict[str, list[str]]:
    """Returns, by item id, the criteria participants rate that item on (its cards, in order)."""
    kinds = await item_kinds(tx, q.item_set)
    return {item_id: asked_of(c, q, kind) for item_id, kind in kinds.items()}


async def cards_of(tx: Tx, q: ItemRatingQuestion, share: list[str] | None) -> list[tuple[str, str, str, str]]:
    """Returns the items a person rates (their share, in its order; every item when `share` is None)."""
    items = await item_cards(tx, q.item_set)
    if share is None:
        return items
    by_id = {item[0]: item for item in items}
    return [by_id[item_id] for item_id in share if item_id in by_id]


async def next_card(
    tx: Tx, c: Consultation, q: ItemRatingQuestion, base: dict, rated: set, share: list[str] | None = None
) -> Ask | None:
    """Returns the first card not yet rated, item by item and criterion by criterion; None when none is left."""
    items = await cards_of(tx, q, share)
    asked = await asked_by_item(tx, c, q)
    criteria = {k.id: k for k in c.criteria}
    for position, (item_id, *texts) in enumerate(items):
        for index, crit_id in enumerate(asked.get(item_id, [])):
            if (item_id, crit_id) not in rated:
                return Ask(
                    **base,
                    item=Item(item_id, *texts),
                    criterion=criteria[crit_id],
                    item_index=position,
                    items_total=len(items),
                    criterion_index=index,
                    item_criteria=tuple(asked[item_id]),
                )
    return None  # no items loaded yet, or every item rated


async def card_key(
    tx: Tx, c: Consultation, q: ItemRatingQuestion, card: tuple[int, int], share: list[str] | None = None
) -> tuple[str, str] | None:
    """Returns the (item id, criterion id) a card (item position in the person's share, criterion index) names."""
    items = await cards_of(tx, q, share)
    position, index = card
    if not 0 <= position < len(items):
        return None
    item_id = items[position][0]
    asked = (await asked_by_item(tx, c, q)).get(item_id, [])
    return (item_id, asked[index]) if 0 <= index < len(asked) else None
