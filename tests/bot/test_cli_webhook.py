"""Webhook and listener settings refused in one line by `carework run`, before anything starts."""

from __future__ import annotations

import socket

import pytest

from bot.transport.listener import Listener
from carework_core.errors import SettingsError
from tests.bot.test_cli import carework
from tests.conftest import MINI


def run(tmp_path, **settings: str):
    env = {"CAREWORK_TELEGRAM_TOKEN": "1:x", "CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    return carework("run", env=env | settings)


def test_a_webhook_url_without_its_secret_is_one_clear_line(tmp_path):
    result = run(tmp_path, CAREWORK_WEBHOOK_URL="https://bot.example.org/telegram/updates")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "error: CAREWORK_WEBHOOK_SECRET is not set; CAREWORK_WEBHOOK_URL needs it (Telegram sends it with every update)"
    )


def test_a_bad_secret_or_listen_address_is_named_without_the_secret(tmp_path):
    secret = run(tmp_path, CAREWORK_WEBHOOK_URL="https://bot.example.org/hook", CAREWORK_WEBHOOK_SECRET="not allowed!")
    assert secret.returncode == 1 and "not allowed!" not in secret.stderr
    assert "CAREWORK_WEBHOOK_SECRET must be 1 to 256 letters, digits, _ or -" in secret.stderr
    listen = run(tmp_path, CAREWORK_LISTEN="8080")
    assert listen.stderr.strip() == "error: CAREWORK_LISTEN must be HOST:PORT, such as 127.0.0.1:8080"
    no_path = run(tmp_path, CAREWORK_WEBHOOK_URL="https://bot.example.org", CAREWORK_WEBHOOK_SECRET="s")
    assert "CAREWORK_WEBHOOK_URL must be a full URL with a path" in no_path.stderr


async def test_an_address_in_use_is_a_settings_error_naming_it():
    async def healthy() -> list[str]:
        return []

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        with pytest.raises(SettingsError) as refused:
            await Listener(address, healthy).start()
    assert str(refused.value).startswith(f"cannot listen on {address} (")
    assert str(refused.value).endswith("set CAREWORK_LISTEN to a free HOST:PORT")
