"""`carework restore BACKUP`: puts a checked backup where CAREWORK_DATABASE points, keeping the current file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from bot.cli.app import _run, app, out
from bot.settings import StoreSettings, load_settings
from carework_core.restore import restore as restore_backup


@app.command()
def restore(backup: Path = typer.Argument(..., metavar="BACKUP", help="A copy made by `carework backup`.")) -> None:
    """Restores a backup (checked first; refused while a bot runs on the database); the current file is kept aside."""
    settings: StoreSettings = _run(lambda: load_settings(StoreSettings))
    done = _run(lambda: restore_backup(backup, settings.database, datetime.now()))
    facts = done.facts
    kept = f"; the file it replaced is kept as {done.kept_aside}" if done.kept_aside else ""
    out.print(
        f"restored {backup} to {settings.database}: schema version {facts.schema_version}, "
        f"{facts.participants} participants, {facts.answers} answers; integrity ok{kept}. "
        "Invite links need the same invite key as before (CAREWORK_INVITE_KEY or the .key file).",
        highlight=False,
    )
