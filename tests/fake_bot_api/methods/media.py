"""sendDocument, sendPhoto and getFile: uploads by multipart, or a file_id sent again."""

from __future__ import annotations

import mimetypes
from typing import Any

from ..errors import INVALID_FILE_ID, WRONG_FILE_IDENTIFIER, ApiError, bad_request
from ..files import (
    DOWNLOAD_LIMIT,
    UPLOAD_LIMIT,
    document_json,
    file_json,
    image_size,
    photo_json,
)
from ..formatting import caption_text
from ..markup import reply_markup
from ..params import Params, UploadedFile
from ..records import StoredFile
from ..world import World
from .messages import replied_message


def _existing(world: World, file_id: str, kind: str) -> StoredFile:
    stored = world.files.by_id(file_id)
    if stored is None:
        raise bad_request(WRONG_FILE_IDENTIFIER)
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored


def _check_upload(upload: UploadedFile) -> None:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if len(upload.data) > UPLOAD_LIMIT:
        raise ApiError(413, "Request Entity Too Large")


async def _send_file(world: World, params: Params, kind: str) -> dict[str, Any]:
    chat = world.chat(params.string("chat_id"))
    given = params.file(kind)
    if given is None:
        raise bad_request(f"there is no {kind} in the request")
    caption = caption_text(
        params.string("caption"), params.string("parse_mode"), params.json("caption_entities")
    )
    markup = reply_markup(params)
    reply_to = replied_message(world, chat, params)
    if isinstance(given, UploadedFile):
        _check_upload(given)
        if kind == "photo" and image_size(given.data) is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
    else:
        stored = _existing(world, given, kind)
    world.admit(chat)
    if isinstance(given, UploadedFile):
        stored = _store_upload(world, given, kind)
    attachment = {"photo": photo_json(stored)} if kind == "photo" else {kind: document_json(stored)}
    sent = world.post(
        chat,
        caption=caption.text or None,
        caption_entities=caption.entities,
        reply_markup=markup,
        reply_to=reply_to,
        attachment=attachment,
    )
    await world.changed()
    return sent.to_json()


def _store_upload(world: World, upload: UploadedFile, kind: str) -> StoredFile:
    if kind == "photo":
        return world.files.add("photo", upload.data, extension="jpg")
    file_name = upload.filename or "document"
    mime_type = upload.content_type or mimetypes.guess_type(file_name)[0]
    extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
    return world.files.add(
        kind, upload.data, extension=extension, mime_type=mime_type, file_name=file_name
    )


async def send_document(world: World, params: Params) -> dict[str, Any]:
    return await _send_file(world, params, "document")


async def send_photo(world: World, params: Params) -> dict[str, Any]:
    return await _send_file(world, params, "photo")


async def get_file(world: World, params: Params) -> dict[str, Any]:
    stored = world.files.by_id(params.string("file_id") or "")
    if stored is None:
        raise bad_request(INVALID_FILE_ID)
    if stored.size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return file_json(stored)


METHODS = {
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "getFile": get_file,
}
