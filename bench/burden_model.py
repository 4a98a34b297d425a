"""The burden bench's reading model: what a person's screens and taps in a rating round cost in minutes.

Pure functions over what a virtual participant saw and did (bench/burden.py records it), so the model
is tested with hand-worked figures (tests/bot/test_burden_model.py) and never depends on timing:

- a **card** (a screen that shows an idea to rate, marked "Idea N of M", with buttons) costs 6 s to
  read, every time one is shown: today each criterion of an idea is a card of its own;
- a **tap** costs 2 s, including seeing the answer ticked on the message it was made on (so an edit
  without buttons that follows the person's own tap on that message costs nothing more);
- **every other screen** (the invitation, a typed question, "Saved", the thank-you, a reminder, a
  "More about this idea" page) is read at 200 words a minute: a new message for all its words, an
  edited one for the words it adds to what was there.
Typing is not in the model: the free-text questions of a rating round are optional, and what a person
types does not depend on how the ideas are rated.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CARD_SECONDS = 6.0
TAP_SECONDS = 2.0
WORDS_PER_MINUTE = 200
CARD_MARK = re.compile(r"\bIdea \d+ of \d+\b")  # the line every item card carries (bot/screens/render.py)


def minutes_taken(cards: int, taps: int, words: int) -> float:
    """Returns the minutes a round takes: 6 s a card, 2 s a tap, other screens' words at 200 a minute."""
    return (CARD_SECONDS * cards + TAP_SECONDS * taps) / 60 + words / WORDS_PER_MINUTE


@dataclass(frozen=True)
class Tap:
    """The person tapped a button on this message."""

    message_id: int


@dataclass(frozen=True)
class Screen:
    """The person saw a bot message, or a new version of one (`before` is the text they saw there last)."""

    message_id: int
    text: str
    buttons: bool
    before: str | None = None


@dataclass(frozen=True)
class Load:
    """What one person's round cost: cards read, taps made, words read on the other screens."""

    cards: int
    taps: int
    words: int

    @property
    def minutes(self) -> float:
        return minutes_taken(self.cards, self.taps, self.words)


def load_of(events: Iterable[Tap | Screen]) -> Load:
    """Returns the cards, taps and other words in one person's screens and taps, in the order they came."""
    cards = taps = words = 0
    tapped: set[int] = set()  # messages tapped since the person last saw them change
    for event in events:
        if isinstance(event, Tap):
            taps += 1
            tapped.add(event.message_id)
            continue
        own_tap = event.message_id in tapped
        tapped.discard(event.message_id)
        if event.buttons and CARD_MARK.search(event.text):
            cards += 1
        elif event.before is None:
            words += len(event.text.split())
        elif event.buttons or not own_tap:
            words += sum((Counter(event.text.split()) - Counter(event.before.split())).values())
    return Load(cards, taps, words)


def median(values: Sequence[float]) -> float:
    """Returns the middle value (the mean of the middle two for an even count)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], share: float) -> float:
    """Returns the nearest-rank percentile: the smallest value at least `share` of the values are at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
