"""Facts about metrics, in one table: unit, decimals, threshold range, default hysteresis, name.

A metric the table does not name is looked up by its suffix (Shelly's electrical readings are
named by what they measure: `a_voltage`, `total_act_power`, `switch0_temperature`,
`interval_import_energy`), and failing that gets the generic facts: no unit, a wide range.
The order of `FACTS` is the order cards show readings in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

GENERIC_RANGE: Final = (-1e6, 1e6)
# The most metrics a device keeps (a Shelly Pro 3EM reports about forty); new names past it
# are dropped, so made-up telemetry cannot grow a card, the rollups or the live state.
MAX_METRICS_PER_DEVICE: Final = 64


@dataclass(frozen=True, slots=True)
class MetricFacts:
    """What the platform knows of one metric."""

    unit: str = ""
    decimals: int | None = None  # None: whole numbers as such, else one decimal
    threshold_range: tuple[float, float] = GENERIC_RANGE  # what a limit may be set to
    hysteresis: float = 0.0  # how far back past a limit a reading must come to close

    @property
    def hysteresis_range(self) -> tuple[float, float]:
        """What a hysteresis may be set to: up to a quarter of the range, a round number."""
        low, high = self.threshold_range
        return 0.0, float(f"{(high - low) / 4:.2g}")


# Sane limits per metric: what the sensors can measure, with a margin.
FACTS: Final[dict[str, MetricFacts]] = {
    "co2": MetricFacts("ppm", None, (300, 10_000), 100),
    "temperature": MetricFacts("°C", 1, (-50, 120), 0.5),
    "humidity": MetricFacts("%", None, (0, 100), 3),
    "pressure": MetricFacts("hPa", 1, (300, 1_200), 2),
    "pm1": MetricFacts("µg/m³", None, (0, 1_000), 5),
    "pm25": MetricFacts("µg/m³", None, (0, 1_000), 5),
    "pm10": MetricFacts("µg/m³", None, (0, 1_000), 5),
    "voc": MetricFacts("ppb", None, (0, 60_000), 50),
    "battery": MetricFacts("%", None, (0, 100)),
    "rssi": MetricFacts("dBm", None, (-120, 0)),
    "noise": MetricFacts("dB", None, (0, 140)),
    "lux": MetricFacts("lx", None, (0, 150_000)),
}
SUFFIX_FACTS: Final = (
    ("_act_power", MetricFacts("W")),
    ("_aprt_power", MetricFacts("VA")),
    ("_voltage", MetricFacts("V", 1)),
    ("_current", MetricFacts("A", 2)),
    ("_freq", MetricFacts("Hz", 1)),
    ("_energy", MetricFacts("Wh")),
    ("_temperature", MetricFacts("°C")),
    ("_pf", MetricFacts("", 2)),
)
_GENERIC: Final = MetricFacts()
ORDER: Final = tuple(FACTS)


def facts(metric: str) -> MetricFacts:
    """Return what is known of `metric` (the generic facts for an unknown one)."""
    found = FACTS.get(metric)
    if found is not None:
        return found
    return next((f for suffix, f in SUFFIX_FACTS if metric.endswith(suffix)), _GENERIC)


def unit(metric: str) -> str:
    """Return the unit of `metric`, or an empty string for an unknown one."""
    return facts(metric).unit


def name_key(metric: str) -> str:
    """The Fluent message id of the metric's display name (it may not exist)."""
    return f"metric-{metric}"


def sort_key(metric: str) -> tuple[int, str]:
    """Order known metrics as on the card, then unknown ones by name."""
    return (ORDER.index(metric) if metric in ORDER else len(ORDER), metric)


def format_value(metric: str, value: float) -> str:
    """Format a value with the precision its metric deserves."""
    decimals = facts(metric).decimals
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:.{decimals}f}"
