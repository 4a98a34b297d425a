"""The burden bench's reading model (bench/burden_model.py) against figures worked by hand."""

import pytest

from bench.burden_model import Screen, Tap, load_of, median, minutes_taken, percentile

CARD = "Question 1 of 3\nIdea 2 of 17\n\nHere are some ideas.\n\nRota apps\n\nHow new is this?"


def test_minutes_are_six_seconds_a_card_two_a_tap_and_200_words_a_minute():
    assert minutes_taken(0, 0, 0) == 0
    assert minutes_taken(1, 0, 0) == pytest.approx(0.1)  # 6 s
    assert minutes_taken(0, 3, 0) == pytest.approx(0.1)  # 3 taps x 2 s
    assert minutes_taken(0, 0, 50) == pytest.approx(0.25)  # 50 words at 200 a minute
    # Today's seed round: 17 ideas x 5 criteria = 85 cards and 85 taps, plus Start and two Skips,
    # and 120 words on the other screens: (85 x 6 + 88 x 2) s = 686 s = 11.433 min, plus 0.6 min.
    assert minutes_taken(85, 88, 120) == pytest.approx(12.0333, abs=1e-4)


def test_a_round_is_counted_card_by_card_tap_by_tap_and_word_by_word():
    events = [
        Screen(1, "Round 5: Checking what we heard today", buttons=True),  # 7 words
        Tap(1),
        Screen(1, "Round 5: Checking what we heard today", buttons=False, before="Round 5: ..."),  # no buttons: nothing
        Screen(2, CARD, buttons=True),  # a card
        Tap(2),
        Screen(2, CARD + "\n\nYour answer: Some", buttons=False, before=CARD),  # the tap's own answer: nothing
        Screen(3, CARD.replace("How new", "How lasting"), buttons=True),  # the next criterion: a card again
        Tap(3),
        Screen(4, "More about this idea: staff swap shifts in an app", buttons=True),  # 10 words
        Screen(
            4,
            "More about this idea: staff swap shifts in an app today",
            buttons=True,
            before="More about this idea: staff swap shifts in an app",
        ),  # an edit the person did not cause: 1 new word
        Screen(5, "That is the end of round 5.", buttons=False),  # 7 words
    ]
    load = load_of(events)
    assert (load.cards, load.taps, load.words) == (2, 3, 7 + 10 + 1 + 7)
    assert load.minutes == pytest.approx((2 * 6 + 3 * 2) / 60 + 25 / 200)


def test_an_edit_with_buttons_after_a_tap_costs_the_words_it_adds():
    before = "Why do people leave?\nPay is too low\nHours"
    events = [Screen(1, before, buttons=True), Tap(1), Screen(1, before.replace("Pay", "✓ Pay"), True, before)]
    assert load_of(events).words == 9 + 1  # nine words, then the tick


def test_median_and_percentile():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    values = list(range(1, 11))  # 1..10
    assert percentile(values, 0.9) == 9
    assert percentile(values, 0.5) == 5
    assert percentile([7], 0.9) == 7
