"""What a queued message becomes at the Bot API: one method per kind, and files uploaded only once.

A round's chart goes to many people: its first send uploads it and the rest reuse Telegram's file_id, which
is kept with the chart so that a restart uploads nothing again. A document is uploaded once per version.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Protocol

from telegram import Bot
from telegram.error import BadRequest

from carework_core.messaging.outbox import MessageKind, QueuedMessage

# The Bot API call for each kind of message: the core says what it wants, only the bot knows Telegram.
METHODS = {
    MessageKind.SEND: "sendMessage",
    MessageKind.EDIT: "editMessageText",
    MessageKind.EDIT_BUTTONS: "editMessageReplyMarkup",
    MessageKind.CHART: "sendPhoto",
    MessageKind.DOCUMENT: "sendDocument",
}


class Charts(Protocol):
    """Where the sender finds a round's chart and keeps the file_id of its first upload."""

    async def chart(self, round_id: str) -> tuple[bytes, str | None] | None: ...

    async def keep_file_id(self, round_id: str, file_id: str) -> None: ...


class ApiCalls:
    """Makes the Bot API call a queued message stands for, uploading a chart or a document the first time only."""

    def __init__(self, bot: Bot, charts: Charts | None = None):
        self.bot, self.charts = bot, charts
        self._file_ids: dict[str, str] = {}  # a round's chart, or a document's version -> its file_id, once uploaded
        self._uploading = asyncio.Lock()  # the first send of a chart uploads it; the rest wait and reuse it

    async def call(self, m: QueuedMessage) -> Any:
        """Sends one queued message; returns the Bot API's answer (a dict with its message_id)."""
        if m.kind is MessageKind.DOCUMENT:
            return await self._document(dict(m.params))
        if m.kind is not MessageKind.CHART:
            return await self.bot.do_api_request(METHODS[m.kind], api_kwargs=m.params)
        params = dict(m.params)
        round_id = params.pop("chart")
        if round_id not in self._file_ids:
            async with self._uploading:
                if round_id not in self._file_ids:
                    return await self._upload(round_id, params)
        return await self.bot.do_api_request("sendPhoto", api_kwargs={**params, "photo": self._file_ids[round_id]})

    async def _document(self, params: dict[str, Any]) -> Any:
        """Sends a file from disk, uploading it once per version and reusing Telegram's file_id after."""
        path = Path(params.pop("document_path"))
        key = f"{path}#{params.pop('document_version', '')}"  # a path is never a round id: charts keep theirs
        if key in self._file_ids:
            return await self.bot.do_api_request("sendDocument", api_kwargs={**params, "document": self._file_ids[key]})
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:  # moved since validate: refused for good rather than retried forever
            raise BadRequest(f"cannot read the document {path.name}: {exc.strerror or exc}") from None
        sent = await self.bot.send_document(document=content, filename=path.name, **params)
        self._file_ids[key] = sent.document.file_id
        return {"message_id": sent.message_id}

    async def _upload(self, round_id: str, params: dict[str, Any]) -> Any:
        """Sends a chart by its stored file_id, or uploads it and keeps the file_id Telegram gives it."""
        stored = await self.charts.chart(round_id) if self.charts else None
        if stored is None:
            raise BadRequest(f"no chart is stored for round {round_id}")
        png, file_id = stored
        if file_id:
            self._file_ids[round_id] = file_id
            return await self.bot.do_api_request("sendPhoto", api_kwargs={**params, "photo": file_id})
        sent = await self.bot.send_photo(photo=png, filename=f"{round_id}.png", **params)
        self._file_ids[round_id] = sent.photo[-1].file_id
        await self.charts.keep_file_id(round_id, self._file_ids[round_id])
        return {"message_id": sent.message_id}
