"""What the platform knows of a Shelly beyond its MQTT frames (pure).

Kept in `devices.attributes`:
`{"http_host": "10.0.0.5", "http_password": "<Fernet token>", "channel_names": ["Pump", …],
"critical_channels": [0], "links": {"0": {"meter": "shellypro3em-…", "phase": "a"}}}`.
A *link* says that a Pro 3 channel feeds a circuit a Pro 3EM phase measures: the card shows
that phase's power and the "off but drawing power" alert watches it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from core.errors import InvalidInput

PHASES: Final = ("a", "b", "c")
SWITCH_COMMAND: Final = "switch"  # the command name of a relay press on the stream
UPDATE_COMMAND: Final = "shelly_update"  # … of a firmware update from the maker's channel
UPDATE_STAGE: Final = "stable"  # the channel Dozor installs from (never beta)
NAME_LIMIT: Final = 32
_LINK: Final = re.compile(r"^\s*([0-9])\s*=\s*([A-Za-z0-9][A-Za-z0-9_.:-]{0,63})\s*:\s*([abc])\s*$")


@dataclass(frozen=True, slots=True)
class RelayPress:
    """A person's press of a relay channel, as it rides in a stream entry's `params`."""

    channel: int
    on: bool

    def params(self) -> dict[str, Any]:
        """The stream entry's parameters."""
        return {"channel": self.channel, "on": self.on}

    @classmethod
    def of(cls, params: Mapping[str, Any]) -> RelayPress | None:
        """Read the parameters back; None when they are not a press."""
        channel, on = params.get("channel"), params.get("on")
        if isinstance(channel, bool) or not isinstance(channel, int) or not isinstance(on, bool):
            return None
        return cls(channel, on)


class BadChannelError(InvalidInput):
    """A channel number that the device does not have."""

    key = "shelly-bad-channel"


class BadLinkError(InvalidInput):
    """A link that is not `channel=meter-uid:phase`."""

    key = "shelly-bad-link"


@dataclass(frozen=True, slots=True)
class ChannelLink:
    """A Pro 3 channel measured by one phase of a Pro 3EM."""

    meter_uid: str
    phase: str


@dataclass(frozen=True, slots=True)
class ShellyProfile:
    """A Shelly's attributes, read from (and written back to) `devices.attributes`."""

    http_host: str | None = None
    password_token: str | None = None  # the HTTP password, encrypted with SECRET_KEYS
    channel_names: tuple[str, ...] = ()
    critical: frozenset[int] = frozenset()
    links: dict[int, ChannelLink] = field(default_factory=dict)

    @classmethod
    def of(cls, attributes: dict[str, Any] | None) -> ShellyProfile:
        """Read a profile; anything malformed is left out."""
        raw = attributes or {}
        names = raw.get("channel_names")
        critical = raw.get("critical_channels")
        links: dict[int, ChannelLink] = {}
        for key, value in (raw.get("links") or {}).items():
            if str(key).isdigit() and isinstance(value, dict) and value.get("phase") in PHASES:
                links[int(key)] = ChannelLink(str(value.get("meter")), str(value["phase"]))
        return cls(
            http_host=_text(raw.get("http_host")),
            password_token=_text(raw.get("http_password")),
            channel_names=tuple(str(n) for n in names) if isinstance(names, list) else (),
            critical=frozenset(c for c in critical if isinstance(c, int))
            if isinstance(critical, list)
            else frozenset(),
            links=links,
        )

    def to_attributes(self) -> dict[str, Any]:
        """The JSON to store."""
        attributes: dict[str, Any] = {}
        if self.http_host:
            attributes["http_host"] = self.http_host
        if self.password_token:
            attributes["http_password"] = self.password_token
        if self.channel_names:
            attributes["channel_names"] = list(self.channel_names)
        if self.critical:
            attributes["critical_channels"] = sorted(self.critical)
        if self.links:
            attributes["links"] = {
                str(channel): {"meter": link.meter_uid, "phase": link.phase}
                for channel, link in sorted(self.links.items())
            }
        return attributes

    def channel_name(self, channel: int) -> str | None:
        """The name people gave a channel (None: unnamed)."""
        if 0 <= channel < len(self.channel_names) and self.channel_names[channel].strip():
            return self.channel_names[channel].strip()[:NAME_LIMIT]
        return None


def check_channel(channels: int, channel: int) -> int:
    """Return `channel` when a device with `channels` relays has it, else raise BadChannelError."""
    if not 0 <= channel < channels:
        raise BadChannelError(channel=channel)
    return channel


def parse_names(text: str) -> tuple[str, ...]:
    """`"Pump,Heater,Light"` → the names, trimmed."""
    return tuple(name.strip()[:NAME_LIMIT] for name in text.split(","))


def parse_channels(text: str) -> frozenset[int]:
    """`"0,2"` → {0, 2}; an empty text clears."""
    try:
        return frozenset(int(part) for part in text.split(",") if part.strip())
    except ValueError as err:
        raise BadChannelError(channel=text) from err


def parse_link(text: str) -> tuple[int, ChannelLink]:
    """`"0=shellypro3em-…:a"` → (0, the link)."""
    match = _LINK.match(text)
    if match is None:
        raise BadLinkError(link=text)
    return int(match[1]), ChannelLink(match[2], match[3])


def output_metric(channel: int) -> str:
    """The metric holding a channel's relay state (1 on, 0 off)."""
    return f"switch{channel}_output"


def off_power_metric(channel: int) -> str:
    """The derived metric of a linked channel: the phase's power while the relay is off."""
    return f"switch{channel}_off_act_power"


def phase_power_metric(phase: str) -> str:
    """The metric holding a phase's active power."""
    return f"{phase}_act_power"


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None
