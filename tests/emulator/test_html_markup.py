"""The HTML parse mode checker: what Telegram shows, and what it refuses."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botapi_emulator.html_markup import EntityParseError, parse_html, utf16_units


def entity(kind: str, offset: int, length: int, **extra: str) -> dict:
    return {"type": kind, "offset": offset, "length": length, **extra}


@given(st.text())
def test_any_escaped_text_is_accepted_and_shown_as_written(text):
    result = parse_html(html.escape(text))
    assert result.text == text
    assert result.entities == ()


@given(st.text(), st.sampled_from(["b", "i", "u", "s", "code", "tg-spoiler", "blockquote"]))
def test_escaped_text_inside_a_tag_becomes_one_entity_of_its_utf16_length(text, tag):
    result = parse_html(f"<{tag}>{html.escape(text)}</{tag}>")
    assert result.text == text
    assert len(result.entities) == (1 if text else 0)
    if text:
        assert (result.entities[0]["offset"], result.entities[0]["length"]) == (0, utf16_units(text))


@pytest.mark.parametrize(
    "tag, kind",
    [
        ("b", "bold"),
        ("strong", "bold"),
        ("i", "italic"),
        ("em", "italic"),
        ("u", "underline"),
        ("ins", "underline"),
        ("s", "strikethrough"),
        ("strike", "strikethrough"),
        ("del", "strikethrough"),
        ("code", "code"),
        ("pre", "pre"),
        ("tg-spoiler", "spoiler"),
        ("blockquote", "blockquote"),
    ],
)
def test_each_supported_tag_makes_its_entity(tag, kind):
    assert parse_html(f"x<{tag}>yz</{tag}>").entities == (entity(kind, 1, 2),)


def test_tags_with_attributes_carry_them_into_entities():
    source = (
        '<a href="https://example.org/?a=1&amp;b=2">link</a> <span class="tg-spoiler">s</span> '
        '<tg-emoji emoji-id="5368324170671202286">!</tg-emoji> '
        "<blockquote expandable>q</blockquote> <pre><code class='language-python'>x</code></pre>"
    )
    result = parse_html(source)
    assert result.text == "link s ! q x"
    assert result.entities == (
        entity("text_link", 0, 4, url="https://example.org/?a=1&b=2"),
        entity("spoiler", 5, 1),
        entity("custom_emoji", 7, 1, custom_emoji_id="5368324170671202286"),
        entity("expandable_blockquote", 9, 1),
        entity("pre", 11, 1, language="python"),
    )


def test_offsets_count_utf16_units_and_outer_entities_come_first():
    result = parse_html("😀 <b>a<i>😀</i></b>")
    assert result.text == "😀 a😀"
    assert result.entities == (entity("bold", 3, 3), entity("italic", 4, 2))


def test_tag_names_are_case_insensitive():
    assert parse_html("<B>x</b>").entities == (entity("bold", 0, 1),)


def test_named_and_numeric_references_are_decoded():
    assert parse_html("&lt;&gt;&amp;&quot;&#39;&#x1F600;").text == "<>&\"'😀"


@pytest.mark.parametrize(
    "source, detail",
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("é <br>", 'Unsupported start tag "br" at byte offset 3'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</i>", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("ends with <", 'Unsupported start tag "" at byte offset 10'),
        ("fish & chips", "Unsupported entity at byte offset 5"),
        ("&nbsp;", "Unsupported entity at byte offset 0"),
        ("&apos;", "Unsupported entity at byte offset 0"),
        ("&amp", "Unsupported entity at byte offset 0"),
        ("&#0;", "Unsupported entity at byte offset 0"),
        ("&#xD800;", "Unsupported entity at byte offset 0"),
        ('<a href="a&b">x</a>', "Unsupported entity at byte offset 10"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<tg-emoji>x</tg-emoji>", 'Tag "tg-emoji" must have attribute "emoji-id" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
    ],
)
def test_refusals_name_the_problem_and_its_byte_offset(source, detail):
    with pytest.raises(EntityParseError) as refused:
        parse_html(source)
    assert str(refused.value) == detail


def test_empty_tags_make_no_entity():
    assert parse_html("<b></b>x").entities == ()


def test_a_link_without_href_is_plain_text():
    assert parse_html("<a>x</a>").entities == ()


PIECES = list("<>&/;#x=\"' abiBspan😀") + ["&lt;", "<b>", "</b>", "&#", "<a href=", "&#x41;"]


@given(st.lists(st.sampled_from(PIECES)).map("".join))
def test_any_input_is_either_parsed_or_refused_with_a_reason(source):
    try:
        result = parse_html(source)
    except EntityParseError as refused:
        assert str(refused)
    else:
        for found in result.entities:
            assert 0 <= found["offset"] and found["offset"] + found["length"] <= utf16_units(result.text)
