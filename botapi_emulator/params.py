"""Bot API parameters from the query string, JSON, urlencoded or multipart bodies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from aiohttp import BodyPartReader, hdrs, web

from .errors import BotApiError, bad_request

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_INTEGER = re.compile(r"-?[0-9]{1,20}")
_TRUE, _FALSE = {"true", "1"}, {"false", "0", ""}


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart body."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class BotCall:
    """One Bot API call: its parameters and the bot (a User object) the token belongs to."""

    params: Params
    bot: dict


class Params:
    """Typed access to parameters, refusing wrong types the way Telegram does."""

    def __init__(self, values: dict[str, object], uploads: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.uploads = uploads or {}

    def string(self, name: str) -> str | None:
        """Returns a string parameter; numbers are accepted as Telegram accepts them."""
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def integer(self, name: str) -> int | None:
        """Returns an integer parameter given as a number or digits."""
        value = self.values.get(name)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f'field "{name}" must be of type Integer')

    def number(self, name: str) -> float | None:
        """Returns a numeric parameter given as a number or a numeric string."""
        value = self.values.get(name)
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return value
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise bad_request(f'field "{name}" must be of type Number')

    def flag(self, name: str) -> bool:
        """Returns a boolean parameter, false when absent."""
        value = self.values.get(name, False)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise bad_request(f'field "{name}" must be of type Boolean')

    def structured(self, name: str) -> object:
        """Returns an object or array parameter, decoding the JSON string forms send."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def upload(self, name: str) -> Upload | str | None:
        """Returns an uploaded file (directly or via attach://) or the string given instead."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.string(name)
        if value is not None and value.startswith("attach://"):
            attached = self.uploads.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return attached
        return value

    def for_trace(self) -> dict:
        """Returns the parameters with uploads summarised instead of their bytes."""
        summary = {name: {"upload": u.filename, "bytes": len(u.data)} for name, u in self.uploads.items()}
        return {**self.values, **summary}


async def read_params(request: web.Request) -> Params:
    """Collects parameters from every place Telegram accepts them."""
    values: dict[str, object] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.can_read_body:
        return Params(values)
    content_type = request.content_type
    if content_type == "application/json":
        values.update(await _json_body(request))
    elif content_type == "multipart/form-data":
        await _read_multipart(request, values, uploads)
    elif content_type == "application/x-www-form-urlencoded":
        values.update((await request.post()).items())
    return Params(values, uploads)


async def _json_body(request: web.Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        raise bad_request("can't parse JSON object") from None
    if not isinstance(body, dict):
        raise bad_request("JSON object expected")
    return body


async def _read_multipart(request: web.Request, values: dict, uploads: dict) -> None:
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is None:
            values[part.name] = await part.text()
            continue
        data = bytes(await part.read())
        if len(data) > MAX_UPLOAD_BYTES:
            raise BotApiError(413, "Request Entity Too Large")
        content_type = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
        uploads[part.name] = Upload(part.filename, content_type, data)
