"""Between-round summaries in Telegram: the team reviews and approves a draft with /summary; a
participant pages through a rating round's summary (its first screen, then each idea) and their digest,
each tap editing the same message."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, Edit, answer_query, respond
from bot.screens import deadend_text, team_text
from bot.screens.render import Button, Reply
from bot.summaries import reason_text
from bot.summaries.digest_text import digest_page
from bot.summaries.sending import digest_reply
from bot.summaries.summary_text import summary_messages, summary_page
from bot.team.access import tapped, team_only, usage
from carework_core.people.coordinators import Coordinator
from carework_core.results.summary import Digest, Summary, SummaryStatus


@team_only
async def summary(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Shows a round's summary as each group receives it, a sample digest, and what can be done with it."""
    if len(context.args or []) != 1:
        return await usage(update, context, "/summary ROUND")
    shown = await context.services.summaries.show_or_draft(context.args[0], me.actor)
    await respond(
        update,
        context,
        *await _preview(context, shown),
        *await _reasons(context, shown),
        await _actions(context, shown),
    )


async def _preview(context: CareworkContext, shown: Summary) -> list[Reply]:
    """Returns the summary as each group receives it (one copy per different text) and one sample digest."""
    c = context.services.consultation
    replies, seen = [], {}
    for group in c.round(shown.round_id).groups:
        coming = await context.services.plans.coming(group, shown.round_id)
        texts = summary_messages(shown, c, group, coming=coming, details=True)
        name = c.group(group).name
        if tuple(texts) in seen:
            replies.append(Reply(escape(f"For {name}: the same summary as for {seen[tuple(texts)]}.")))
            continue
        seen[tuple(texts)] = name
        replies.append(Reply(escape(f"The summary for {name}:")))
        replies += [Reply(text) for text in texts]
    withheld = team_text.withheld_quotes(shown)
    if withheld:
        replies.append(Reply(escape(withheld)))
    sample = await context.services.digests.sample(shown.round_id)
    if sample is not None:
        text, _ = digest_page(sample, c, 0)
        replies.append(Reply(f"{escape('One participant’s digest, as a sample:')}\n\n{text}"))
    return replies


async def _reasons(context: CareworkContext, shown: Summary) -> list[Reply]:
    """Returns, while the summary is a draft, the reasons it may show with a Show or Hide button each."""
    if shown.status != SummaryStatus.DRAFT:
        return []
    c = context.services.consultation
    choices = await context.services.summaries.reasons.choices(shown.round_id)
    return reason_text.reason_choices(choices, shown, c, c.summaries.reasons_per_idea)


async def _actions(context: CareworkContext, shown: Summary) -> Reply:
    """Returns where the summary stands and, while it is a draft, the buttons that change or approve it."""
    rid = shown.round_id
    when = await context.services.summaries.goes_at(rid)
    at = "straight away" if when is None else f"at {team_text.local(when, context.services.consultation.zone)}"
    if shown.status != SummaryStatus.DRAFT:
        return Reply(escape(f"The summary of round {rid} is {shown.status.value}."))
    rows = [(Button("Replace opening", cb.SummaryAct(rid, "opening")),)]
    rows += [
        (Button(f"Drop excerpt {e.number}", cb.SummaryAct(rid, "drop", e.number)),)
        for e in shown.excerpts
        if e.goes_out
    ]
    rows.append((Button("Approve", cb.SummaryAct(rid, "approve")), Button("Send now", cb.SummaryAct(rid, "now"))))
    text = f"This is a draft: nobody has received it. Once approved, it goes out {at}."
    return Reply(escape(text), tuple(rows))


@team_only
async def summary_act(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Replaces the opening (the next message), drops an excerpt, shows or hides a reason, approves, or sends now."""
    data = cb.unpack(update.callback_query.data)
    if isinstance(data, cb.SummaryAct) and data.act in ("show", "hide"):
        return await _show_or_hide(
            update, context, me, data
        )  # the tap is answered once it worked: a refusal's toast says why
    data, done = await tapped(update, cb.SummaryAct)
    summaries, rid = context.services.summaries, data.round_id
    if data.act == "opening":
        await summaries.await_opening(rid, me)
        return await respond(
            update, context, Reply(escape(f"Send the new opening of round {rid}'s summary as your next message."))
        )
    if data.act == "drop":
        changed = await summaries.drop_excerpt(rid, data.number, me.actor)
        return await respond(update, context, done, *await _preview(context, changed), await _actions(context, changed))
    # "approve" or "now": SummaryAct refuses any other action, so nothing forged falls through to here.
    approved = await summaries.approve(rid, me.actor, now=data.act == "now")
    when = await summaries.goes_at(rid, approved.send_now)
    goes = "now" if when is None else f"at {team_text.local(when, context.services.consultation.zone)}"
    await respond(update, context, done, Reply(escape(f"Approved. The summary of round {rid} goes out {goes}.")))


async def _show_or_hide(update: Update, context: CareworkContext, me: Coordinator, data: cb.SummaryAct) -> None:
    """Shows or hides a reason under its idea, and redraws that idea's list in place."""
    reasons, rid = context.services.summaries.reasons, data.round_id
    await (reasons.show if data.act == "show" else reasons.hide)(rid, data.number, me.actor)
    await answer_query(update.callback_query)
    choices = await reasons.choices(rid)
    idea = next((ch.reason.idea for ch in choices if ch.reason.reason_id == data.number), None)
    listed = [ch for ch in choices if ch.reason.idea == idea]
    said = "shown" if data.act == "show" else "hidden"
    note = Reply(escape(f"Reason R{data.number} is {said}. Send /summary {rid} to see the summary as people will."))
    if not listed:  # its writer stopped agreeing to be quoted since the list was drawn
        return await respond(update, context, note)
    reply = reason_text.idea_choices(listed, await context.services.summaries.show(rid), context.services.consultation)
    await respond(update, context, Edit(update.callback_query.message.message_id, reply), note)


async def digest_more(update: Update, context: CareworkContext) -> None:
    """Shows another page of a participant's digest in the same message."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.DigestPage)
    digest = await _sent_digest(context, update.effective_user.id, data.round_id)
    if digest is None:
        return await answer_query(query, deadend_text.unknown_button(context.words))
    await answer_query(query)
    reply = digest_reply(digest, context.services.consultation, data.page, context.words)
    await respond(update, context, Edit(query.message.message_id, reply))


async def summary_more(update: Update, context: CareworkContext) -> None:
    """Shows another page of a rating round's summary (its first screen, or one idea) in the same message."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.SummaryPage)
    services = context.services
    person = await services.onboarding.participant(update.effective_user.id)
    summary = await services.summaries.sent_to(data.round_id, person)
    reply = None
    if summary is not None:  # sent_to checked the person
        coming = await services.plans.coming(person.group_id, after=data.round_id)
        reply = summary_page(summary, services.consultation, person.group_id, data.page, context.words, coming)
    if reply is None:
        return await answer_query(query, deadend_text.unknown_button(context.words))
    await answer_query(query)
    await respond(update, context, Edit(query.message.message_id, reply))


async def _sent_digest(context: CareworkContext, telegram_user_id: int, round_id: str) -> Digest | None:
    """Returns the person's digest of a round whose summary went out, as kept, else None. (The guards
    checked that the bot sent them this button.)"""
    person = await context.services.onboarding.participant(telegram_user_id)
    return None if person is None else await context.services.digests.sent(round_id, person.id)


TEAM_HANDLERS = [
    CommandHandler("summary", summary),
    CallbackQueryHandler(summary_act, pattern=matches(cb.SummaryAct)),
]
PARTICIPANT_HANDLERS = [
    CallbackQueryHandler(digest_more, pattern=matches(cb.DigestPage)),
    CallbackQueryHandler(summary_more, pattern=matches(cb.SummaryPage)),
]
