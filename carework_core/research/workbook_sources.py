"""What the workbook takes from other parts of the core: items' details from the synthesis, dissent
reasons, and the rounds' statistics, each shaped as the workbook's rows need them."""

from __future__ import annotations

from carework_core.env import Env
from carework_core.errors import SummaryError
from carework_core.results.figures import Results
from carework_core.results.summary import RoundStats
from carework_core.storage import details as stored_details
from carework_core.storage import items as stored_items
from carework_core.storage import reasons as stored_reasons
from carework_core.storage.db import Tx
from carework_core.storage.items import ItemDetail

AnswerKey = tuple[str, str, str, str | None, str | None]  # code, round, question, item, criterion


async def item_details(tx: Tx, item_set: str) -> dict[str, ItemDetail]:
    """Returns the synthesis' details of an item set by item id (sources, description, theme, scores)."""
    return {d.item_id: d for d in await stored_items.item_details(tx, item_set)}


async def items_fed(tx: Tx) -> dict[str, list[str]]:
    """Returns, by example id, the items each example fed (traceability from examples to items)."""
    return dict(await stored_items.items_fed_by(tx))


async def reasons(tx: Tx, round_id: str) -> dict[AnswerKey, str]:
    """Returns the dissent reasons of a round by the answer they explain."""
    return {
        (r.code, r.card.round_id, r.card.question_id, r.card.item_id, r.card.criterion_id): r.text
        for r in await stored_reasons.reasons_of(tx, round_id)
    }


def results(env: Env) -> Results:
    """Returns the figures' service on the export's own connection (the export runs apart from Services)."""
    return Results(env)


async def round_stats(env: Env, round_id: str) -> RoundStats | None:
    """Returns a rating round's statistics per group, or None for a round with nothing rated on a scale."""
    try:
        return await results(env).round_stats(round_id)
    except SummaryError:
        return None


async def answer_details(tx: Tx, round_id: str | None) -> dict[int, dict[str, str | None]]:
    """Returns follow-up answers and Other's words by answer id (None: skipped), for a round or all."""
    return await stored_details.round_details(tx, round_id)


async def skipped(tx: Tx, round_id: str) -> set[tuple[str, str]]:
    """Returns (code, question id) of each question someone skipped or had no example for."""
    return await stored_details.skipped_questions(tx, round_id)
