"""The consultation definition: YAML validated into frozen pydantic models.

Unknown keys are refused (extra="forbid") so a typo in a definition is an error, not a silent
default. Cross-references (a round naming a group or theme) are checked in `definition_checks`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class Strict(BaseModel):
    """Base for definition models: unknown keys are errors and instances never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Group(Strict):
    id: Id
    name: Text
    description: str = ""


class Theme(Strict):
    id: Id
    name: Text
    description: str = ""


class Scale(Strict):
    """A labelled rating scale, lowest first; `not_sure` adds a "Not sure" button."""

    labels: list[Label] = Field(min_length=2, max_length=11)
    not_sure: bool = False

    @field_validator("labels")
    @classmethod
    def _distinct(cls, labels: list[str]) -> list[str]:
        if len(set(labels)) != len(labels):
            raise ValueError("labels must all be different")
        return labels


class Criterion(Strict):
    """A review criterion used when rating items, e.g. how much evidence there is."""

    id: Id
    name: Text
    question: Text
    scale: Scale


class ConsentStatement(Strict):
    id: Id
    text: Text
    required: bool = True


class Consent(Strict):
    intro: Text
    statements: list[ConsentStatement] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_required(self) -> Consent:
        if not any(s.required for s in self.statements):
            raise ValueError("at least one statement must be required")
        return self


class Schedule(Strict):
    """When a round opens and closes; naive times are in the consultation's timezone."""

    opens: datetime | None = None
    closes: datetime | None = None
    reminders: list[datetime] = Field(default_factory=list)
    summary: datetime | None = None

    @model_validator(mode="after")
    def _in_order(self) -> Schedule:
        times = [t for t in (self.opens, self.closes, self.summary, *self.reminders) if t is not None]
        if len({t.tzinfo is None for t in times}) > 1:
            raise ValueError("write every time in a schedule the same way: all with an offset such as +00:00, or none")
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValueError("closes must be after opens")
        for when in self.reminders:
            if (self.opens and when <= self.opens) or (self.closes and when >= self.closes):
                raise ValueError("each reminder must fall between opens and closes")
        if self.summary and self.closes and self.summary < self.closes:
            raise ValueError("summary must not be before closes")
        return self


class QuestionBase(Strict):
    id: Id
    text: Text
    hint: str = ""
    required: bool = True


class ExamplesQuestion(QuestionBase):
    """Several free-text entries, e.g. new ways of working the person has seen."""

    type: Literal["examples"]
    max_examples: int = Field(default=5, ge=1, le=20)


class TextQuestion(QuestionBase):
    type: Literal["text"]


class RatingQuestion(QuestionBase):
    type: Literal["rating"]
    scale: Scale


class Option(Strict):
    id: Id
    label: Label


class ChoiceQuestion(QuestionBase):
    type: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=12)
    multiple: bool = False


class ItemRatingQuestion(QuestionBase):
    """Rate each item of an item set (loaded later from the synthesis) on some criteria."""

    type: Literal["item_rating"]
    item_set: Id
    criteria: list[Id] = Field(min_length=1)


Question = Annotated[
    ExamplesQuestion | TextQuestion | RatingQuestion | ChoiceQuestion | ItemRatingQuestion,
    Field(discriminator="type"),
]


class Round(Strict):
    id: Id
    title: Text
    theme: Id
    groups: list[Id] = Field(min_length=1)
    minutes: int = Field(default=5, ge=1, le=120)
    intro: str = ""
    schedule: Schedule = Schedule()
    questions: list[Question] = Field(min_length=1)

    def question(self, question_id: str) -> Question:
        """Returns the question with this id."""
        return next(q for q in self.questions if q.id == question_id)


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
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
