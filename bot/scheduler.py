"""Wakes the core up on a timer. It holds no decisions: the core says who is owed what."""

from __future__ import annotations

import logging

from bot import render
from carework_core.outbox import OutgoingMessage
from carework_core.services import Services

log = logging.getLogger(__name__)


async def reconcile(services: Services) -> int:
    """Queues an invitation for everyone owed one by an open round (again, if one failed); returns how many."""
    invitations = await services.rounds.pending_invitations()
    if not invitations:
        return 0
    consultation = services.env.consultation
    async with services.env.db.transaction() as tx:
        for inv in invitations:
            reply = render.invitation(inv.round, inv.number, consultation.theme(inv.round.theme).name)
            chat = inv.participant.chat_id
            message = OutgoingMessage(
                chat, "sendMessage", {"chat_id": chat, **reply.params()},
                inv.dedupe_key, inv.participant.id, inv.round.id,
            )
            await services.outbox.enqueue_in(tx, [message])
            await services.rounds.mark_invited(tx, inv.participant.id, inv.round.id)
    log.info("invitations queued", extra={"count": len(invitations)})
    return len(invitations)
