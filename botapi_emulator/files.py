"""Files the bot uploaded or people sent, addressable by file_id and by download path."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    """One stored file."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    mime_type: str
    file_name: str | None = None

    def as_api(self) -> dict:
        """Returns the Telegram File object that getFile gives."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def as_document(self) -> dict:
        """Returns the Telegram Document object."""
        document = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }
        if self.file_name:
            document["file_name"] = self.file_name
        return document


class FileStore:
    """Keeps file bytes in memory for getFile and downloads."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._added = 0  # not len(_by_id): a forgotten file's number is never given out again

    def add(
        self,
        data: bytes | Callable[[str], bytes],
        *,
        folder: str,
        extension: str,
        mime_type: str,
        file_name: str | None = None,
    ) -> StoredFile:
        """Stores bytes (or the bytes made from the new file_id) and returns their identifiers."""
        self._added += 1
        number = self._added
        # Opaque-looking ids like Telegram's, so nothing comes to rely on their shape.
        file_id = "BQACAgIAAx" + base64.urlsafe_b64encode(f"carework:{folder}:{number:08d}".encode()).decode()
        file_id = file_id.rstrip("=")
        data = data(file_id) if callable(data) else data
        stored = StoredFile(
            file_id, f"AgAD{number:06x}", f"{folder}/file_{number}{extension}", data, mime_type, file_name
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def forget(self, file_id: str) -> bool:
        """Removes a file, as Telegram's servers may after a while; says whether there was one."""
        stored = self._by_id.pop(file_id, None)
        if stored is not None:
            self._by_path.pop(stored.file_path, None)
        return stored is not None

    def by_id(self, file_id: str | None) -> StoredFile | None:
        """Returns the file with this file_id."""
        return self._by_id.get(file_id or "")

    def by_path(self, file_path: str) -> StoredFile | None:
        """Returns the file with this download path."""
        return self._by_path.get(file_path)

    def by_name(self, file_name: str) -> StoredFile | None:
        """Returns the newest uploaded document with this file name."""
        return next((f for f in reversed(self._by_id.values()) if f.file_name == file_name), None)
