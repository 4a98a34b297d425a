"""The coordinators' verbs in the `carework` command: progress, the plan, reminders and announcements.

The same verbs as in Telegram (bot/team/commands.py); the audit log names the actor `cli`.
"""

from __future__ import annotations

from html import escape

import typer

from bot.cli.app import _refuse, _run, _with_services, app, out, round_app
from bot.screens import team_text
from bot.screens.render import Reply
from carework_core.bootstrap import Services
from carework_core.people.coordinators import Held, check_announcement
from carework_core.rounds.plans import parse_local_time

ACTOR = "cli"


@app.command()
def status() -> None:
    """Shows invited, started, finished and unreachable per round and stakeholder group, with warnings."""

    async def show(services: Services) -> None:
        for line in team_text.status_lines(await services.progress.report()):
            out.print(line, highlight=False)

    _run(_with_services(show))


@round_app.command("extend")
def extend(
    round_id: str = typer.Argument(..., help="Round id, as in the definition."),
    until: str = typer.Argument(..., help='New closing time: "2026-01-25 21:00", 2026-01-25 or +3d.'),
) -> None:
    """Sets a round's closing time (a closed round, or a draft one whose planned window passed, opens until then)."""

    async def act(services: Services) -> None:
        zone = services.consultation.zone
        when = parse_local_time(until, zone, services.now())
        done = await services.plans.extend(round_id, when, ACTOR)
        out.print(team_text.extension(round_id, done, zone, f"carework round open {round_id}"), highlight=False)

    _run(_with_services(act))


@round_app.command("reminder")
def reminder(
    round_id: str = typer.Argument(..., help="Round id, as in the definition."),
    number: int = typer.Argument(..., help="The reminder's number, as `carework round status` shows it."),
    move: str | None = typer.Option(None, help='Move it to this time: "2026-01-25 18:00", 2026-01-25 or +1d.'),
    cancel: bool = typer.Option(False, "--cancel", help="Cancel it."),
) -> None:
    """Moves (--move WHEN) or cancels (--cancel) a reminder that has not gone out yet."""
    if (move is None) == (not cancel):
        _run(lambda: _refuse("give exactly one of --move WHEN or --cancel"))

    async def act(services: Services) -> None:
        zone = services.consultation.zone
        if cancel:
            await services.plans.cancel_reminder(round_id, number, ACTOR)
            out.print(f"reminder {number} of round {round_id} is cancelled", highlight=False)
            return
        when = parse_local_time(move or "", zone, services.now())
        await services.plans.move_reminder(round_id, number, when, ACTOR)
        out.print(f"reminder {number} of round {round_id} now goes {team_text.local(when, zone)}", highlight=False)

    _run(_with_services(act))


@app.command()
def remind(
    round_id: str = typer.Argument(..., help="Round id, as in the definition."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask to confirm."),
) -> None:
    """Reminds everyone invited to a round who has not finished, now (the running bot sends it)."""

    async def act(services: Services) -> None:
        plans = services.plans
        count = (await plans.check_reminder(round_id)).due  # refused if everyone had one within the gap
        if not yes and not typer.confirm(
            f"a reminder to round {round_id} would go to {team_text.people(count)}; send it?"
        ):
            out.print("no reminder sent", highlight=False)
            return
        await plans.remind_now(round_id, ACTOR)
        quiet = await plans.quiet_until()
        when = (
            f"when quiet hours end, {team_text.local(quiet, services.consultation.zone)}" if quiet else "within seconds"
        )
        out.print(
            f"reminder to round {round_id} added: the running bot sends it to {team_text.people(count)} {when}",
            highlight=False,
        )

    _run(_with_services(act))


@app.command()
def announce(
    audience: str = typer.Argument(..., help="A stakeholder group id, or all."),
    text: str = typer.Option(..., help="The announcement, as participants will read it."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask to confirm."),
    urgent: bool = typer.Option(False, "--urgent", help="Send it now even in quiet hours (else it waits for them)."),
) -> None:
    """Sends an announcement to every consented, reachable participant of a group (or all)."""

    async def act(services: Services) -> None:
        team = services.coordinators
        check_announcement(text)  # refused before the question, not after the coordinator said yes
        count = await team.reach(audience)
        if not yes and not typer.confirm(f"this goes to {team_text.people(count)} ({audience}):\n\n{text}\n\nsend it?"):
            out.print("announcement not sent", highlight=False)
            return
        draft = await team.draft(text, audience)
        sent = await team.send_announcement(draft, Reply(escape(text)).params(), ACTOR, urgent)
        assert sent is not None  # a fresh draft is always ready
        said = f"announcement queued for {team_text.people(sent.recipients)} ({audience})"
        if isinstance(sent, Held):
            when = team_text.local(sent.goes_at, services.consultation.zone)
            said = (
                f"announcement will go to {team_text.people(sent.recipients)} ({audience}) when quiet hours end, "
                f"{when} (the running bot sends it; --urgent sends it now)"
            )
        out.print(said, highlight=False)

    _run(_with_services(act))
