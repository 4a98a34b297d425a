"""`carework voice-notes ROUND DIR`: a round's voice notes, downloaded for transcription.

Each recording is fetched as the bot would (getFile, then the file URL, through the same HTTP
client stack) and saved as <participant code>_<question id>_<n>.ogg, the name the workbook's
voice_file column gives, so a transcriber can match a file to its row. The folder is private to
its owner (0700, files 0600): these are people's voices. A rerun removes the recordings of people
who withdrew since (any file named as this command names recordings whose voice note the database
no longer holds, in any round). Nothing printed names a Telegram id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import typer
from telegram import Bot
from telegram.error import TelegramError

from bot.cli.app import _run, _with_services, app, err, out
from bot.settings import Settings, load_settings
from bot.transport.http import AiohttpRequest
from carework_core.answering.voice import VoiceFile, VoiceNotes, unheld_recordings
from carework_core.bootstrap import Services
from carework_core.errors import CareworkError


@dataclass
class Fetched:
    """What one run did: files downloaded, files already there, files removed, and what could not be done."""

    downloaded: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    removed: int = 0


@app.command("voice-notes")
def voice_notes(
    round_id: str = typer.Argument(..., metavar="ROUND", help="Round id, as in the definition."),
    folder: Path = typer.Argument(..., metavar="DIR", help="Folder to save the recordings in (made if missing)."),
) -> None:
    """Downloads a round's voice notes as DIR/<participant code>_<question id>_<n>.ogg; removes those of people who withdrew."""
    settings = _run(lambda: load_settings(Settings))

    async def fetch(services: Services) -> Fetched:
        notes = services.voice_notes
        wanted = await notes.of_round(round_id)
        _private_folder(folder)
        removed, failed = _tidy(folder, await notes.held_file_names())
        if all((folder / v.file_name).exists() for v in wanted):
            done = await fetch_all(None, notes, wanted, folder)  # nothing to fetch: no need to reach Telegram
        else:
            bot = await _started_bot(settings)
            try:
                done = await fetch_all(bot, notes, wanted, folder)
            finally:
                await bot.shutdown()
        done.removed, done.failed = removed, failed + done.failed
        counts = {"downloaded": done.downloaded, "skipped": done.skipped, "failed": len(done.failed)}
        await notes.exported(round_id, folder, counts | {"removed": done.removed})
        return done

    done = _run(_with_services(fetch))
    for line in done.failed:
        err.print(line, highlight=False)
    removed = f", removed {_recordings(done.removed)} of someone who withdrew" if done.removed else ""
    out.print(
        f"round {round_id}: downloaded {done.downloaded}, skipped {done.skipped} (already there), "
        f"failed {len(done.failed)}{removed}; in {folder}",
        highlight=False,
    )
    raise typer.Exit(1 if done.failed else 0)


async def fetch_all(bot: Bot | None, notes: VoiceNotes, wanted: list[VoiceFile], folder: Path) -> Fetched:
    """Saves each voice note not yet in the folder; a note that cannot be fetched is named and passed over."""
    done = Fetched()
    for voice in wanted:
        target = folder / voice.file_name
        if target.exists() or bot is None:
            done.skipped += 1
        else:
            try:
                data = await (await bot.get_file(voice.note.file_id)).download_as_bytearray()
                _write_private(target, bytes(data))
            except TelegramError as exc:
                done.failed.append(f"failed: {_whose(voice)}: {exc.message}")
                continue
            except OSError as exc:
                done.failed.append(f"failed: {_whose(voice)}: cannot write it ({exc.strerror})")
                continue
            done.downloaded += 1
        if voice.note.saved_file != voice.file_name:
            await notes.saved(voice)
    return done


def _tidy(folder: Path, held: set[str]) -> tuple[int, list[str]]:
    """Removes the recordings whose voice note is no longer held (the person withdrew) and makes the rest
    owner-only; files not named as this command names recordings are left alone."""
    removed, failed = 0, []
    for name in unheld_recordings(sorted(p.name for p in folder.iterdir()), held):
        try:
            (folder / name).unlink()
        except OSError as exc:
            failed.append(
                f"failed: cannot remove {folder / name}, a recording of someone who withdrew ({exc.strerror})"
            )
            continue
        removed += 1
    for name in held:
        if (folder / name).is_file():
            (folder / name).chmod(0o600)
    return removed, failed


def _recordings(count: int) -> str:
    return f"{count} recording{'' if count == 1 else 's'}"


def _whose(voice: VoiceFile) -> str:
    n = voice.note
    return f"{n.code}'s voice note to question {n.question_id} of round {n.round_id} ({voice.file_name})"


async def _started_bot(settings: Settings) -> Bot:
    """Returns a Bot on the same API and HTTP client as the running bot, once it has answered getMe."""
    api = settings.telegram_api_url
    request = AiohttpRequest() if settings.http_client == "aiohttp" else None
    token = settings.telegram_token.get_secret_value()
    bot = Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot", request=request)
    try:
        await bot.initialize()
    except TelegramError as exc:
        await bot.request.shutdown()  # the library's shutdown skips a bot that never started
        raise CareworkError(
            f"cannot reach the Telegram Bot API at {api} ({type(exc).__name__}); "
            "check CAREWORK_TELEGRAM_TOKEN and CAREWORK_TELEGRAM_API_URL"
        ) from None
    return bot


def _private_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise CareworkError(f"{folder} is a file; give a folder for the voice notes")
    if not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            raise CareworkError(f"cannot make the folder {folder}: {exc.strerror}") from None
    try:
        folder.chmod(0o700)  # mkdir's mode is cut by the umask, and a folder made by hand may be open to all
    except OSError as exc:
        raise CareworkError(f"cannot make the folder {folder} private: {exc.strerror}") from None


def _write_private(target: Path, data: bytes) -> None:
    """Writes a file readable by its owner only, whole or not at all."""
    partial = target.with_name(f".{target.name}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    partial.replace(target)
