"""The reading room's measures: what counts as a sentence, when a text gets a grade, whose words are counted."""

from __future__ import annotations

from carework_core.reading.limits import ReadingLimits, over_limits
from carework_core.reading.measure import measure
from carework_core.reading.messages import own_words, read_messages

PLAIN = "Tell us about a new way of working you have seen at work. One example per message is enough."
JARGON = (
    "Multidisciplinary interprofessional collaboration necessitates comprehensive documentation of "
    "organisational accountability frameworks."
)


def test_a_plain_text_is_within_the_default_limits_and_jargon_is_not():
    assert measure(PLAIN, "en").grade < 8 and over_limits(PLAIN, "en", ReadingLimits()) == []
    assert over_limits(JARGON + " " + JARGON, "en", ReadingLimits())[0].startswith("reading grade ")


def test_short_texts_and_other_languages_get_no_grade_but_are_still_measured():
    assert measure("Information and technology", "en").grade is None  # one long word would decide it
    welsh = measure(" ".join(["Mae gofal yn bwysig"] * 8), "cy")
    assert welsh.grade is None and welsh.longest_sentence == 32


def test_a_line_break_ends_a_sentence_and_tags_are_not_read():
    m = measure("<b>Who took part</b>\n• Everyone: 8 people\n• Care workers: 5 people &amp; more", "en")
    assert m.longest_sentence == 5 and m.chars == len(
        "Who took part\n• Everyone: 8 people\n• Care workers: 5 people & more"
    )


def test_words_to_avoid_are_found_whatever_their_case_or_number():
    m = measure(
        "Stakeholders and key  workers are welcome; stakes are high.", "en", ("stakeholder", "key worker", "IT")
    )
    assert m.avoided == ("stakeholder", "key worker")


def test_quoted_words_are_the_participants_and_are_not_counted():
    quoted = f"In your own words\n“{JARGON} {JARGON}”\n— someone who took part"
    assert own_words(quoted) == "In your own words\n“”\n— someone who took part"
    figures = read_messages([quoted, PLAIN, PLAIN, f"<b>{PLAIN}</b>"], "en", ReadingLimits())
    assert (figures.messages, figures.over_grade, figures.longest_screen_chars) == (2, 0, len(PLAIN))
    unquoted = read_messages([JARGON + " " + JARGON], "en", ReadingLimits())
    assert unquoted.over_grade == 1 and unquoted.line().startswith("reading: messages=1 over_grade=1 max_grade=")
