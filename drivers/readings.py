"""Normalised outputs every codec produces."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Telemetry:
    """Accepted readings of one message: metric name → value, at a Unix time."""

    uid: str
    at: float
    metrics: dict[str, float]
    firmware_version: str | None = None
    # A newer firmware the device says it can install ("": none; None: not said here).
    available_firmware: str | None = None
    ip: str | None = None
    uptime: float | None = None
    config_version: int | None = None  # the config version the device runs
    # Fields dropped from an otherwise good message: (reason, field name).
    dropped: tuple[tuple[str, str], ...] = field(default=())
    # When the server received it (None: `at`). `at` may be the device's own clock, which may
    # be off; liveness (last seen, online) goes by this, the reading's time by `at`.
    received_at: float | None = None
    # `at` is the device's own time: two different readings of one device never share it with
    # the same payload, so a message seen again is the same reading sent again.
    device_time: bool = False

    @property
    def heard_at(self) -> float:
        """The server time the device was last heard (its clock does not decide liveness)."""
        return self.at if self.received_at is None else self.received_at


@dataclass(frozen=True, slots=True)
class StatusChange:
    """The device said it is online or offline (its Last Will says offline)."""

    uid: str
    at: float
    online: bool


@dataclass(frozen=True, slots=True)
class CommandAck:
    """A device's answer to a command, matched to it by `command_id`."""

    uid: str
    command_id: str
    ok: bool
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A message that could not be used at all, with the reason (a short stable word)."""

    uid: str | None
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class OtaReport:
    """Where a device is with an update (`devices/{uid}/ota/status`, or a Shelly's events)."""

    uid: str
    version: str  # "" when the device does not say (a Shelly's own events)
    state: str  # downloading | verifying | rebooting | done | failed | rolled_back
    progress: int | None = None
    error: str | None = None
    # Whose update it is: None for ours (`ota/status`), "shelly" for a Shelly installing its
    # maker's firmware (its `sys` OTA events).
    vendor: str | None = None


Decoded = Telemetry | StatusChange | CommandAck | OtaReport | Rejected
