"""`carework voice-notes` refuses clearly before fetching anything (the downloads: tests/e2e/test_voice.py)."""

from __future__ import annotations

from carework_core.bootstrap import Services
from carework_core.voice import VoiceNote
from tests.bot.test_cli import carework
from tests.conftest import MINI, join

TOKEN = "123456:TEST-token-not-real"


def settings(tmp_path, **more: str) -> dict:
    return {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI), **more}


def test_an_unknown_round_is_named_in_one_line_and_no_folder_is_made(tmp_path):
    assert carework("init", env=settings(tmp_path)).returncode == 0
    folder = tmp_path / "voices"
    result = carework("voice-notes", "r9", str(folder), env=settings(tmp_path, CAREWORK_TELEGRAM_TOKEN=TOKEN))
    assert result.returncode == 1 and result.stderr.strip().splitlines() == [
        "error: there is no round called 'r9'; rounds are r1, r2"
    ]
    assert not folder.exists()


def test_without_a_bot_token_it_says_which_setting_is_missing(tmp_path):
    assert carework("init", env=settings(tmp_path)).returncode == 0
    result = carework("voice-notes", "r1", str(tmp_path / "voices"), env=settings(tmp_path))
    assert result.returncode == 1 and "CAREWORK_TELEGRAM_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_a_round_without_voice_notes_downloads_nothing(tmp_path):
    assert carework("init", env=settings(tmp_path)).returncode == 0
    folder = tmp_path / "voices"
    # No voice notes: no request is made, so an unreachable Bot API is never noticed.
    env = settings(tmp_path, CAREWORK_TELEGRAM_TOKEN=TOKEN, CAREWORK_TELEGRAM_API_URL="http://127.0.0.1:9")
    result = carework("voice-notes", "r1", str(folder), env=env)
    assert result.returncode == 0, result.stderr
    assert "round r1: downloaded 0, skipped 0 (already there), failed 0" in result.stdout


async def test_an_unreachable_bot_api_is_one_line_and_nothing_is_saved(tmp_path, clock):
    services = await Services.open(tmp_path / "c.db", MINI, clock)
    try:
        await join(services, 1)
        await services.rounds.open_round("r1", actor="test")
        await services.answering.begin(1, "r1")
        await services.answering.receive_text(1, "", "m1", VoiceNote("file-1", "unique-1", 12))
    finally:
        await services.close()
    folder = tmp_path / "voices"
    env = settings(tmp_path, CAREWORK_TELEGRAM_TOKEN=TOKEN, CAREWORK_TELEGRAM_API_URL="http://127.0.0.1:9")
    result = carework("voice-notes", "r1", str(folder), env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        result.stderr.strip()
        .splitlines()[0]
        .startswith("error: cannot reach the Telegram Bot API at http://127.0.0.1:9")
    )
    assert list(folder.iterdir()) == []
