"""The workbook's "Shares" sheet: which items each person was given to rate (items_per_person), keyed by code."""

from __future__ import annotations

from typing import Any

from carework_core.research.sheets import Column, Sheet
from carework_core.research.workbook_rows import Scope
from carework_core.storage.db import Tx
from carework_core.storage.shares import coded_shares

SHARES_SHEET = Sheet(
    "Shares",
    (
        Column("participant", "the participant's pseudonymous code"),
        Column("group", "their stakeholder group"),
        Column("round", "round id"),
        Column("question_id", "the item-rating question with items_per_person"),
        Column("place", "the item's place in the person's share, from 1 (the order they saw the cards in)"),
        Column("item_id", "an item the person was given to rate; items not listed were never shown to them"),
    ),
    note="a question with items_per_person gives each person a share of its items; an item missing from a"
    " person's share is not a missing answer",
)


async def share_rows(tx: Tx, scope: Scope) -> list[list[Any]]:
    """Returns the Shares sheet's rows: one per item given to a person, in each person's order."""
    groups = {g.id: g.name for g in scope.consultation.groups}
    return [
        [code, groups.get(group, group), round_id, question_id, place, item_id]
        for code, group, round_id, question_id, place, item_id in await coded_shares(tx, scope.round_id)
    ]
