"""Process configuration read from the environment (and `.env`)."""

from __future__ import annotations

import ssl
import zoneinfo
from functools import lru_cache
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.secrets import valid_key

DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"


def _split_urls(value: str | None) -> list[str]:
    return [url.strip() for url in (value or "").split(",") if url.strip()]


def _mqtt_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"mqtt", "mqtts"} or not parts.hostname:
        msg = "must look like mqtt://user:pass@host:port or mqtts://…"
        raise ValueError(msg)
    _ = parts.port  # raises ValueError on a non-numeric port
    return value


class Settings(BaseSettings):
    """Every setting of Dozor; field names are the lower-cased environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    bot_token: SecretStr | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/dozor"
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "dozor"
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    mqtt_client_id: str = "dozor-processor"
    # Ingest slots: that many processor instances share the device topics through MQTT 5
    # shared subscriptions, each in a session of its own (docs/deployment.md).
    processor_slots: int = Field(default=1, ge=1, le=64)
    # Broker accounts: with an admin password, Dozor creates, rotates and deletes each MQTT
    # device's own account (Mosquitto's dynamic security plugin; see docs/security.md).
    mqtt_admin_username: str = "dozor-admin"
    mqtt_admin_password: SecretStr | None = None
    # The CA certificate that signed the broker's (mqtts://); the system's CAs when unset.
    mqtt_ca_file: str | None = None
    # Where devices reach the broker (printed by `dozor device add`); MQTT_URL's host and port
    # when unset. A comma-separated list when there are several (e.g. plain and TLS).
    mqtt_device_url: str | None = None
    influx_url: str | None = None
    influx_token: SecretStr | None = None
    # Or a file holding it (docker compose: the write-only token made at InfluxDB's setup).
    influx_token_file: str | None = None
    influx_org: str | None = None
    influx_bucket: str | None = None
    secret_keys: Annotated[tuple[SecretStr, ...], NoDecode] = ()
    # Claim and invitation codes are stored as HMAC-SHA256 under this pepper (plain SHA-256
    # without one): a leaked database alone then allows no offline search of the codes.
    code_pepper: SecretStr | None = None
    tz: str = "UTC"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    ingest_batch_size: int = Field(default=1000, ge=1, le=100_000)
    ingest_flush_ms: int = Field(default=50, ge=1, le=60_000)
    offline_sweep_seconds: float = Field(default=15.0, gt=0, le=3600)
    alert_reminder_seconds: float = Field(default=600.0, gt=0, le=86_400)
    digest_check_seconds: float = Field(default=60.0, gt=0, le=3600)
    # How often a Shelly whose MQTT is silent is polled over HTTP (the fallback).
    shelly_poll_seconds: float = Field(default=10.0, gt=0, le=3600)
    # How often each SATEL panel is asked for its new-data flags, and after how long without
    # a connection it counts as offline (its members are told).
    satel_poll_seconds: float = Field(default=0.5, gt=0, le=10)
    satel_offline_seconds: float = Field(default=30.0, gt=0, le=3600)
    # How long a processor's hold on a panel lasts unless renewed (renewed every third of it).
    satel_lease_seconds: float = Field(default=15.0, ge=1, le=300)
    # Firmware updates (docs/firmware.md): the processor serves images over HTTP on this
    # address (port 0: not at all), at the URL devices are given (the address they reach,
    # e.g. https://dozor.example.org:8380; http://127.0.0.1:<port> when unset), with TLS when
    # a certificate and key are given.
    ota_http_host: str = "0.0.0.0"  # noqa: S104 - devices on the network download from it
    ota_http_port: int = Field(default=8380, ge=0, le=65535)
    # The bot's /healthz, /readyz, /metrics (port 0: not served).
    bot_http_host: str = "0.0.0.0"  # noqa: S104 - in a container, for the health checks
    bot_http_port: int = Field(default=8381, ge=0, le=65535)
    ota_public_url: str | None = None
    ota_tls_cert: str | None = None
    ota_tls_key: str | None = None
    # How long an update may stay in one state without news from the device, and how long
    # after `done` a device that goes silent or raises an alert halts the rollout.
    ota_step_timeout_seconds: float = Field(default=600.0, gt=0, le=86400)
    ota_watch_seconds: float = Field(default=600.0, ge=0, le=86400)
    # Retention (days; 0 keeps forever): the audit log, settled outbox messages, panel events,
    # closed alert episodes, used or expired invitations.
    retention_audit_days: int = Field(default=365, ge=0)
    retention_outbox_days: int = Field(default=30, ge=0)
    retention_panel_events_days: int = Field(default=180, ge=0)
    retention_episodes_days: int = Field(default=365, ge=0)
    retention_invites_days: int = Field(default=30, ge=0)
    # Rejected messages kept in Redis for inspection, the newest (a capped list, not by age).
    quarantine_keep: int = Field(default=1000, ge=0, le=1_000_000)

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("secret_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        for key in value if isinstance(value, tuple | list) else ():
            text = key.get_secret_value() if isinstance(key, SecretStr) else str(key)
            if not valid_key(text):
                msg = "each key must be a Fernet key (32 url-safe base64-encoded bytes)"
                raise ValueError(msg)
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value.startswith("postgresql+asyncpg://"):
            msg = "must start with postgresql+asyncpg://"
            raise ValueError(msg)
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
            msg = "must be a redis://, rediss:// or unix:// URL"
            raise ValueError(msg)
        return value

    @field_validator("mqtt_url")
    @classmethod
    def _check_mqtt_url(cls, value: str) -> str:
        return _mqtt_url(value)

    @field_validator("mqtt_device_url")
    @classmethod
    def _check_device_urls(cls, value: str | None) -> str | None:
        for url in _split_urls(value):
            _mqtt_url(url)
        return value

    @property
    def mqtt_device_urls(self) -> list[str]:
        """Where devices reach the broker: MQTT_DEVICE_URL's entries, else MQTT_URL's
        scheme, host and port (without its login)."""
        urls = _split_urls(self.mqtt_device_url)
        if urls:
            return urls
        broker = urlsplit(self.mqtt_url)
        secure = broker.scheme == "mqtts"
        return [f"{broker.scheme}://{broker.hostname}:{broker.port or (8883 if secure else 1883)}"]

    @field_validator("telegram_api_url", "influx_url")
    @classmethod
    def _check_http_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"http", "https"}:
            msg = "must be an http:// or https:// URL"
            raise ValueError(msg)
        return value.rstrip("/") if value else value

    @field_validator("tz")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
            msg = f"unknown timezone {value!r}"
            raise ValueError(msg) from err
        return value

    @property
    def broker_accounts(self) -> bool:
        """Say whether Dozor manages the broker's device accounts."""
        return self.mqtt_admin_password is not None

    def mqtt_tls(self, url: str | None = None) -> ssl.SSLContext | None:
        """The TLS context for `url` (MQTT_URL by default): None for mqtt://, else one that
        trusts MQTT_CA_FILE (or the system's CAs)."""
        if urlsplit(url or self.mqtt_url).scheme != "mqtts":
            return None
        return ssl.create_default_context(cafile=self.mqtt_ca_file)

    def influx_secret(self) -> str:
        """The InfluxDB token: INFLUX_TOKEN, else the first line of INFLUX_TOKEN_FILE."""
        if self.influx_token is not None:
            return self.influx_token.get_secret_value()
        if self.influx_token_file:
            with open(self.influx_token_file, encoding="utf-8") as handle:
                return handle.readline().strip()
        return ""

    @property
    def influx_enabled(self) -> bool:
        """Say whether raw points are exported to InfluxDB."""
        return self.influx_url is not None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings()


def describe_errors(err: ValidationError) -> list[str]:
    """Turn a settings validation error into one line per bad variable."""
    lines = []
    for item in err.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "settings"
        reason = item["msg"].removeprefix("Value error, ")
        lines.append(f"configuration error: {name}: {reason}")
    return lines
