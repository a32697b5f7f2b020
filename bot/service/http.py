"""The bot's HTTP client for the Bot API: aiohttp behind python-telegram-bot's BaseRequest.

python-telegram-bot's own HTTPXRequest costs about 1.3 ms of CPU per Bot API call on the
development machine (httpx/httpcore request and pool bookkeeping); this one about a third of
that, which is what lets one process handle several hundred updates a second (see
tests/bench_throughput.py). Semantics follow HTTPXRequest: the same timeouts, TimedOut for a
timeout, NetworkError (naming the aiohttp error, which stays its cause) for anything else, the
same form-encoded bodies and certificates, proxies from the environment (HTTP(S)_PROXY,
NO_PROXY).
"""

from __future__ import annotations

import functools
import json
import os
import ssl
from http import HTTPStatus
from typing import Any

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

from bot.errors import UsageError

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class ServerError(NetworkError):
    """The Bot API (or the proxy in front of it, e.g. nginx's 502 page) answered with a 5xx
    status: the server answered and did not do the work, so the request may be sent again.

    python-telegram-bot would raise a NetworkError caused by the failed JSON parse of such a page
    (which reads as "may have arrived") and log the whole page with a traceback; this keeps
    only the status and, when the body is the Bot API's JSON, its description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"{status} {description}")
        self.status = status


def _server_error(status: int, payload: bytes) -> ServerError:
    try:
        description = str(json.loads(payload)["description"])[:200]
    except (ValueError, KeyError, TypeError):
        try:
            description = HTTPStatus(status).phrase
        except ValueError:
            description = "Server Error"
    return ServerError(status, description)
Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


def _pick(value: Any, default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def tls_context() -> ssl.SSLContext:
    """Certificates as python-telegram-bot's httpx client had them: certifi's bundle, or the
    files SSL_CERT_FILE / SSL_CERT_DIR name (a company's own authority), whatever the image has."""
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile is None and capath is None:
        cafile = certifi.where()
    try:
        return _context(cafile, capath)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"SSL_CERT_FILE / SSL_CERT_DIR cannot be used: {exc}",
                         "name a PEM file (or folder) of certificate authorities, or unset "
                         "them to use the bundled ones") from exc


@functools.lru_cache(maxsize=4)
def _context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    # read once: start-up checks the setting, then getMe's client and the bot's two use it
    return ssl.create_default_context(cafile=cafile, capath=capath)


def env_proxy(url: URL) -> Proxy:
    """The proxy the environment sets for `url` (HTTPS_PROXY, NO_PROXY...), or none."""
    try:
        return get_env_proxy_for_url(url)
    except LookupError:
        return None, None


class AiohttpRequest(BaseRequest):
    """A pooled aiohttp session; one per Bot (python-telegram-bot initialises and shuts it)."""

    def __init__(self, connection_pool_size: int = 1, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0
                 ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        # aiohttp's trust_env reads ~/.netrc and the proxy variables on every request
        self._proxies: dict[tuple[str, str | None], Proxy] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=tls_context()),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _proxy(self, url: str) -> Proxy:
        parsed = URL(url)
        key = (parsed.scheme, parsed.host)
        if key not in self._proxies:
            self._proxies[key] = env_proxy(parsed)
        return self._proxies[key]

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        write = _pick(write_timeout, self._media_write if files else self._write)
        read = _pick(read_timeout, self._read)
        connect = _pick(connect_timeout, self._connect)
        pool = _pick(pool_timeout, self._pool)
        # aiohttp's `connect` covers waiting for a pooled connection plus connecting
        timeout = aiohttp.ClientTimeout(
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect, sock_read=None if read is None or write is None
            else max(read, write))
        data: Any = None
        headers = None
        if request_data is not None and files:
            data = _form(request_data)
        elif request_data is not None:
            # what aiohttp would make of the dict, without building a multipart writer first
            data = request_data.url_encoded_parameters().encode()
            headers = _FORM
        proxy, proxy_auth = self._proxy(url)
        try:
            async with self._session.request(method, url, data=data, headers=headers,
                                             timeout=timeout, proxy=proxy,
                                             proxy_auth=proxy_auth) as resp:
                payload = await resp.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
        if resp.status >= 500:
            raise _server_error(resp.status, payload)
        return resp.status, payload


def _form(request_data: RequestData) -> aiohttp.FormData:
    """Multipart: the plain parameters, then the files (as HTTPXRequest's data= and files=)."""
    form = aiohttp.FormData()
    for name, text in request_data.json_parameters.items():
        form.add_field(name, text)
    for name, value in request_data.multipart_data.items():
        if isinstance(value, tuple):  # (file name, content, mime type)
            form.add_field(name, value[1], filename=value[0], content_type=value[2])
        else:
            form.add_field(name, value)
    return form
