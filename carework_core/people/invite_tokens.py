"""Invite tokens kept only as a keyed hash, so the database alone never reveals a working link."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from carework_core.errors import InviteError, SettingsError
from carework_core.storage import invite_tokens as stored
from carework_core.storage.db import Database

KEY_BYTES = 32
MAX_USES = 10_000  # people who may join through one link: a whole consultation's worth, and a number SQLite holds


def check_uses(uses: int) -> None:
    """Refuses a number of uses outside 1..MAX_USES, before anything is written."""
    if not 1 <= uses <= MAX_USES:
        raise InviteError(f"uses must be a whole number from 1 to {MAX_USES}")


def token_hash(key: bytes, token: str) -> str:
    """Returns the keyed hash (HMAC-SHA256, hex) stored in place of an invite token."""
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def key_path(database: str | Path) -> Path:
    """Returns where the generated invite key lives: beside the database, as <database>.key."""
    return Path(f"{database}.key")


def invite_key(database: str | Path, given: str | None = None) -> bytes:
    """Returns the invite key: the one given (CAREWORK_INVITE_KEY), else the key file, made once if missing."""
    if given:
        return given.encode()
    if str(database) == ":memory:" or str(database).startswith("file:"):
        return secrets.token_bytes(KEY_BYTES)  # a database that lives only in this process: its key too
    path = key_path(database)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(fd, "w") as file:
        key = secrets.token_bytes(KEY_BYTES)
        file.write(key.hex() + "\n")
    return key


def _read_key(path: Path) -> bytes:
    """Reads the key file; one that is unreadable or not a key is named, its content never shown."""
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except OSError as exc:
        raise SettingsError(f"cannot read the invite key {path}: {exc.strerror}") from None
    except ValueError:  # also UnicodeDecodeError
        key = b""
    if not key:
        raise SettingsError(
            f"{path} is not an invite key (hex digits on one line); restore it from where you keep it safe, "
            "or set CAREWORK_INVITE_KEY"
        )
    return key


async def seal_invites(db: Database, key: bytes) -> int:
    """Replaces any invite token still stored in clear (from before hashing) by its hash; returns how many."""
    async with db.transaction() as tx:
        clear = await stored.clear_tokens(tx)
        for table, row_id, token in clear:
            await stored.seal(tx, table, row_id, token_hash(key, token))
    return len(clear)
