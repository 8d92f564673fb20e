"""What each metric is measured in and the order cards show them in."""

from __future__ import annotations

import re
from collections.abc import Iterable
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
# Electrical metrics (Shelly) are named by what they measure: `a_voltage`, `total_act_power`,
# `switch0_temperature`, `interval_import_energy`.
SUFFIX_UNITS: Final = (
    ("_act_power", "W"),
    ("_aprt_power", "VA"),
    ("_voltage", "V"),
    ("_current", "A"),
    ("_freq", "Hz"),
    ("_energy", "Wh"),
    ("_temperature", "°C"),
)
SUFFIX_DECIMALS: Final = (("_voltage", 1), ("_current", 2), ("_freq", 1), ("_pf", 2))
# Which readings of a Shelly can carry alert limits (a Pro 3EM has some 30 numbers).
_ALERTABLE: Final[dict[str, re.Pattern[str]]] = {
    "shelly_pro3em": re.compile(
        r"total_act_power|total_current|n_current|[abc]_(voltage|current|act_power)"
    ),
    "shelly_pro3": re.compile(r"switch[0-9]_temperature"),
}


def unit(metric: str) -> str:
    """Return the unit of `metric`, or an empty string for an unknown one."""
    if metric in UNITS:
        return UNITS[metric]
    return next((u for suffix, u in SUFFIX_UNITS if metric.endswith(suffix)), "")


def alertable(type_code: str, names: Iterable[str]) -> set[str]:
    """The metrics among `names` that alert limits can be set for on this device type."""
    pattern = _ALERTABLE.get(type_code)
    return {n for n in names if pattern is None or pattern.fullmatch(n)}


def sort_key(metric: str) -> tuple[int, str]:
    """Order known metrics as on the card, then unknown ones by name."""
    return (ORDER.index(metric) if metric in ORDER else len(ORDER), metric)


def format_value(metric: str, value: float) -> str:
    """Format a value with the precision its metric deserves."""
    decimals = DECIMALS.get(metric)
    if decimals is None:
        decimals = next((d for suffix, d in SUFFIX_DECIMALS if metric.endswith(suffix)), None)
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:.{decimals}f}"
