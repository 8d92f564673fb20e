"""The commands our devices understand; each kind lists its own (`core.devices.kinds`)."""

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
