"""CAREWORK_LOG_FORMAT=json: a real `carework run` writes one JSON object a line, with the event's own fields,
and still no message text or token."""

from __future__ import annotations

import json
import signal

import pytest

from botapi_emulator import Emulator, EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from tests.e2e.conftest import TOKEN
from tests.e2e.test_crash import BURST, join, start_bot

pytestmark = pytest.mark.slow
WORDS = "Zanzibar night shift handover notes"


async def test_json_logs_are_one_object_a_line_with_the_events_fields_and_no_message_text(tmp_path, monkeypatch):
    db, log = tmp_path / "carework.db", tmp_path / "bot.log"
    monkeypatch.setenv("CAREWORK_LOG_FORMAT", "json")  # start_bot passes this process's environment on
    services = await Services.open(db, BURST, SystemClock())
    async with Emulator().running() as emulator, EmulatorClient(emulator.url) as client:
        bot = start_bot(emulator.url, db, log)
        try:
            ann = await join(client, services, 1)
            await services.rounds.open_round("r1", actor="test")
            await ann.wait_for(lambda chat: any(m.text.startswith("Round 1") for m in chat), timeout=20)
            await ann.tap("Start")
            await ann.wait_for(lambda chat: chat[-1].text.startswith("Question 1 of 1"), timeout=20)
            await ann.send(WORDS)
            await ann.wait_for(lambda chat: not chat[-1].text.startswith("Question 1 of 1"), timeout=20)
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=20) == 0
            await services.close()
    lines = log.read_text().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    started = [e for e in entries if e["message"] == "bot started"]
    assert len(started) == 1 and started[0]["logger"] == "bot.runner" and started[0]["username"]
    assert {"message": "participant registered", "participant": "P-0001"}.items() <= next(
        e for e in entries if e["message"] == "participant registered"
    ).items()  # the event's own fields, as fields
    assert [e["message"] for e in entries][-1] == "bot stopped"
    text = "\n".join(lines)
    assert "Zanzibar" not in text and TOKEN.split(":")[1] not in text
