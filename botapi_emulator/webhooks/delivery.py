"""Delivery of queued updates to the webhook by POST, one update a request, as Telegram does.

Telegram sends each update until the webhook answers 2xx, up to max_connections at once, and keeps
one chat's updates in order: a chat's next update waits while its earlier one is in flight or
waiting to be sent again. Telegram waits longer between attempts; the emulator's backoff is short
so that tests of a bot coming back do not wait for minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import aiohttp

from ..updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_CONNECTIONS = 40
RETRY_FIRST_SECONDS = 0.05
RETRY_CAP_SECONDS = 2.0
ANSWER_TIMEOUT_SECONDS = 30.0


def chat_key(update: dict) -> object:
    """Returns what orders an update: its chat (else its sender), or the update itself for neither."""
    for value in update.values():
        if not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", chat["id"])
        sender = value.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return ("chat", sender["id"])
    return ("update", update.get("update_id"))


class Webhook:
    """The webhook's settings and the task that delivers the queue to it while it is set."""

    def __init__(self, updates: UpdateQueue) -> None:
        self.updates = updates
        self.url = ""
        self.secret: str | None = None
        self.max_connections = DEFAULT_MAX_CONNECTIONS
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.delivered = 0
        self.failed = 0
        self.ack_ms: list[float] = []  # from each POST's start to its 2xx answer
        self._changed = asyncio.Event()
        self._busy: set[object] = set()  # chats with an update in flight or waiting to be sent again
        self._failures: dict[object, int] = {}
        self._sending: set[asyncio.Task] = set()
        self._task: asyncio.Task | None = None
        self._session: aiohttp.ClientSession | None = None
        updates.on_arrival = self._changed.set

    async def set(self, url: str, secret: str | None, max_connections: int) -> None:
        """Points delivery at url from now on; updates in flight to an earlier url are sent again."""
        await self.stop()
        self.url, self.secret, self.max_connections = url, secret, max_connections
        self.last_error_date = self.last_error_message = None
        self.start()

    async def delete(self) -> None:
        """Stops delivery; what was not answered with 2xx stays queued, for getUpdates."""
        await self.stop()
        self.url, self.secret = "", None
        self.last_error_date = self.last_error_message = None

    def start(self) -> None:
        """Starts delivering, if a webhook is set (setWebhook, or the emulator starting again)."""
        if self.url and self._task is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_connections),
                timeout=aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_SECONDS),
            )
            self._task = asyncio.create_task(self._deliver(), name="webhook delivery")

    async def stop(self) -> None:
        """Stops delivering; updates in flight stay queued and are sent again later."""
        tasks = [t for t in (self._task, *self._sending) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task, self._sending, self._busy, self._failures = None, set(), set(), {}
        if self._session is not None:
            await self._session.close()
            self._session = None

    def figures(self) -> dict:
        """Returns what was delivered, what failed, and each delivery's time to its 2xx answer."""
        return {
            "url": self.url,
            "delivered": self.delivered,
            "failed": self.failed,
            "pending": len(self.updates.pending),
            "ack_ms": self.ack_ms,
        }

    async def _deliver(self) -> None:
        while True:
            self._changed.clear()
            for update in list(self.updates.pending):
                if len(self._sending) >= self.max_connections:
                    break
                key = chat_key(update)
                if key in self._busy:
                    continue  # the chat's earlier update goes first
                self._busy.add(key)
                task = asyncio.create_task(self._send(update, key))
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)
            await self._changed.wait()

    async def _send(self, update: dict, key: object) -> None:
        try:
            error = await self._post(update)
            if error is None:
                self.updates.remove(update["update_id"])
                self._failures.pop(key, None)
                return
            self.failed += 1
            self.last_error_date, self.last_error_message = int(time.time()), error
            failures = self._failures[key] = self._failures.get(key, 0) + 1
            await asyncio.sleep(min(RETRY_CAP_SECONDS, RETRY_FIRST_SECONDS * 2 ** (failures - 1)))
        finally:
            self._busy.discard(key)
            self._changed.set()

    async def _post(self, update: dict) -> str | None:
        """Sends one update; returns None on a 2xx answer, else the error as getWebhookInfo words it."""
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if self.secret:
            headers[SECRET_HEADER] = self.secret
        started = time.perf_counter()
        try:
            async with self._session.post(self.url, data=json.dumps(update), headers=headers) as response:
                with contextlib.suppress(aiohttp.ClientError):
                    await response.read()
                if 200 <= response.status < 300:
                    self.delivered += 1
                    self.ack_ms.append((time.perf_counter() - started) * 1000)
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except aiohttp.ClientError as exc:
            return f"Connection failed: {type(exc).__name__}"
