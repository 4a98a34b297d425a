"""`carework items import`: a list of items the team already has, loaded for the round that rates it."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.app import _run, _with_services, app, out
from carework_core.bootstrap import Services

items_app = typer.Typer(help="Load a list of items (ideas) from an .xlsx or .csv file.", no_args_is_help=True)
app.add_typer(items_app, name="items")


@items_app.command("import")
def import_items(
    path: Path = typer.Argument(..., metavar="FILE", help="An .xlsx or .csv file: id, title, description, ..."),
    into: str = typer.Option(..., "--into", metavar="ROUND", help="The round that rates these items."),
) -> None:
    """Checks an item list and loads it for a rating round; lists every problem by sheet and cell (or line)."""

    async def load(services: Services) -> None:
        done = await services.item_lists.import_file(path, into, actor="cli")
        out.print(
            f"loaded {done.items} items from {path.name} into {', '.join(done.item_sets)} for round {into}",
            highlight=False,
        )

    _run(_with_services(load))
