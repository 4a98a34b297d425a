"""Wakes the core up on a timer. It holds no decisions: the core says who is owed what."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from html import escape

from bot.logs import backoff, describe_failure
from bot.screens import round_text
from bot.screens.render import Reply
from bot.summaries.sending import send_summary
from bot.text.catalogue import speaking
from carework_core.bootstrap import Services
from carework_core.messaging.outbox import Lane, OutgoingMessage
from carework_core.results.summary import Summary
from carework_core.rounds.plans import ReminderTarget
from carework_core.rounds.schedule import SendReminder, SendSummary
from carework_core.rounds.service import closing_notice_key

log = logging.getLogger(__name__)


async def run_schedule(services: Services) -> int:
    """Takes every action the schedule says is due (opens, closes, reminders, summaries); returns how many."""
    actions = await services.plans.due()
    for action in actions:
        if isinstance(action, SendReminder):
            targets = await services.plans.reminder_targets(action)
            added = await services.plans.send_reminder(action, [_reminder(t, services) for t in targets])
            log.info("reminder queued", extra={"round": action.round_id, "reminder": action.number, "count": added})
        elif isinstance(action, SendSummary):
            await send_summary(services, action)
        elif await services.plans.take(action):
            log.info("scheduled action", extra={"key": action.key})
    return len(actions)


def _reminder(target: ReminderTarget, services: Services) -> OutgoingMessage:
    chat = target.participant.chat_id
    params = {
        "chat_id": chat,
        **round_text.reminder(
            speaking(target.participant.language, services.consultation.languages),
            target,
            services.consultation,
        ).params(),
    }
    return OutgoingMessage(chat, params, target.dedupe_key, target.participant.id, target.round.id, lane=Lane.BROADCAST)


async def reconcile(services: Services) -> int:
    """Queues an invitation for everyone owed one by an open round (again, if one failed); returns how many."""
    invitations = await services.rounds.pending_invitations()
    if not invitations:
        return 0
    consultation = services.consultation
    closes = {plan.round_id: plan.closes for plan in await services.plans.plans()}
    rendered = []
    for inv in invitations:
        reply = round_text.invitation(
            speaking(inv.participant.language, consultation.languages),
            inv.round,
            inv.number,
            consultation,
            closes.get(inv.round.id),
        )
        chat = inv.participant.chat_id
        params = {"chat_id": chat, **reply.params()}
        message = OutgoingMessage(chat, params, inv.dedupe_key, inv.participant.id, inv.round.id, lane=Lane.BROADCAST)
        rendered.append((inv, message))
    await services.rounds.send_invitations(rendered)
    log.info("invitations queued", extra={"count": len(invitations)})
    return len(invitations)


async def draft_closed_summaries(services: Services) -> int:
    """Drafts the summary of each closed round without one and tells the team it waits; returns how many."""
    drafted = await services.summaries.draft_closed()
    if not drafted:
        return 0
    chats = await services.summaries.team_chats()
    messages = [
        OutgoingMessage(
            chat,
            {"chat_id": chat, **Reply(escape(_waiting(s))).params()},
            f"drafted:{s.round_id}:{chat}",
            lane=Lane.BROADCAST,
        )
        for s in drafted
        for chat in chats
    ]
    await services.outbox.enqueue(messages)
    log.info("summaries drafted", extra={"count": len(drafted)})
    return len(drafted)


def _waiting(summary: Summary) -> str:
    return (
        f"The summary of round {summary.round_id} is drafted and waits for your review. "
        f"Nothing goes to participants until you approve it: /summary {summary.round_id}"
    )


async def send_held_announcements(services: Services) -> int:
    """Queues each announcement held for quiet hours once they have ended; returns how many went."""
    sent = 0
    for held in await services.coordinators.held_due():
        params = Reply(escape(held.text or "")).params()
        done = await services.coordinators.send_announcement(held.id, params, held.actor, urgent=True)
        if done is not None:
            sent += 1
            log.info("held announcement queued", extra={"announcement": held.id})
    return sent


async def announce_closed_rounds(services: Services) -> int:
    """Queues "Round N has closed" once for everyone invited who had not finished; returns how many."""
    owed = await services.rounds.owed_closing_notices()
    coming = {}  # what comes next, per group and round: only their own rounds
    for key in {(n.participant.group_id, n.round.id) for n in owed}:
        coming[key] = await services.plans.coming(*key)
    messages = [
        OutgoingMessage(
            n.participant.chat_id,
            {
                "chat_id": n.participant.chat_id,
                **round_text.round_closed(
                    speaking(n.participant.language, services.consultation.languages),
                    n.number,
                    coming[(n.participant.group_id, n.round.id)],
                ).params(),
            },
            closing_notice_key(n.round.id, n.participant.id),
            n.participant.id,
            lane=Lane.BROADCAST,
        )
        for n in owed
    ]
    added = await services.rounds.send_closing_notices(messages)
    if added:
        log.info("closing notices queued", extra={"count": added})
    return added


class ReconcileJob:
    """The recurring reconcile: a failed run is logged and the job rests a little longer each time."""

    def __init__(self, run: Callable[[], Awaitable[int]], monotonic: Callable[[], float] = time.monotonic):
        self.run, self._monotonic = run, monotonic
        self.failures, self._resume_at = 0, 0.0

    async def __call__(self, context: object = None) -> None:
        if self._monotonic() < self._resume_at:
            return
        try:
            await self.run()
        except Exception as exc:  # a locked database must not end the job's quiet retries in silence
            self.failures += 1
            rest = backoff(self.failures, cap=300.0, first=2.0)
            self._resume_at = self._monotonic() + rest
            log.error(
                "reconcile failed",
                extra={"reason": describe_failure(exc), "failures": self.failures, "rest_seconds": rest},
            )
        else:
            self.failures = 0
