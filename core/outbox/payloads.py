"""What an outbox row carries for the bot to render, and how it is encoded (pure).

The processor and the bot's services write these; the bot's delivery reads them back,
possibly after an upgrade, so every model ignores keys it does not know and each field it
added later has a default. A row that does not decode is failed with its reason, never
rendered half.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from core.alerts.rules import Kind, Severity

ARMING_KIND: Final = "panel_arming"


class Event(StrEnum):
    """What happened, as the outbox row's payload says it."""

    OPENED = "opened"
    CLOSED = "closed"
    REMINDER = "reminder"
    INFO = "info"  # a panel armed or disarmed
    DIGEST = "digest"
    NOTICE = "notice"
    BROADCAST = "broadcast"


EpisodeEvent = Literal[Event.OPENED, Event.CLOSED, Event.REMINDER]


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class AboutDevice(_Payload):
    """The device a message is about, named as its members named it."""

    device_id: int | None = None
    device_name: str = "?"
    location: str | None = None


class EpisodePayload(AboutDevice):
    """An alert episode opening, closing, or still open (a reminder)."""

    event: EpisodeEvent
    kind: Kind
    metric: str = ""
    severity: Severity = Severity.WARNING
    value: float | None = None
    threshold: float | None = None
    close_value: float | None = None
    opened_at: float | None = None
    closed_at: float | None = None
    reminder: int | None = None  # which reminder this is (1, 2, …)
    channel: int | None = None  # a relay channel off while its circuit draws power
    channel_name: str | None = None
    number: int | None = None  # a panel's partition or zone
    target_name: str | None = None
    trouble: str | None = None  # a panel trouble's `<part>:<bit>`
    zones: dict[int, str] = {}  # a panel alarm's zones in alarm → name ("" unnamed)
    reason: str | None = None  # why a panel is offline, when known: busy, refused, silent, key

    @property
    def is_panel(self) -> bool:
        """Whether it is about an alarm panel's partition, zone or trouble."""
        return self.kind.startswith("panel_")

    @property
    def is_opening(self) -> bool:
        """Whether it tells of something (still) wrong, rather than of its end."""
        return self.event in (Event.OPENED, Event.REMINDER)

    def as_opened(self) -> EpisodePayload:
        """The same episode told as its opening (for lists and reminders)."""
        return self.model_copy(update={"event": Event.OPENED})


class ArmingPayload(AboutDevice):
    """A partition of a panel armed or disarmed, and by whom when Dozor knows."""

    event: Literal[Event.INFO]
    kind: Literal["panel_arming"] = "panel_arming"
    severity: Severity = Severity.INFO
    number: int
    target_name: str | None = None
    armed: bool
    mode: int = 0
    by: str | None = None
    at: float | None = None


class DigestDevice(_Payload):
    """One device's night in a digest: per metric its lowest, highest and mean reading."""

    name: str
    location: str | None = None
    metrics: dict[str, tuple[float, float, float]] = Field(default_factory=dict)


class DigestPayload(_Payload):
    """The morning digest of one person's devices."""

    event: Literal[Event.DIGEST]
    start: float
    end: float
    devices: list[DigestDevice] = Field(default_factory=list)
    alerts: list[EpisodePayload] = Field(default_factory=list)
    offline: list[str] = Field(default_factory=list)


class NoticePayload(_Payload):
    """A notice to one person: a Fluent message id and its (plain text) arguments."""

    event: Literal[Event.NOTICE]
    key: str
    args: dict[str, str] = Field(default_factory=dict)


class BroadcastPayload(_Payload):
    """One person's copy of a broadcast; what it says is in the broadcasts table."""

    event: Literal[Event.BROADCAST]
    broadcast_id: int


Payload = EpisodePayload | ArmingPayload | DigestPayload | NoticePayload | BroadcastPayload
AlertPayload = EpisodePayload | ArmingPayload  # what may be combined into one message

_ADAPTER: TypeAdapter[Payload] = TypeAdapter(Annotated[Payload, Field(discriminator="event")])


class PayloadError(ValueError):
    """An outbox row whose payload is not one Dozor writes."""


def encode(payload: Payload) -> dict[str, Any]:
    """The JSON object stored in the row."""
    return payload.model_dump(mode="json")


def decode(raw: object) -> Payload:
    """Read a row's payload back; raise `PayloadError` with the reason."""
    try:
        return _ADAPTER.validate_python(raw)
    except ValidationError as err:
        first = err.errors()[0] if err.errors() else {"msg": str(err), "loc": ()}
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise PayloadError(f"{where}: {first['msg']}" if where else first["msg"]) from err
