"""What the workbook takes from other parts of the core when they are there: items' details, dissent
reasons and the rounds' statistics.

Each reader gives an empty answer when its source is not in this build, so the workbook's sheets
and codebook stay the same shape whatever has been built so far.
"""

from __future__ import annotations

import importlib
from typing import Any

from carework_core.env import Env
from carework_core.storage.db import Tx
from carework_core.summary import RoundStats

AnswerKey = tuple[str, str, str, str | None, str | None]  # code, round, question, item, criterion


def _find(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


async def item_details(tx: Tx, item_set: str) -> dict[str, Any]:
    """Returns the synthesis' details of an item set by item id (sources, description, theme, scores)."""
    read = _find("carework_core.storage.items", "item_details")
    return {d.item_id: d for d in await read(tx, item_set)} if read else {}


async def items_fed(tx: Tx) -> dict[str, list[str]]:
    """Returns, by example id, the items each example fed (traceability from examples to items)."""
    read = _find("carework_core.storage.items", "items_fed_by")
    return dict(await read(tx)) if read else {}


async def reasons(tx: Tx, round_id: str) -> dict[AnswerKey, str]:
    """Returns the dissent reasons of a round by the answer they explain."""
    read = _find("carework_core.storage.reasons", "reasons_of")
    if read is None:
        return {}
    found: dict[AnswerKey, str] = {}
    for r in await read(tx, round_id):
        code = getattr(r, "code", None) or getattr(r, "participant", "")
        key = (str(code), round_id, r.question_id, getattr(r, "item_id", None), getattr(r, "criterion_id", None))
        found[key] = getattr(r, "text", None) or getattr(r, "reason", "")
    return found


async def round_stats(env: Env, round_id: str) -> RoundStats | None:
    """Returns a rating round's statistics per group, or None where they are not computed in this build."""
    results = _find("carework_core.results", "Results")
    if results is None:
        return None
    return await results(env).round_stats(round_id)
