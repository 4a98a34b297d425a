"""Excerpts people agreed to have quoted.

A temporary version by engineer flow: engineer texts' scrubber replaces it.
"""

from __future__ import annotations

from collections.abc import Sequence

from carework_core.summary import Excerpt


def choose_excerpts(candidates: Sequence[tuple[str, str, str]], count: int = 5) -> tuple[Excerpt, ...]:
    """Returns up to `count` excerpts, numbered from 1."""
    return tuple(Excerpt(n, g, q, t[:280]) for n, (g, q, t) in enumerate(candidates[:count], start=1))
