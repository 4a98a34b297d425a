"""python-telegram-bot's requests over aiohttp, in place of its stock httpx stack.

Profiling the bot at a few hundred messages a second put over a third of its CPU in httpx,
httpcore, anyio and h11; aiohttp's C-accelerated HTTP/1.1 client does the same work for much less.
The library keeps doing what it always does with the answer (status codes to telegram.error, JSON
parsing): this class only moves bytes, and turns aiohttp's own failures into the library's
TimedOut and NetworkError, so the sender's and intake's handling stays the same.

aiohttp has no write timeout of its own: a request that stalls while writing is ended by the sum
of all four timeouts instead.

A proxy named in the environment (HTTPS_PROXY, NO_PROXY) is looked up once per server, not by
aiohttp's trust_env on every request: that costs two hand-offs to a worker thread (netrc and the
proxy lookup) per call, a fifth of the bot's CPU at a few hundred messages a second.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Literal

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.ext import ApplicationBuilder
from telegram.request import BaseRequest, RequestData

HttpClient = Literal["aiohttp", "httpx"]
JSON = {"Content-Type": "application/json"}


POOL_SIZE = 256  # connections for the bot's calls (python-telegram-bot's builder default)


class AiohttpRequest(BaseRequest):
    """Sends the Bot API requests of one Bot through one aiohttp session and connection pool."""

    __slots__ = ("_default", "_headers", "_open", "_pool_size", "_proxies", "_session", "_timeouts")

    def __init__(
        self,
        connection_pool_size: int = POOL_SIZE,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ):
        self._pool_size = connection_pool_size
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._default = _client_timeout(*self._timeouts)
        self._headers = {"User-Agent": self.USER_AGENT}
        self._session: aiohttp.ClientSession | None = None
        self._open = False
        self._proxies: dict[str, str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call names none."""
        return self._timeouts[0]

    async def initialize(self) -> None:
        """Lets requests go; the session opens with the first, so a request never used leaves nothing to close."""
        self._open = True

    async def shutdown(self) -> None:
        """Closes the session and its connections."""
        self._open = False
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Sends one request and returns the status code and body, whatever the status."""
        if self._session is None:
            if not self._open:
                raise RuntimeError("This AiohttpRequest is not initialized")
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(connector=connector, headers=self._headers)
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout)
        body, headers = _body(request_data)
        proxy = self._proxy_for(url)
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=proxy
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's connect and read timeouts are TimeoutErrors too
            raise TimedOut(f"aiohttp: {type(exc).__name__}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _proxy_for(self, url: str) -> str | None:
        """Returns the environment's proxy for this server (scheme and host), read once per server."""
        server = url.split("/", 3)[2] if url.count("/") >= 2 else url
        scheme = url.split(":", 1)[0]
        key = f"{scheme}://{server}"
        if key not in self._proxies:
            host = server.rsplit("@", 1)[-1].split(":", 1)[0]
            bypass = urllib.request.proxy_bypass(host)
            self._proxies[key] = None if bypass else urllib.request.getproxies().get(scheme)
        return self._proxies[key]

    def _timeout(self, *given: ODVInput[float]) -> aiohttp.ClientTimeout:
        if all(isinstance(value, DefaultValue) for value in given):
            return self._default
        chosen = [
            d if isinstance(value, DefaultValue) else value for value, d in zip(given, self._timeouts, strict=True)
        ]
        return _client_timeout(*chosen)


def _client_timeout(
    read: float | None, write: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    """aiohttp's `connect` covers waiting for a pooled connection and opening one; `total` bounds writing."""
    parts = (read, write, connect, pool)
    total = None if None in parts else sum(parts)  # type: ignore[arg-type]
    waiting = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect, sock_read=read)


def _body(request_data: RequestData | None) -> tuple[bytes | aiohttp.FormData | None, dict[str, str] | None]:
    """A JSON body, or a multipart one when files go up (as PTB's httpx request sends them)."""
    if request_data is None:
        return None, None
    files = request_data.multipart_data
    if not files:  # the Bot API takes JSON bodies; one json.dumps costs far less than form-encoding each field
        return json.dumps(request_data.parameters).encode(), JSON
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, None


def use_client(builder: ApplicationBuilder, client: HttpClient) -> ApplicationBuilder:
    """Gives the builder aiohttp requests: one pool for the bot's calls, one connection for getUpdates."""
    if client == "httpx":
        return builder  # the library's own HTTPXRequest, kept for comparison and as a fallback
    return builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(connection_pool_size=1))
