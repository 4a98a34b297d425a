"""Each person rates a share of an item set (items_per_person), dealt when they first reach the question.

The share balances coverage: the person's group's least-given items come first, ties broken by a
random order drawn from a seed stored with the question, so every item x group gets as even a number
of raters as possible (within one of each other). A share comes in the person's own random order (from
the same seed), so the ideas read last, by tired people, differ from person to person. The share is stored, so a restart, /review and the
progress line ("Idea 3 of 8") all see the same items in the same order.
"""

from __future__ import annotations

import random

from carework_core.definitions.model import ItemRatingQuestion
from carework_core.storage import shares as store
from carework_core.storage.db import Tx
from carework_core.storage.items import item_rows


async def share_of(
    tx: Tx, round_id: str, q: ItemRatingQuestion, participant_id: int, keep: bool = True
) -> list[str] | None:
    """Returns the item ids this person rates in a question, in order; None when they rate every item.

    The first time, the share is dealt and (when `keep`, in a write) stored; a read before that shows
    the share it would deal, which the next write stores.
    """
    if q.items_per_person is None or not participant_id:
        return None
    given = await store.given_items(tx, round_id, q.id, participant_id)
    if given:
        return given
    items = [item_id for item_id, _ in await item_rows(tx, q.item_set)]
    if not items:
        return None  # nothing loaded yet: there is nothing to deal
    share = await _deal(tx, round_id, q, participant_id, items, keep)
    if keep:
        await store.give_items(tx, round_id, q.id, participant_id, share)
    return share


async def _deal(tx: Tx, round_id: str, q: ItemRatingQuestion, participant_id: int, items: list[str], keep: bool):
    """Returns the items_per_person items the group was given least, ties in the question's random order."""
    given = await store.raters_given(tx, round_id, q.id, participant_id)
    seed = await store.share_seed(tx, round_id, q.id, keep)
    chance = random.Random(f"{seed}:{participant_id}")  # the same person, the same draw after a restart
    ties = {item_id: chance.random() for item_id in items}
    share = sorted(items, key=lambda i: (given.get(i, 0), ties[i]))[: q.items_per_person]
    chance.shuffle(share)  # each person's own order, so no idea is always the one read last, when tired
    return share
