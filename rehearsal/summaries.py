"""The between-round summaries of a rehearsal: the rehearsal plays the coordinator who approves them.

When a round has closed, the bot drafts its summary on its next reconcile. The rehearsal approves
it with Send now (the definition's summary times fall after the next round has opened, and the
rehearsal runs its rounds one after another), lets the bot send it, and has everyone of the
round's groups wait for it, so the transcripts show the summary and digest each person received.
The round's chart, when it has one, is written to the output folder.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from carework_core.definitions.model import Round
from rehearsal.participant import VirtualParticipant

ACTOR = "rehearsal"


async def deliver_summary(stage, rnd: Round, number: int, members: list[VirtualParticipant], out: Path | None) -> None:
    """Drafts, approves and sends a closed round's summary; everyone notes what they received."""
    services = stage.services
    await stage.bot.reconcile_now()  # drafts the summary of the round that has just closed
    await services.summaries.approve(rnd.id, ACTOR, now=True)
    await stage.bot.reconcile_now()
    await stage.each(members, lambda p: p.receive_summary(rnd.title), f"summary of round {number}")
    await drained(services)
    await stage.each(members, lambda p: p.note_chat(), f"summary of round {number}")
    stage.report.summaries += 1
    chart = await services.summaries.chart(rnd.id)
    if chart is not None and out is not None:
        folder = out / "charts"
        folder.mkdir(exist_ok=True)
        (folder / f"{rnd.id}.png").write_bytes(chart[0])
        stage.report.charts += 1


async def drained(services, timeout: float = 60) -> None:
    """Waits until the outbox has nothing left to send (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    while (await services.outbox.counts()).get("pending", 0) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
