"""What the bot's log line carries when a handler fails: where it failed, never what was typed."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from datetime import datetime, timedelta

from bot.logs import JsonFormatter, KeyValueFormatter, without_tokens


def record_of(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except type(error):
        return logging.makeLogRecord(
            {
                "msg": "handler failed",
                "name": "bot.app",
                "levelname": "ERROR",
                "exc_info": sys.exc_info(),
                "update_id": 7,
            }
        )


def test_a_failure_is_logged_with_its_frames_and_kind_but_not_its_message():
    line = KeyValueFormatter("%(levelname)s %(message)s").format(record_of(ValueError("invalid literal: '²' from Ann")))
    assert line.startswith("ERROR handler failed\nTraceback (most recent call last):\n")
    assert "test_logs.py" in line and line.endswith("\nValueError update_id=7")
    assert "²" not in line and "Ann" not in line


def test_sqlites_own_words_are_kept():
    line = KeyValueFormatter().format(record_of(sqlite3.OperationalError("database is locked")))
    assert line.endswith("\nOperationalError: database is locked update_id=7")


def test_json_lines_carry_time_level_logger_message_and_the_events_fields_but_not_what_was_typed():
    entry = json.loads(JsonFormatter().format(record_of(ValueError("invalid literal: '²' from Ann"))))
    assert {k: entry[k] for k in ("level", "logger", "message", "update_id", "error")} == {
        "level": "ERROR",
        "logger": "bot.app",
        "message": "handler failed",
        "update_id": 7,
        "error": "ValueError",
    }
    assert datetime.fromisoformat(entry["time"]).utcoffset() == timedelta(0)
    assert "test_logs.py" in entry["traceback"] and "²" not in json.dumps(entry) and "Ann" not in json.dumps(entry)


def test_anything_shaped_like_a_bot_token_is_blanked_in_either_format():
    token = "123456:TEST-token-for-the-local-emulator-only"
    record = logging.makeLogRecord(
        {"msg": "request to %s failed", "args": (f"https://api.telegram.org/bot{token}/getMe",), "levelname": "WARNING"}
    )
    record.url = f"/bot{token}/sendMessage"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "request to https://api.telegram.org/bot[token]/getMe failed"
    assert entry["url"] == "/bot[token]/sendMessage"
    line = KeyValueFormatter("%(message)s").format(record)
    assert token not in line and line.endswith("url=/bot[token]/sendMessage")
    assert without_tokens("round r1 closes 2026-01-20T10:00:00, coordinator:12") == (
        "round r1 closes 2026-01-20T10:00:00, coordinator:12"
    )
