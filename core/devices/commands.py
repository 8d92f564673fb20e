"""Which commands each device type declares (data, not branches)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final


@dataclass(frozen=True, slots=True)
class DeviceCommand:
    """A command a device understands, with the parameters the button sends."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    critical: bool = False  # asks "are you sure?" before it goes


RESTART: Final = DeviceCommand("restart", critical=True)
# SCD4x forced recalibration against fresh outdoor air (about 420 ppm).
CALIBRATE: Final = DeviceCommand("calibrate", {"reference_ppm": 420}, critical=True)
IDENTIFY: Final = DeviceCommand("identify", {"seconds": 10})

COMMANDS: Final[dict[str, tuple[DeviceCommand, ...]]] = {
    "co2": (RESTART, IDENTIFY, CALIBRATE),
    "multi": (RESTART, IDENTIFY, CALIBRATE),
    "temp": (RESTART, IDENTIFY),
    "dust": (RESTART, IDENTIFY),
    # Shelly devices are driven by RPC; their relays have buttons of their own on the card.
    "shelly_pro3": (),
    "shelly_pro3em": (),
}


def commands_of(type_code: str) -> tuple[DeviceCommand, ...]:
    """Return the commands of a device type (our firmware can at least restart)."""
    return COMMANDS.get(type_code, (RESTART,))


def find(type_code: str, name: str) -> DeviceCommand | None:
    """Return the type's command called `name`, or None."""
    return next((c for c in commands_of(type_code) if c.name == name), None)
