"""Why some people rated it differently: the block under an idea, and the per-idea limit a coordinator meets."""

from __future__ import annotations

import pytest

from bot.summaries.reason_text import why_differ
from bot.text.catalogue import words
from carework_core.definitions.loading import load_definition
from carework_core.errors import SummaryError
from carework_core.results.dissent import with_reason
from carework_core.results.summary import ChosenReason, Summary, SummaryKind
from tests.conftest import MINI


def reason(number: int, item_id: str = "i1", criterion_id: str = "evidence", text: str = "") -> ChosenReason:
    return ChosenReason(number, "workforce", "rate", item_id, criterion_id, text or f"Reason number {number} <b>")


def summary(*reasons: ChosenReason) -> Summary:
    return Summary("r2", SummaryKind.RATINGS, "", chosen_reasons=reasons)


def test_only_reasons_about_the_idea_and_not_withheld_are_shown_escaped_in_the_readers_language():
    c = load_definition(MINI)
    held = summary(
        reason(1), reason(2, item_id="i2"), ChosenReason(3, "workforce", "rate", "i1", "evidence", "Gone", True)
    )
    block = why_differ(words("cy"), held, c, "rate", "i1")
    assert block == "<b>Pam y rhoddodd rhai pobl sgôr wahanol</b>\n• “Reason number 1 &lt;b&gt;”"
    assert why_differ(words("en"), held, c, "rate", "i3") == ""


def test_the_criterion_is_named_when_the_reasons_explain_different_ones():
    c = load_definition(MINI)
    block = why_differ(words("en"), summary(reason(1), reason(2, criterion_id="newness")), c, "rate", "i1")
    assert "• <i>Evidence</i>: “Reason number 1" in block and "• <i>Newness</i>: “Reason number 2" in block


def test_an_idea_takes_at_most_reasons_per_idea():
    two = with_reason(with_reason(summary(), reason(1), 2), reason(2), 2)
    assert [r.reason_id for r in two.chosen_reasons] == [1, 2]
    assert with_reason(two, reason(1), 2) == two  # chosen already: nothing changes
    assert with_reason(two, reason(3, item_id="i2"), 2).chosen_reasons[-1].reason_id == 3  # another idea has room
    with pytest.raises(SummaryError, match="reasons_per_idea is 2"):
        with_reason(two, reason(3), 2)
