"""Between-round summaries leaving the bot: drafts announced to the team, approved summaries rendered
for everyone they are for and queued on the broadcast lane. The core decides; this renders."""

from __future__ import annotations

import asyncio
import logging

from bot import callbacks as cb
from bot.screens.render import Button, Reply
from bot.summaries.digest_text import digest_page
from bot.summaries.summary_text import summary_replies
from bot.text.catalogue import ENGLISH, Words, speaking, words
from bot.text.chart import chart_caption, chart_png
from carework_core.bootstrap import Services
from carework_core.definitions.model import Consultation
from carework_core.messaging.outbox import Lane, MessageKind, OutgoingMessage
from carework_core.people.model import Participant
from carework_core.results.summary import Digest, Summary, SummaryKind, chart_id
from carework_core.rounds.schedule import SendSummary

log = logging.getLogger(__name__)


def digest_reply(digest: Digest, consultation: Consultation, page: int, w: Words = ENGLISH) -> Reply:
    """Returns one page of a person's digest with its buttons: See all from the first page, then Back and More."""
    text, more = digest_page(digest, consultation, page, w=w)
    row = []
    if page > 0:
        row.append(Button(w("Back"), cb.DigestPage(digest.round_id, page - 1)))
    if more:
        row.append(Button(w("See all") if page == 0 else w("More"), cb.DigestPage(digest.round_id, page + 1)))
    return Reply(text, (tuple(row),) if row else ())


async def send_summary(services: Services, action: SendSummary) -> int:
    """Renders an approved summary for each of its people and queues it with the record that it went."""
    summary = await services.summaries.show(action.round_id)
    people = await services.summaries.recipients(action.round_id)
    consultation = services.consultation
    # One rendering per group and language: each person reads their own language.
    kinds = {(p.group_id, speaking(p.language, consultation.languages).lang) for p in people}
    # What comes next differs by group: only their own rounds, and no date that has passed.
    coming = {g: await services.plans.coming(g, after=action.round_id) for g in {g for g, _ in kinds}}
    shared = {(g, lang): summary_replies(summary, consultation, g, words(lang), coming[g]) for g, lang in kinds}
    digests: dict[int, Digest] = {}
    captions: dict[str, str] = {}
    if summary.kind == SummaryKind.RATINGS and summary.stats is not None:
        digests = {d.participant_id: d for d in await services.digests.of_round(action.round_id)}  # as kept
        for lang in sorted({lang for _, lang in kinds}):  # one chart per language, not per person
            await _chart(services, summary, lang)
            captions[lang] = chart_caption(summary.stats, summary.item_titles, consultation, words(lang))
    messages = []
    for person in people:
        lang = speaking(person.language, consultation.languages).lang
        texts, caption = shared[(person.group_id, lang)], captions.get(lang)
        messages += _for_person(person, summary, texts, digests.get(person.id), caption, consultation)
    added = await services.summaries.send(action, messages, len(people), summary)
    log.info("summary queued", extra={"round": action.round_id, "people": len(people), "messages": added})
    return added


async def _chart(services: Services, summary: Summary, lang: str) -> None:
    """Stores the round's chart in a language (drawn once, from the approved figures)."""
    consultation = services.consultation
    if await services.summaries.chart(chart_id(summary.round_id, lang)) is None:
        # Drawing takes a second or more: off the event loop, so replies go on meanwhile.
        figures, titles = summary.stats, summary.item_titles
        png = await asyncio.to_thread(chart_png, figures, titles, consultation, words(lang))
        await services.summaries.keep_chart(summary.round_id, png, lang)


def _for_person(
    person: Participant,
    summary: Summary,
    shared: list[Reply],
    digest: Digest | None,
    caption: str | None,
    consultation: Consultation,
) -> list[OutgoingMessage]:
    """Returns one person's messages: the chart, the shared part, then their digest's first page."""
    chat, key = person.chat_id, f"summary:{summary.round_id}:{person.id}"

    def message(params: dict, part: str, kind: MessageKind = MessageKind.SEND) -> OutgoingMessage:
        return OutgoingMessage(
            chat, {"chat_id": chat, **params}, f"{key}:{part}", person.id, kind=kind, lane=Lane.BROADCAST
        )

    out = []
    if caption is not None:
        chart = chart_id(summary.round_id, speaking(person.language, consultation.languages).lang)
        out.append(message({"chart": chart, "caption": caption}, "chart", MessageKind.CHART))
    out += [message(reply.params(), str(n)) for n, reply in enumerate(shared)]
    if digest is not None and digest.lines:
        w = speaking(person.language, consultation.languages)
        out.append(message(digest_reply(digest, consultation, 0, w).params(), "digest"))
    return out
