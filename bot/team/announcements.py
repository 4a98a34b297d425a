"""A coordinator's announcement in Telegram: /announce, its text as the next message, a preview, Send."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, respond
from bot.screens import team_text
from bot.screens.render import Button, Reply
from bot.team.access import member, tapped, team_only, usage
from carework_core.errors import CareworkError
from carework_core.people.coordinators import Announcement, Coordinator, Held


@team_only
async def announce(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Starts an announcement: the coordinator's next message is its text."""
    if len(context.args or []) != 1:
        return await usage(update, context, "/announce GROUP or /announce all")
    await context.services.coordinators.begin_announcement(me, context.args[0])
    await respond(update, context, Reply(escape(f"Send the announcement for {context.args[0]} as your next message.")))


async def announcement_text(update: Update, context: CareworkContext) -> None:
    """Takes a coordinator's text as the waiting announcement and shows a preview; others go on."""
    me = await member(update, context)
    if me is None:
        return  # a participant's answer: group 1 takes it
    if await _summary_opening(update, context, me):
        raise ApplicationHandlerStop
    team = context.services.coordinators
    try:
        draft = await team.take_text(me, update.message.text)
    except CareworkError as exc:  # too long: the announcement still waits for its text
        await respond(update, context, Reply(escape(str(exc))))
        raise ApplicationHandlerStop from None
    if draft is None:
        if await context.services.onboarding.participant(update.effective_user.id):
            return  # a coordinator who also takes part is answering a question
        await respond(
            update, context, Reply(escape(f"You are on the consultation team. You can use:\n{team_text.TEAM_COMMANDS}"))
        )
        raise ApplicationHandlerStop
    await respond(update, context, await _preview(context, draft))
    raise ApplicationHandlerStop


async def _preview(context: CareworkContext, draft: Announcement) -> Reply:
    """Shows the announcement as it will read, with Send and Cancel; in quiet hours Send says when it
    goes (when they end) and Send now (urgent) sends it at once."""
    team = context.services.coordinators
    head = f"This goes to {team_text.people(await team.reach(draft.audience))} ({draft.audience}):"
    send, quiet = "Send", team.quiet_until()
    if quiet is not None:
        send = f"Send at {quiet.astimezone(context.services.consultation.zone):%H:%M}"
    rows = ((Button(send, cb.Announce(draft.id, True)), Button("Cancel", cb.Announce(draft.id, False))),)
    if quiet is not None:
        rows += ((Button("Send now (urgent)", cb.Announce(draft.id, True, urgent=True)),),)
    return Reply(f"{escape(head)}\n\n{escape(draft.text or '')}", rows)


async def _summary_opening(update: Update, context: CareworkContext, me: Coordinator) -> bool:
    """Takes the text as a summary's new opening when the coordinator tapped Replace opening; False otherwise."""
    try:
        changed = await context.services.summaries.take_opening(me, update.message.text)
    except CareworkError as exc:
        await respond(update, context, Reply(escape(f"{exc}. Tap Replace opening to try again.")))
        return True
    if changed is None:
        return False
    said = f"The opening of round {changed.round_id}'s summary is replaced. /summary {changed.round_id} shows it."
    await respond(update, context, Reply(escape(said)))
    return True


@team_only
async def confirm_announcement(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Sends the announcement to everyone it is for, or cancels it."""
    data, done = await tapped(update, cb.Announce)
    team = context.services.coordinators
    if not data.send:
        cancelled = await team.cancel_announcement(data.announcement_id, me.actor)
        return await respond(update, context, done, Reply("Announcement cancelled." if cancelled else "Already done."))
    draft = await team.announcement(data.announcement_id)
    sent = await team.send_announcement(draft.id, Reply(escape(draft.text or "")).params(), me.actor, data.urgent)
    if isinstance(sent, Held):
        when = team_text.local(sent.goes_at, context.services.consultation.zone)
        said = f"Announcement will go to {team_text.people(sent.recipients)} when quiet hours end, {when}."
    elif sent:
        said = f"Announcement queued for {team_text.people(sent.recipients)}."
    else:
        said = "This announcement was already sent or cancelled."
    await respond(update, context, done, Reply(escape(said)))
    context.bot_data.wake_sender()


HANDLERS = [
    CommandHandler("announce", announce),
    CallbackQueryHandler(confirm_announcement, pattern=matches(cb.Announce)),
    MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, announcement_text),
]
