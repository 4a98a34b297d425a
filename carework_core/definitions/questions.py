"""What a round asks: its question types, the rating scales they use and the criteria items are rated on.

A round's `questions:` list is read through `Question`, picking the model by each entry's `type`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from carework_core.definitions.base import Id, Label, OptionalText, Strict, Text
from carework_core.definitions.local_text import LocalText


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
