"""Plausible free-text answers for virtual participants, by theme, or from a file."""

from __future__ import annotations

from itertools import cycle
from pathlib import Path
from random import Random

from carework_core.errors import CareworkError

GENERAL = [
    "Our team started short weekly check-ins where anyone can raise a worry. People say they feel listened to.",
    "A local council pays travel time for home care visits. Fewer carers have left since it started.",
    "We pair each new starter with an experienced colleague for their first month.",
    "Rotas are planned two weeks ahead now, so people can plan childcare.",
    "Not enough time between visits, so people rush. More realistic visit times would help.",
]

BY_THEME: dict[str, list[str]] = {
    "supply": [
        "A provider recruits people who have cared for family members, with paid training in the first weeks.",
        "Guaranteed hours contracts instead of zero hours. Staff turnover went down in the first year.",
        "Joint recruitment days run by several small providers together in one town.",
        "Hard to recruit drivers in rural areas. A pool car scheme could help.",
        "Pay is lower than in supermarkets. A local living wage agreement would make a difference.",
    ],
    "wellbeing": [
        "Free counselling sessions for care workers, booked without asking a manager.",
        "A quiet room in the care home where staff can take a proper break.",
        "Debrief meetings after a resident dies, led by someone trained to support staff.",
        "People burn out from working extra shifts. Better cover for sickness would help.",
        "A wellbeing champion on each shift who checks in with colleagues.",
    ],
    "work_design": [
        "Self-managing teams in home care that plan their own visits with the people they support.",
        "Senior carer roles with extra pay for people who mentor others.",
        "Shorter shifts offered to carers who are also parents.",
        "Care workers are not asked about changes to their job. Involving them earlier would help.",
        "Trusted assessor roles so carers can order small equipment without waiting for a therapist.",
    ],
    "data_tech": [
        "A digital care record on phones, so notes are written during the visit, not after.",
        "An app where staff swap shifts with each other, approved by the manager in one tap.",
        "Sensors that tell night staff when someone gets up, so fewer checks wake people.",
        "Training on new systems is rushed. Time to learn them on paid hours would help.",
        "Video calls with district nurses, so carers get advice without waiting for a visit.",
    ],
}


class TextSource:
    """Hands out free-text answers: lines of a file in turn, or a seeded pick from the bank."""

    def __init__(self, rng: Random, lines: list[str] | None = None):
        self.rng = rng
        self._file = cycle(lines) if lines else None

    @classmethod
    def from_file(cls, rng: Random, path: Path | None) -> TextSource:
        """Reads one answer per non-empty line of path (UTF-8), or uses the bank when path is None."""
        if path is None:
            return cls(rng)
        # Only \n (or \r\n) ends an answer: str.splitlines would also split at form feeds, U+2028 and more.
        lines = [line.removesuffix("\r") for line in _answers_text(path).split("\n") if line.strip()]
        if not lines:
            raise CareworkError(f"cannot use the answers file {path}: it has no answers in it (one answer per line)")
        return cls(rng, lines)

    def answer(self, theme_id: str) -> str:
        """Returns the next answer for a question in this theme."""
        if self._file is not None:
            return next(self._file)
        return self.rng.choice(BY_THEME.get(theme_id, GENERAL))


def _answers_text(path: Path) -> str:
    """Reads an answers file as UTF-8; a missing, unreadable or non-UTF-8 file is one CareworkError."""
    why = None
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        why = "no such file"
    except IsADirectoryError:
        why = "it is a folder, not a file"
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
    except UnicodeDecodeError:
        why = "it is not UTF-8 text (save it as UTF-8)"
    raise CareworkError(f"cannot use the answers file {path}: {why}")
