"""Between-round summaries in the `carework` command: their figures, what each group receives, and approval.

The same verbs as /summary in Telegram (bot/handlers/summaries.py); the audit log names the actor `cli`.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import typer

from bot.cli.app import _run, _with_services, app, out
from bot.screens import team_text
from bot.summaries.summary_text import summary_messages
from carework_core.bootstrap import Services

ACTOR = "cli"
summary_app = typer.Typer(help="Between-round summaries", no_args_is_help=True)
app.add_typer(summary_app, name="summary")
_TAG = re.compile(r"<[^>]+>")


def plain(html: str) -> str:
    """Returns Telegram HTML as the plain text a participant reads."""
    return unescape(_TAG.sub("", html))


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


@summary_app.command("show")
def show(round_id: str = typer.Argument(..., help="Round id, as in the definition.")) -> None:
    """Shows a round's summary as each stakeholder group receives it (drafting it if the round has closed)."""

    async def act(services: Services) -> None:
        summary = await services.summaries.show_or_draft(round_id, ACTOR)
        c = services.consultation
        for group in c.round(round_id).groups:
            out.print(f"--- the summary for {c.group(group).name} ({group}) ---", highlight=False)
            coming = await services.plans.coming(group, round_id)
            for text in summary_messages(summary, c, group, coming=coming, details=True):
                out.print(plain(text) + "\n", highlight=False, markup=False)
        withheld = team_text.withheld_quotes(summary)
        if withheld:
            out.print(withheld, highlight=False, markup=False)
        out.print(f"status: {summary.status.value}", highlight=False)

    _run(_with_services(act))


@summary_app.command("approve")
def approve(
    round_id: str = typer.Argument(..., help="Round id, as in the definition."),
    now: bool = typer.Option(False, "--now", help="Send it at once rather than at the round's summary time."),
) -> None:
    """Approves a round's summary: the running bot sends it at the summary time (or at once with --now)."""

    async def act(services: Services) -> None:
        approved = await services.summaries.approve(round_id, ACTOR, now)
        when = await services.summaries.goes_at(round_id, approved.send_now)
        goes = "within seconds" if when is None else f"at {team_text.local(when, services.consultation.zone)}"
        out.print(f"summary of round {round_id} approved: the running bot sends it {goes}", highlight=False)

    _run(_with_services(act))
