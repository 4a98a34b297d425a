"""The rest of a text a Telegram app split: a pasted text too long for one message arrives as several.

An app sends a text over 4,096 UTF-16 units as pieces, one message straight after another, each cut
at a space near the limit. Taken one at a time, the second piece would answer whatever the bot asked
next. So words that arrive as the very next message in the chat (nothing from the bot came between)
after stored words long enough to have been cut are the rest of them, joined on with the space the
app cut at.
"""

from __future__ import annotations

import re

from carework_core.messaging.messages import utf16_units
from carework_core.storage import continuations as store
from carework_core.storage.db import Tx

CUT_NEAR = 3_500  # UTF-16 units: each piece an app cut at a space is at least about this long
_MESSAGE = re.compile(r"m(\d+)")


async def joined_on(tx: Tx, participant_id: int, text: str, source: str) -> bool:
    """Joins typed text onto the long text of the message just before it; True when it did (or had)."""
    number = _MESSAGE.fullmatch(source)
    if number is None:
        return False
    again = await store.words_ending(tx, participant_id, source)
    if again is not None:  # a replayed message: joined already, or stored the usual way
        return again.source.endswith(f"+{source}")
    before = await store.words_ending(tx, participant_id, f"m{int(number.group(1)) - 1}")
    pieces = before.source.count("+") + 1 if before else 0
    if before is None or utf16_units(before.words) < CUT_NEAR * pieces:
        return False
    await store.join_on(tx, before, text, source)
    return True
