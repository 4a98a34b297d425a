"""A strict local Telegram Bot API emulator for tests, rehearsals and benchmarks."""

from .client import ButtonNotFound, ChatMessage, EmulatorClient, EmulatorError, ReplyTimeout, VirtualGroup, VirtualUser
from .server import Emulator, serve

__all__ = [
    "ButtonNotFound",
    "ChatMessage",
    "Emulator",
    "EmulatorClient",
    "EmulatorError",
    "ReplyTimeout",
    "VirtualGroup",
    "VirtualUser",
    "serve",
]
