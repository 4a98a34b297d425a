"""How a round's summary reads on a phone: short lines, plain words, Telegram HTML.

Pure: a Summary in, message texts out (a rating round's first screen and idea pages: summary_first;
a person's digest: digest_text). Everything written by people or coordinators is
escaped. A group too small to be shown on its own (suppressed) is never named: its people are
counted only in everyone's figures.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot import callbacks as cb
from bot.screens.round_text import day_of, what_comes_next
from bot.summaries.summary_answers import asked_blocks, examples_next
from bot.summaries.summary_first import first_screen, idea_page, ideas
from bot.text.catalogue import ENGLISH, Html, Words, in_language
from bot.text.reply import Button, Reply
from bot.text.telegram_html import split_html
from carework_core.definitions.model import Consultation
from carework_core.results.summary import ALL_GROUPS, ExamplesTally, Excerpt, Summary, SummaryKind
from carework_core.rounds.next_round import Coming

EXAMPLES_SCREEN = 1000  # an examples summary comes as messages of about a screen each, cut between paragraphs


def summary_replies(
    summary: Summary, consultation: Consultation, group_id: str, w: Words = ENGLISH, coming: Coming | None = None
) -> list[Reply]:
    """Returns the summary a person of this group receives, in w's language, as one or more HTML messages;
    `coming` is what comes next for the group (without it, the next round as drafted, for the team's views).
    A rating round's opens with one screen whose button pages through each idea in place."""
    if summary.kind == SummaryKind.EXAMPLES or summary.stats is None:
        return [Reply(text) for text in _examples_messages(summary, consultation, group_id, w, coming)]
    first, *rest = _first(summary, consultation, w, coming)
    shown = ideas(summary, consultation)
    buttons = ((Button(w("See each idea"), cb.SummaryPage(summary.round_id, 1)),),) if shown else ()
    return [Reply(first, buttons), *(Reply(text) for text in rest)]


def summary_messages(
    summary: Summary,
    consultation: Consultation,
    group_id: str,
    w: Words = ENGLISH,
    coming: Coming | None = None,
    details: bool = False,
) -> list[str]:
    """Returns the texts of summary_replies; with `details`, each idea's page after them (for the team)."""
    texts = [r.text for r in summary_replies(summary, consultation, group_id, w, coming)]
    if details and summary.kind == SummaryKind.RATINGS:
        shown = ideas(summary, consultation)
        pages = [idea_page(w, summary, consultation, group_id, idea, len(shown)) for idea in shown]
        texts += split_html("\n\n".join(pages))  # a few long messages, not one per idea
    return texts


def summary_page(
    summary: Summary, consultation: Consultation, group_id: str, page: int, w: Words, coming: Coming | None
) -> Reply | None:
    """Returns page `page` of a rating round's summary (0: the first screen, then one per idea) with its
    buttons; None when the summary has no such page."""
    shown = ideas(summary, consultation)
    if summary.kind != SummaryKind.RATINGS or not 0 <= page <= len(shown):
        return None
    if page == 0:
        return summary_replies(summary, consultation, group_id, w, coming)[0]
    rid, row = summary.round_id, []
    if page > 1:
        row.append(Button(w("Previous idea"), cb.SummaryPage(rid, page - 1)))
    if page < len(shown):
        row.append(Button(w("Next idea"), cb.SummaryPage(rid, page + 1)))
    back = (Button(w("Back to the summary"), cb.SummaryPage(rid, 0)),)
    text = idea_page(w, summary, consultation, group_id, shown[page - 1], len(shown))
    return Reply(text, (tuple(row), back) if row else (back,))


def _first(summary: Summary, c: Consultation, w: Words, coming: Coming | None) -> list[str]:
    title = Html(w.text(c.round(summary.round_id).title))
    head = w("<b>{title}: what we heard</b>", title=title)
    after = what_comes_next(w, coming) if coming else _next_step(w, summary, c)
    number = c.rounds.index(c.round(summary.round_id)) + 1
    thanks = w("Thank you for taking part in round {number}. Here is what people told us.", number=number)
    return first_screen(w, summary, c, head, escape(summary.opening) if summary.own_opening else thanks, after)


def _examples_messages(summary: Summary, c: Consultation, group_id: str, w: Words, coming: Coming | None) -> list[str]:
    title = Html(w.text(c.round(summary.round_id).title))
    blocks = [w("<b>{title}: what we heard</b>", title=title) + f"\n{_opening(w, summary, c)}"]
    blocks += _examples_blocks(w, summary, c) + asked_blocks(w, summary, c)
    after = what_comes_next(w, coming) if coming else _next_step(w, summary, c)
    blocks.append(w("<b>What happens next</b>") + f"\n{examples_next(w, summary, c, group_id)}\n{after}")
    return split_html("\n\n".join(blocks), EXAMPLES_SCREEN)


def _opening(w: Words, summary: Summary, c: Consultation) -> str:
    """Returns the coordinator's own opening as written, or the default one in the person's language."""
    if summary.own_opening:
        return escape(summary.opening)
    rnd = c.round(summary.round_id)
    return w(
        "Thank you for taking part in round {number}, {title}. Here is what people told us.",
        number=c.rounds.index(rnd) + 1,
        title=Html(w.text(rnd.title)),
    )


def _next_step(w: Words, summary: Summary, c: Consultation) -> str:
    """Says what comes after this round, and when, in the person's language."""
    number = c.rounds.index(c.round(summary.round_id)) + 1
    if number == len(c.rounds):
        return w("That was the last round. Thank you for all you have given to this consultation.")
    following = c.rounds[number]
    if summary.next_opens:
        when = w("It opens on {day}.", day=day_of(w, datetime.fromisoformat(summary.next_opens), c))
    else:
        when = w("We will tell you when it opens.")
    return w("Next comes round {number}, {title}.", number=number + 1, title=Html(w.text(following.title))) + f" {when}"


def _examples_blocks(w: Words, summary: Summary, c: Consultation) -> list[str]:
    rnd = c.round(summary.round_id)
    questions = list(dict.fromkeys(t.question_id for t in summary.tallies))
    blocks = []
    for question_id in questions:
        tallies = [t for t in summary.tallies if t.question_id == question_id]
        head = w("<b>Who took part</b>") if not blocks else ""
        if len(questions) > 1:
            head += f"\n<i>{w.text(rnd.question(question_id).text)}</i>"
        blocks.append((head + "\n" + _tally_lines(w, tallies, c)).strip("\n"))
    quoted = [e for e in summary.excerpts if e.goes_out]
    if quoted:
        hidden = {(t.question_id, t.group_id) for t in summary.tallies if t.suppressed}
        words = [f"“{escape(e.text)}”\n— {_quoted_from(w, e, hidden, c)}" for e in quoted]
        blocks.append(w("<b>In your own words</b>") + "\n" + "\n\n".join(words))
    return blocks


def _tally_lines(w: Words, tallies: list[ExamplesTally], c: Consultation) -> str:
    lines = [
        f"• {w.text(_group_name(c, t.group_id))}: {_counts(w, t)}"
        for t in tallies
        if t.group_id != ALL_GROUPS and not t.suppressed and t.people and _group_name(c, t.group_id)
    ]
    everyone = next((t for t in tallies if t.group_id == ALL_GROUPS), None)
    if everyone is not None:
        lines.append("• " + w("Everyone: {counts}", counts=Html(_counts(w, everyone))))
        if any(t.suppressed and t.group_id != ALL_GROUPS for t in tallies):
            lines.append(w("Small groups are only counted in Everyone. This way nobody can be picked out."))
    return "\n".join(lines)


def _counts(w: Words, tally: ExamplesTally) -> str:
    """Returns e.g. "3 people, 1 example"."""
    people = w.plural("{count} person", "{count} people", tally.people)
    return people + ", " + w.plural("{count} example", "{count} examples", tally.examples)


def _quoted_from(w: Words, excerpt: Excerpt, hidden: set[tuple[str, str]], c: Consultation) -> str:
    """Returns "someone in the group Group one", or no group when that group is too small to name.

    The group's name is said as written: a name is not always a plural noun ("one of the Group one")."""
    group_name = in_language(_group_name(c, excerpt.group_id), w.lang)
    if (excerpt.question_id, excerpt.group_id) in hidden or not group_name:
        return w("someone who took part")
    return w("someone in the group {group}", group=group_name)


def _group_name(c: Consultation, group_id: str) -> str:
    """Returns the group's name, or "" for a group the definition no longer has."""
    return next((g.name for g in c.groups if g.id == group_id), "")
