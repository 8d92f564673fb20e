"""Topic names of Shelly Gen2+ devices over MQTT (protocols/shelly.md, "Identity and topics")."""

from __future__ import annotations

import re
from typing import Final, Literal

Kind = Literal["online", "events", "status", "rpc", "answer"]

# The prefix is the device id by default (`shellypro3-<mac12>`) but configurable on the device.
PREFIX_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
COMPONENT_PATTERN: Final = re.compile(r"[a-z0-9]+(?::[0-9]{1,3})?")


def device_filters() -> tuple[str, ...]:
    """The filters of what Shelly devices publish on their own."""
    return ("+/online", "+/events/rpc", "+/status/+")


def answer_filter(src: str) -> str:
    """The filter of the answers to the RPC requests of `src`."""
    return f"{src}/+/rpc"


def device_acl(prefix: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the broker account of the Shelly `prefix` may (publish, subscribe to): its own
    topics, and the answer topics that name it (`<any src>/<prefix>/rpc`)."""
    return (
        (f"{prefix}/online", f"{prefix}/events/rpc", f"{prefix}/status/#", f"+/{prefix}/rpc"),
        (f"{prefix}/rpc",),
    )


def service_acl() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the processor's account may (publish, subscribe to) of Shelly topics: RPC to
    every device, and the answers to any of its instances (each is a source of its own)."""
    return ("+/rpc",), (*device_filters(), answer_filter("+"))


def rpc_topic(prefix: str) -> str:
    """The topic RPC requests to a device go to."""
    return f"{prefix}/rpc"


_FIXED: Final[dict[tuple[str, ...], Kind]] = {
    ("online",): "online",
    ("events", "rpc"): "events",
    ("rpc",): "rpc",
}


def parse_topic(name: str) -> tuple[str, Kind, str] | None:
    """Split a topic into (prefix, kind, component); None when it is not a Shelly topic.

    An answer to our RPC, `<src>/<device>/rpc`, is (src, "answer", device)."""
    parts = name.split("/")
    if not parts or not PREFIX_PATTERN.fullmatch(parts[0]):
        return None
    prefix, rest = parts[0], tuple(parts[1:])
    kind = _FIXED.get(rest)
    if kind is not None:
        return prefix, kind, ""
    if len(rest) == 2 and rest[0] == "status" and COMPONENT_PATTERN.fullmatch(rest[1]):  # noqa: PLR2004
        return prefix, "status", rest[1]
    if len(rest) == 2 and rest[1] == "rpc" and PREFIX_PATTERN.fullmatch(rest[0]):  # noqa: PLR2004
        return prefix, "answer", rest[0]
    return None
