"""Voice notes people send: a Voice object whose file getFile finds and the download route serves."""

from __future__ import annotations

import hashlib

from .files import FileStore

VOICE_MIME_TYPE = "audio/ogg"
_FAKE_OGG_BYTES = 3 * 1024  # a few seconds of Opus would be more; a few KB is enough to check a download


def fake_ogg(file_id: str) -> bytes:
    """Returns a file's deterministic stand-in recording: "OggS" and then a hash stream of its id."""
    blocks, seed = [], file_id.encode()
    while sum(map(len, blocks)) < _FAKE_OGG_BYTES:
        seed = hashlib.sha256(seed).digest()
        blocks.append(seed)
    return b"OggS" + b"".join(blocks)[: _FAKE_OGG_BYTES - 4]


def voice_content(files: FileStore, duration: int) -> dict:
    """Stores a new recording and returns the Message fields of a voice note of `duration` seconds."""
    stored = files.add(fake_ogg, folder="voice", extension=".oga", mime_type=VOICE_MIME_TYPE)
    return {
        "voice": {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": VOICE_MIME_TYPE,
            "file_size": len(stored.data),
        }
    }


def voice_file_id(content: dict) -> str | None:
    """Returns the file id of a message's voice note, or None when it is not one."""
    voice = content.get("voice")
    return voice.get("file_id") if isinstance(voice, dict) else None
