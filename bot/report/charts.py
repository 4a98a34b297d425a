"""Bar charts drawn as inline SVG: no image file, font or script is fetched, and the text stays text.

Written by hand rather than by matplotlib: a bar is a rectangle and two words, the page stays small,
and every bar carries its label and value as text beside it, so nothing is told by colour alone. The
figure's caption says every bar in words (the text alternative), and the table beside it holds the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.report.markup import esc, percent, tag

ROW = 22  # pixels per bar
LABEL = 300  # pixels for the label column
BAR = 360  # pixels of a bar at 100%
WIDTH = LABEL + BAR + 60


@dataclass(frozen=True)
class Bar:
    label: str
    share: float | None  # 0 to 1; None draws no bar and says "none"
    strong: bool = False  # everyone's bar, drawn darker and in bold


def bar_chart(name: str, title: str, bars: list[Bar]) -> str:
    """Returns a <figure> with the chart and its words; `name` makes the ids unique in the page."""
    height = ROW * len(bars) + 8
    parts = [tag("title", esc(title), id=f"{name}-title"), tag("desc", esc(_words(bars)), id=f"{name}-desc")]
    for place, bar in enumerate(bars):
        y = 4 + place * ROW
        weight = "bold" if bar.strong else "normal"
        label = bar.label if len(bar.label) <= 40 else bar.label[:39] + "…"  # about 7 pixels a character
        parts.append(f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-weight="{weight}">{esc(label)}</text>')
        width = round((bar.share or 0) * BAR, 1)
        fill = "#1f3b57" if bar.strong else "#5b8bb5"
        if bar.share is not None:
            parts.append(f'<rect x="{LABEL}" y="{y + 3}" width="{width}" height="{ROW - 6}" fill="{fill}"/>')
        said = percent(bar.share) if bar.share is not None else "none"
        parts.append(f'<text x="{LABEL + width + 4}" y="{y + 15}">{esc(said)}</text>')
    svg = (
        f'<svg role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" aria-labelledby="{name}-title {name}-desc" font-size="13">{"".join(parts)}</svg>'
    )
    return tag("figure", svg + tag("figcaption", esc(f"{title}. {_words(bars)}")), class_="chart")


def _words(bars: list[Bar]) -> str:
    """Returns the chart as a sentence: every bar's label and value, in order."""
    return "; ".join(f"{b.label}: {percent(b.share) if b.share is not None else 'none'}" for b in bars) + "."
