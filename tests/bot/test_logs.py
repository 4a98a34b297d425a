"""What the bot's log line carries when a handler fails: where it failed, never what was typed."""

from __future__ import annotations

import logging
import sqlite3
import sys

from bot.logs import KeyValueFormatter


def record_of(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except type(error):
        return logging.makeLogRecord(
            {"msg": "handler failed", "levelname": "ERROR", "exc_info": sys.exc_info(), "update_id": 7}
        )


def test_a_failure_is_logged_with_its_frames_and_kind_but_not_its_message():
    line = KeyValueFormatter("%(levelname)s %(message)s").format(record_of(ValueError("invalid literal: '²' from Ann")))
    assert line.startswith("ERROR handler failed\nTraceback (most recent call last):\n")
    assert "test_logs.py" in line and line.endswith("\nValueError update_id=7")
    assert "²" not in line and "Ann" not in line


def test_sqlites_own_words_are_kept():
    line = KeyValueFormatter().format(record_of(sqlite3.OperationalError("database is locked")))
    assert line.endswith("\nOperationalError: database is locked update_id=7")
