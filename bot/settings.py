"""Settings from the environment (CAREWORK_*), validated once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from carework_core.errors import SettingsError
from carework_core.people.roles import Roster


class StoreSettings(BaseSettings):
    """What the coordinator and researcher commands need: the database and the definition."""

    model_config = SettingsConfigDict(env_prefix="CAREWORK_", extra="ignore")

    database: Path = Path("carework.db")
    survey: Path = Path("surveys/carework.yaml")
    bot_username: str | None = None
    invite_key: SecretStr | None = None  # keys the invite-token hashes; unset: <database>.key, made once

    def invite_secret(self) -> str | None:
        """Returns the invite key given in the settings, if any."""
        return self.invite_key.get_secret_value() if self.invite_key else None


class TeamSettings(StoreSettings):
    """The store, and who CAREWORK_COORDINATORS and CAREWORK_RESEARCHERS name (they decide for them)."""

    coordinators: Annotated[list[int], NoDecode] = Field(default_factory=list)
    researchers: Annotated[list[int], NoDecode] = Field(default_factory=list)  # also download the data

    def roster(self) -> Roster:
        """Returns who the settings name, by role."""
        return Roster(frozenset(self.coordinators), frozenset(self.researchers))

    @field_validator("coordinators", "researchers", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        return value


class Settings(TeamSettings):
    """Everything `carework run` needs."""

    telegram_token: SecretStr
    telegram_api_url: str = "https://api.telegram.org"
    reconcile_seconds: float = Field(default=5.0, gt=0, le=60)
    poll_timeout: int = Field(default=20, ge=0, le=50)
    messages_per_second: float = Field(default=29.0, gt=0, le=30)
    connect_attempts: int = Field(default=6, ge=1, le=100)
    set_aside_days: float = Field(default=3.0, ge=0, le=30)
    http_client: Literal["aiohttp", "httpx"] = "aiohttp"
    backup_dir: Path | None = None  # set: the running bot copies the database there once a day
    backup_keep: int = Field(default=14, ge=1, le=366)  # daily copies kept; older ones are deleted
    log_format: Literal["text", "json"] = "text"  # json: one JSON object a line, for a log collector

    @field_validator("telegram_token")
    @classmethod
    def _not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("is set but empty")  # never the value itself: it is a secret
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _no_slash(cls, value: str) -> str:
        return value.rstrip("/")


def load_settings(kind: type[StoreSettings] = Settings, **overrides: object):
    """Reads the settings, turning a missing or wrong value into one clear SettingsError."""
    try:
        return kind(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = "CAREWORK_" + str(err["loc"][0]).upper() if err["loc"] else "settings"
            reason = "is not set" if err["type"] == "missing" else str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"{name} {reason}")
        raise SettingsError("; ".join(lines)) from None
