"""Between-round summaries at work: drafted when a round closes, reviewed and approved by a
coordinator, and sent by the schedule. Nothing reaches participants before approval.

What is approved is stored whole (carework_core.storage.summaries), so the figures and excerpts
that go out are the ones the coordinator read; so is each person's digest, counted with the figures
when the summary is drafted (results/digests.py reads them). Only each excerpt's writer's consent is
read afresh: words whose writer no longer agrees to be quoted (or has withdrawn) are withheld
whenever a summary is read, shown or sent. The default opening and next step are data here (the
round, when the next one opens); the shell's catalogue says them in each person's language.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from carework_core.definitions.model import ExamplesQuestion, ItemRatingQuestion, RatingQuestion, Round
from carework_core.env import Env, audit
from carework_core.errors import SummaryError
from carework_core.messaging.messages import OutgoingMessage
from carework_core.people.coordinators import Coordinator
from carework_core.people.model import Participant
from carework_core.results.dissent import ChosenReasons, shown_reasons, withhold_unquotable
from carework_core.results.feedback import choice_tallies, took_part
from carework_core.results.figures import Figures, Results
from carework_core.results.scrub import choose_excerpts, trim_excerpt
from carework_core.results.summary import Excerpt, Summary, SummaryKind, SummaryStatus, chart_parts
from carework_core.results.summary_stats import hide_few_ratings
from carework_core.rounds.effects import Effect, record_effects
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.schedule import ScheduleState, SendSummary, plan_of, quiet_until
from carework_core.rounds.service import round_named, round_status
from carework_core.storage import digests as kept
from carework_core.storage import schedule as stored_schedule
from carework_core.storage import summaries as stored
from carework_core.storage.coordinators import team_chats
from carework_core.storage.db import Tx
from carework_core.storage.examples import examples_tallies, quotable_examples
from carework_core.storage.reasons import count_reasons

DRAFT_ACTOR = "schedule"
MAX_OPENING = 1500  # the opening is one paragraph, read on a phone


class Summaries:
    def __init__(self, env: Env, results: Results):
        self.env = env
        self.results = results
        self.reasons = ChosenReasons(env)  # "Why some people rated it differently"

    def _round(self, round_id: str) -> Round:
        return round_named(self.env.consultation, round_id)

    async def draft(self, round_id: str, actor: str) -> Summary:
        """Makes or remakes a closed round's draft; a replaced opening and dropped excerpts are kept."""
        rnd = self._round(round_id)
        rated = [q.id for q in rnd.questions if isinstance(q, RatingQuestion | ItemRatingQuestion)]
        figures = await self.results.figures(round_id) if rated else None  # counted once, off the event loop
        rating = figures is not None and _kind(rnd, figures) == SummaryKind.RATINGS
        digests = figures.digests if figures and rating else kept.Packer()
        async with self.env.db.transaction() as tx:
            await self._refuse_unclosed(tx, rnd)
            before = await stored.read_summary(tx, round_id)
            if before and before.summary.status != SummaryStatus.DRAFT:
                raise SummaryError(
                    f"the summary of round {round_id} is {before.summary.status.value}; it cannot change"
                )
            made = await self._compose(tx, rnd, figures)
            if before:
                made = _keep_edits(made, before)
            await stored.save_summary(
                tx, stored.StoredSummary(made, self.env.stamp(), bool(before and before.opening_replaced))
            )
            # Each person's digest goes with a ratings summary, beside the figures it was counted with.
            await kept.keep_digests(tx, round_id, digests)
            await audit(tx, self.env, actor, "draft_summary", round_id)
        return made

    async def draft_closed(self) -> list[Summary]:
        """Drafts the summary of every closed round that has none yet (or remakes a draft that predates
        the round's last close); returns the drafts made."""
        async with self.env.db.reading() as tx:
            waiting = await stored.closed_without_summary(tx)
        known = {r.id for r in self.env.consultation.rounds}
        return [await self.draft(round_id, DRAFT_ACTOR) for round_id in waiting if round_id in known]

    async def show(self, round_id: str) -> Summary:
        """Returns a round's summary as it stands."""
        return (await self.stored(round_id)).summary

    async def show_or_draft(self, round_id: str, actor: str) -> Summary:
        """Returns a round's summary as it stands, drafting it first when a closed round has none (an open
        or unopened round is refused with a SummaryError that says when it will have one)."""
        self._round(round_id)
        async with self.env.db.reading() as tx:
            drafted = await stored.read_summary(tx, round_id) is not None
        return await self.show(round_id) if drafted else await self.draft(round_id, actor)

    async def sent_to(self, round_id: str, person: Participant | None) -> Summary | None:
        """Returns a round's summary once it has gone out to this person's group, as it may be read now; None
        before, for someone not of the round's groups, or for a round the definition does not have."""
        rnd = next((r for r in self.env.consultation.rounds if r.id == round_id), None)
        if rnd is None or person is None or person.group_id not in rnd.groups:
            return None
        async with self.env.db.reading() as tx:
            found = await stored.read_summary(tx, round_id)
            if found is None or found.summary.status != SummaryStatus.SENT:
                return None
            return await self._as_it_may_go(tx, found.summary)

    async def stored(self, round_id: str) -> stored.StoredSummary:
        """Returns a round's summary with who approved it and when it went, or raises SummaryError."""
        self._round(round_id)
        async with self.env.db.reading() as tx:
            found = await stored.read_summary(tx, round_id)
            if found is None:
                raise SummaryError(f"round {round_id} has no summary yet: it is drafted when the round closes")
            return replace(found, summary=await self._as_it_may_go(tx, found.summary))

    async def set_opening(self, round_id: str, text: str, actor: str) -> Summary:
        """Replaces the opening paragraph of a draft."""
        words = text.strip()
        if not words or len(words) > MAX_OPENING:
            raise SummaryError(f"the opening must be 1 to {MAX_OPENING} characters; this one is {len(words)}")
        async with self.env.db.transaction() as tx:
            found = await self._draft_in(tx, round_id)
            own = replace(found.summary, opening=words, own_opening=True)
            changed = replace(found, summary=own, opening_replaced=True)
            await stored.save_summary(tx, changed)
            await audit(tx, self.env, actor, "summary_opening", round_id, json.dumps({"characters": len(words)}))
            return await self._as_it_may_go(tx, changed.summary)

    async def drop_excerpt(self, round_id: str, number: int, actor: str) -> Summary:
        """Leaves an excerpt out of a draft, by its number."""
        async with self.env.db.transaction() as tx:
            found = await self._draft_in(tx, round_id)
            numbers = [e.number for e in found.summary.excerpts]
            if number not in numbers:
                have = ", ".join(map(str, numbers)) or "none"
                raise SummaryError(f"the summary of round {round_id} has no excerpt {number} (its excerpts: {have})")
            excerpts = tuple(replace(e, dropped=e.dropped or e.number == number) for e in found.summary.excerpts)
            changed = replace(found, summary=replace(found.summary, excerpts=excerpts))
            await stored.save_summary(tx, changed)
            await audit(tx, self.env, actor, "summary_drop_excerpt", round_id, json.dumps({"number": number}))
            return await self._as_it_may_go(tx, changed.summary)

    async def approve(self, round_id: str, actor: str, now: bool = False) -> stored.StoredSummary:
        """Approves a draft: it goes at the round's summary time, or at once with `now` (or if that time passed).

        An approved summary not yet sent may be approved again with `now`, to send it at once.
        """
        async with self.env.db.transaction() as tx:
            found = await stored.read_summary(tx, round_id)
            status = found.summary.status if found else None
            if found is None or status == SummaryStatus.SENT or (status == SummaryStatus.APPROVED and not now):
                said = "has no summary yet" if found is None else f"summary is already {status.value}"
                raise SummaryError(f"round {round_id} {said}; nothing to approve")
            approved = replace(
                found,
                summary=replace(found.summary, status=SummaryStatus.APPROVED),
                approved_by=actor,
                approved_at=self.env.stamp(),
                send_now=now,
            )
            await stored.save_summary(tx, approved)
            await audit(tx, self.env, actor, "approve_summary", round_id, json.dumps({"now": now}))
        return approved

    async def sends_at(self, round_id: str) -> datetime | None:
        """Returns the round's summary time (UTC) as planned, or None when it has none."""
        rnd = self._round(round_id)
        async with self.env.db.reading() as tx:
            changes = await stored_schedule.plan_changes(tx)
        return plan_of(rnd, self.env.consultation.zone, changes).summary

    async def goes_at(self, round_id: str, now: bool = False) -> datetime | None:
        """Returns when an approved summary will go out (UTC): its summary time, or the end of the quiet
        hours we are in; None when it goes at once."""
        when = None if now else await self.sends_at(round_id)
        c, moment = self.env.consultation, self.env.clock.now()
        if when is not None and when > moment:
            return when
        return quiet_until(moment, ScheduleState((), {}, zone=c.zone, quiet_hours=c.quiet_hours))

    async def await_opening(self, round_id: str, coordinator: Coordinator) -> None:
        """Makes this coordinator's next message the new opening of the round's draft."""
        async with self.env.db.transaction() as tx:
            await self._draft_in(tx, round_id)
            await stored.await_opening(tx, round_id, coordinator.id)

    async def take_opening(self, coordinator: Coordinator, text: str) -> Summary | None:
        """Takes a coordinator's message as the opening they said would come; None when none was awaited."""
        async with self.env.db.transaction() as tx:
            round_id = await stored.opening_awaited(tx, coordinator.id)
        return None if round_id is None else await self.set_opening(round_id, text, coordinator.actor)

    async def recipients(self, round_id: str) -> list[Participant]:
        """Returns who a round's summary is for: consented, reachable people of the round's groups.

        People who paused with /pause are left out, and so are withdrawn ones (not consented).
        """
        rnd = self._round(round_id)
        async with self.env.db.reading() as tx:
            return await stored.recipients(tx, list(rnd.groups))

    async def send(
        self, action: SendSummary, messages: list[OutgoingMessage], people: int, rendered: Summary | None = None
    ) -> int:
        """Records the summary as sent and queues its messages in one transaction; returns how many were new.

        The messages were rendered from `rendered`; when a quoted writer's consent changed since, nothing
        is queued and the next reconcile renders them again."""
        async with self.env.db.transaction() as tx:
            found = await stored.read_summary(tx, action.round_id)
            if found is None or found.summary.status != SummaryStatus.APPROVED:
                return 0  # nothing goes out that a coordinator has not approved
            checked = await self._as_it_may_go(tx, found.summary)
            if rendered is not None and _quoted(rendered) != _quoted(checked):
                return 0
            excerpts = tuple(replace(e, dropped=e.dropped or e.withheld) for e in checked.excerpts)
            what_went = replace(checked, excerpts=excerpts, chosen_reasons=shown_reasons(checked))
            found = replace(found, summary=what_went)  # what was sent, as sent
            if not await stored_schedule.log_action(
                tx, action.key, action.round_id, "summary", self.env.stamp(), "done", self.env.stamp(), people
            ):
                return 0
            sent = replace(
                found,
                summary=replace(found.summary, status=SummaryStatus.SENT),
                sent_at=self.env.stamp(),
                recipients=people,
            )
            await stored.save_summary(tx, sent)
            await audit(tx, self.env, DRAFT_ACTOR, "send_summary", action.round_id, json.dumps({"people": people}))
            return await record_effects(tx, self.env, [Effect(None, (m,)) for m in messages])

    async def team_chats(self) -> list[int]:
        """Returns the chats of the coordinators, to tell them a draft waits."""
        async with self.env.db.reading() as tx:
            return await team_chats(tx)

    async def chart(self, chart: str) -> tuple[bytes, str | None] | None:
        """Returns a stored chart (PNG) and Telegram's file_id for it, if there is one; `chart` is chart_id's."""
        round_id, language = chart_parts(chart)
        async with self.env.db.reading() as tx:
            return await stored.read_chart(tx, round_id, language)

    async def keep_chart(self, round_id: str, png: bytes, language: str = "en") -> None:
        """Stores a round's chart in a language, drawn by the shell from the summary's figures."""
        async with self.env.db.transaction() as tx:
            await stored.save_chart(tx, round_id, png, language)

    async def keep_file_id(self, chart: str, file_id: str) -> None:
        """Stores the file_id of a chart's first upload, so later sends reuse it."""
        round_id, language = chart_parts(chart)
        async with self.env.db.transaction() as tx:
            await stored.save_file_id(tx, round_id, file_id, language)

    async def _draft_in(self, tx: Tx, round_id: str) -> stored.StoredSummary:
        self._round(round_id)
        found = await stored.read_summary(tx, round_id)
        if found is None:
            raise SummaryError(f"round {round_id} has no summary yet: it is drafted when the round closes")
        if found.summary.status != SummaryStatus.DRAFT:
            raise SummaryError(f"the summary of round {round_id} is {found.summary.status.value}; it cannot change")
        return found

    async def _as_it_may_go(self, tx: Tx, summary: Summary) -> Summary:
        """Returns the summary as it may go now: each excerpt withheld whose writer no longer agrees to be
        quoted, and figures resting on too few ratings hidden (a summary drafted by an older version)."""
        summary = replace(summary, stats=hide_few_ratings(summary.stats, self.env.consultation.min_group_size))
        summary = await withhold_unquotable(tx, self.env.consultation, summary)
        if not summary.excerpts:
            return summary
        quotes = self.env.consultation.consent.quotes
        asked = sorted({e.question_id for e in summary.excerpts})
        agreeing = await quotable_examples(tx, summary.round_id, asked, quotes) if quotes else []
        ids = {q.answer_id for q in agreeing}
        # A draft made before excerpts kept their answer is matched by its words, trimmed as they were.
        words = {(q.group_id, q.question_id, trim_excerpt(q.text)) for q in agreeing}

        def agrees(e: Excerpt) -> bool:
            return e.answer_id in ids if e.answer_id is not None else (e.group_id, e.question_id, e.text) in words

        return replace(summary, excerpts=tuple(replace(e, withheld=not agrees(e)) for e in summary.excerpts))

    async def _refuse_unclosed(self, tx: Tx, rnd: Round) -> None:
        status = await round_status(tx, rnd.id)
        if status == RoundStatus.DRAFT:
            raise SummaryError(f"round {rnd.id} has not opened, so there is nothing to summarise yet")
        if status != RoundStatus.CLOSED:
            raise SummaryError(f"round {rnd.id} is still open; its summary is drafted when it closes")

    async def _compose(self, tx: Tx, rnd: Round, figures: Figures | None) -> Summary:
        """Returns a fresh draft of a round from what is stored and its figures as counted."""
        c = self.env.consultation
        stats, titles = (figures.stats, figures.titles) if figures else (None, {})
        asked = [q.id for q in rnd.questions if isinstance(q, ExamplesQuestion)]
        tallies = await examples_tallies(tx, rnd.id, asked, list(rnd.groups), c.min_group_size)
        quotes = c.consent.quotes
        candidates = await quotable_examples(tx, rnd.id, asked, quotes) if quotes and asked else []
        kind = _kind(rnd, figures)
        reasons = await count_reasons(tx, rnd.id) if stats is not None else 0
        opens = await self._next_opens(tx, rnd)
        return Summary(
            rnd.id,
            kind,
            "",
            SummaryStatus.DRAFT,
            tallies,
            choose_excerpts(candidates),
            stats,
            reasons,
            titles,
            next_opens=opens.isoformat() if opens else None,
            took_part=await took_part(tx, rnd, c),
            choices=await choice_tallies(tx, rnd, c),
        )

    async def _next_opens(self, tx: Tx, rnd: Round) -> datetime | None:
        """Returns when the round after this one opens, as planned; None after the last round or undated.

        Only the date is kept: the shell says the default opening and next step in each person's language."""
        c = self.env.consultation
        number = c.rounds.index(rnd) + 1
        if number == len(c.rounds):
            return None
        return plan_of(c.rounds[number], c.zone, await stored_schedule.plan_changes(tx)).opens


def _kind(rnd: Round, figures: Figures | None) -> SummaryKind:
    """Returns what a round's summary reports: the examples it collected, else its ratings."""
    asked = any(isinstance(q, ExamplesQuestion) for q in rnd.questions)
    return SummaryKind.EXAMPLES if asked or figures is None else SummaryKind.RATINGS


def _quoted(summary: Summary) -> tuple[list[int], list[int]]:
    """Returns the numbers of the excerpts and the ids of the reasons that go out."""
    return [e.number for e in summary.excerpts if e.goes_out], [r.reason_id for r in shown_reasons(summary)]


def _keep_edits(made: Summary, before: stored.StoredSummary) -> Summary:
    """Returns a remade draft with the coordinator's replaced opening, dropped excerpts and chosen reasons kept."""
    dropped = {(e.group_id, e.question_id, e.text) for e in before.summary.excerpts if e.dropped}
    excerpts = tuple(replace(e, dropped=(e.group_id, e.question_id, e.text) in dropped) for e in made.excerpts)
    made = replace(made, chosen_reasons=before.summary.chosen_reasons)
    if before.opening_replaced:
        return replace(made, opening=before.summary.opening, own_opening=True, excerpts=excerpts)
    return replace(made, excerpts=excerpts)
