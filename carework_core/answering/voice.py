"""Voice notes: spoken answers and reasons, and the files a transcriber works from.

A voice note is stored like typed text (its text a short marker such as "[voice note, 12 s]"), so
answering, /mydata, summaries and exports need nothing new to count or show it; its Telegram file
is kept beside it in voice_notes, and `carework voice-notes` fetches the recordings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from carework_core.env import Env, audit
from carework_core.rounds.service import round_named
from carework_core.storage import voice as stored
from carework_core.storage.db import Tx
from carework_core.storage.voice import StoredVoice

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
# A name file_name() gives (codes are P-NNNN), or the partial file of one being written: only such
# files are ever removed from a transcriber's folder.
_RECORDING = re.compile(r"\.?(P-[0-9]+_[A-Za-z0-9_-]+_[0-9]+\.ogg)(\.part)?")


@dataclass(frozen=True)
class VoiceNote:
    """A voice note as Telegram delivered it."""

    file_id: str
    file_unique_id: str
    duration: int  # seconds

    @property
    def marker(self) -> str:
        """Returns the text stored in place of the words: "[voice note, 12 s]"."""
        return f"[voice note, {self.duration} s]"


@dataclass(frozen=True)
class VoiceFile:
    """A stored voice note and the file name a transcriber gets it under."""

    note: StoredVoice
    file_name: str


def file_name(code: str, question_id: str, number: int, field: str = "") -> str:
    """Returns the recording's file name: <participant code>_<question id>[-<follow-up>]_<n>.ogg."""
    said = f"{question_id}-{field}" if field else question_id
    return f"{_UNSAFE.sub('-', code)}_{_UNSAFE.sub('-', said)}_{number}.ogg"


async def keep_voice(tx: Tx, participant_id: int, source: str, voice: VoiceNote) -> None:
    """Keeps the file of a voice note whose marker the message `source` just stored as an answer or reason."""
    await stored.keep(tx, participant_id, source, voice.file_id, voice.file_unique_id, voice.duration)


async def voice_files(tx: Tx, round_id: str | None = None) -> list[VoiceFile]:
    """Returns the voice notes of a round (or all rounds) with their file names, oldest first."""
    return [
        VoiceFile(v, file_name(v.code, v.question_id, v.number, v.field))
        for v in await stored.voice_notes(tx, round_id)
    ]


async def voice_cells(tx: Tx, round_id: str | None = None) -> dict[object, tuple[int, str]]:
    """Returns each voice note's (seconds, file name): an answer's by answer id, a follow-up's or Other's words'
    by (answer id, field), a changed answer's by ("earlier", its history id), a reason's by the answer it explains."""
    cells: dict[object, tuple[int, str]] = {}
    for v in await voice_files(tx, round_id):
        n = v.note
        if n.earlier:
            cells[("earlier", n.history_id)] = (n.duration, v.file_name)
            continue
        if n.field:
            cells[(n.answer_id, n.field)] = (n.duration, v.file_name)
            continue
        explained = (n.code, n.round_id, n.question_id, n.item_id, n.criterion_id)
        cells[n.answer_id if n.answer_id is not None else explained] = (n.duration, v.file_name)
    return cells


def unheld_recordings(names: list[str], held: set[str]) -> list[str]:
    """Returns the names of recordings (as file_name gives them) whose voice note is no longer held."""
    return [n for n in names if (m := _RECORDING.fullmatch(n)) and m.group(1) not in held]


class VoiceNotes:
    """The recordings of a round, for `carework voice-notes`."""

    def __init__(self, env: Env):
        self.env = env

    async def of_round(self, round_id: str) -> list[VoiceFile]:
        """Returns a round's voice notes and their file names; an unknown round is refused by name."""
        round_named(self.env.consultation, round_id)
        async with self.env.db.reading() as tx:
            return await voice_files(tx, round_id)

    async def exported(self, round_id: str, folder: Path, done: dict[str, int], actor: str = "cli") -> None:
        """Notes in the audit log that a round's voice notes were saved to a folder, and how many."""
        detail = json.dumps({"format": "ogg", "folder": folder.name} | done)
        async with self.env.db.transaction() as tx:
            await audit(tx, self.env, actor, "export_voice_notes", round_id, detail)

    async def held_file_names(self) -> set[str]:
        """Returns the file names of every voice note still held, in any round; a withdrawn person's are gone."""
        async with self.env.db.reading() as tx:
            return {v.file_name for v in await voice_files(tx)}

    async def saved(self, voice: VoiceFile) -> None:
        """Records that a voice note's recording was saved under its file name."""
        async with self.env.db.transaction() as tx:
            await stored.mark_saved(tx, voice.note.id, voice.file_name)
