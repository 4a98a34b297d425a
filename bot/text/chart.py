"""The chart sent with a rating round's summary: items by share of top-two ratings, one bar per group.

Drawn headless with matplotlib's Agg canvas (no pyplot, so no global state between drawings);
matplotlib is imported only when a chart is drawn, so the bot starts fast. Its words (legend, axis,
titles) are in the reader's language: a chart is drawn once per language. A group too small to
be shown for an item (suppressed) gets no bar there. The caption is the chart's text alternative.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from unicodedata import category, normalize

from bot.text.catalogue import ENGLISH, Words, in_language
from bot.text.telegram_html import caption
from carework_core.definitions.model import Consultation
from carework_core.results.summary import ALL_GROUPS, CellStats, RoundStats

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Okabe and Ito's palette: told apart by people with colour-blindness, and in greyscale by order.
COLOURS = ("#000000", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
WIDTH_INCHES = 7.0
MAX_BYTES = 1_000_000
MAX_PIXELS = 9000  # Telegram refuses a photo whose width and height add up to more than 10,000


@dataclass(frozen=True)
class ChartItem:
    key: tuple[str, str | None]  # (question, item)
    title: str
    everyone: float | None  # pooled share of top-two ratings over the criteria, weighted by n
    groups: dict[str, float]  # group id -> share, only groups shown for this item


def chart_items(stats: RoundStats, titles: Mapping[str, str], consultation: Consultation) -> list[ChartItem]:
    """Returns the round's items, highest share of top-two ratings first (items nobody rated last)."""
    cells: dict[tuple[str, str | None], list[CellStats]] = {}
    for cell in stats.cells:
        cells.setdefault((cell.question_id, cell.item_id), []).append(cell)
    rnd = consultation.round(stats.round_id)
    items = []
    for (question_id, item_id), found in cells.items():
        title = titles.get(item_id, item_id) if item_id is not None else rnd.question(question_id).text
        shares = {g: _pooled([c for c in found if c.group_id == g]) for g in dict.fromkeys(c.group_id for c in found)}
        everyone = shares.pop(ALL_GROUPS, None)
        shown = {g: s for g, s in shares.items() if s is not None}
        items.append(ChartItem((question_id, item_id), title, everyone, shown))
    return sorted(items, key=lambda i: (i.everyone is None, -(i.everyone or 0.0)))


def _pooled(cells: list[CellStats]) -> float | None:
    """Returns the share of top-two ratings over these criteria, weighted by n; None if none can be shown."""
    counted = [c for c in cells if not c.suppressed and c.n and c.top2_share is not None]
    total = sum(c.n for c in counted)
    return sum(c.top2_share * c.n for c in counted) / total if total else None  # type: ignore[operator]


def chart_figure(
    stats: RoundStats, titles: Mapping[str, str], consultation: Consultation, w: Words = ENGLISH
) -> Figure:
    """Draws the chart in w's language; each bar's gid is "item index:group id", so tests can find it."""
    from matplotlib.figure import Figure

    items = chart_items(stats, titles, consultation)
    groups = [ALL_GROUPS] + [g.id for g in consultation.groups if any(g.id in i.groups for i in items)]
    names = {ALL_GROUPS: w("All groups")} | {g.id: in_language(g.name, w.lang) for g in consultation.groups}
    bar, gap = 0.22, 0.45  # inches per bar and between items
    height = 1.4 + sum(bar * (1 + len(i.groups)) + gap for i in items)
    height = min(height, 19 * WIDTH_INCHES)  # Telegram also refuses a photo 20 times taller than wide
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=min(110, MAX_PIXELS / (WIDTH_INCHES + height)))
    axes = figure.add_subplot()
    rows, ticks = _layout(items, groups, gap / bar, w.lang)
    for place, group in enumerate(groups):  # one call per group: hundreds of bars draw in a second
        mine = [(y, share, gid) for y, g, share, gid in rows if g == group]
        colour = COLOURS[place % len(COLOURS)]
        drawn = axes.barh(
            [r[0] for r in mine], [r[1] * 100 for r in mine], height=0.8, color=colour, label=names[group]
        )
        for patch, row in zip(drawn.patches, mine, strict=True):
            patch.set_gid(row[2])
        axes.bar_label(drawn, fmt="%.0f%%", padding=2, fontsize=7)
    for y, group, _, _ in rows:
        if group == "":  # nobody rated it: say so where its bars would be
            axes.barh([y], [0], height=0.8)  # an empty bar keeps its row inside the axes
            axes.text(1, y, w("nobody rated it"), fontsize=7, color="#555555", va="center")
    _dress(axes, ticks, w("% who rated it in the top two points"))
    title = in_language(consultation.round(stats.round_id).title, w.lang)
    figure.suptitle(textwrap.fill(title, 50), fontsize=10)
    figure.tight_layout()
    return figure


def _layout(items: list[ChartItem], groups: list[str], gap: float, lang: str) -> tuple[list, list[tuple[float, str]]]:
    """Returns each bar's (y, group, share, gid) and each item's tick (y, wrapped title), top to bottom."""
    rows: list[tuple[float, str, float, str]] = []
    ticks, y = [], 0.0
    for index, item in enumerate(items):
        top = y
        for group in groups:
            share = item.everyone if group == ALL_GROUPS else item.groups.get(group)
            if share is not None:
                rows.append((y, group, share, f"{index}:{group}"))
                y += 1
        if y == top:
            rows.append((y, "", 0.0, ""))
            y += 1
        drawable = _drawable(in_language(item.title, lang))
        short = textwrap.shorten(drawable, 90, placeholder="…") if drawable.strip() else "…"
        ticks.append(((top + y - 1) / 2, textwrap.fill(short, 30)))
        y += gap
    return rows, ticks


def _drawable(title: str) -> str:
    """Returns a title as the font can draw it: full-width signs as plain ones, and without what the font
    lacks (emoji, control characters), each of which would draw a box and warn, or the invisible format
    characters (zero-width space, direction overrides) matplotlib does not apply; the caption has it whole."""
    glyphs = _font_glyphs()
    kept = (ch for ch in normalize("NFKC", title) if category(ch) != "Cf")
    return "".join(ch if ord(ch) in glyphs else " " if ch.isspace() else "" for ch in kept)


@cache
def _font_glyphs() -> frozenset[int]:
    """Returns the characters the chart's font has glyphs for."""
    from matplotlib.font_manager import FontProperties, findfont, get_font

    return frozenset(get_font(findfont(FontProperties())).get_charmap())


def _dress(axes, ticks: list[tuple[float, str]], label: str) -> None:  # noqa: ANN001 (a matplotlib Axes)
    axes.set_yticks([t[0] for t in ticks], [t[1] for t in ticks], fontsize=8)
    axes.invert_yaxis()  # the highest share at the top
    axes.set_xlim(0, 112)  # room for the figure at the end of a full bar
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel(label)
    handles, labels = axes.get_legend_handles_labels()
    names = [textwrap.fill(n, 30) for n in labels]  # above the bars, where it hides none of them
    axes.legend(handles, names, fontsize=7, ncol=2, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0))
    axes.spines[["top", "right"]].set_visible(False)


def chart_png(stats: RoundStats, titles: Mapping[str, str], consultation: Consultation, w: Words = ENGLISH) -> bytes:
    """Returns the round's chart in w's language as a PNG to send as a photo."""
    figure = chart_figure(stats, titles, consultation, w)
    dpi = figure.dpi
    while True:  # a very long round draws fewer pixels rather than a photo Telegram would refuse
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=dpi)
        if out.tell() < MAX_BYTES or dpi < 40:
            return out.getvalue()
        dpi *= 0.75


CAPTION_SCREEN = 1000  # Telegram takes 1,024 units; a screen people read is held to 1,000 (carework_core/reading)


def chart_caption(stats: RoundStats, titles: Mapping[str, str], consultation: Consultation, w: Words = ENGLISH) -> str:
    """Returns the chart in words, in the chart's order, for people who cannot see it (plain text)."""
    lines = [w("Chart: the share of people who rated each idea in the top two points.")]
    for number, item in enumerate(chart_items(stats, titles, consultation), start=1):
        share = w("nobody rated it") if item.everyone is None else f"{round(item.everyone * 100)}%"
        lines.append(f"{number}. {in_language(item.title, w.lang)}: {share}.")
    return caption("\n".join(lines), CAPTION_SCREEN)
