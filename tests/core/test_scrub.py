"""The scrubber, trimming and choosing excerpts: what a quotation in a summary may and may not carry."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carework_core.results.scrub import CONTACT, LINK, choose_excerpts, scrub, trim_excerpt
from carework_core.results.summary import Excerpt

MUST_CHANGE = [
    ("Email me at jo.smith+care@example.co.uk please", f"Email me at {CONTACT} please"),
    ("JO@CAREHOME.ORG.", f"{CONTACT}."),
    ("Ring +44 7700 900123 after six", f"Ring {CONTACT} after six"),
    ("Ring 07700 900123.", f"Ring {CONTACT}."),
    ("Office (01227) 823456 weekdays", f"Office {CONTACT} weekdays"),
    ("Office 01227-823456", f"Office {CONTACT}"),
    ("US office +1 (555) 010-9999", f"US office {CONTACT}"),
    ("Mobile 07700900123", f"Mobile {CONTACT}"),
    ("Ask for 2 07700 900123", f"Ask for 2 {CONTACT}"),
    ("Call +44 (0)1227 823456 now", f"Call {CONTACT} now"),
    ("Ring 020 7946 0958 or 01227 823 456.", f"Ring {CONTACT} or {CONTACT}."),
    ("Paris office +33 1 23 45 67 89", f"Paris office {CONTACT}"),
    ("Message @jo_smith on Telegram", f"Message {CONTACT} on Telegram"),
    ("(@carer99)", f"({CONTACT})"),
    ("See https://example.org/a?b=1&c=2.", f"See {LINK}."),
    ("See http://x.io/path, then", f"See {LINK}, then"),
    ("Try www.x.org/guide today", f"Try {LINK} today"),
    ("Join t.me/carework_group now", f"Join {LINK} now"),
    ("Our home is carehome.co.uk and it works", f"Our home is {LINK} and it works"),
    ("Read example.org/path.", f"Read {LINK}."),
    ("Two: a@b.com and c@d.org", f"Two: {CONTACT} and {CONTACT}"),
]

MUST_STAY = [
    "We started in 2019 and kept going to 2024.",
    "3 of 10 staff said it helped.",
    "It cost £1,200,000 over 5 years, or $25,000 each.",
    "The meeting is at 10:30 or 14:45.",
    "Shifts run 07:00 to 19:00.",
    "On 01.02.2024 we began.",
    "I was at work, me @ work, all day.",
    "We use e.g. buddy shifts, i.e. pairs.",
    "It helped.Info sessions were better.",
    "Between 10 and 20 people, maybe 35 or 40 in 2023.",
    "Rated it 4 out of 5, then 3.5 later.",
    "Room 101 on floor 2.",
]


@pytest.mark.parametrize(("text", "expected"), MUST_CHANGE)
def test_contact_details_and_links_are_replaced_by_markers(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text", MUST_STAY)
def test_years_counts_money_times_and_ordinary_words_are_kept(text):
    assert scrub(text) == text


def test_a_short_answer_is_only_scrubbed_and_put_on_one_line():
    assert trim_excerpt("We pair new staff\n\n  with a buddy.  Call 07700 900123") == (
        f"We pair new staff with a buddy. Call {CONTACT}"
    )


def test_a_long_answer_is_cut_at_the_last_sentence_end_that_fits():
    text = "First sentence here. Second one ends! " + "A third sentence goes on and on " * 5
    assert trim_excerpt(text, limit=60) == "First sentence here. Second one ends!"


def test_a_first_sentence_longer_than_the_limit_is_cut_at_a_word_with_an_ellipsis():
    text = "We started a buddy scheme for new carers, which helped them settle in faster than before"
    trimmed = trim_excerpt(text, limit=50)
    assert trimmed == "We started a buddy scheme for new carers, which…"
    assert len(trimmed) <= 50


@pytest.mark.parametrize("limit", [10, 41, 100, 280])
def test_a_trimmed_excerpt_is_never_longer_than_its_limit(limit):
    for text in ["x" * 500, "word " * 200, "Short. " * 100, "A. " + "b" * 400]:
        assert len(trim_excerpt(text, limit)) <= limit


def test_excerpts_take_each_group_in_turn_skip_short_and_repeated_ones_and_are_numbered():
    candidates = [
        ("workforce", "q1", "We pair every new carer with a buddy for their first month."),
        ("workforce", "q1", "Weekly supervision that actually happens, not just on paper."),
        ("workforce", "q2", "Too short."),
        ("lived", "q1", "we pair every new carer with a buddy for their first month"),
        ("lived", "q2", "We pair every new carer with a buddy for their first month. It works!"),
        ("lived", "q1", "My carer now has time to sit and talk with me over breakfast."),
        ("employers", "q2", "We pay for travel time between visits, and turnover has dropped."),
    ]
    chosen = choose_excerpts(candidates, count=3)
    assert [(e.number, e.group_id, e.question_id) for e in chosen] == [
        (1, "workforce", "q1"),
        (2, "lived", "q1"),
        (3, "employers", "q2"),
    ]
    assert chosen[1].text.startswith("My carer now has time")
    everything = choose_excerpts(candidates, count=10)
    assert [e.group_id for e in everything] == ["workforce", "lived", "employers", "workforce"]
    assert everything[-1] == Excerpt(
        4, "workforce", "q1", "Weekly supervision that actually happens, not just on paper."
    )


def test_excerpts_are_scrubbed_and_nobody_is_quoted_when_nobody_agreed():
    (excerpt,) = choose_excerpts([("lived", "q1", "Email me on jo@example.org about the buddy scheme we run.")])
    assert excerpt.text == f"Email me on {CONTACT} about the buddy scheme we run."
    assert choose_excerpts([]) == ()


@given(st.text(alphabet="ab .!?@+0123456789()-:/\n😀", max_size=600), st.integers(2, 300))
def test_any_text_trims_within_its_limit_and_scrubbing_twice_changes_nothing_more(text, limit):
    assert len(trim_excerpt(text, limit)) <= limit
    assert scrub(scrub(text)) == scrub(text)
