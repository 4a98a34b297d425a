"""How a round's summary and a person's digest read on a phone: short lines, plain words, Telegram HTML.

Pure: a Summary or Digest in, message texts out. Everything written by people or coordinators is
escaped. A group too small to be shown on its own (suppressed) is never named: its people are
counted only in everyone's figures.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.screens.reason_text import why_differ
from bot.screens.round_text import day_of, what_comes_next
from bot.text.catalogue import ENGLISH, Html, Words, in_language
from bot.text.telegram_html import split_html
from carework_core.answering.vocabulary import CatalogueWord
from carework_core.definitions.model import Consultation
from carework_core.results.summary import (
    ALL_GROUPS,
    CellStats,
    Consensus,
    Digest,
    DigestLine,
    ExamplesTally,
    Excerpt,
    Spread,
    Summary,
    SummaryKind,
)
from carework_core.rounds.next_round import Coming


def summary_messages(
    summary: Summary, consultation: Consultation, group_id: str, w: Words = ENGLISH, coming: Coming | None = None
) -> list[str]:
    """Returns the summary a person of this group receives, in w's language, as one or more HTML messages;
    `coming` is what comes next for the group (without it, the next round as drafted, for the team's views)."""
    title = Html(w.text(consultation.round(summary.round_id).title))
    blocks = [w("<b>{title}: what we heard</b>", title=title) + f"\n{_opening(w, summary, consultation)}"]
    if summary.kind == SummaryKind.EXAMPLES:
        blocks += _examples_blocks(w, summary, consultation)
    else:
        blocks += _ratings_blocks(w, summary, consultation, group_id)
    after = what_comes_next(w, coming) if coming else _next_step(w, summary, consultation)
    blocks.append(w("<b>What happens next</b>") + f"\n{after}")
    return split_html("\n\n".join(blocks))


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
            lines.append(w("Smaller groups are counted only in Everyone, so that nobody can be recognised."))
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


def _ratings_blocks(w: Words, summary: Summary, c: Consultation, group_id: str) -> list[str]:
    stats = summary.stats
    if stats is None:
        return []
    items: dict[tuple[str, str | None], list[CellStats]] = {}
    for cell in stats.cells:
        if cell.group_id == ALL_GROUPS:
            items.setdefault((cell.question_id, cell.item_id), []).append(cell)
    blocks = []
    for number, ((question_id, item_id), cells) in enumerate(items.items(), start=1):
        title = _title(summary, c, question_id, item_id)
        lines = [f"<b>{number}. {w.text(title)}</b>"]
        for cell in cells:
            own = stats.cell(cell.key, group_id)
            against = cell.consensus == Consensus.AGAINST  # the group's figure on the same side as everyone's
            line = _criterion_name(w, c, cell.criterion_id) + _consensus_words(w, cell) + _own_group(w, own, against)
            if cell.key in stats.disagreements:
                line += " " + w("Groups see this differently.")
            lines.append(line)
        why = why_differ(w, summary, c, question_id, item_id)  # reason_text.py: the coordinator's chosen reasons
        blocks.append("\n".join(lines + _not_known(w, cells) + _raters(w, c, summary.round_id, question_id, cells)))
        blocks[-1] += f"\n{why}" if why else ""
    if summary.reasons:
        blocks.append(
            w.plural(
                "{count} person explained why they see it differently.",
                "{count} people explained why they see it differently.",
                summary.reasons,
            )
        )
    return blocks


def _not_known(w: Words, cells: list[CellStats]) -> list[str]:
    """Says how many people did not know an idea: its "don't know" passed every criterion left, so the
    criterion with the most of them counts everyone who tapped it."""
    count = max((cell.dont_know for cell in cells), default=0)
    if not count:
        return []
    return [w.plural("{count} person did not know this idea.", "{count} people did not know this idea.", count)]


def _raters(w: Words, c: Consultation, round_id: str, question_id: str, cells: list[CellStats]) -> list[str]:
    """Says how many people rated an idea where each person rated a share (items_per_person), so ideas differ;
    the criterion with the most answers counts everyone given the idea who answered it."""
    q = c.round(round_id).question(question_id)
    if getattr(q, "items_per_person", None) is None:
        return []
    count = max((cell.n + cell.not_sure + cell.dont_know for cell in cells), default=0)
    return [w.plural("{count} person rated this idea.", "{count} people rated this idea.", count)]


def _title(summary: Summary, c: Consultation, question_id: str, item_id: str | None) -> str:
    if item_id is not None:
        return summary.item_titles.get(item_id, item_id)
    return c.round(summary.round_id).question(question_id).text


def _criterion_name(w: Words, c: Consultation, criterion_id: str | None) -> str:
    names = {k.id: k.name for k in c.criteria}
    return f"<i>{w.text(names.get(criterion_id, criterion_id))}</i>: " if criterion_id else ""


def _consensus_words(w: Words, cell: CellStats) -> str:
    """Returns e.g. "Agreement (80% rated it in the top two)." for everyone's figures."""
    if cell.n == 0 or cell.top2_share is None:
        return w("Nobody rated this on the scale.")
    if cell.consensus == Consensus.AGAINST:
        return w("Agreement against ({share} rated it in the bottom two).", share=_percent(cell.bottom2_share))
    if cell.consensus == Consensus.AGREEMENT:
        return w("Agreement ({share} rated it in the top two).", share=_percent(cell.top2_share))
    return w("No consensus ({share} rated it in the top two).", share=_percent(cell.top2_share))


def _own_group(w: Words, cell: CellStats | None, against: bool) -> str:
    share = (
        None if cell is None or cell.suppressed or cell.n == 0 else cell.bottom2_share if against else cell.top2_share
    )
    return "" if share is None else " " + w("Your group: {share}.", share=_percent(share))


def _percent(share: float | None) -> str:
    return f"{round((share or 0) * 100)}%"


def digest_page(
    digest: Digest, consultation: Consultation, page: int, per_page: int = 5, w: Words = ENGLISH
) -> tuple[str, bool]:
    """Returns one page of a person's answers beside everyone's, and whether a later page exists."""
    rnd = consultation.round(digest.round_id)
    title = Html(w.text(rnd.title))
    if not digest.lines:
        return (
            w(
                "You did not rate anything in <b>{title}</b>, so there are no answers of yours to show here.",
                title=title,
            ),
            False,
        )
    pages = -(-len(digest.lines) // per_page)
    page = min(max(page, 0), pages - 1)
    ordered = sorted(digest.lines, key=lambda line: -line.distance)  # stable: ties keep the digest's order
    shown = ordered[page * per_page : (page + 1) * per_page]
    head = w("<b>Your answers beside everyone's: {title}</b>", title=title)
    if pages > 1:
        head += " " + w("(page {page} of {pages})", page=page + 1, pages=pages)
    if page == 0 and pages > 1:
        head += "\n" + w("First, where your answers are furthest from everyone else's.")
    group = in_language(_group_name(consultation, digest.group_id), w.lang) or w("Your group")
    lines = [_digest_line(w, line, group) for line in shown]
    return "\n\n".join([head, *lines]), page < pages - 1


def _digest_line(w: Words, line: DigestLine, group_name: str) -> str:
    """Returns e.g. "You: A lot. People who work in social care: mostly Some. All groups: Some to A lot."."""
    title = f"<b>{w.text(line.title)}</b>" + (f" – {w.text(line.criterion)}" if line.criterion else "")
    said = w("You: {answer}.", answer=_label(w, line.yours))
    if line.group:
        said += " " + w("{group}: {answer}.", group=group_name, answer=Html(_spread(w, line.group)))
    if line.everyone:
        said += " " + w("All groups: {answer}.", answer=Html(_spread(w, line.everyone)))
    return f"{title}\n{said}"


def _label(w: Words, label: str) -> str:
    """A scale label in w's language; the "Not sure" every scale may add comes from the catalogue."""
    return w(str(label)) if isinstance(label, CatalogueWord) else w.label(label)


def _spread(w: Words, text: str) -> str:
    """Returns "mostly Some" or "Some to A lot" in w's language (HTML)."""
    if not isinstance(text, Spread):
        return escape(text)
    low, high = _label(w, text.low), _label(w, text.high)
    return w("mostly {label}", label=low) if text.low == text.high else w("{low} to {high}", low=low, high=high)
