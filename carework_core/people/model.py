"""Who takes part: a participant as the core sees them, and the statuses they move through."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ParticipantStatus(StrEnum):
    """Where a person stands with the consultation; stored as this text in participants.status."""

    CONSENTING = "consenting"
    CONSENTED = "consented"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Participant:
    id: int
    code: str | None
    group_id: str
    status: ParticipantStatus
    chat_id: int
    reachable: bool
    # The definition's language they read; from before that was kept, what Telegram reported at join.
    language: str | None = None
