"""A rating round's chart.

A temporary version by engineer flow (a fixed small PNG): engineer texts' matplotlib chart replaces it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from carework_core.definitions import Consultation
from carework_core.summary import RoundStats

_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def chart_png(stats: RoundStats, titles: Mapping[str, str], consultation: Consultation) -> bytes:
    """Returns the round's chart as PNG."""
    return _PIXEL


def chart_caption(stats: RoundStats, titles: Mapping[str, str], consultation: Consultation) -> str:
    """Returns the chart's text alternative for screen readers."""
    return f"Chart of round {stats.round_id}: items by the share who rated them in the top two points."
