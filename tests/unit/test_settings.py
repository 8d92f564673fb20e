"""Settings: defaults, lists, and one clear line per bad variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from core.settings import Settings, describe_errors


def make(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[arg-type]


def test_defaults_follow_the_architecture() -> None:
    settings = make()
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.mqtt_url == "mqtt://127.0.0.1:1883"
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.tz == "UTC"
    assert settings.influx_enabled is False


def test_comma_separated_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", "1, 22,333")
    keys = [Fernet.generate_key().decode() for _ in range(2)]
    monkeypatch.setenv("SECRET_KEYS", f"{keys[0]}, {keys[1]}")
    settings = make()
    assert settings.admin_user_ids == frozenset({1, 22, 333})
    assert [k.get_secret_value() for k in settings.secret_keys] == keys


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("DATABASE_URL", "mysql://x", "postgresql+asyncpg://"),
        ("MQTT_URL", "http://broker", "mqtt://"),
        ("SECRET_KEYS", "not-a-key", "Fernet key"),
        ("MQTT_URL", "mqtt://host:notaport", "Port"),
        ("REDIS_URL", "localhost:6379", "redis://"),
        ("TZ", "Mars/Olympus", "unknown timezone"),
        ("ADMIN_USER_IDS", "12,abc", "ADMIN_USER_IDS"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
    ],
)
def test_malformed_variable_gives_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        make()
    lines = describe_errors(caught.value)
    assert len(lines) == 1
    assert lines[0].startswith(f"configuration error: {name}:")
    assert words.lower() in lines[0].lower()


def test_processor_entry_point_stops_with_one_line_and_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "processor"],
        env={"PATH": "/usr/bin:/bin", "MQTT_URL": "ftp://nope"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "configuration error: MQTT_URL: must look like mqtt://user:pass@host:port or mqtts://…"
    ]


def test_the_influx_token_may_come_from_a_file(tmp_path: Path) -> None:
    """docker compose gives the processor a write-only token in a file (INFLUX_TOKEN_FILE)."""
    token = tmp_path / "processor.token"
    token.write_text("write-only-token\n")
    assert Settings(_env_file=None, influx_token_file=str(token)).influx_secret() == (
        "write-only-token"
    )
    both = Settings(_env_file=None, influx_token="given", influx_token_file=str(token))
    assert both.influx_secret() == "given"  # INFLUX_TOKEN wins
    assert Settings(_env_file=None).influx_secret() == ""
