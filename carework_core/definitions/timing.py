"""When things happen: durations as a definition writes them, a round's schedule, and quiet hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from pydantic import ConfigDict, Field, field_validator, model_validator

from carework_core.definitions.base import Strict

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
