"""Topic names of our firmware's MQTT contract; the only place they are built or parsed."""

from __future__ import annotations

import re
from typing import Final, Literal

Kind = Literal["telemetry", "status", "config", "commands", "events", "ota", "ota/status"]

TELEMETRY_FILTER: Final = "devices/+/telemetry"
STATUS_FILTER: Final = "devices/+/status"
EVENTS_FILTER: Final = "devices/+/events"
OTA_STATUS_FILTER: Final = "devices/+/ota/status"
SUBSCRIPTIONS: Final = (TELEMETRY_FILTER, STATUS_FILTER, EVENTS_FILTER, OTA_STATUS_FILTER)

# A uid is what a device calls itself; it becomes part of topics, Redis keys and messages.
UID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
_TOPIC_PARTS: Final = 3  # devices/<uid>/<kind>
_INBOUND: Final = {"telemetry", "status", "events", "ota/status"}


def topic(uid: str, kind: Kind) -> str:
    """Build the topic of `kind` for device `uid`."""
    return f"devices/{uid}/{kind}"


def parse_topic(name: str) -> tuple[str | None, str | None]:
    """Split an inbound topic into (uid, kind); a part is None when it is not ours or invalid."""
    parts = name.split("/", 2)
    if len(parts) != _TOPIC_PARTS or parts[0] != "devices":
        return None, None
    uid = parts[1] if UID_PATTERN.fullmatch(parts[1]) else None
    kind = parts[2] if parts[2] in _INBOUND else None
    return uid, kind


def device_acl(uid: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What device `uid`'s own broker account may (publish, subscribe to): its own topics."""
    return (
        tuple(topic(uid, kind) for kind in ("telemetry", "status", "events", "ota/status")),
        tuple(topic(uid, kind) for kind in ("config", "commands", "ota")),
    )


def service_acl() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the processor's account may (publish, subscribe to) of our firmware's topics —
    the telemetry also as a shared subscription (Mosquitto checks its `$share/<group>/…`
    name as it is written)."""
    return (
        ("devices/+/config", "devices/+/commands", "devices/+/ota"),
        (*SUBSCRIPTIONS, shared(TELEMETRY_FILTER, "+")),
    )


def shared(topic_filter: str, group: str) -> str:
    """The shared subscription of `group` to `topic_filter` (MQTT 5)."""
    return f"$share/{group}/{topic_filter}"


def is_valid_uid(uid: str) -> bool:
    """Say whether `uid` may be used as a device uid."""
    return UID_PATTERN.fullmatch(uid) is not None
