"""setWebhook, deleteWebhook and getWebhookInfo, and the control route that reports deliveries."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiohttp import web

from ..errors import bad_request
from .delivery import DEFAULT_MAX_CONNECTIONS
from .load import Load

if TYPE_CHECKING:  # the world holds the webhook: imported for types only
    from ..params import BotCall
    from ..world import World

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
LOOPBACK = "127.0.0.1"


async def set_webhook(world: World, call: BotCall) -> bool:
    """setWebhook: delivers updates to url by POST from now on; an empty url removes the webhook."""
    params = call.params
    url = params.string("url")
    if url is None:
        raise bad_request('parameter "url" is required')
    if not url:
        return await delete_webhook(world, call)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname != LOOPBACK:
        raise bad_request(f"bad webhook: the emulator delivers only to http://{LOOPBACK}:PORT/PATH")
    secret = params.string("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    connections = params.integer("max_connections") or DEFAULT_MAX_CONNECTIONS
    if not 1 <= connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = params.structured("allowed_updates")
    if allowed is not None:
        if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
            raise bad_request("can't parse allowed_updates JSON array")
        world.updates.allowed = allowed
    if params.flag("drop_pending_updates"):
        world.updates.clear()
    world.updates.webhook_set()
    await world.webhook.set(url, secret or None, connections)
    return True


async def delete_webhook(world: World, call: BotCall) -> bool:
    """deleteWebhook: stops delivery; pending updates wait for getUpdates unless drop_pending_updates."""
    await world.webhook.delete()
    if call.params.flag("drop_pending_updates"):
        world.updates.clear()
    return True


async def get_webhook_info(world: World, call: BotCall) -> dict:
    """getWebhookInfo: the webhook's url, pending update count and the last delivery error."""
    hook = world.webhook
    info: dict = {"url": hook.url, "has_custom_certificate": False, "pending_update_count": len(world.updates.pending)}
    if hook.url:
        info["max_connections"] = hook.max_connections
        if world.updates.allowed:
            info["allowed_updates"] = list(world.updates.allowed)
    if hook.last_error_date is not None:
        info |= {"last_error_date": hook.last_error_date, "last_error_message": hook.last_error_message}
    return info


def add_routes(router: web.UrlDispatcher, world: World) -> None:
    """Adds GET /emulator/webhook (deliveries, failures, each delivery's time to its answer) and POST
    /emulator/webhook/load (a crowd's steady stream of messages, see load.py)."""

    load = Load(world)

    async def figures(request: web.Request) -> web.Response:
        return web.json_response(world.webhook.figures() | {"load_sent": load.sent})

    router.add_get("/emulator/webhook", figures)
    router.add_post("/emulator/webhook/load", load.start)


METHODS = {"setwebhook": set_webhook, "deletewebhook": delete_webhook, "getwebhookinfo": get_webhook_info}
