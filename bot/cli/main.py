"""The `carework` command: thin commands over the core's services.

Errors are translated in one place (`bot.cli.app._run`): a CareworkError prints its message and exits 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from random import Random

import typer

import bot.cli.coordinators  # noqa: F401  (registers status, remind, announce and round extend/reminder)
import bot.cli.items  # noqa: F401  (registers items import)
import bot.cli.report  # noqa: F401  (registers report)
import bot.cli.restore  # noqa: F401  (registers restore)
import bot.cli.summaries  # noqa: F401  (registers summary stats, show and approve)
import bot.cli.synthesis  # noqa: F401  (registers synthesis export and import)
import bot.cli.team  # noqa: F401  (registers coordinator list|remove and invite list|revoke)
import bot.cli.voice  # noqa: F401  (registers voice-notes)
from bot.cli.app import _refuse, _run, _with_services, app, invite_app, out, round_app
from bot.settings import Settings, StoreSettings, load_settings
from bot.text.catalogue_check import catalogue_problems
from carework_core.backups import back_up
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.definitions.changes import removed_group
from carework_core.definitions.loading import (
    check_definition,
    line_of,
    load_definition,
    reading_problems,
    translation_problems,
)
from carework_core.definitions.share_checks import share_warnings
from carework_core.errors import CareworkError, Problem
from carework_core.people.invite_tokens import MAX_USES, check_uses
from carework_core.people.roles import COORDINATOR, RESEARCHER

MAX_PARTICIPANTS = 10_000  # virtual participants in one rehearsal


@app.command()
def run() -> None:
    """Runs the bot (settings come from CAREWORK_* environment variables)."""
    from bot.logs import configure_logging
    from bot.runner import run_bot

    settings: Settings = _run(lambda: load_settings(Settings))
    configure_logging(log_format=settings.log_format)
    _run(lambda: load_definition(settings.survey))
    _run(run_bot(settings))


@app.command()
def init() -> None:
    """Creates the database named by CAREWORK_DATABASE, at a missing path or in an empty file (the bot also creates it on its first run)."""

    async def create() -> None:
        settings = load_settings(StoreSettings)
        path, key = settings.database, settings.invite_secret()
        existed = path.is_file() and path.stat().st_size > 0  # an empty file is taken, made owner-only
        services = await Services.open(path, settings.survey, SystemClock(), invite_key=key, adopt_empty=True)
        await services.close()
        out.print(f"{path} already exists; nothing changed" if existed else f"created {path}", highlight=False)

    _run(create())


@app.command()
def backup(target: Path = typer.Argument(..., metavar="OUT", help="The new file to write the copy to.")) -> None:
    """Copies the database, even while the bot runs, into a new private file, checked before it is named."""
    settings: StoreSettings = _run(lambda: load_settings(StoreSettings))
    facts = _run(lambda: back_up(settings.database, target))
    out.print(
        f"backed up {settings.database} to {target}: schema version {facts.schema_version}, "
        f"{facts.participants} participants, {facts.answers} answers, {facts.size_bytes / 1e6:.1f} MB; integrity ok. "
        "The invite key is not in it: keep CAREWORK_INVITE_KEY or the .key file safe, apart from the backup.",
        highlight=False,
    )


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., help="Consultation definition files (YAML)."),
    database: Path | None = typer.Option(None, help="Also refuse changes to rounds opened in this database."),
    participants: int | None = typer.Option(
        None, min=1, help="Warn when this many people would leave an idea with too few raters in a group."
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too, such as texts over the reading limits."),
) -> None:
    """Checks definitions; prints every problem as FILE:LINE: path: reason (warnings fail only with --strict)."""
    failed = False
    for file in files:
        problems = [str(p) for p in check_definition(file)]
        if not problems:
            problems = [str(p) for p in translation_problems(file)] + catalogue_problems(file)
        if not problems and database is not None:
            problems = _run(_changes_in(database, file))
        for problem in problems:
            typer.echo(problem)  # plain lines, never wrapped: editors and CI jump to FILE:LINE
        if not problems:
            c = load_definition(file)
            loaded = _run(_loaded_sizes(database, file)) if participants and database else None
            warnings = share_warnings(file, c, participants, loaded) if participants else []
            warnings += [str(p) for p in reading_problems(file)]
            warnings += _run(_loaded_reading(database, file)) if database else []
            for warning in warnings:
                typer.echo(warning)
            problems = warnings if strict else []
            questions = sum(len(r.questions) for r in c.rounds)
            typer.echo(
                f"{file}: {f'{len(warnings)} warnings (--strict)' if problems else 'ok'} ({len(c.groups)} groups, "
                f"{len(c.themes)} themes, {len(c.rounds)} rounds, {questions} questions)"
            )
        failed |= bool(problems)
    raise typer.Exit(1 if failed else 0)


async def _loaded_sizes(database: Path, survey: Path) -> dict[str, int]:
    """Returns how many items each item set loaded in a database holds (sets loaded with items import)."""
    key = load_settings(StoreSettings).invite_secret()
    services = await Services.open(database, survey, SystemClock(), create=False, invite_key=key)
    try:
        return await services.item_lists.sizes()
    finally:
        await services.close()


async def _loaded_reading(database: Path, survey: Path) -> list[str]:
    """Returns each text of the items loaded in a database (items import, synthesis) over the reading limits."""
    key = load_settings(StoreSettings).invite_secret()
    services = await Services.open(database, survey, SystemClock(), create=False, invite_key=key)
    try:
        loaded = await services.item_lists.reading_findings()
    finally:
        await services.close()
    return [f"{database}: item_sets.{item_set}[{item_id}].{name}: {why}" for item_set, item_id, name, why in loaded]


async def _changes_in(database: Path, survey: Path) -> list[str]:
    """Returns how a definition changes the rounds already opened in a database, and the groups with
    members it drops, one line each."""
    key = load_settings(StoreSettings).invite_secret()
    services = await Services.open(database, survey, SystemClock(), create=False, invite_key=key)
    try:
        gone = await services.rounds.removed_groups()
        changes = await services.rounds.definition_changes()
    finally:
        await services.close()
    line = line_of(survey, ("groups",))
    return [str(Problem(str(survey), line, "groups", removed_group(*g))) for g in gone] + [
        f"{survey}: {change}" for change in changes
    ]


@app.command()
def emulator(
    port: int = typer.Option(8081, help="Port on 127.0.0.1."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on (keep it on loopback)."),
    trace: Path | None = typer.Option(None, help="Write every request and response here as JSON lines."),
    faults: float = typer.Option(0.0, min=0.0, max=1.0, help="Fraction of bot requests that misbehave."),
    seed: int | None = typer.Option(None, help="Seed for the fault generator."),
    flood_control: bool = typer.Option(
        True, "--flood-control/--no-flood-control", help="Refuse sends above Telegram's limits with 429."
    ),
) -> None:
    """Runs the local Telegram Bot API emulator."""
    from botapi_emulator import serve

    serve(host, port, trace, faults, seed, flood_control)


@invite_app.callback(invoke_without_command=True)
def invite(
    ctx: typer.Context,
    group: str | None = typer.Option(None, help="Stakeholder group id, as in the definition."),
    count: int = typer.Option(1, min=1, max=1000, help="How many links to make."),
    uses: int = typer.Option(1, help=f"How many people may join through each link (1 to {MAX_USES})."),
    coordinator: bool = typer.Option(False, "--coordinator", help="Links that make someone a coordinator."),
    researcher: bool = typer.Option(
        False, "--researcher", help="Links that make someone a researcher (a coordinator who may download the data)."
    ),
) -> None:
    """Prints invite links for a stakeholder group (or, with --coordinator or --researcher, for the team), one
    per line; `invite list` and `invite revoke` show and revoke the links not yet used."""
    if ctx.invoked_subcommand is not None:
        return
    if [group is not None, coordinator, researcher].count(True) != 1:
        _run(lambda: _refuse("give exactly one of --group GROUP, --coordinator or --researcher"))
    _run(lambda: check_uses(uses))

    async def make(services: Services) -> None:
        username = load_settings(StoreSettings).bot_username or await services.get_state("bot_username")
        if not username:
            raise CareworkError(
                "the bot's username is not known yet: start the bot once with `carework run`, "
                "or set CAREWORK_BOT_USERNAME"
            )
        if coordinator or researcher:
            role = RESEARCHER if researcher else COORDINATOR
            tokens = [await services.coordinators.create_invite(uses, "cli", role) for _ in range(count)]
        else:
            tokens = await services.onboarding.create_invites(group or "", count, uses, actor="cli")
        for token in tokens:
            print(f"https://t.me/{username}?start={token}")

    _run(_with_services(make))


def _round_command(verb: str) -> Callable[[str], None]:
    def command(round_id: str = typer.Argument(..., help="Round id, as in the definition.")) -> None:
        async def act(services: Services) -> None:
            status = await getattr(services.rounds, f"{verb}_round")(round_id, actor="cli")
            out.print(f"round {round_id} is now {status.value}", highlight=False)

        _run(_with_services(act))

    command.__doc__ = {
        "open": "Opens a round; the running bot sends invitations within seconds.",
        "close": "Closes a round; later answers are politely refused.",
        "reopen": "Opens a closed round again.",
    }[verb]
    return command


for _verb in ("open", "close", "reopen"):
    round_app.command(_verb)(_round_command(_verb))


@round_app.command("status")
def round_status() -> None:
    """Lists every round with its status and plan: opens, closes, numbered reminders, coordinators' changes."""
    from bot.screens.team_text import plan_lines

    async def show(services: Services) -> None:
        for line in plan_lines(await services.progress.overview(), services.consultation.zone):
            out.print(line, highlight=False)

    _run(_with_services(show))


@app.command()
def export(
    path: Path = typer.Argument(..., help="The file to write: .xlsx, or .zip with --format csv."),
    round_id: str | None = typer.Option(None, "--round", help="Only this round's answers and sheet."),
    since: datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help="Only answers from this date (YYYY-MM-DD)."),
    format: str = typer.Option(
        "xlsx", "--format", help="xlsx (one workbook) or csv (csv files and codebook.csv in a zip)."
    ),
) -> None:
    """Writes the researchers' workbook (answers, people, rounds, items, codebook), keyed by pseudonymous codes."""

    async def write(services: Services) -> None:
        survey = load_settings(StoreSettings).survey
        day = since.date() if since else None
        counts = await services.exports.workbook(path, round_id=round_id, since=day, format=format, definition=survey)
        out.print(
            f"wrote {counts['answers']} answers from {counts['participants']} participants to {path}", highlight=False
        )

    _run(_with_services(write))


@app.command()
def rehearse(
    survey: Path = typer.Argument(..., help="The consultation definition to rehearse."),
    participants: int = typer.Option(20, min=1, max=MAX_PARTICIPANTS, help="How many virtual participants."),
    out: Path = typer.Option(..., help="Folder for export.xlsx, trace.jsonl, transcripts/ and bot.log."),
    answers: Path | None = typer.Option(None, help="Free-text answers, one per line, used in turn."),
    seed: int | None = typer.Option(None, help="Seed for ratings and choices."),
    faults: float = typer.Option(0.0, min=0.0, max=1.0, help="Fraction of Bot API requests that misbehave."),
) -> None:
    """Runs every round with virtual participants against the local emulator."""
    from rehearsal.bank import TextSource
    from rehearsal.report import run_rehearsal

    _run(lambda: load_definition(survey))
    if answers is not None:  # refused before the out folder is made
        _run(lambda: TextSource.from_file(Random(), answers))
    raise typer.Exit(_run(run_rehearsal(survey, participants, out, answers, seed, faults)))


@app.command()
def demo(
    participants: int = typer.Option(100, min=1, max=MAX_PARTICIPANTS, help="How many virtual participants."),
    out: Path = typer.Option(Path("demo-output"), help="Where to write the results."),
) -> None:
    """Rehearses surveys/carework.yaml with about 100 virtual participants into ./demo-output."""
    from rehearsal.report import run_rehearsal

    raise typer.Exit(_run(run_rehearsal(Path("surveys/carework.yaml"), participants, out, None, 2026)))


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
