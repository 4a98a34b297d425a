"""Round lifecycle as one transition table; an illegal event raises and changes nothing."""

from __future__ import annotations

from enum import StrEnum

from carework_core.errors import IllegalTransition


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class RoundEvent(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    REOPEN = "reopen"


TRANSITIONS: dict[tuple[RoundStatus, RoundEvent], RoundStatus] = {
    (RoundStatus.DRAFT, RoundEvent.OPEN): RoundStatus.OPEN,
    (RoundStatus.OPEN, RoundEvent.CLOSE): RoundStatus.CLOSED,
    (RoundStatus.CLOSED, RoundEvent.REOPEN): RoundStatus.OPEN,
}


def next_status(round_id: str, status: RoundStatus, event: RoundEvent) -> RoundStatus:
    """Returns the status after event, or raises IllegalTransition naming the round."""
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        allowed = sorted(e.value for (s, e) in TRANSITIONS if s == status)
        hint = f"; from {status.value} you can {' or '.join(allowed)} it" if allowed else ""
        raise IllegalTransition(f"round {round_id} is {status.value}, so it cannot {event.value}{hint}") from None
