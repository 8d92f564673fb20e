"""What each metric is measured in and the order cards show them in."""

from __future__ import annotations

from typing import Final

UNITS: Final[dict[str, str]] = {
    "co2": "ppm",
    "temperature": "°C",
    "humidity": "%",
    "pressure": "hPa",
    "pm1": "µg/m³",
    "pm25": "µg/m³",
    "pm10": "µg/m³",
    "voc": "ppb",
    "battery": "%",
    "rssi": "dBm",
    "noise": "dB",
    "lux": "lx",
}
ORDER: Final = tuple(UNITS)
DECIMALS: Final[dict[str, int]] = {"temperature": 1, "pressure": 1}


def unit(metric: str) -> str:
    """Return the unit of `metric`, or an empty string for an unknown one."""
    return UNITS.get(metric, "")


def sort_key(metric: str) -> tuple[int, str]:
    """Order known metrics as on the card, then unknown ones by name."""
    return (ORDER.index(metric) if metric in ORDER else len(ORDER), metric)


def format_value(metric: str, value: float) -> str:
    """Format a value with the precision its metric deserves."""
    decimals = DECIMALS.get(metric, 0 if float(value).is_integer() else 1)
    return f"{value:.{decimals}f}"
