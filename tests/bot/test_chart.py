"""The chart of a rating round: a PNG small enough to send, no bar for a group too small to show."""

from __future__ import annotations

import pytest

from bot.text.chart import chart_caption, chart_figure, chart_png
from carework_core.definitions.loading import load_definition
from carework_core.results.summary import ALL_GROUPS, CellStats, RoundStats
from tests.conftest import MINI, SURVEY

TITLES = {
    "buddy": "Buddy schemes for new staff 🤝",
    "travel": "Paid travel time between visits",
    "none": "Nobody rated",
}


@pytest.fixture(scope="module")
def mini():
    return load_definition(MINI)


def cell(item: str, criterion: str, group: str, n: int, top2: float | None, suppressed: bool = False) -> CellStats:
    return CellStats("rate", item, criterion, group, n, 0, top2_share=top2, suppressed=suppressed)


def round_stats() -> RoundStats:
    """Travel: 9 of 10 on evidence and 1 of 10 on newness (50% pooled); buddy: 8 of 10 and 2 of 5 (~67%)."""
    cells = [
        cell("travel", "evidence", ALL_GROUPS, 10, 0.9),
        cell("travel", "newness", ALL_GROUPS, 10, 0.1),
        cell("travel", "evidence", "workforce", 6, 1.0),
        cell("travel", "evidence", "lived", 4, None, suppressed=True),
        cell("buddy", "evidence", ALL_GROUPS, 10, 0.8),
        cell("buddy", "newness", ALL_GROUPS, 5, 0.4),
        cell("buddy", "evidence", "workforce", 5, 0.8),
        cell("buddy", "evidence", "lived", 5, 0.8),
        cell("none", "evidence", ALL_GROUPS, 0, None),
    ]
    return RoundStats("r2", tuple(cells))


def bars(figure) -> list[str]:
    """Returns the bars' ids as a reader sees them, top to bottom."""
    patches = sorted((p for ax in figure.axes for p in ax.patches if p.get_gid()), key=lambda p: p.get_y())
    return [p.get_gid() for p in patches]


def test_items_are_ordered_by_everyones_pooled_share_and_a_suppressed_group_has_no_bar(mini):
    figure = chart_figure(round_stats(), TITLES, mini)
    assert bars(figure) == ["0:all", "0:workforce", "0:lived", "1:all", "1:workforce"]
    widths = {p.get_gid(): p.get_width() for p in figure.axes[0].patches if p.get_gid()}
    assert widths["0:all"] == pytest.approx(200 / 3)  # (8 + 2) of 15 ratings
    assert widths["1:all"] == pytest.approx(50)
    labels = [t.get_text().replace("\n", " ") for t in figure.axes[0].get_yticklabels()]
    assert labels == ["Buddy schemes for new staff", "Paid travel time between visits", "Nobody rated"]


def test_the_chart_is_a_png_under_one_megabyte_drawn_without_warnings(mini, recwarn):
    png = chart_png(round_stats(), TITLES, mini)
    assert [str(w.message) for w in recwarn] == []
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 1_000 < len(png) < 1_000_000


def test_titles_with_characters_the_font_lacks_draw_without_warnings_and_keep_the_rest(mini, recwarn):
    hostile = {"buddy": "＝1+1 ＋cmd ctl[\x00\x07\x1f]end 👍🏽", "travel": "Paid travel ⠀time", "none": "\u200b"}
    png = chart_png(round_stats(), hostile, mini)
    assert [str(w.message) for w in recwarn] == [] and png.startswith(b"\x89PNG")
    labels = [
        t.get_text().replace("\n", " ") for t in chart_figure(round_stats(), hostile, mini).axes[0].get_yticklabels()
    ]
    assert labels[0] == "=1+1 +cmd ctl[ ]end" and labels[1] == "Paid travel ⠀time" and labels[2] == "…"


def test_a_chart_of_forty_long_items_across_four_groups_still_fits_a_photo():
    survey = load_definition(SURVEY)
    groups = [g.id for g in survey.groups]
    rnd = next(r for r in survey.rounds if any(q.type == "item_rating" for q in r.questions))
    question = next(q for q in rnd.questions if q.type == "item_rating")
    cells = []
    for n in range(40):
        for group in [ALL_GROUPS, *groups]:
            cells.append(CellStats(question.id, f"i{n}", "evidence", group, 20, 0, top2_share=n / 40))
    titles = {f"i{n}": f"Idea {n}: " + "a long description of a new way of working " * 3 for n in range(40)}
    stats = RoundStats(rnd.id, tuple(cells))
    png = chart_png(stats, titles, survey)
    assert len(png) < 1_000_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width + height <= 10_000 and height / width < 20
    assert bars(chart_figure(stats, titles, survey))[:5] == ["0:all", *[f"0:{g}" for g in groups]]


def test_the_caption_lists_items_in_the_charts_order_with_everyones_share(mini):
    text = chart_caption(round_stats(), TITLES, mini)
    assert text.splitlines()[1:] == [
        "1. Buddy schemes for new staff 🤝: 67%.",
        "2. Paid travel time between visits: 50%.",
        "3. Nobody rated: nobody rated it.",
    ]


def test_a_caption_of_many_items_stays_within_one_screen_of_1000_characters(mini):
    many = {f"i{n}": f"Idea number {n} with a fairly long title" for n in range(80)}
    cells = tuple(cell(f"i{n}", "evidence", ALL_GROUPS, 10, n / 80) for n in range(80))
    text = chart_caption(RoundStats("r2", cells), many, mini)
    assert len(text) <= 1000  # Telegram takes 1,024; the reading check holds a screen to 1,000
    assert text.splitlines()[0] == "Chart: the share of people who rated each idea in the top two points."
    assert text.splitlines()[1] == "1. Idea number 79 with a fairly long title: 99%."
    assert text.endswith("…")


def test_a_chart_is_drawn_in_the_readers_language():
    from bot.text.catalogue import words

    bilingual = load_definition(MINI.parent / "cymraeg.yaml")
    welsh = chart_figure(round_stats(), TITLES, bilingual, words("cy"))
    axes = welsh.axes[0]
    assert axes.get_xlabel() == "% a roddodd sgôr yn y ddau bwynt uchaf iddo"
    assert [t.get_text() for t in axes.get_legend().get_texts()][0] == "Pob grŵp"
    assert "Technology ratings" not in welsh.texts[0].get_text()  # the round's own title, in Welsh
    english = chart_figure(round_stats(), TITLES, bilingual)
    assert english.axes[0].get_legend().get_texts()[0].get_text() == "All groups"
    assert welsh.texts[0].get_text() != english.texts[0].get_text()
