"""One typed settings object, read from the environment and an optional `.env` file."""

from __future__ import annotations

import zoneinfo
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/cornerstones.db"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"


class SettingsError(Exception):
    """Settings a person has to fix; the message is one line saying which and how."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN")
    )
    database_url: SecretStr = Field(
        default=SecretStr(DEFAULT_DATABASE_URL),
        validation_alias=AliasChoices("CORNERSTONES_DATABASE_URL"),
    )
    telegram_api_url: str = Field(
        default=DEFAULT_TELEGRAM_API_URL,
        validation_alias=AliasChoices("CORNERSTONES_TELEGRAM_API_URL"),
    )
    time_zone: str = Field(
        default="Europe/London", validation_alias=AliasChoices("CORNERSTONES_TIME_ZONE")
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias=AliasChoices("CORNERSTONES_LOG_LEVEL")
    )
    # How long a closed round's personal data is kept (`cornerstones purge` removes it after).
    retention: str = Field(default="24m", validation_alias=AliasChoices("CORNERSTONES_RETENTION"))

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        # A token pasted with a stray space or newline is still the token.
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _any_case_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # A BotFather token is "<digits>:<35 or so characters>"; say so rather than fail later.
        if value is not None:
            bot_id, _, secret = value.get_secret_value().partition(":")
            if not bot_id.isdigit() or len(secret) < 20:
                raise ValueError("does not look like a token from @BotFather (123456:ABC…)")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value()
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_root(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL, the Bot API server root")
        return value.rstrip("/")

    @field_validator("retention")
    @classmethod
    def _retention_age(cls, value: str) -> str:
        from bot.state.retention import parse_age

        parse_age(value)  # raises ValueError with the form it wants
        return value.strip()

    @field_validator("time_zone")
    @classmethod
    def _real_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as error:
            # OSError: a folder of zones ("Europe") can be opened as if it were one.
            raise ValueError("is not a time zone name such as Europe/London") from error
        return value

    def sqlite_path(self) -> Path | None:
        """The database file, when the database is SQLite on disk."""
        url = self.database_url.get_secret_value()
        prefix = "sqlite+aiosqlite:///"
        if not url.startswith(prefix) or ":memory:" in url:
            return None
        return Path(url.removeprefix(prefix))


_ENV_NAMES = {
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "database_url": "CORNERSTONES_DATABASE_URL",
    "telegram_api_url": "CORNERSTONES_TELEGRAM_API_URL",
    "time_zone": "CORNERSTONES_TIME_ZONE",
    "log_level": "CORNERSTONES_LOG_LEVEL",
    "retention": "CORNERSTONES_RETENTION",
}


def load_settings() -> Settings:
    """Read the settings, or raise SettingsError with one line a person can act on."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        name = _ENV_NAMES.get(field, field)
        # Never echo the value: it may be a token or a password.
        raise SettingsError(f"{name} {first['msg'].removeprefix('Value error, ')}") from None


@cache
def settings() -> Settings:
    return load_settings()
