"""`carework synthesis export|import`: the researchers' round trip from examples to items."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.app import _run, _with_services, app, out
from carework_core.bootstrap import Services

synthesis_app = typer.Typer(
    help="Export a round's examples for the research team, and import the items they made.", no_args_is_help=True
)
app.add_typer(synthesis_app, name="synthesis")


@synthesis_app.command("export")
def export_examples(
    round_id: str = typer.Argument(..., metavar="ROUND", help="The round whose examples to export."),
    path: Path = typer.Argument(..., metavar="OUT.xlsx", help="The workbook to write."),
) -> None:
    """Writes a round's examples with suggested clusters, and an Items sheet to fill in."""

    async def write(services: Services) -> None:
        done = await services.synthesis.export_examples(round_id, path, actor="cli")
        out.print(
            f"wrote {done.examples} examples of round {round_id} in {done.clusters} suggested clusters to {path}",
            highlight=False,
        )

    _run(_with_services(write))


@synthesis_app.command("import")
def import_items(
    path: Path = typer.Argument(..., metavar="FILE", help="The filled synthesis workbook."),
    into: str = typer.Option(..., "--into", metavar="ROUND", help="The round that rates these items."),
) -> None:
    """Checks a filled workbook and loads its items for a rating round; lists every problem by sheet and cell."""

    async def load(services: Services) -> None:
        done = await services.synthesis.import_items(path, into, actor="cli")
        out.print(
            f"loaded {done.items} items from {done.examples} examples into {', '.join(done.item_sets)} "
            f"for round {into}",
            highlight=False,
        )

    _run(_with_services(load))
