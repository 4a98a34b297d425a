"""Example ids: an example is an answer to an examples question, and its id is E<answer id>.

The synthesis workbook, its import and the researchers' export all write and read ids here, so an
id in one file finds the same example in another. carework_core.items.synthesis re-exports both.
"""

from __future__ import annotations

import re

_FORM = re.compile(r"^[Ee]([1-9][0-9]{0,17})$")


def example_id(answer_id: int) -> str:
    """Returns the id people see for the example stored as this answer, e.g. E42."""
    return f"E{answer_id}"


def answer_id_of(text: str) -> int | None:
    """Returns the answer id an example id names ("E42" or "e42"), or None when it is not one."""
    match = _FORM.match(text.strip())
    return int(match.group(1)) if match else None
