"""A SATEL panel's state as the platform keeps it, and what changed between two states (pure).

The processor turns the panel's bit lists into a `PanelSnapshot`, writes it to Redis as JSON
and compares it with the previous one; the changes become panel events, alert episodes and
info messages. Partition flags: armed (really armed, `0A`), mode1..3, entry, exit,
exit_short, alarm, fire, alarm_memory, fire_memory. Zone flags: violated, tamper, alarm,
tamper_alarm, alarm_memory, tamper_memory, bypassed, masked, masked_memory. Troubles are
`part:bit` strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import orjson

PARTITION_FLAGS: Final = (
    "armed",
    "mode1",
    "mode2",
    "mode3",
    "entry",
    "exit",
    "exit_short",  # exit time with less than 10 s left (the protocol says no more)
    "alarm",
    "fire",
    "alarm_memory",
    "fire_memory",
)
ZONE_FLAGS: Final = (
    "violated",
    "tamper",
    "alarm",
    "tamper_alarm",
    "alarm_memory",
    "tamper_memory",
    "bypassed",
    "masked",  # a detector reports it is covered (anti-masking)
    "masked_memory",
)
# Trouble part 1, byte 40 (protocols/satel.md): the system troubles people can name.
KNOWN_TROUBLES: Final[dict[str, str]] = {
    "1:328": "ac",
    "1:327": "battery",
    "1:326": "expander-power",
    "1:325": "keypad-power",
    "service": "service-mode",  # not a trouble bit: the `1A` status says so
}
SERVICE_MODE: Final = "service"


# Ranges of trouble bits that name a device (protocols/satel.md §4; the layout of parts 2–7
# as openHAB's binding reads them): (part, first item, last item, kind, number of item 1).
TROUBLE_RANGES: Final = (
    (1, 1, 128, "technical-zone", 1),
    (1, 129, 192, "expander-ac", 1),
    (1, 193, 256, "expander-battery", 1),
    (3, 121, 240, "wireless-battery", 1),
    (3, 241, 360, "wireless-nocomm", 1),
    (3, 361, 480, "output-nocomm", 1),
    (4, 1, 64, "expander-nocomm", 1),
    (4, 129, 136, "keypad-nocomm", 1),
    (4, 145, 152, "lan", 1),
    (4, 153, 216, "expander-tamper", 1),
    (4, 217, 224, "keypad-tamper", 1),
    (6, 1, 120, "wireless-battery", 121),
    (6, 121, 240, "wireless-nocomm", 121),
    (6, 241, 360, "output-nocomm", 121),
)


def trouble_kind(code: str) -> tuple[str, int]:
    """What a `part:item` trouble is about: a known system trouble (number 0), a device's
    trouble and its number (a wireless zone's battery, an expander's power…), or "other"."""
    if code in KNOWN_TROUBLES:
        return KNOWN_TROUBLES[code], 0
    part, _, item = code.partition(":")
    if part.isdigit() and item.isdigit():
        for where, first, last, kind, base in TROUBLE_RANGES:
            if int(part) == where and first <= int(item) <= last:
                return kind, base + int(item) - first
    return "other", 0


# The worker holding a connected panel refreshes `confirmed_at` every 10 s; older than this,
# nobody is refreshing it (no processor holds the panel) and "connected" is not to be trusted.
STALE_SECONDS: Final = 30.0


@dataclass(frozen=True, slots=True)
class PanelSnapshot:
    """What the panel last reported, and when the platform last heard from it."""

    partitions: dict[str, frozenset[int]] = field(default_factory=dict)
    zones: dict[str, frozenset[int]] = field(default_factory=dict)
    outputs: frozenset[int] = frozenset()
    troubles: frozenset[str] = frozenset()
    connected: bool = False
    confirmed_at: float | None = None  # Unix time of the last answer from the panel
    model: str | None = None
    reason: str | None = None  # why it is not connected, when known: "busy" (another client)
    trouble_memory: frozenset[str] = frozenset()  # troubles that happened since last cleared
    service_mode: bool = False
    clock_offset: float | None = None  # the panel's clock minus the real time, in seconds
    temperatures: dict[int, float] = field(default_factory=dict)  # ATD-100 zone → °C

    def partition(self, flag: str) -> frozenset[int]:
        """Partitions with a flag set."""
        return self.partitions.get(flag, frozenset())

    def zone(self, flag: str) -> frozenset[int]:
        """Zones with a flag set."""
        return self.zones.get(flag, frozenset())

    def mode(self, partition: int) -> int | None:
        """The arming mode of a partition (0 full, 1–3 partial); None when disarmed."""
        if partition not in self.partition("armed"):
            return None
        for mode in (1, 2, 3):
            if partition in self.partition(f"mode{mode}"):
                return mode
        return 0

    def armed_in(self, partition: int, mode: int) -> bool:
        """Whether a partition is armed in `mode`, or counting down its exit time to it."""
        return self.mode(partition) == mode or partition in self.partition("exit")

    @property
    def arming(self) -> frozenset[int]:
        """Partitions armed or counting down their exit time (what disarming stops)."""
        return self.partition("armed") | self.partition("exit")

    @property
    def alarms(self) -> frozenset[int]:
        """Partitions in alarm or fire alarm now, or with an alarm in memory."""
        return self.partition("alarm") | self.partition("fire") | self.partition("alarm_memory")

    @property
    def clearable(self) -> frozenset[int]:
        """Partitions where clearing the alarm has something to clear (fire memory too)."""
        return self.alarms | self.partition("fire_memory")

    def silent_for(self, now: float) -> float | None:
        """Seconds since the panel last confirmed its state, when that is too long for a
        connected panel (nobody holds it); None while the news is fresh or it is offline."""
        if not self.connected or self.confirmed_at is None:
            return None
        age = now - self.confirmed_at
        return age if age > STALE_SECONDS else None

    def same_state(self, other: PanelSnapshot) -> bool:
        """Whether the panel's state is the same (times and connection aside)."""
        return (
            _nonempty(self.partitions) == _nonempty(other.partitions)
            and _nonempty(self.zones) == _nonempty(other.zones)
            and self.outputs == other.outputs
            and self.troubles == other.troubles
            and self.trouble_memory == other.trouble_memory
            and self.service_mode == other.service_mode
        )

    def encode(self) -> bytes:
        """JSON for Redis."""
        return orjson.dumps(
            {
                "partitions": {k: sorted(v) for k, v in self.partitions.items() if v},
                "zones": {k: sorted(v) for k, v in self.zones.items() if v},
                "outputs": sorted(self.outputs),
                "troubles": sorted(self.troubles),
                "connected": self.connected,
                "confirmed_at": self.confirmed_at,
                "model": self.model,
                "reason": self.reason,
                "trouble_memory": sorted(self.trouble_memory),
                "service_mode": self.service_mode,
                "clock_offset": self.clock_offset,
                "temperatures": {str(z): t for z, t in sorted(self.temperatures.items())},
            }
        )

    @classmethod
    def decode(cls, raw: bytes | str | None) -> PanelSnapshot | None:
        """Read the JSON back; None when there is none or it is malformed."""
        if not raw:
            return None
        try:
            body: dict[str, Any] = orjson.loads(raw)
            return cls(
                partitions=_sets(body.get("partitions"), PARTITION_FLAGS),
                zones=_sets(body.get("zones"), ZONE_FLAGS),
                outputs=frozenset(int(n) for n in body.get("outputs") or ()),
                troubles=frozenset(str(t) for t in body.get("troubles") or ()),
                connected=bool(body.get("connected")),
                confirmed_at=_float(body.get("confirmed_at")),
                model=body.get("model") if isinstance(body.get("model"), str) else None,
                reason=body.get("reason") if isinstance(body.get("reason"), str) else None,
                trouble_memory=frozenset(str(t) for t in body.get("trouble_memory") or ()),
                service_mode=body.get("service_mode") is True,
                clock_offset=_float(body.get("clock_offset")),
                temperatures={
                    int(z): float(t)
                    for z, t in (body.get("temperatures") or {}).items()
                    if str(z).isdigit() and isinstance(t, int | float)
                },
            )
        except (orjson.JSONDecodeError, TypeError, ValueError, AttributeError):
            return None


def temperature_metric(zone: int) -> str:
    """The reading name of an ATD-100 zone's temperature (history, alert limits)."""
    return f"z{zone}_temperature"


def _nonempty(sets: dict[str, frozenset[int]]) -> dict[str, frozenset[int]]:
    return {k: v for k, v in sets.items() if v}


def _sets(raw: Any, names: tuple[str, ...]) -> dict[str, frozenset[int]]:
    if not isinstance(raw, dict):
        return {}
    return {k: frozenset(int(n) for n in v) for k, v in raw.items() if k in names}


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


@dataclass(frozen=True, slots=True)
class PanelChange:
    """One thing that happened on the panel: `kind` with `on` for start/end, and where."""

    kind: str  # armed, alarm, fire, tamper, trouble, bypass, entry, exit
    number: int  # partition or zone; 0 for troubles
    on: bool
    mode: int | None = None  # arming mode, for "armed"
    trouble: str = ""  # `part:bit`, for "trouble"
    zones: frozenset[int] = frozenset()  # for a starting "alarm": the zones in alarm now


def changes(old: PanelSnapshot, new: PanelSnapshot) -> list[PanelChange]:
    """What changed from `old` to `new`, partitions first, in a stable order."""
    found: list[PanelChange] = []
    for partition in sorted(old.partition("armed") | new.partition("armed")):
        before, after = old.mode(partition), new.mode(partition)
        if before != after:
            found.append(PanelChange("armed", partition, after is not None, after))
    for kind, group, flag in (
        ("alarm", "partition", "alarm"),
        ("fire", "partition", "fire"),
        ("entry", "partition", "entry"),
        ("exit", "partition", "exit"),
        ("tamper", "zone", "tamper"),
        ("bypass", "zone", "bypassed"),
    ):
        if group == "partition":
            before_set, after_set = old.partition(flag), new.partition(flag)
        else:
            before_set, after_set = old.zone(flag), new.zone(flag)
        zones = new.zone("alarm") if kind == "alarm" else frozenset()
        found += [PanelChange(kind, n, True, zones=zones) for n in sorted(after_set - before_set)]
        found += [PanelChange(kind, n, False) for n in sorted(before_set - after_set)]
    if new.service_mode != old.service_mode:  # told like a trouble: an installer is at it
        found.append(PanelChange("trouble", 0, new.service_mode, trouble=SERVICE_MODE))
    found += [
        PanelChange("trouble", 0, True, trouble=t) for t in sorted(new.troubles - old.troubles)
    ]
    found += [
        PanelChange("trouble", 0, False, trouble=t) for t in sorted(old.troubles - new.troubles)
    ]
    return found
