"""The `carework summary` commands: between-round summaries and their figures, for coordinators and researchers."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli_app import _run, _with_services, out
from carework_core.bootstrap import Services

summary_app = typer.Typer(help="Between-round summaries", no_args_is_help=True)


@summary_app.command("stats")
def stats(
    round_id: str = typer.Argument(..., metavar="ROUND", help="A rating round's id, as in the definition."),
    path: Path = typer.Argument(..., metavar="OUT.csv", help="The .csv file to write."),
) -> None:
    """Writes a rating round's figures per item, criterion and group (and all groups) to a CSV file."""

    async def write(services: Services) -> None:
        rows = await services.results.write_stats_csv(round_id, path)
        out.print(f"wrote {rows} rows of round {round_id}'s figures to {path}", highlight=False)

    _run(_with_services(write))
