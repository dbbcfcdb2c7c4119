"""Bot API requests over aiohttp: python-telegram-bot's networking backend, replaced.

Every reply, every getUpdates and every broadcast message is a call, and PTB's own backend
(httpx) spends about twice the CPU on one that aiohttp does: `python -m bench.telegram_throughput`
runs its echo bot on both, so the difference shows end to end.

Parameters go as JSON, files as multipart. PTB's meaning of the four timeouts and of errors is
kept: a timeout is `TimedOut`, any other failure `NetworkError`, and a status code goes back to
PTB to turn into `BadRequest`, `Forbidden`, `RetryAfter` and so on. On top, it says when a
failed request surely never left this machine (`NEVER_SENT`): the connection was not made, or
no pooled connection came free. Only such a message may be sent again without risking a second
copy on a partner's phone.

Errors carry aiohttp's class name and the operating system's reason, never its message or the
request URL, which hold the bot token; and nothing is chained, so a traceback logged by PTB
cannot carry them either.
"""

from __future__ import annotations

import json
import os
import ssl
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class ConnectTimedOut(TimedOut):
    """No connection within the pool and connect timeouts: the request never left."""


class ConnectFailed(NetworkError):
    """The connection was refused, or the name did not resolve: the request never left."""


class ConnectionLost(NetworkError):
    """The connection broke once the request was on its way: it may have arrived."""


NEVER_SENT = (ConnectTimedOut, ConnectFailed)


class AiohttpRequest(BaseRequest):
    """One pool of keep-alive connections to the Bot API server, opened by `initialize`."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is not None and not self._session.closed:
            return
        connector = aiohttp.TCPConnector(
            limit=self._pool_size,
            ssl=ssl.create_default_context(cafile=certificates()),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.USER_AGENT},
            cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none
            # aiohttp's trust_env reads the environment (and ~/.netrc) on every request, which
            # halves the calls a second; `_proxy` reads it once per server instead.
            trust_env=False,
        )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()

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
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        timeout = self._timeout(
            read=read_timeout,
            write=write_timeout,
            connect=connect_timeout,
            pool=pool_timeout,
            media=files,
        )
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                timeout=timeout,
                allow_redirects=False,  # as PTB's httpx client: the token stays with Telegram
                proxy=self._proxy(url),
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError:
            raise ConnectTimedOut("Timed out before the request was sent") from None
        except TimeoutError:
            raise TimedOut() from None
        except aiohttp.ClientConnectorError as error:
            raise ConnectFailed(_safe(error)) from None
        except aiohttp.ClientError as error:
            raise ConnectionLost(_safe(error)) from None

    def _proxy(self, url: str) -> str | None:
        """HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the environment, as httpx honours them."""
        parts = urlsplit(url)
        server = (parts.scheme, parts.netloc)
        if server not in self._proxies:
            bypass = parts.hostname is not None and proxy_bypass(parts.hostname)
            self._proxies[server] = None if bypass else getproxies().get(parts.scheme)
        return self._proxies[server]

    def _timeout(
        self,
        *,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
        media: bool,
    ) -> aiohttp.ClientTimeout:
        """PTB's four timeouts in aiohttp's terms. aiohttp has no write timeout: a request's
        whole life is held to the sum of the four, so a stalled upload ends too."""
        read_s = _chosen(read, self._read_timeout)
        connect_s = _chosen(connect, self._connect_timeout)
        pool_s = _chosen(pool, self._pool_timeout)
        write_s = _chosen(write, self._media_write_timeout if media else self._write_timeout)
        parts = [read_s, write_s, connect_s, pool_s]
        return aiohttp.ClientTimeout(
            total=None if None in parts else sum(p or 0.0 for p in parts),
            connect=None if pool_s is None or connect_s is None else pool_s + connect_s,
            sock_connect=connect_s,
            sock_read=read_s,
        )


def certificates() -> str:
    """Whose certificates to trust, as httpx decides: SSL_CERT_FILE if set (a self-hosted Bot
    API server with its own authority), else certifi's bundle."""
    return os.environ.get("SSL_CERT_FILE") or certifi.where()


def _chosen(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _body(request_data: RequestData | None) -> aiohttp.FormData | aiohttp.BytesPayload | None:
    """Parameters as a JSON object (the Bot API takes one, and it costs less to write than
    PTB's form encoding, which escapes JSON inside it); with files, multipart as PTB sends it."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        return aiohttp.BytesPayload(body, content_type="application/json")
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, *mimetype) in request_data.multipart_data.items():
        form.add_field(
            name, content, filename=filename, content_type=mimetype[0] if mimetype else None
        )
    return form


def _safe(error: aiohttp.ClientError) -> str:
    """What went wrong, without aiohttp's message: that can quote the URL, and its token."""
    reason = error.strerror if isinstance(error, OSError) and error.strerror else None
    return f"aiohttp.{type(error).__name__}" + (f": {reason}" if reason else "")
