"""The consultation definition: YAML validated into frozen pydantic models.

Unknown keys are refused (extra="forbid") so a typo in a definition is an error, not a silent
default. Cross-references (a round naming a group or theme) are checked in `definition_checks`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator, model_validator

from carework_core.definitions.local_text import Localised, LocalText
from carework_core.definitions.report_rules import ReportRules
from carework_core.reading.limits import ReadingLimits

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
# An item's id, as the team writes it in its lists (I1, sol-3): upper case too, as the synthesis workbook takes.
ITEM_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
# An item's description or evidence notes: "More about this idea" shows both in one message of Telegram's 4096.
ITEM_TEXT_MAX = 1500
# Participant-visible texts: a string, or one per language ({en: ..., cy: ...}); see local_text.py.
Text = Annotated[LocalText, Localised(1, 3000)]
Label = Annotated[LocalText, Localised(1, 40)]
OptionalText = Annotated[LocalText, Localised(0, 3000)]


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
    # "team": the research team scores it (score_<criterion> in items import or the synthesis); no one is asked.
    rated_by: Literal["participants", "team"] = "participants"


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


DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: object) -> timedelta:
    """Reads a duration written as 90m, 12h or 2d (a bare number is hours)."""
    if isinstance(value, timedelta):
        return value
    text = str(value).strip().lower()
    unit = DURATION_UNITS.get(text[-1:]) if text else None
    number = text[:-1] if unit else text
    try:
        amount = float(number)
    except ValueError:
        raise ValueError(f"write a duration such as 90m, 12h or 2d, not {value!r}") from None
    if not amount > 0:  # also nan
        raise ValueError("a duration must be longer than nothing")
    try:
        return timedelta(**{unit or "hours": amount})
    except OverflowError:  # inf, or more days than a timedelta holds
        raise ValueError(f"a duration of {value!r} is longer than any consultation") from None


class Schedule(Strict):
    """When a round opens and closes; naive times are in the consultation's timezone.

    A reminder that could not go out on time (the bot was down, or it fell in quiet hours) is
    still sent later, unless it is older than stale_after: a late nudge is fine, a day-old one is not.
    """

    opens: datetime | None = None
    closes: datetime | None = None
    reminders: list[datetime] = Field(default_factory=list, max_length=10)
    summary: datetime | None = None
    stale_after: timedelta = timedelta(hours=12)

    @field_validator("stale_after", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if isinstance(value, str) and value.upper().startswith("P"):
            return value  # ISO 8601, as a stored snapshot writes it: pydantic reads that itself
        return parse_duration(value)

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


class QuietHours(Strict):
    """Hours of the day, in the consultation's timezone, when no reminder or announcement is sent."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: time = Field(alias="from")
    end: time = Field(alias="to")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock_time(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted 21:00 as the base-60 number 1260: take it back to a time of day.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("from and to must differ (leave quiet_hours out for none)")
        return self

    def contains(self, local: time) -> bool:
        """Returns whether a local time of day falls in these quiet hours (which may span midnight)."""
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


class QuestionBase(Strict):
    id: Id
    text: Text
    hint: OptionalText = LocalText("")
    required: bool = True


class Followup(Strict):
    """A short question asked about each example once it is saved, e.g. "Where is this happening?"."""

    id: Id
    text: Text


class ExamplesQuestion(QuestionBase):
    """Several free-text entries, e.g. new ways of working the person has seen; each may have follow-ups."""

    type: Literal["examples"]
    max_examples: int = Field(default=5, ge=1, le=20)
    followups: list[Followup] = Field(default_factory=list, max_length=5)

    @field_validator("followups")
    @classmethod
    def _distinct_followups(cls, followups: list[Followup]) -> list[Followup]:
        if len({f.id for f in followups}) != len(followups):
            raise ValueError("each follow-up needs its own id")
        return followups


class TextQuestion(QuestionBase):
    type: Literal["text"]


class RatingQuestion(QuestionBase):
    type: Literal["rating"]
    scale: Scale


class Option(Strict):
    id: Id
    label: Label
    other: bool = False  # picking it asks for a few words, stored with the choice


class ChoiceQuestion(QuestionBase):
    type: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=12)
    multiple: bool = False

    @field_validator("options")
    @classmethod
    def _one_other(cls, options: list[Option]) -> list[Option]:
        if sum(o.other for o in options) > 1:
            raise ValueError("at most one option may be marked other: true")
        return options


class ItemRatingQuestion(QuestionBase):
    """Rate each item of an item set on some criteria: `criteria`, or those its kind names in criteria_by_kind."""

    type: Literal["item_rating"]
    item_set: Id
    criteria: list[Id] = Field(default_factory=list)  # for an item with no kind, or a kind not listed below
    criteria_by_kind: dict[Id, list[Id]] = Field(default_factory=dict)
    items_per_person: int | None = Field(default=None, ge=1)  # each person rates a share of the set (shares.py)

    @model_validator(mode="after")
    def _some_criteria(self) -> ItemRatingQuestion:
        if not self.criteria and not self.criteria_by_kind:
            raise ValueError("an item_rating question needs criteria, criteria_by_kind, or both")
        if any(not listed for listed in self.criteria_by_kind.values()):
            raise ValueError("each kind in criteria_by_kind needs at least one criterion")
        return self


Question = Annotated[
    ExamplesQuestion | TextQuestion | RatingQuestion | ChoiceQuestion | ItemRatingQuestion,
    Field(discriminator="type"),
]


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
