"""What went, recorded in the outbox: the sends that end together are written together (a group commit)."""

from __future__ import annotations

import asyncio

from carework_core.messaging.outbox import Outbox


class Deliveries:
    """Records deliveries (outbox id, Telegram's message id) together with those that end while the
    previous write is under way.

    At hundreds of messages a second, one transaction per delivery was most of the sender's
    database work; this group commit costs no wait when sends are few (one write, at once).
    """

    def __init__(self, outbox: Outbox):
        self.outbox = outbox
        self._delivered: tuple[list[tuple[int, int | None]], asyncio.Future] | None = None  # the next write's
        self._recorder: asyncio.Task | None = None

    async def record(self, sent: list[tuple[int, int | None]]) -> None:
        """Returns once these deliveries are written, raising the write's failure if it failed."""
        if not sent:
            return
        if self._delivered is None:
            self._delivered = ([], asyncio.get_running_loop().create_future())
        deliveries, written = self._delivered
        deliveries.extend(sent)
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._write())
        await written

    async def _write(self) -> None:
        while self._delivered is not None:
            (deliveries, written), self._delivered = self._delivered, None
            try:
                await self.outbox.mark_all_sent(deliveries)
            except Exception as exc:  # each send waiting on this write takes the failure as its own
                written.set_exception(exc)
            else:
                written.set_result(None)
