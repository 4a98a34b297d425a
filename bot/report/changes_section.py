"""The report's "What changed between rounds" section: an escaped HTML fragment from the core's ChangeReport.

A table per pair of rounds, a text alternative before it, stability said in words and a symbol (never
by colour alone), folded groups named only as folded, the dissent reasons quoted by consent, and the
rule in plain words. Nothing in it loads anything from elsewhere.
"""

from __future__ import annotations

from html import escape

from carework_core.definitions.model import Consultation
from carework_core.report.changes import CardPair, ChangeCell, ChangeReport
from carework_core.results.summary import ALL_GROUPS

HEADINGS = (
    "Idea or question",
    "Criterion",
    "Group",
    "Rated in both rounds",
    "Kept",
    "Moved by 1",
    "Moved by 2 or more",
    "Share who moved",
    "Median (earlier → later)",
    "Median shift",
    "Stability",
    "Reasons given",
)
STABLE, UNSTABLE, NOTHING = "✓ Stable", "✗ Not stable", "– Nobody to compare"
FOLDED = "Folded into all groups: too few to show on its own"


def changes_section(report: ChangeReport, c: Consultation, bare: bool = False) -> str:
    """Returns the section as HTML, every text from the data escaped; `bare` leaves out its own <section> and
    heading, for a page that wraps every section itself (bot/report/page.py)."""
    parts = [] if bare else ['<section class="changes" aria-labelledby="changes-title">']
    if not bare:
        parts.append('<h2 id="changes-title">What changed between rounds</h2>')
    parts.append(f'<p class="rule">{escape(stability_rule(report.stable_below, c.min_group_size))}</p>')
    if not report.round_pairs:
        parts.append("<p>No idea or question was rated in two rounds, so there is nothing to compare yet.</p>")
    for number, (before, after) in enumerate(report.round_pairs, start=1):
        parts.append(_pair(report, c, before, after, number))
    if not bare:
        parts.append("</section>")
    return "\n".join(parts)


def stability_rule(stable_below: float, min_group_size: int) -> str:
    """Returns the stability rule in plain words, for the section and the report's method."""
    return (
        "How to read this: each idea rated in one round and again in a later one (where people saw their "
        "earlier answer) is compared person by person, among those who rated it on the scale both times. "
        f"Its ratings are called stable when fewer than {_percent(stable_below)} of those people changed "
        "their rating. The median shift is the later median minus the earlier one, over the same people. "
        "Someone who said \u201cNot sure\u201d or \u201cI don't know this idea\u201d in either round is not "
        f"compared. A group with fewer than {min_group_size} people to compare, or folded in either round's "
        "own figures, is shown only within all groups."
    )


def _pair(report: ChangeReport, c: Consultation, before: str, after: str, number: int) -> str:
    """Returns one pair of rounds: its heading, its text alternative, its table and its reasons."""
    title = f"{_round(c, before)} to {_round(c, after)}"
    everyone = report.everyone(before, after)
    rows = []
    for cell in everyone:
        rows += [_row(cell, c, first=True)] + [_row(g, c) for g in report.groups_of(cell.pair)]
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in HEADINGS)
    parts = [
        f"<h3>{escape(title[:1].upper() + title[1:])}</h3>",
        f'<p class="text-alternative">{escape(_in_words(everyone, c))}</p>',
        f'<table class="changes-table" id="changes-{number}">',
        f"<caption>{escape('What changed from ' + title)}</caption>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
    ]
    quoted = [r for r in report.reasons if (r.pair.round_from, r.pair.round_to) == (before, after)]
    if quoted:
        parts.append(f"<h4>{escape('Reasons people gave in ' + _round(c, after))}, quoted with their consent</h4>")
        items = (f"<li><q>{escape(r.text)}</q> ({escape(_card(r.pair, c))})</li>" for r in quoted)
        parts += ['<ul class="reasons">', *items, "</ul>"]
    return "\n".join(parts)


def _row(cell: ChangeCell, c: Consultation, first: bool = False) -> str:
    """Returns one table row: the card, the group, and its figures or the fold."""
    p = cell.pair  # every row names its card, so a screen reader (or a sorted copy) never loses it
    name, criterion = p.title or p.item_id or p.question_to, _criterion(c, p.criterion_id)
    group = "All groups" if cell.group_id == ALL_GROUPS else _group(c, cell.group_id)
    ids = [f'<th scope="row">{escape(name)}</th>', f"<td>{escape(criterion)}</td>", f"<td>{escape(group)}</td>"]
    if cell.suppressed:
        return f'<tr class="folded">{"".join(ids)}<td colspan="{len(HEADINGS) - 3}">{escape(FOLDED)}</td></tr>'
    medians = "" if cell.median_from is None else f"{_number(cell.median_from)} → {_number(cell.median_to)}"
    figures = [
        str(cell.n_both),
        str(cell.kept),
        str(cell.moved_1),
        str(cell.moved_2plus),
        "" if cell.moved_share is None else _percent(cell.moved_share),
        medians,
        "" if cell.median_shift is None else _signed(cell.median_shift),
        _stability(cell.stable),
        str(cell.reasons),
    ]
    kind = {True: "stable", False: "unstable", None: "none"}[cell.stable]
    cells = "".join(f"<td>{escape(f)}</td>" for f in figures)
    return f'<tr class="{"everyone " if first else ""}{kind}">{"".join(ids)}{cells}</tr>'


def _in_words(everyone: list[ChangeCell], c: Consultation) -> str:
    """Returns the pair's table in a sentence or two: how many were stable, and which were not."""
    compared = [e for e in everyone if e.stable is not None]
    unstable = [e for e in compared if not e.stable]
    said = f"{len(compared)} of {len(everyone)} ideas and questions had people to compare: "
    said += f"{len(compared) - len(unstable)} stable, {len(unstable)} not stable."
    if unstable:
        names = "; ".join(f"{_card(u.pair, c)} ({_percent(u.moved_share or 0)} moved)" for u in unstable)
        said += f" Not stable: {names}."
    return said


def _stability(stable: bool | None) -> str:
    return NOTHING if stable is None else STABLE if stable else UNSTABLE


def _card(pair: CardPair, c: Consultation) -> str:
    criterion = _criterion(c, pair.criterion_id)
    return (pair.title or pair.item_id or pair.question_to) + (f", {criterion}" if criterion else "")


def _round(c: Consultation, round_id: str) -> str:
    number = next((n for n, r in enumerate(c.rounds, start=1) if r.id == round_id), None)
    rnd = next((r for r in c.rounds if r.id == round_id), None)
    return f"round {number} ({rnd.title})" if rnd else f"round {round_id}"


def _group(c: Consultation, group_id: str) -> str:
    return next((str(g.name) for g in c.groups if g.id == group_id), group_id)


def _criterion(c: Consultation, criterion_id: str | None) -> str:
    if not criterion_id:
        return ""
    return next((str(k.name) for k in c.criteria if k.id == criterion_id), criterion_id)


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%" if round(share * 100, 1) == round(share * 100) else f"{share * 100:.1f}%"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _signed(value: float) -> str:
    return "0" if value == 0 else f"+{value:g}" if value > 0 else f"−{-value:g}"
