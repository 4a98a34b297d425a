"""`carework report OUT.html [--round R]...`: the research team's report as one self-contained HTML page.

The same page a coordinator gets with /report (bot/handlers/report.py); the audit log names the actor `cli`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.app import _run, _with_services, app, out
from bot.report.page import report_page
from carework_core.bootstrap import Services


@app.command()
def report(
    path: Path = typer.Argument(..., metavar="OUT.html", help="The .html file to write."),
    rounds: list[str] = typer.Option(
        [], "--round", help="Only this round (repeat for several); all opened by default."
    ),
) -> None:
    """Writes the research team's report: who took part, the ideas ranked with their figures, where they came from."""

    async def write(services: Services) -> None:
        found = await services.reports.report(rounds or None)
        size = await services.reports.save(path, report_page(found), rounds or None)
        out.print(
            f"wrote the report of rounds {', '.join(found.round_ids) or 'none'} to {path} ({size:,} bytes)",
            highlight=False,
        )

    _run(_with_services(write))
