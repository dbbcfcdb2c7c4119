"""getUpdates and the webhook methods: the two ways a bot hears about updates, never both."""

from __future__ import annotations

import re
from typing import Any

from ..errors import bad_request
from ..params import Params
from ..webhook import WebhookSettings
from ..world import World
from .described import Described

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


async def get_updates(world: World, params: Params) -> list[dict[str, Any]]:
    limit = min(max(params.integer("limit") or 100, 1), 100)
    timeout = max(params.integer("timeout") or 0, 0)
    world.updates.set_allowed(params.json("allowed_updates"))
    return await world.updates.get(
        offset=params.integer("offset"), limit=limit, wait=float(timeout)
    )


async def set_webhook(world: World, params: Params) -> Described:
    url = params.string("url") or ""
    if not url:  # setWebhook with an empty url is how older clients delete it
        return await delete_webhook(world, params)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: Unsupported URL protocol")
    secret = params.string("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = params.json("allowed_updates")
    world.updates.set_allowed(allowed)
    if params.boolean("drop_pending_updates"):
        await world.updates.drop_pending()
    was_set = world.webhook.settings is not None and world.webhook.settings.url == url
    await world.webhook.set(
        WebhookSettings(
            url=url,
            secret_token=secret,
            max_connections=params.integer("max_connections") or 40,
            ip_address=params.string("ip_address"),
            allowed_updates=allowed if isinstance(allowed, list) else None,
        )
    )
    return Described(True, "Webhook is already set" if was_set else "Webhook was set")


async def delete_webhook(world: World, params: Params) -> Described:
    if params.boolean("drop_pending_updates"):
        await world.updates.drop_pending()
    had = await world.webhook.delete()
    return Described(True, "Webhook was deleted" if had else "Webhook is already deleted")


async def get_webhook_info(world: World, params: Params) -> dict[str, Any]:
    return world.webhook.info()


METHODS = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
