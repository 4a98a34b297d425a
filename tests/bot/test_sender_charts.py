"""A round's chart goes to many people with one upload: the rest reuse Telegram's file_id."""

from __future__ import annotations

import base64

from bot.transport.sender import Sender
from carework_core.messaging.outbox import Lane, MessageKind, OutgoingMessage
from tests.bot.test_sender import drain, setup, teardown

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class StoredCharts:
    """The charts table, in memory: what the sender reads and what it keeps."""

    def __init__(self, charts: dict[str, bytes]):
        self.charts = {r: (png, None) for r, png in charts.items()}
        self.kept: list[str] = []

    async def chart(self, round_id: str):
        return self.charts.get(round_id)

    async def keep_file_id(self, round_id: str, file_id: str) -> None:
        self.kept.append(file_id)
        self.charts[round_id] = (self.charts[round_id][0], file_id)


def charts_for(users, round_id: str) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(
            u.user_id,
            {"chat_id": u.user_id, "chart": round_id, "caption": "Items by agreement"},
            f"summary:{round_id}:{u.user_id}:chart",
            kind=MessageKind.CHART,
            lane=Lane.BROADCAST,
        )
        for u in users
    ]


async def test_thirty_people_get_the_chart_from_one_upload_and_a_new_sender_uploads_none(tmp_path):
    emulator, services, client, users, bot = await setup(tmp_path, 30)
    charts = StoredCharts({"r2": PNG})
    try:
        await services.outbox.enqueue(charts_for(users[:20], "r2"))
        await drain(Sender(bot, services.outbox, services.env.clock, per_second=1000, charts=charts), services)
        assert len(charts.kept) == 1  # one upload
        await services.outbox.enqueue(charts_for(users[20:], "r2"))  # after a restart: the file_id is stored
        await drain(Sender(bot, services.outbox, services.env.clock, per_second=1000, charts=charts), services)
        assert len(charts.kept) == 1 and await services.outbox.counts() == {"sent": 30}
        for user in users:
            chat = await user.chat()
            assert chat[-1].photo and chat[-1].text == "Items by agreement"
    finally:
        await teardown(emulator, services, client, bot)


async def test_a_chart_that_is_not_stored_fails_rather_than_waiting_forever(tmp_path):
    emulator, services, client, users, bot = await setup(tmp_path, 1)
    try:
        await services.outbox.enqueue(charts_for(users, "r9"))
        await drain(Sender(bot, services.outbox, services.env.clock, charts=StoredCharts({})), services)
        assert await services.outbox.counts() == {"failed": 1}
    finally:
        await teardown(emulator, services, client, bot)
