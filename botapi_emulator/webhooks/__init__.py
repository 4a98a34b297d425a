"""Webhooks: setWebhook, deleteWebhook, getWebhookInfo, and delivery of updates by POST as Telegram does."""

from .delivery import Webhook
from .methods import METHODS, add_routes

__all__ = ["METHODS", "Webhook", "add_routes"]
