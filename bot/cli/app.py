"""The `carework` command's shared parts: the Typer apps, the consoles, and the one place errors
become a line and an exit code. Commands live in bot/cli/main.py and bot/cli/coordinators.py."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

import typer
from rich.console import Console

from bot.settings import StoreSettings, load_settings
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.errors import CareworkError

app = typer.Typer(help="Run multi-round stakeholder consultations over Telegram.", no_args_is_help=True)
round_app = typer.Typer(help="Open, close and list rounds.", no_args_is_help=True)
app.add_typer(round_app, name="round")
invite_app = typer.Typer(help="Invite links: make them, list those not yet used, revoke them.")
app.add_typer(invite_app, name="invite")
coordinator_app = typer.Typer(
    help="The consultation team: list coordinators, remove one, give one a role.", no_args_is_help=True
)
app.add_typer(coordinator_app, name="coordinator")
err = Console(stderr=True, soft_wrap=True)  # one problem, one line, however narrow the terminal
out = Console(soft_wrap=True)


def _run(work: Awaitable[Any] | Callable[[], Any]) -> Any:
    """Runs a command's work; a CareworkError, or a file the system refused, becomes one clear line and exit 1."""
    try:
        return asyncio.run(work) if not callable(work) else work()
    except CareworkError as exc:
        _fail(str(exc))
    except OSError as exc:  # a path the operator gave: named, with the system's reason, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"cannot use {where}{exc.strerror or type(exc).__name__}")


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1) from None


async def _with_services(action: Callable[[Services], Awaitable[Any]]) -> Any:
    settings = load_settings(StoreSettings)
    services = await Services.open(
        settings.database, settings.survey, SystemClock(), create=False, invite_key=settings.invite_secret()
    )
    try:
        return await action(services)
    finally:
        await services.close()


def _refuse(message: str) -> None:
    raise CareworkError(message)
