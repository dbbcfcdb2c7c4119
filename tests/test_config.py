"""Settings come from the environment or a `.env` file; a mistake is one line, never the secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
VARIABLES = [
    "TELEGRAM_BOT_TOKEN",
    "CORNERSTONES_DATABASE_URL",
    "CORNERSTONES_TELEGRAM_API_URL",
    "CORNERSTONES_TIME_ZONE",
    "CORNERSTONES_LOG_LEVEL",
    "CORNERSTONES_RETENTION",
]


@pytest.fixture(autouse=True)
def nothing_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from this machine's environment, and a working folder with no `.env` yet."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> str:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message, "one line a person can act on"
    assert message.startswith(name), "it names the variable to fix"
    return message


def test_defaults_need_nothing_set() -> None:
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.database_url.get_secret_value() == "sqlite+aiosqlite:///data/cornerstones.db"
    assert settings.sqlite_path() == Path("data/cornerstones.db")
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.time_zone == "Europe/London"
    assert settings.log_level == "INFO"


def test_a_token_is_read_and_kept_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f"  {TOKEN}\n")
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)


def test_a_blank_token_is_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "   ")
    assert load_settings().telegram_bot_token is None


@pytest.mark.parametrize(
    "token",
    ["AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "bot123:AAHdqTcvCH1vGWJxfSeofSAs0K5PA", "123:short"],
)
def test_a_token_of_the_wrong_shape_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    message = refused(monkeypatch, "TELEGRAM_BOT_TOKEN", token)
    assert "@BotFather" in message
    assert token not in message
    assert token.rpartition(":")[2] not in message


def test_a_database_url_of_an_unknown_kind_is_refused_without_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = refused(monkeypatch, "CORNERSTONES_DATABASE_URL", "mysql://coordinator:hunter2@db/x")
    assert "postgresql+asyncpg://" in message and "sqlite+aiosqlite://" in message
    assert "hunter2" not in message and "coordinator" not in message


def test_postgresql_is_accepted_and_its_password_kept_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "postgresql+asyncpg://cornerstones:hunter2@db.example:5432/cornerstones"
    monkeypatch.setenv("CORNERSTONES_DATABASE_URL", url)
    settings = load_settings()
    assert settings.database_url.get_secret_value() == url
    assert settings.sqlite_path() is None
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe", "../../etc/passwd", ""])
def test_a_time_zone_that_is_not_one_is_refused(monkeypatch: pytest.MonkeyPatch, zone: str) -> None:
    assert "Europe/London" in refused(monkeypatch, "CORNERSTONES_TIME_ZONE", zone)


def test_a_real_time_zone_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORNERSTONES_TIME_ZONE", "Europe/Dublin")
    assert load_settings().time_zone == "Europe/Dublin"


def test_the_log_level_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORNERSTONES_LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"
    assert "INFO" in refused(monkeypatch, "CORNERSTONES_LOG_LEVEL", "chatty")


def test_the_api_url_loses_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORNERSTONES_TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    assert load_settings().telegram_api_url == "http://127.0.0.1:8081"
    assert "http" in refused(monkeypatch, "CORNERSTONES_TELEGRAM_API_URL", "api.telegram.org")


def test_a_dot_env_file_in_the_working_folder_is_read(nothing_set: Path) -> None:
    (nothing_set / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN='{TOKEN}'\n"
        "CORNERSTONES_DATABASE_URL=sqlite+aiosqlite:////srv/cornerstones.db\n"
        "CORNERSTONES_TIME_ZONE=Europe/Dublin\n"
        "SOMETHING_ELSE=ignored\n"
    )
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.sqlite_path() == Path("/srv/cornerstones.db")
    assert settings.time_zone == "Europe/Dublin"


def test_the_environment_wins_over_the_dot_env_file(
    monkeypatch: pytest.MonkeyPatch, nothing_set: Path
) -> None:
    (nothing_set / ".env").write_text("CORNERSTONES_TIME_ZONE=Europe/Dublin\n")
    monkeypatch.setenv("CORNERSTONES_TIME_ZONE", "Europe/Paris")
    assert load_settings().time_zone == "Europe/Paris"


def test_a_mistake_in_the_dot_env_file_is_reported_like_one_in_the_environment(
    nothing_set: Path,
) -> None:
    (nothing_set / ".env").write_text("TELEGRAM_BOT_TOKEN=not-a-token-at-all-just-a-secret\n")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith("TELEGRAM_BOT_TOKEN")
    assert "just-a-secret" not in str(caught.value)


def test_settings_are_frozen() -> None:
    settings = load_settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.time_zone = "Europe/Paris"
    assert isinstance(settings, Settings)
