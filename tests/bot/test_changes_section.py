"""The report's section on what changed between rounds, rendered from a ChangeReport made by hand."""

from __future__ import annotations

from html.parser import HTMLParser

from bot.report.changes_section import FOLDED, HEADINGS, STABLE, UNSTABLE, changes_section
from carework_core.definitions.loading import load_definition
from carework_core.report.changes import Answered, CardPair, ChangeReport, QuotedReason, card_changes
from tests.conftest import ROOT

CARRY = load_definition(ROOT / "tests" / "fixtures" / "carry.yaml")
HOSTILE = CardPair("a", "b", "rate", "rate", "i1", "evidence", '<img src="https://x.example/t.png"> & apps')
CALM = CardPair("a", "b", "size", "size", None, None, "How big a problem is staff wellbeing?")


def report() -> ChangeReport:
    """Hostile idea: 5 workforce people, 2 moved 1 -> 3 (40%), medians 1 -> 1; lived has nobody (folded).
    Size: 5 kept."""
    moved = {n: Answered("workforce", "1", "3" if n < 2 else "1") for n in range(5)}
    kept = {n: Answered("workforce", "2", "2") for n in range(5)}
    cells = card_changes(HOSTILE, moved, ["workforce", "lived"], (), 5, 0.15, {"workforce": 1})
    cells += card_changes(CALM, kept, ["workforce", "lived"], (), 5, 0.15)
    said = QuotedReason(HOSTILE, "It </q><script>alert(1)</script> never worked")
    return ChangeReport(0.15, tuple(cells), (said,))


class Tags(HTMLParser):
    """Collects the tags opened and closed, every attribute, and the text of each table row."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs
        self.open.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th") and self.rows:
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        assert self.open.pop() == tag, f"</{tag}> closes something else"

    def handle_data(self, data):
        if self.open and self.open[-1] in ("td", "th") and self.rows:
            self.rows[-1][-1] += data


def parsed(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    assert tags.open == []
    return tags


def test_a_table_per_pair_of_rounds_with_stability_in_words_and_symbols():
    html = changes_section(report(), CARRY)
    tags = parsed(html)
    assert tags.tags.count("table") == 1 and "<h3>Round 1 (First ratings) to round 2 (Second ratings)</h3>" in html
    header, *rows = tags.rows
    assert header == list(HEADINGS)
    assert rows[0] == [
        *('<img src="https://x.example/t.png"> & apps', "Evidence", "All groups"),
        *("5", "3", "0", "2", "40%", "1 → 1", "0", UNSTABLE, "1"),
    ]
    assert rows[1][:2] == rows[0][:2]  # every row names its card
    assert rows[1][2:] == ["Social care workforce", "5", "3", "0", "2", "40%", "1 → 1", "0", UNSTABLE, "1"]
    assert rows[2][2:] == ["People with lived experience of care", FOLDED]  # no figures at all
    assert rows[3][:3] == ["How big a problem is staff wellbeing?", "", "All groups"] and rows[3][-2] == STABLE
    assert "2 of 2 ideas and questions had people to compare: 1 stable, 1 not stable." in html
    assert "Not stable: &lt;img" in html and "(40% moved)" in html  # the text alternative names it


def test_every_text_is_escaped_and_nothing_is_loaded_from_elsewhere():
    html = changes_section(report(), CARRY)
    tags = parsed(html)
    assert "script" not in tags.tags and "img" not in tags.tags
    assert all(name in ("class", "id", "aria-labelledby", "scope", "colspan") for name, _ in tags.attributes)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<q>It &lt;/q&gt;" in html


def test_the_rule_is_in_plain_words_with_the_definitions_threshold():
    html = changes_section(ChangeReport(0.2), CARRY)
    assert "stable when fewer than 20% of those people changed their rating" in html
    assert "fewer than 5 people to compare" in html and "nothing to compare yet" in html
    assert "<table" not in html
