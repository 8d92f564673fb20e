"""Plausible ranges of the metrics our sensors measure; values outside are rejected as absurd."""

from __future__ import annotations

from typing import Final

# Physical ranges of the sensors we ship (SCD4x, SHT4x, BME680, PMS5003, …) with a margin.
METRIC_RANGES: Final[dict[str, tuple[float, float]]] = {
    "co2": (0, 40_000),
    "temperature": (-60, 150),
    "humidity": (0, 100),
    "pressure": (300, 1_200),
    "pm1": (0, 2_000),
    "pm25": (0, 2_000),
    "pm10": (0, 2_000),
    "voc": (0, 100_000),
    "battery": (0, 100),
    "rssi": (-150, 0),
    "noise": (0, 200),
    "lux": (0, 200_000),
}
# Any other numeric key is a metric too, as long as it stays within this magnitude.
GENERIC_LIMIT: Final = 1e9
MAX_PAYLOAD_BYTES: Final = 16 * 1024
MAX_FIELDS: Final = 64
MAX_TEXT_FIELD: Final = 64
# A device clock further off than this is ignored in favour of the server's time.
MAX_PAST_SECONDS: Final = 7 * 24 * 3600
MAX_FUTURE_SECONDS: Final = 300
