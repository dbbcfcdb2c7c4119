"""Failures a test asks for: Telegram having a bad moment, on purpose and on cue."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

from .errors import ApiError, too_many_requests

# What Telegram's nginx answers when the Bot API server behind it is down: HTML, not JSON.
BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class Failure:
    status: int
    description: str | None = None
    retry_after: int | None = None

    def error(self) -> ApiError | None:
        """The JSON refusal; None for 502, which Telegram answers with an HTML page."""
        if self.status == 429:
            return too_many_requests(self.retry_after or 1)
        if self.status == 502 and self.description is None:
            return None
        description = self.description or _DESCRIPTIONS.get(self.status, "Internal Server Error")
        return ApiError(self.status, description, retry_after=self.retry_after)


class Faults:
    def __init__(self) -> None:
        self._failures: defaultdict[str, deque[Failure]] = defaultdict(deque)
        self._delays: defaultdict[str, deque[float]] = defaultdict(deque)

    def fail_next(self, method: str, failure: Failure, times: int) -> None:
        self._failures[method.lower()].extend([failure] * times)

    def slow_next(self, method: str, seconds: float, times: int) -> None:
        self._delays[method.lower()].extend([seconds] * times)

    def take_failure(self, method: str) -> Failure | None:
        queue = self._failures.get(method.lower())
        return queue.popleft() if queue else None

    def take_delay(self, method: str) -> float:
        queue = self._delays.get(method.lower())
        return queue.popleft() if queue else 0.0
