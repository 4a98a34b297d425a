"""What every definition model is built from: a strict frozen base, ids and participant-visible texts."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from carework_core.definitions.local_text import Localised, LocalText

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
# Participant-visible texts: a string, or one per language ({en: ..., cy: ...}); see local_text.py.
Text = Annotated[LocalText, Localised(1, 3000)]
Label = Annotated[LocalText, Localised(1, 40)]
OptionalText = Annotated[LocalText, Localised(0, 3000)]


class Strict(BaseModel):
    """Base for definition models: unknown keys are errors and instances never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)
