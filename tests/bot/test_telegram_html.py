"""Long summaries split into messages Telegram accepts, and captions kept within 1,024 characters."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.telegram_html import caption, split_html
from botapi_emulator.html_markup import parse_html, utf16_units

WORDS = st.text(alphabet="ab <&>é😀\n", min_size=1, max_size=30).map(html.escape)
TAGS = st.sampled_from(["b", "i", "u", "code", 'a href="https://example.org/?a=1&amp;b=2"', "tg-spoiler"])


@st.composite
def messages(draw, depth: int = 0) -> str:
    """Draws valid Telegram HTML: escaped text, paragraphs and lines, tags nested two deep."""
    pieces = []
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.integers(0, 3 if depth < 2 else 1))
        if choice <= 1:
            pieces.append(draw(WORDS))
        elif choice == 2:
            pieces.append(draw(st.sampled_from(["\n\n", "\n", " "])))
        else:
            tag = draw(TAGS)
            pieces.append(f"<{tag}>{draw(messages(depth + 1))}</{tag.split()[0]}>")
    return "".join(pieces)


def visible(source: str) -> str:
    return parse_html(source).text


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


@settings(max_examples=300, deadline=None)
@given(messages(), st.integers(2, 60))
def test_parts_parse_fit_the_limit_and_keep_every_visible_character_in_order(source, limit):
    parts = split_html(source, limit)
    for part in parts:
        assert utf16_units(visible(part)) <= limit  # parse_html raises if a tag is broken
        assert visible(part).strip()
    assert squeezed("".join(visible(p) for p in parts)) == squeezed(visible(source))


@given(messages())
def test_a_message_within_the_limit_is_one_part_unchanged(source):
    if visible(source).strip():
        assert split_html(source) == [source]


def test_a_long_message_is_cut_at_paragraphs_before_lines_and_words():
    first, second = "One " * 10 + "end.", "Two\nlines " * 3
    parts = split_html(f"{first}\n\n{second}", limit=60)
    assert parts == [first, second]
    assert split_html("aaa bbb\nccc ddd", limit=10) == ["aaa bbb", "ccc ddd"]
    assert split_html("aaa bbb ccc", limit=8) == ["aaa bbb", "ccc"]
    assert split_html("abcdefghij", limit=4) == ["abcd", "efgh", "ij"]


def test_a_tag_open_at_a_cut_is_closed_and_opened_again():
    source = '<b>Bold start. <a href="https://x.org">a link that runs on</a> and more</b>'
    assert split_html(source, limit=12) == [
        "<b>Bold start.</b>",
        '<b><a href="https://x.org">a link that</a></b>',
        '<b><a href="https://x.org">runs on</a> and</b>',
        "<b>more</b>",
    ]


def test_a_cut_never_falls_inside_a_character_reference_and_counts_it_as_one_character():
    assert split_html("&lt;&lt;&lt;&lt;", limit=3) == ["&lt;&lt;&lt;", "&lt;"]
    assert split_html("😀😀😀", limit=4) == ["😀😀", "😀"]  # each is two UTF-16 units


def test_a_paragraph_of_4096_characters_and_then_more_fills_one_message():
    parts = split_html("x" * 4096 + "\n\n" + "y" * 10)
    assert parts == ["x" * 4096, "y" * 10]


def test_a_caption_within_the_limit_is_kept_and_a_long_one_ends_at_a_word_with_an_ellipsis():
    assert caption("  Short caption.  ") == "Short caption."
    assert caption("word " * 300) == ("word " * 204).strip() + "…"
    assert len(caption("word " * 300)) <= 1024
    assert caption("First sentence. Second sentence is here and long", limit=30) == "First sentence. …"
    assert caption("abcdefghijklmnopqrstuvwxyz", limit=10) == "abcdefgh…"


@given(st.text(alphabet="ab .😀\n", max_size=2000), st.integers(10, 1024))
def test_a_caption_never_exceeds_its_limit(text, limit):
    assert utf16_units(caption(text, limit)) <= limit
