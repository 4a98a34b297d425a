"""`carework voice-notes` refuses clearly before fetching anything (the downloads: tests/e2e/test_voice.py)."""

from __future__ import annotations

import stat

from carework_core.answering.voice import VoiceNote
from carework_core.bootstrap import Services
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


async def two_spoke_in_round_1(tmp_path, clock) -> None:
    """Ann (P-0001) and Bea (P-0002) each answer r1's first question with a voice note."""
    services = await Services.open(tmp_path / "c.db", MINI, clock)
    try:
        await services.rounds.open_round("r1", actor="test")
        for person in (1, 2):
            await join(services, person)
            await services.answering.begin(person, "r1")
            await services.answering.receive_text(person, "", f"m{person}", VoiceNote(f"f{person}", f"u{person}", 9))
    finally:
        await services.close()


async def withdraw(tmp_path, clock, telegram_user_id: int) -> None:
    services = await Services.open(tmp_path / "c.db", MINI, clock)
    try:
        assert await services.their_data.withdraw(telegram_user_id) is not None
    finally:
        await services.close()


async def test_a_rerun_removes_the_recording_of_someone_who_withdrew_and_makes_the_folder_private(tmp_path, clock):
    await two_spoke_in_round_1(tmp_path, clock)
    folder = tmp_path / "voices"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    for name in ("P-0001_examples_1.ogg", "P-0002_examples_1.ogg", "transcripts.txt", "P-0002_notes.ogg"):
        (folder / name).write_bytes(b"OggS")  # as an earlier run saved them, beside the transcriber's own files
        (folder / name).chmod(0o644)
    # Every recording is already there: no request is made, so an unreachable Bot API is never noticed.
    env = settings(tmp_path, CAREWORK_TELEGRAM_TOKEN=TOKEN, CAREWORK_TELEGRAM_API_URL="http://127.0.0.1:9")
    first = carework("voice-notes", "r1", str(folder), env=env)
    assert first.returncode == 0 and "downloaded 0, skipped 2 (already there), failed 0" in first.stdout
    await withdraw(tmp_path, clock, 2)
    rerun = carework("voice-notes", "r1", str(folder), env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert "skipped 1 (already there), failed 0, removed 1 recording of someone who withdrew" in rerun.stdout
    # Only files named as this tool names recordings are touched; the rest are the transcriber's.
    assert sorted(p.name for p in folder.iterdir()) == ["P-0001_examples_1.ogg", "P-0002_notes.ogg", "transcripts.txt"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "P-0001_examples_1.ogg").stat().st_mode) == 0o600
