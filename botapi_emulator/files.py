"""Files the bot uploaded or people sent, addressable by file_id and by download path."""

from __future__ import annotations

import base64
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

    def add(
        self, data: bytes, *, folder: str, extension: str, mime_type: str, file_name: str | None = None
    ) -> StoredFile:
        """Stores bytes and returns their identifiers."""
        number = len(self._by_id) + 1
        # Opaque-looking ids like Telegram's, so nothing comes to rely on their shape.
        file_id = "BQACAgIAAx" + base64.urlsafe_b64encode(f"carework:{folder}:{number:08d}".encode()).decode()
        stored = StoredFile(
            file_id.rstrip("="), f"AgAD{number:06x}", f"{folder}/file_{number}{extension}", data, mime_type, file_name
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def by_id(self, file_id: str | None) -> StoredFile | None:
        """Returns the file with this file_id."""
        return self._by_id.get(file_id or "")

    def by_path(self, file_path: str) -> StoredFile | None:
        """Returns the file with this download path."""
        return self._by_path.get(file_path)

    def by_name(self, file_name: str) -> StoredFile | None:
        """Returns the newest uploaded document with this file name."""
        return next((f for f in reversed(self._by_id.values()) if f.file_name == file_name), None)
