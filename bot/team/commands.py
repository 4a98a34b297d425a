"""The consultation team's commands inside Telegram: progress, the plan, reminders, links, the workbook.

Every handler here runs in group 0, before the participants' handlers, behind `team_only`
(team_access.py); announcements have their own module.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, respond
from bot.report.page import report_page
from bot.screens import render, team_text
from bot.screens.render import Button, Reply
from bot.team import announcements
from bot.team.access import lines, researcher_only, tapped, team_only, usage
from carework_core.errors import CareworkError, InviteUsedUp
from carework_core.people.coordinators import Coordinator, Joined
from carework_core.people.invite_tokens import MAX_USES
from carework_core.research.export import check_round
from carework_core.rounds.plans import parse_local_time

log = logging.getLogger(__name__)
INVITE_USAGE = f"/invite GROUP [USES] or /invite coordinator [USES], where USES is a whole number from 1 to {MAX_USES}"


async def start(update: Update, context: CareworkContext) -> None:
    """Welcomes a coordinator (joining through a coordinator link, or back again); others go on to onboarding."""
    user = update.effective_user
    token = context.args[0] if context.args else None
    try:
        found = await context.services.coordinators.start(
            user.id, update.effective_chat.id, token, context.bot_data.team
        )
    except InviteUsedUp:
        await respond(update, context, render.plain(context.words, "invite_used_up"))
        raise ApplicationHandlerStop from None  # onboarding would not know this link at all
    if found is None:
        return  # a participant: onboarding, in group 1, takes it
    head = (
        "You have joined the consultation team." if isinstance(found, Joined) else "You are on the consultation team."
    )
    if found.coordinator.researcher:
        head += " As a researcher, you can also download the data."
    await respond(update, context, Reply(escape(f"{head} You can use:\n{team_text.TEAM_COMMANDS}")))
    raise ApplicationHandlerStop


@team_only
async def status(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Shows invited, started and finished per round and group, with warnings."""
    await respond(update, context, lines(team_text.status_lines(await context.services.progress.report())))


@team_only
async def rounds(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Shows each round's status and plan."""
    overview = await context.services.progress.overview()
    await respond(update, context, lines(team_text.plan_lines(overview, context.services.consultation.zone)))


def _move(verb: str) -> Callable[[Update, CareworkContext], Awaitable[None]]:
    @team_only
    async def move(update: Update, context: CareworkContext, me: Coordinator) -> None:
        if len(context.args or []) != 1:
            return await usage(update, context, f"/{verb} ROUND")
        new = await getattr(context.services.rounds, f"{verb}_round")(context.args[0], actor=me.actor)
        then = " Invitations go out within seconds." if verb == "open" else ""
        await respond(update, context, Reply(escape(f"Round {context.args[0]} is now {new.value}.{then}")))

    move.__doc__ = f"Makes a round {verb} now."
    return move


@team_only
async def extend(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Sets a round's new closing time; a closed round opens again until then."""
    args = context.args or []
    if len(args) < 2:
        return await usage(update, context, "/extend ROUND UNTIL, e.g. /extend r1 2026-01-25 21:00 or /extend r1 +3d")
    services = context.services
    until = parse_local_time(" ".join(args[1:]), services.consultation.zone, services.now())
    done = await services.plans.extend(args[0], until, me.actor)
    said = team_text.extension(args[0], done, services.consultation.zone, f"/open {args[0]}")
    await respond(update, context, Reply(escape(f"{said[0].upper()}{said[1:]}.")))


@team_only
async def remind(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Says how many a reminder would reach now and asks to confirm."""
    if len(context.args or []) != 1:
        return await usage(update, context, "/remind ROUND")
    round_id = context.args[0]
    plan = await context.services.plans.plan(round_id)
    reach = await context.services.plans.check_reminder(round_id)  # refused if it would only repeat one
    count = reach.due
    if count == 0:
        return await respond(update, context, Reply(escape(f"Nobody to remind in round {round_id}: no one waits.")))
    buttons = (
        Button("Send reminder", cb.RemindNow(round_id, len(plan.reminders), True)),
        Button("Cancel", cb.RemindNow(round_id, len(plan.reminders), False)),
    )
    gap = context.services.consultation.reminder_gap
    text = team_text.reminder_question(round_id, count, reach.held_back, gap)
    await respond(update, context, Reply(escape(text), (buttons,)))


@team_only
async def confirm_remind(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Adds the reminder now (the schedule job sends it), or leaves it."""
    data, done = await tapped(update, cb.RemindNow)
    plans = context.services.plans
    if not data.go:
        return await respond(update, context, done, Reply("No reminder sent."))
    if len((await plans.plan(data.round_id)).reminders) != data.seen:
        return await respond(
            update, context, done, Reply(escape(f"A reminder to round {data.round_id} was already added."))
        )
    count = await plans.reminder_recipients(data.round_id)
    await plans.remind_now(data.round_id, me.actor)
    said = f"Reminder to round {data.round_id} is on its way to {team_text.people(count)}."
    quiet = await plans.quiet_until()
    if quiet is not None:
        zone = context.services.consultation.zone
        said = f"Reminder to round {data.round_id} will go to {team_text.people(count)} when quiet hours end, {team_text.local(quiet, zone)}."
    await respond(update, context, done, Reply(escape(said)))


def _uses(text: str) -> int | None:
    """Reads USES: ASCII digits only (str.isdigit also takes "²"), from 1 to MAX_USES; None otherwise."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_USES))):
        return None
    return int(text) if 1 <= int(text) <= MAX_USES else None


@team_only
async def invite(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Replies with an invite link for a group, or a coordinator link with /invite coordinator."""
    args = context.args or []
    uses = _uses(args[1]) if len(args) == 2 else 1
    if not 1 <= len(args) <= 2 or uses is None:
        return await usage(update, context, INVITE_USAGE)
    if args[0] == "coordinator":
        token = await context.services.coordinators.create_invite(uses, me.actor)
        what = "A link that makes someone a coordinator"
    else:
        (token,) = await context.services.onboarding.create_invites(args[0], 1, uses, me.actor)
        what = f"An invite link for {args[0]}"
    link = f"https://t.me/{context.bot.username}?start={token}"
    await respond(update, context, Reply(escape(f"{what} ({uses} use{'s' if uses > 1 else ''}):\n{link}")))


@researcher_only
async def export(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Says the workbook is on its way, then builds and sends it without holding up anyone's update."""
    round_id = context.args[0] if context.args else None
    check_round(context.services.consultation, round_id)  # refused before anything is promised
    await respond(update, context, Reply(escape(team_text.PREPARING)))
    # Updates are processed one at a time: awaiting the export here would keep everyone waiting.
    task = _send_workbook(context, update.effective_chat.id, round_id, me.actor)
    context.application.create_task(task, update=update)


async def _send_workbook(context: CareworkContext, chat_id: int, round_id: str | None, actor: str) -> None:
    """Builds the workbook in a worker thread and sends it as a document."""
    services = context.services

    async def workbook(path: Path) -> str:
        counts = await services.exports.workbook(
            path, round_id=round_id, definition=context.bot_data.survey, actor=actor
        )
        log.info("workbook built", extra={"answers": counts["answers"]})
        return team_text.exported(counts)

    await _send_file(context, chat_id, "xlsx", workbook)


@researcher_only
async def report(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Says the report is on its way, then builds and sends it as an HTML file without holding anyone up."""
    round_ids = list(context.args or [])
    for round_id in round_ids:
        check_round(context.services.consultation, round_id)  # refused before anything is promised
    await respond(update, context, Reply(escape(team_text.PREPARING_REPORT)))
    task = _send_report(context, update.effective_chat.id, round_ids, me.actor)
    context.application.create_task(task, update=update)


async def _send_report(context: CareworkContext, chat_id: int, round_ids: list[str], actor: str) -> None:
    """Builds the report and sends it as an HTML document."""
    services = context.services

    async def report_file(path: Path) -> str:
        found = await services.reports.report(round_ids or None)
        page = await asyncio.to_thread(report_page, found)  # a large report takes a moment: not on the event loop
        await services.reports.save(path, page, round_ids or None, actor=actor)
        log.info("report built", extra={"rounds": len(found.round_ids)})
        return team_text.reported(found.round_ids)

    await _send_file(context, chat_id, "report.html", report_file)


async def _send_file(
    context: CareworkContext, chat_id: int, kind: str, write: Callable[[Path], Awaitable[str]]
) -> None:
    """Writes a file for the team in a private temporary folder (`write` returns its caption), sends it as a
    document, paced like the outbox, and deletes it; a refusal is said in its own words, a failure kindly."""
    services = context.services
    folder = Path(tempfile.mkdtemp(prefix="carework-file-"))  # private to this user (0700)
    c = services.consultation
    stem, _, suffix = kind.rpartition(".")
    path = folder / f"{c.id}-{stem + '-' if stem else ''}{services.now().astimezone(c.zone):%Y%m%d-%H%M}.{suffix}"
    try:
        caption = await write(path)
        await context.bot_data.direct(  # a retry after flood control reads the file again
            chat_id, lambda: context.bot.send_document(chat_id, path.read_bytes(), filename=path.name, caption=caption)
        )
        log.info("file sent", extra={"kind": suffix})
    except CareworkError as exc:
        await context.bot.send_message(chat_id, str(exc))
    except Exception:
        log.exception("file failed", extra={"kind": suffix})
        await context.bot.send_message(chat_id, render.TEXT["oops"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler("status", status),
    CommandHandler("rounds", rounds),
    CommandHandler("open", _move("open")),
    CommandHandler("close", _move("close")),
    CommandHandler("extend", extend),
    CommandHandler("remind", remind),
    CommandHandler("invite", invite),
    CommandHandler("export", export),
    CommandHandler("report", report),
    CallbackQueryHandler(confirm_remind, pattern=matches(cb.RemindNow)),
    *announcements.HANDLERS,  # the coordinator's next message may be an announcement's text
]
