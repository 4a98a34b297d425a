"""`carework voice-notes ROUND DIR`: a round's voice notes, downloaded for transcription.

Each recording is fetched as the bot would (getFile, then the file URL, through the same HTTP
client stack) and saved as <participant code>_<question id>_<n>.ogg, the name the workbook's
voice_file column gives, so a transcriber can match a file to its row. The folder is private to
its owner (0700, files 0600): these are people's voices. Nothing printed names a Telegram id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import typer
from telegram import Bot
from telegram.error import TelegramError

from bot.cli_app import _run, _with_services, app, err, out
from bot.http import AiohttpRequest
from bot.settings import Settings, load_settings
from carework_core.bootstrap import Services
from carework_core.errors import CareworkError
from carework_core.voice import VoiceFile, VoiceNotes


@dataclass
class Fetched:
    """What one run did: files downloaded, files already there, and the notes that could not be fetched."""

    downloaded: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)


@app.command("voice-notes")
def voice_notes(
    round_id: str = typer.Argument(..., metavar="ROUND", help="Round id, as in the definition."),
    folder: Path = typer.Argument(..., metavar="DIR", help="Folder to save the recordings in (made if missing)."),
) -> None:
    """Downloads a round's voice notes as DIR/<participant code>_<question id>_<n>.ogg, skipping files already there."""
    settings = _run(lambda: load_settings(Settings))

    async def fetch(services: Services) -> Fetched:
        notes = VoiceNotes(services.env)
        wanted = await notes.of_round(round_id)
        _private_folder(folder)
        if all((folder / v.file_name).exists() for v in wanted):
            done = await fetch_all(None, notes, wanted, folder)  # nothing to fetch: no need to reach Telegram
        else:
            bot = await _started_bot(settings)
            try:
                done = await fetch_all(bot, notes, wanted, folder)
            finally:
                await bot.shutdown()
        counts = {"downloaded": done.downloaded, "skipped": done.skipped, "failed": len(done.failed)}
        await notes.exported(round_id, folder, counts)
        return done

    done = _run(_with_services(fetch))
    for line in done.failed:
        err.print(line, highlight=False)
    out.print(
        f"round {round_id}: downloaded {done.downloaded}, skipped {done.skipped} (already there), "
        f"failed {len(done.failed)}; in {folder}",
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
        folder.chmod(0o700)  # mkdir's mode is cut by the umask


def _write_private(target: Path, data: bytes) -> None:
    """Writes a file readable by its owner only, whole or not at all."""
    partial = target.with_name(f".{target.name}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    partial.replace(target)
