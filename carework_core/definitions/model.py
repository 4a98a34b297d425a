"""The consultation definition: YAML validated into frozen pydantic models.

Unknown keys are refused (extra="forbid") so a typo in a definition is an error, not a silent
default. Cross-references (a round naming a group or theme) are checked in `definition_checks`.

A definition's parts have their own modules: questions.py (what a round asks, scales, criteria), timing.py
(schedules, quiet hours, durations) and base.py (the strict base, ids, texts). Every model is importable
from here (see __all__), so importers name one module for the whole definition.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, StringConstraints, field_validator, model_validator

from carework_core.definitions.base import Id, OptionalText, Strict, Text
from carework_core.definitions.local_text import Localised, LocalText
from carework_core.definitions.questions import (
    ChoiceQuestion,
    Criterion,
    ExamplesQuestion,
    Followup,
    ItemRatingQuestion,
    Option,
    Question,
    RatingQuestion,
    Scale,
    TextQuestion,
)
from carework_core.definitions.report_rules import ReportRules
from carework_core.definitions.timing import QuietHours, Schedule, parse_duration
from carework_core.reading.limits import ReadingLimits

__all__ = [
    "ITEM_ID_PATTERN",
    "ITEM_TEXT_MAX",
    "Group",
    "Theme",
    "ConsentStatement",
    "Consent",
    "TopShareRule",
    "MedianRule",
    "ConsensusRule",
    "SynthesisRules",
    "SummaryRules",
    "Round",
    "ListedItem",
    "Consultation",
    # the parts, defined in their own modules
    "ChoiceQuestion",
    "Criterion",
    "ExamplesQuestion",
    "Followup",
    "ItemRatingQuestion",
    "Option",
    "Question",
    "RatingQuestion",
    "Scale",
    "TextQuestion",
    "QuietHours",
    "Schedule",
    "parse_duration",
    "ReportRules",
]

# An item's id, as the team writes it in its lists (I1, sol-3): upper case too, as the synthesis workbook takes.
ITEM_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
# An item's description or evidence notes: "More about this idea" shows both in one message of Telegram's 4096.
ITEM_TEXT_MAX = 1500


class Group(Strict):
    id: Id
    name: Text
    description: str = ""


class Theme(Strict):
    id: Id
    name: Text
    description: str = ""


class ConsentStatement(Strict):
    id: Id
    text: Text
    required: bool = True


class Consent(Strict):
    intro: Text
    statements: list[ConsentStatement] = Field(min_length=1)
    quotes: Id | None = None  # the statement whose agreement lets a person's words be quoted; None: nobody is
    # The participant information sheet, sent before anyone can agree: a .pdf or .txt file beside the
    # definition, or a link; once or per language (definitions/info_sheet.py).
    sheet: Annotated[LocalText, Localised(1, 500)] | None = None

    @model_validator(mode="after")
    def _one_required(self) -> Consent:
        if not any(s.required for s in self.statements):
            raise ValueError("at least one statement must be required")
        return self


class TopShareRule(Strict):
    """Agreement when at least top_share of ratings fall in the top two points and the IQR is small."""

    rule: Literal["top_share"]
    top_share: float = Field(default=0.7, gt=0.5, le=1)
    max_iqr: float = Field(default=1, ge=0)


class MedianRule(Strict):
    """Agreement when the median is at or above agree_at_least and the IQR is small (RAND/UCLA style)."""

    rule: Literal["median"]
    agree_at_least: int = Field(ge=1)
    disagree_at_most: int = Field(ge=1)
    max_iqr: float = Field(default=3, ge=0)


ConsensusRule = Annotated[TopShareRule | MedianRule, Field(discriminator="rule")]


class Round(Strict):
    id: Id
    title: Text
    theme: Id
    groups: list[Id] = Field(min_length=1)
    minutes: int = Field(default=5, ge=1, le=120)
    intro: OptionalText = LocalText("")
    schedule: Schedule = Schedule()
    # The share of each stakeholder group the team wants to finish; /status warns below it.
    response_target: float | None = Field(default=None, gt=0, le=1)
    questions: list[Question] = Field(min_length=1)

    def question(self, question_id: str) -> Question:
        """Returns the question with this id."""
        return next(q for q in self.questions if q.id == question_id)


class ListedItem(Strict):
    """An item written in the definition's item_sets: what a card shows and "More about this idea" adds."""

    id: Annotated[str, StringConstraints(pattern=ITEM_ID_PATTERN)]
    title: Text
    description: OptionalText = LocalText("")
    evidence: OptionalText = LocalText("")  # the team's evidence notes
    theme: Id | None = None
    kind: Id | None = None  # e.g. innovation or solution


class SynthesisRules(Strict):
    """How the researchers' synthesis workbook is checked on import."""

    # Titles are what participants read on an item card: short enough for a phone screen.
    title_max: int = Field(default=120, ge=10, le=200)


class SummaryRules(Strict):
    """What a coordinator may add to a between-round summary."""

    # How many reasons "Why some people rated it differently" may show under one idea.
    reasons_per_idea: int = Field(default=2, ge=0, le=5)


class Consultation(Strict):
    id: Id
    title: Text
    run_by: Text
    purpose: Text
    contact: Text
    timezone: str = "Europe/London"
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1)
    groups: list[Group] = Field(min_length=1)
    themes: list[Theme] = Field(min_length=1)
    criteria: list[Criterion] = Field(default_factory=list)
    consent: Consent
    thank_you: Text = "Thank you. We will send you a short summary when this round has closed."
    rounds: list[Round] = Field(min_length=1)
    quiet_hours: QuietHours | None = None
    # A person is reminded about a round at most once in this long, however the reminder was asked for.
    reminder_gap: timedelta = timedelta(hours=12)
    # How a summary labels a rated item's consensus; validate checks a written rule against the scales.
    consensus: ConsensusRule = TopShareRule(rule="top_share")
    # A group with fewer respondents to an item than this is shown only within "all groups".
    min_group_size: int = Field(default=5, ge=1)
    synthesis: SynthesisRules = SynthesisRules()
    # How the research team's report ranks ideas and calls ratings stable; see report_rules.py.
    report: ReportRules = ReportRules()
    summaries: SummaryRules = SummaryRules()
    # Item sets written out here (set id -> items) are stored when the bot starts, until a round rating them opens.
    item_sets: dict[Id, list[ListedItem]] = Field(default_factory=dict)
    # What /withdraw does with a person's answers: delete them, or keep them under their code (no link to the person).
    on_withdraw: Literal["delete", "anonymise"] = "delete"
    # What `carework validate` checks every participant-facing text against (warnings unless --strict).
    reading: ReadingLimits = ReadingLimits()
    _folder: Path | None = PrivateAttr(default=None)  # where the definition file is: files it names sit beside it

    @field_validator("reminder_gap", mode="before")
    @classmethod
    def _gap(cls, value: object) -> object:
        if isinstance(value, str) and value.upper().startswith("P"):
            return value  # ISO 8601, as a stored snapshot writes it
        return parse_duration(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {name!r}; use a name such as Europe/London") from None
        return name

    def round(self, round_id: str) -> Round:
        """Returns the round with this id."""
        return next(r for r in self.rounds if r.id == round_id)

    def group(self, group_id: str) -> Group:
        """Returns the stakeholder group with this id."""
        return next(g for g in self.groups if g.id == group_id)

    def theme(self, theme_id: str) -> Theme:
        """Returns the theme with this id."""
        return next(t for t in self.themes if t.id == theme_id)

    @property
    def folder(self) -> Path | None:
        """The folder of the definition file, once loaded from one; files it names are found there."""
        return self._folder

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
