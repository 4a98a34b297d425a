"""A rating round's summary on a phone: one screen first, in plain words, then a page per idea.

The first screen is at most SCREEN_UNITS as Telegram counts them (text after HTML parsing): who took
part, the ideas most people rated highly (or low: the consensus rule's agreement, or agreement against,
on at least half the criteria), where views were split and where groups differ. When it
would be longer, lists grow shorter and titles are cut first; a coordinator's own opening then goes
in a message of its own after it. Each idea's figures come on its own page, behind a button, in
plain words ("Most people rated it high") instead of the consensus rule's names.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from bot.summaries.reason_text import why_differ
from bot.text.catalogue import Html, Words, in_language
from bot.text.telegram_html import shown_units
from carework_core.definitions.model import Consultation
from carework_core.results.summary import ALL_GROUPS, CellStats, Consensus, GroupCount, Summary

SCREEN_UNITS = 700


@dataclass(frozen=True)
class Fit:
    """How much the first screen holds: ideas per list, characters per title, and what else is on it."""

    ideas: int
    title_chars: int
    opening: bool = True
    groups: bool = True


FITS = (  # the by-group count stays longest: who took part is what people look for first
    Fit(3, 60),
    Fit(2, 45),
    Fit(2, 40, opening=False),
    Fit(1, 45),
    Fit(1, 40, opening=False),
    Fit(1, 30, False, False),
)


@dataclass(frozen=True)
class Idea:
    """One rated idea (or rating question): its number in the round, its title and everyone's cells."""

    number: int
    key: tuple[str, str | None]
    title: str
    cells: tuple[CellStats, ...]


def ideas(summary: Summary, c: Consultation) -> list[Idea]:
    """Returns the round's ideas in the round's order, each with everyone's cells by criterion."""
    stats, found = summary.stats, {}
    if stats is None:
        return []
    for cell in stats.cells:
        if cell.group_id == ALL_GROUPS:
            found.setdefault((cell.question_id, cell.item_id), []).append(cell)
    out = []
    for number, ((question_id, item_id), cells) in enumerate(found.items(), start=1):
        title = (
            summary.item_titles.get(item_id, item_id)
            if item_id
            else c.round(summary.round_id).question(question_id).text
        )
        out.append(Idea(number, (question_id, item_id), title, tuple(cells)))
    return out


def first_screen(w: Words, summary: Summary, c: Consultation, head: str, opening: str, after: str) -> list[str]:
    """Returns the first screen and, when a coordinator's own opening does not fit on it, that opening after."""
    screen = ""
    for fit in FITS:
        screen = _screen(w, summary, c, fit, head, opening, after)
        if shown_units(screen) <= SCREEN_UNITS:
            break
    if not fit.opening and summary.own_opening:
        return [screen, opening]
    return [screen]


def _screen(w: Words, summary: Summary, c: Consultation, fit: Fit, head: str, opening: str, after: str) -> str:
    blocks = [head + (f"\n{opening}" if fit.opening else "")]
    blocks.append(_who(w, summary, c, fit.groups))
    shown = ideas(summary, c)
    for heading, found in _lists(w, summary, c, shown):
        if found:
            blocks.append(heading + "\n" + "\n".join(_bullet(w, i, fit) for i in found[: fit.ideas]))
            if len(found) > fit.ideas:
                blocks[-1] += "\n" + w("and {number} more", number=len(found) - fit.ideas)
    if summary.reasons and fit.ideas > 1:  # a count, not a list: the first thing to go when space is short
        blocks.append(
            w.plural(
                "{count} person explained why they see it differently.",
                "{count} people explained why they see it differently.",
                summary.reasons,
            )
        )
    blocks.append(w("<b>What happens next</b>") + f"\n{after}")
    return "\n\n".join(blocks)


def _lists(w: Words, summary: Summary, c: Consultation, shown: list[Idea]) -> list[tuple[str, list[Idea]]]:
    """Returns the first screen's lists under their headings: rated high, rated low, split, apart between groups;
    each with the clearest first (sorted is stable: ties keep the round's order)."""
    apart = summary.stats.disagreements if summary.stats else frozenset()
    split = [(i, sum(_split(x, c) for x in i.cells)) for i in shown]
    differ = [(i, sum(x.key in apart for x in i.cells)) for i in shown]
    return [
        (w("<b>Most people rated these highly</b>"), _most(shown, lambda x: x.consensus == Consensus.AGREEMENT)),
        (w("<b>Most people rated these low</b>"), _most(shown, lambda x: x.consensus == Consensus.AGAINST)),
        (w("<b>Views were split on</b>"), [i for i, n in sorted(split, key=lambda t: -t[1]) if n]),
        (w("<b>Groups see these differently</b>"), [i for i, n in sorted(differ, key=lambda t: -t[1]) if n]),
    ]


def _most(shown: list[Idea], said: Callable[[CellStats], bool]) -> list[Idea]:
    """Returns the ideas where what `said` tests holds for at least half the criteria rated, most first."""

    def share(idea: Idea) -> float:
        rated = [x for x in idea.cells if x.consensus is not None]
        return sum(map(said, rated)) / len(rated) if rated else 0.0

    return sorted((i for i in shown if share(i) >= 0.5), key=lambda i: -share(i))


def _bullet(w: Words, idea: Idea, fit: Fit) -> str:
    title = textwrap.shorten(in_language(idea.title, w.lang), fit.title_chars, placeholder="…")
    return f"• {idea.number}. {Html(w.text(title))}"


def _who(w: Words, summary: Summary, c: Consultation, by_group: bool) -> str:
    """Says how many people took part, by group when the screen has room; small groups are never named."""
    counts = summary.took_part or _counted_from_cells(summary)
    everyone = next((g.people for g in counts if g.group_id == ALL_GROUPS), 0)
    line = w("<b>Who took part:</b>") + " " + w.plural("{count} person", "{count} people", everyone)
    names = {g.id: g.name for g in c.groups}
    shown = [g for g in counts if g.group_id in names and not g.suppressed and g.people]
    if by_group and shown:
        parts = [f"{w.text(names[g.group_id])} {g.people}" for g in shown]
        line += " (" + "; ".join(parts) + ")"
        if any(g.suppressed for g in counts):
            line += "\n" + w("Smaller groups are only counted in the total. This way, nobody can be recognised.")
    return line


def _counted_from_cells(summary: Summary) -> tuple[GroupCount, ...]:
    """Returns everyone's count for a summary drafted before counts were kept: the most answers to one card."""
    cells = summary.stats.cells if summary.stats else ()
    most = max((c.n + c.not_sure + c.dont_know for c in cells if c.group_id == ALL_GROUPS), default=0)
    return (GroupCount(ALL_GROUPS, most),)


def _split(cell: CellStats, c: Consultation) -> bool:
    """Says whether everyone's answers spread wider than the consensus rule allows."""
    return cell.iqr is not None and cell.iqr > c.consensus.max_iqr


def plain_words(w: Words, cell: CellStats, c: Consultation) -> str:
    """Returns what everyone said about an idea on one criterion, in plain words."""
    if cell.n == 0 or cell.top2_share is None:
        return w("Nobody rated this on the scale.")
    if cell.consensus == Consensus.AGREEMENT:
        return w("Most people rated it high.")
    if cell.consensus == Consensus.AGAINST:
        return w("Most people rated it low.")
    if _split(cell, c):
        return w("Views were split.")
    return w("Most people rated it in the middle.")


def idea_page(w: Words, summary: Summary, c: Consultation, group_id: str, idea: Idea, of: int) -> str:
    """Returns one idea's page: everyone's view on each criterion in plain words, with the reader's group."""
    stats = summary.stats
    lines = [
        w("<b>Idea {number} of {total}</b>", number=idea.number, total=of),
        f"<b>{w.text(idea.title)}</b>",
    ]
    names = {k.id: k.name for k in c.criteria}
    for cell in idea.cells:
        name = f"<i>{w.text(names.get(cell.criterion_id, cell.criterion_id))}</i>: " if cell.criterion_id else ""
        own = stats.cell(cell.key, group_id) if stats else None
        lines.append(name + plain_words(w, cell, c) + _how_many(w, cell, own))
    if stats and any(cell.key in stats.disagreements for cell in idea.cells):
        lines.append(w("Groups see this idea differently."))
    why = why_differ(w, summary, c, *idea.key)  # the reasons a coordinator chose to show (reason_text.py)
    return "\n".join(lines + _not_known(w, idea.cells) + _raters(w, c, summary.round_id, idea) + ([why] if why else []))


def _how_many(w: Words, cell: CellStats, own: CellStats | None) -> str:
    """Returns e.g. " 8 of 10 people chose the top two answers. Your group: 5 of 6."."""
    if cell.n == 0 or cell.top2_share is None:
        return ""
    low = cell.consensus == Consensus.AGAINST  # the group's figure on the same side as everyone's
    said = " " + _share_words(w, cell, low)
    if own is not None and not own.suppressed and own.n and own.top2_share is not None:
        said += " " + w("Your group: {count} of {total}.", count=_people(own, low), total=own.n)
    return said


def _share_words(w: Words, cell: CellStats, low: bool) -> str:
    if low:
        return w("{count} of {total} people chose the lowest two answers.", count=_people(cell, low), total=cell.n)
    return w("{count} of {total} people chose the top two answers.", count=_people(cell, low), total=cell.n)


def _people(cell: CellStats, low: bool) -> int:
    return round(((cell.bottom2_share if low else cell.top2_share) or 0) * cell.n)


def _not_known(w: Words, cells: tuple[CellStats, ...]) -> list[str]:
    """Says how many people did not know an idea: its "don't know" passed every criterion left, so the
    criterion with the most of them counts everyone who tapped it."""
    count = max((cell.dont_know for cell in cells), default=0)
    if not count:
        return []
    return [w.plural("{count} person did not know this idea.", "{count} people did not know this idea.", count)]


def _raters(w: Words, c: Consultation, round_id: str, idea: Idea) -> list[str]:
    """Says how many people rated an idea where each person rated a share (items_per_person), so ideas differ;
    the criterion with the most answers counts everyone given the idea who answered it."""
    q = c.round(round_id).question(idea.key[0])
    if getattr(q, "items_per_person", None) is None:
        return []
    count = max((cell.n + cell.not_sure + cell.dont_know for cell in idea.cells), default=0)
    return [w.plural("{count} person rated this idea.", "{count} people rated this idea.", count)]
