"""`carework coordinator list|remove|role` and `carework invite list|revoke`: who is on the team, and the
links not yet used. The CLI runs on the team's machine, so it shows coordinators' Telegram ids (they
are staff); it never shows a participant's. CAREWORK_COORDINATORS and CAREWORK_RESEARCHERS decide for
the ids they name."""

from __future__ import annotations

import typer

from bot.cli.app import _refuse, _run, _with_services, coordinator_app, invite_app, out
from bot.screens import team_text
from bot.settings import TeamSettings, load_settings
from carework_core.bootstrap import Services
from carework_core.people.roles import Roster, check_role

ACTOR = "cli"


def _configured() -> Roster:
    return _run(lambda: load_settings(TeamSettings)).roster()


@coordinator_app.command("list")
def list_coordinators() -> None:
    """Lists the coordinators on the team: number, Telegram id, how and when they joined."""
    configured = _configured()

    async def show(services: Services) -> None:
        zone = services.consultation.zone
        for line in team_text.team_lines(await services.coordinators.team(), zone, configured, telegram_ids=True):
            out.print(line, highlight=False)

    _run(_with_services(show))


@coordinator_app.command("remove")
def remove_coordinator(
    number: int = typer.Argument(..., metavar="ID", help="The coordinator's number, as `coordinator list` shows it."),
) -> None:
    """Takes a coordinator off the team (one named in CAREWORK_COORDINATORS is taken out there instead)."""
    configured = _configured()

    async def act(services: Services) -> None:
        removed = await services.coordinators.remove(number, ACTOR, configured)
        out.print(team_text.removed(removed), highlight=False)

    _run(_with_services(act))


@coordinator_app.command("role")
def set_role(
    number: int = typer.Argument(..., metavar="ID", help="The coordinator's number, as `coordinator list` shows it."),
    role: str = typer.Argument(..., metavar="ROLE", help="coordinator, or researcher (may also download the data)."),
) -> None:
    """Makes a team member a coordinator or a researcher (one named in the settings is changed there instead)."""
    configured = _configured()

    async def act(services: Services) -> None:
        member, changed = await services.coordinators.set_role(number, check_role(role), ACTOR, configured)
        said = "is now" if changed else "was already"
        out.print(f"coordinator {member.id} {said} a {role}", highlight=False)

    _run(_with_services(act))


@invite_app.command("list")
def list_invites() -> None:
    """Lists the invite links that still have uses left: reference, made, group, uses left."""

    async def show(services: Services) -> None:
        zone = services.consultation.zone
        for line in team_text.link_lines(await services.invite_links.unused(), zone):
            out.print(line, highlight=False)

    _run(_with_services(show))


@invite_app.command("revoke")
def revoke_invites(
    refs: list[str] = typer.Argument(None, metavar="[REF]...", help="Links to revoke, as `invite list` names them."),
    all_unused: bool = typer.Option(False, "--all-unused", help="Revoke every link with uses left."),
    group: str | None = typer.Option(None, help="With --all-unused: only this group's links (or coordinator)."),
) -> None:
    """Revokes invite links not yet used up: by reference (g12, c3), or --all-unused [--group G]."""
    if bool(refs) == all_unused or (group is not None and not all_unused):
        _run(lambda: _refuse("give the links to revoke (as `carework invite list` names them), or --all-unused"))

    async def act(services: Services) -> None:
        links = services.invite_links
        done = await links.revoke(refs, ACTOR) if refs else await links.revoke_unused(ACTOR, group)
        out.print(team_text.revoked(done), highlight=False)

    _run(_with_services(act))
