"""The errors the fake answers with, worded exactly as Telegram words them.

A handler raises `ApiError`; the server turns it into Telegram's error body,
`{"ok": false, "error_code": N, "description": "…"}` (plus `parameters` for 429).
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API call that Telegram would refuse."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def conflict(reason: str) -> ApiError:
    return ApiError(409, f"Conflict: {reason}")


UNAUTHORIZED = ApiError(401, "Unauthorized")
NOT_FOUND = ApiError(404, "Not Found")
INTERNAL_SERVER_ERROR = ApiError(500, "Internal Server Error")

# Descriptions that several methods share.
CHAT_NOT_FOUND = "chat not found"
CHAT_ID_EMPTY = "chat_id is empty"
TEXT_EMPTY = "message text is empty"
TEXT_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "message to delete not found"
MESSAGE_ID_MISSING = "message identifier is not specified"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
BLOCKED = "bot was blocked by the user"
CANT_INITIATE = "bot can't initiate conversation with a user"
TERMINATED_BY_OTHER_POLL = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
WRONG_FILE_IDENTIFIER = "wrong file identifier/HTTP URL specified"
INVALID_FILE_ID = "invalid file_id"
