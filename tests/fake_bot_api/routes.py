"""The HTTP face of the fake: Telegram's URLs, answers and error bodies."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

from aiohttp import web

from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .faults import BAD_GATEWAY_PAGE, Failure
from .files import UPLOAD_LIMIT
from .methods import METHODS, canonical_name
from .methods.described import Described
from .params import Params
from .stats import IssuedError
from .world import World

_WELL_FORMED_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_LOGGER = logging.getLogger(__name__)


def app_for(world: World) -> web.Application:
    """`<root>/bot<token>/<method>` for calls, `<root>/file/bot<token>/<path>` for downloads."""
    routes = _Routes(world)
    app = web.Application(client_max_size=UPLOAD_LIMIT + 1024 * 1024)
    app.router.add_route("*", "/bot{token}/{method}", routes.method)
    app.router.add_route("GET", "/file/bot{token}/{file_path:.+}", routes.file)
    app.router.add_route("*", "/{anything:.*}", routes.unknown)
    return app


class _Routes:
    def __init__(self, world: World) -> None:
        self._world = world

    async def method(self, request: web.Request) -> web.StreamResponse:
        token, asked = request.match_info["token"], request.match_info["method"]
        if token != self._world.token:
            return self._refuse(
                asked, UNAUTHORIZED if _WELL_FORMED_TOKEN.fullmatch(token) else NOT_FOUND
            )
        method = canonical_name(asked) or asked
        self._world.stats.requests[method] += 1
        if method not in METHODS:
            return self._refuse(method, NOT_FOUND)
        failure = self._world.faults.take_failure(method)
        if failure is not None:
            return self._injected(method, failure)
        try:
            result = await METHODS[method](self._world, await Params.read(request))
        except ApiError as error:
            response = self._refuse(method, error)
        except Exception as bug:  # a fault in the fake must not pass for Telegram's
            _LOGGER.exception("the fake Bot API failed in %s", method)
            response = self._refuse(method, ApiError(500, f"fake Bot API bug: {bug!r}"))
        else:
            body: dict[str, Any] = {"ok": True, "result": result}
            if isinstance(result, Described):
                body = {"ok": True, "result": result.result, "description": result.description}
            response = web.json_response(body, dumps=_dumps)
        delay = self._world.faults.take_delay(method)
        if delay:
            await asyncio.sleep(delay)  # real time: the point is to outlast the client's timeout
        return response

    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self._world.files.by_path(request.match_info["file_path"])
        if request.match_info["token"] != self._world.token or stored is None:
            return self._refuse("file", NOT_FOUND)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def unknown(self, request: web.Request) -> web.StreamResponse:
        return self._refuse(request.path, NOT_FOUND)

    def _refuse(self, method: str, error: ApiError, *, injected: bool = False) -> web.Response:
        self._world.stats.errors.append(
            IssuedError(method, error.status, error.description, injected)
        )
        return web.json_response(error.body(), status=error.status, dumps=_dumps)

    def _injected(self, method: str, failure: Failure) -> web.Response:
        error = failure.error()
        if error is not None:
            return self._refuse(method, error, injected=True)
        self._world.stats.errors.append(IssuedError(method, 502, "Bad Gateway", True))
        return web.Response(status=502, text=BAD_GATEWAY_PAGE, content_type="text/html")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
