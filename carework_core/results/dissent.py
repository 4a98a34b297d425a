"""Why some people rated an idea differently: reasons a coordinator chooses for a draft summary.

Only reasons of people who agree to be quoted are offered, scrubbed and trimmed as excerpts are,
and at most the definition's summaries.reasons_per_idea under one idea. As with excerpts, each
writer's consent is read afresh whenever the summary is read: a chosen reason whose writer no
longer agrees to be quoted (or has withdrawn) is withheld.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from carework_core.definitions.model import Consultation
from carework_core.env import Env, audit
from carework_core.errors import SummaryError
from carework_core.results.scrub import trim_excerpt
from carework_core.results.summary import ChosenReason, Summary, SummaryKind, SummaryStatus
from carework_core.storage import summaries as stored
from carework_core.storage.db import Tx
from carework_core.storage.reasons import quotable_reasons


@dataclass(frozen=True)
class ReasonChoice:
    """A reason the coordinator may show, and whether it is chosen."""

    reason: ChosenReason
    chosen: bool


async def offered(tx: Tx, c: Consultation, round_id: str) -> list[ChosenReason]:
    """Returns the reasons of a round that may be shown: typed by people who agree to be quoted now, scrubbed."""
    if not c.consent.quotes:
        return []
    found = []
    for r in await quotable_reasons(tx, round_id, c.consent.quotes):
        text = trim_excerpt(r.text or "")
        if text:
            card = r.card
            found.append(ChosenReason(r.id, r.group_id, card.question_id, card.item_id, card.criterion_id, text))
    return found


async def withhold_unquotable(tx: Tx, c: Consultation, summary: Summary) -> Summary:
    """Returns the summary with each chosen reason withheld whose writer no longer agrees to be quoted."""
    if not summary.chosen_reasons:
        return summary
    ids = {r.reason_id for r in await offered(tx, c, summary.round_id)}
    kept = tuple(replace(r, withheld=r.reason_id not in ids) for r in summary.chosen_reasons)
    return replace(summary, chosen_reasons=kept)


def shown_reasons(summary: Summary) -> tuple[ChosenReason, ...]:
    """Returns the chosen reasons that reach participants."""
    return tuple(r for r in summary.chosen_reasons if not r.withheld)


def with_reason(summary: Summary, reason: ChosenReason, per_idea: int) -> Summary:
    """Returns the summary with one more chosen reason, or raises SummaryError when its idea has enough."""
    if any(r.reason_id == reason.reason_id for r in summary.chosen_reasons):
        return summary
    beside = [r for r in summary.chosen_reasons if r.idea == reason.idea]
    if len(beside) >= per_idea:
        raise SummaryError(
            f"that idea already shows {len(beside)} reasons (summaries: reasons_per_idea is {per_idea});"
            " hide one of them first"
        )
    return replace(summary, chosen_reasons=(*summary.chosen_reasons, reason))


class ChosenReasons:
    """Lists the reasons a draft summary may show, and shows or hides one at a coordinator's tap."""

    def __init__(self, env: Env):
        self.env = env

    async def choices(self, round_id: str) -> list[ReasonChoice]:
        """Returns every reason a ratings draft may show, oldest first, with whether it is chosen."""
        async with self.env.db.reading() as tx:
            found = await stored.read_summary(tx, round_id)
            if found is None or found.summary.kind != SummaryKind.RATINGS:
                return []
            chosen = {r.reason_id for r in found.summary.chosen_reasons}
            return [ReasonChoice(r, r.reason_id in chosen) for r in await offered(tx, self.env.consultation, round_id)]

    async def show(self, round_id: str, reason_id: int, actor: str) -> None:
        """Adds a reason to the draft, if its writer agrees to be quoted and its idea has room."""
        c = self.env.consultation
        async with self.env.db.transaction() as tx:
            found = await _draft(tx, round_id)
            may = {r.reason_id: r for r in await offered(tx, c, round_id)}
            if reason_id not in may:
                raise SummaryError(f"reason {reason_id} is not one round {round_id}'s summary may quote")
            # A chosen reason whose writer stopped agreeing to be quoted gives its place up.
            still = replace(
                found.summary, chosen_reasons=tuple(r for r in found.summary.chosen_reasons if r.reason_id in may)
            )
            changed = with_reason(still, may[reason_id], c.summaries.reasons_per_idea)
            await stored.save_summary(tx, replace(found, summary=changed))
            await audit(tx, self.env, actor, "summary_show_reason", round_id, json.dumps({"reason": reason_id}))

    async def hide(self, round_id: str, reason_id: int, actor: str) -> None:
        """Takes a chosen reason out of the draft."""
        async with self.env.db.transaction() as tx:
            found = await _draft(tx, round_id)
            kept = tuple(r for r in found.summary.chosen_reasons if r.reason_id != reason_id)
            await stored.save_summary(tx, replace(found, summary=replace(found.summary, chosen_reasons=kept)))
            await audit(tx, self.env, actor, "summary_hide_reason", round_id, json.dumps({"reason": reason_id}))


async def _draft(tx: Tx, round_id: str) -> stored.StoredSummary:
    found = await stored.read_summary(tx, round_id)
    if found is None:
        raise SummaryError(f"round {round_id} has no summary yet: it is drafted when the round closes")
    if found.summary.status != SummaryStatus.DRAFT:
        raise SummaryError(f"the summary of round {round_id} is {found.summary.status.value}; it cannot change")
    return found
