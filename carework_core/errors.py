"""One error tree for the whole product.

Every error carries a message that names the thing at fault and the next step. The bot's error
handler and the CLI each translate these in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass


class CareworkError(Exception):
    """Base of every error the core raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in a file: where it is and what is wrong."""

    file: str
    line: int
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.reason}"


class DefinitionError(CareworkError):
    """A consultation definition is unreadable or invalid; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SettingsError(CareworkError):
    """The bot's settings are missing or wrong."""


class NotFound(CareworkError):
    """A named thing (round, group, participant, invite) does not exist."""


class InviteError(CareworkError):
    """An invite link cannot be used."""


class InviteUnknown(InviteError):
    """The invite token matches no invite."""


class InviteUsedUp(InviteError):
    """The invite has been used as many times as it allows."""


class IllegalTransition(CareworkError):
    """A lifecycle event is not allowed in the current state; nothing was changed."""


class StaleAction(CareworkError):
    """A button or message refers to a question or round that is no longer current."""


class ButtonOutOfDate(StaleAction):
    """A button names an answer its question does not offer: one made before an upgrade changed buttons."""


class NotYourRound(StaleAction):
    """A button names a round that is not for the person's group (or no round at all): only a forger sends it."""


class AnswerRejected(CareworkError):
    """An answer does not fit the question it was given for."""


class NotRegistered(CareworkError):
    """The person has no consented participation yet."""


class ConsentReworded(CareworkError):
    """A required consent statement's words changed since the person agreed: they are asked again first."""

    def __init__(self, round_id: str, number: int):
        super().__init__(
            f"consent statement {number + 1} was reworded; it is asked again before round {round_id} goes on"
        )
        self.round_id, self.number = round_id, number


class ConsentPending(NotRegistered):
    """The person has opened an invite but not finished the consent questions."""


class DatabaseUnavailable(CareworkError):
    """The database file is missing, cannot be created, or is not a carework database."""


class MigrationError(CareworkError):
    """The database schema cannot be brought up to date."""


class RoundNotOpen(CareworkError):
    """The round is not open, so it cannot take answers."""


class RoundNotYetOpen(RoundNotOpen):
    """The round has never opened, so no button for it was sent: a tap naming it is stale or forged."""


class ExportRefused(CareworkError):
    """The export cannot be written where it was asked to go; nothing was written."""


class RoundNotReady(IllegalTransition):
    """A round cannot open yet because something it needs (such as its items) is missing."""


class ItemsLocked(CareworkError):
    """An item set cannot change because a round that rates it has opened."""


class DefinitionChanged(CareworkError):
    """The definition changes what people of an opened round saw; `changes` names each change."""

    def __init__(self, message: str, changes: list[str]):
        self.changes = changes
        super().__init__(message)


class PlanError(CareworkError):
    """A coordinator's change to a round's plan cannot be made (a time in the past, no such reminder)."""


class SummaryError(CareworkError):
    """A round has no summary or figures to give, or its summary cannot be changed as asked; names the round and why."""


@dataclass(frozen=True)
class SheetProblem:
    """One problem in a workbook: the sheet, the cell (A1 style, empty for the whole sheet) and the reason."""

    sheet: str
    cell: str
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.reason}" if self.cell else f"{self.sheet}: {self.reason}"


class SynthesisRejected(CareworkError):
    """A synthesis workbook cannot be imported; lists every problem found, and nothing was loaded."""

    def __init__(self, file: str, problems: list[SheetProblem]):
        self.file = file
        self.problems = problems
        lines = "\n".join(f"{file}: {p}" for p in problems)
        if len(problems) == 1:  # one problem, one line
            super().__init__(f"{file}: {problems[0]}; nothing was imported")
        else:
            super().__init__(f"{file}: {len(problems)} problem(s), nothing was imported:\n{lines}")


class ItemListRejected(CareworkError):
    """An item list cannot be loaded; names every problem by sheet and cell (or line and column), and nothing was."""

    def __init__(self, file: str, problems: list[str]):
        self.file = file
        self.problems = problems
        lines = "\n".join(f"{file}: {p}" for p in problems)
        if len(problems) == 1:
            super().__init__(f"{file}: {problems[0]}; nothing was loaded")
        else:
            super().__init__(f"{file}: {len(problems)} problems, nothing was loaded:\n{lines}")
