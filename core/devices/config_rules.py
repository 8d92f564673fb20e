"""Editing a device config: parse what people type, check it, return the new config (pure).

A config looks like ARCHITECTURE.md's `devices/{uid}/config` payload without its version:
`{"report_interval": 30, "alerts_enabled": true, "thresholds": {"co2": {"high": 1000}},
"night_mode": {"start": 22, "end": 7}}`.
"""

from __future__ import annotations

import math
import re
from copy import deepcopy
from enum import StrEnum
from typing import Any, Final

from core.devices import metrics
from core.errors import InvalidInput

INTERVAL_RANGE: Final = (5, 86_400)  # seconds; below 5 s a battery device would not last
METRIC_NAME: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")  # as the telemetry codec accepts
# Units people type, in each language the bot speaks: "30 s", "5 min", "5 мин", "5 minut",
# "5 minutos", "1 h", "1 godz.", "1 час", "1 hora".
_SECONDS: Final = ("", "s", "sec", "secs", "second", "seconds", "sek", "sekunda", "sekundy",
                   "sekund", "с", "сек", "секунда", "секунды", "секунд", "seg", "segundo",
                   "segundos")  # fmt: skip
_MINUTES: Final = ("m", "min", "mins", "minute", "minutes", "minuta", "minuty", "minut", "мин",
                   "минута", "минуты", "минут", "minuto", "minutos")  # fmt: skip
_HOURS_UNITS: Final = ("h", "hr", "hour", "hours", "godz", "godzina", "godziny", "godzin",
                       "ч", "час", "часа", "часов", "hora", "horas")  # fmt: skip
_UNITS: Final = {
    **dict.fromkeys(_SECONDS, 1),
    **dict.fromkeys(_MINUTES, 60),
    **dict.fromkeys(_HOURS_UNITS, 3600),
}
_DURATION: Final = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([^\W\d_]*)\.?\s*$")


class Field(StrEnum):
    """What a typed number sets."""

    INTERVAL = "interval"
    HIGH = "high"
    LOW = "low"
    HYSTERESIS = "hysteresis"
    NIGHT = "night"  # night mode hours, typed as "22-7"


class BadNumberError(InvalidInput):
    """The text is not a number."""

    key = "settings-bad-number"


class OutOfRangeError(InvalidInput):
    """The number is outside what makes sense for the metric (`low`, `high`, `unit`)."""

    key = "settings-out-of-range"


class IntervalOutOfRangeError(OutOfRangeError):
    """A report interval outside what devices take (`low` seconds, `high` hours)."""

    key = "settings-interval-out-of-range"


class HighNotAboveLowError(InvalidInput):
    """A high threshold must stay above the low one (`high` and `low` say what they are)."""

    key = "settings-high-not-above-low"


def threshold_range(metric: str, field: Field = Field.HIGH) -> tuple[float, float]:
    """Return the range a threshold (or, for HYSTERESIS, the hysteresis) of `metric` may take."""
    known = metrics.facts(metric)
    return known.hysteresis_range if field is Field.HYSTERESIS else known.threshold_range


def parse_number(text: str) -> float:
    """Read a number as people type it: `1000`, `22,5`, `-3`, `1 200`, `1000 ppm`."""
    cleaned = text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    match = re.match(r"^([-+]?[0-9]*\.?[0-9]+)", cleaned)
    if not match:
        raise BadNumberError
    value = float(match.group(1))
    if not math.isfinite(value):
        raise BadNumberError
    return value


def parse_interval(text: str) -> int:
    """Read a report interval in seconds: `30`, `30 s`, `5 min`, `1 h` (and `5 мин`,
    `5 minut`, `5 minutos`, `1 godz.`: the units of every language the bot speaks)."""
    match = _DURATION.match(text.casefold())
    if not match or match.group(2) not in _UNITS:
        raise BadNumberError
    return check_interval(round(float(match.group(1).replace(",", ".")) * _UNITS[match.group(2)]))


def check_interval(seconds: int) -> int:
    """Return `seconds` when a report interval may be that long, else raise OutOfRangeError."""
    low, high = INTERVAL_RANGE
    if not low <= seconds <= high:
        raise IntervalOutOfRangeError(low=low, high=high // 3600)
    return seconds


def _checked(metric: str, value: float, field: Field) -> float:
    low, high = threshold_range(metric, field)
    if not low <= value <= high:
        unit = metrics.unit(metric)
        raise OutOfRangeError(
            low=metrics.format_value(metric, low),
            high=metrics.format_value(metric, high),
            unit=f" {unit}" if unit else "",
        )
    return value


def set_interval(config: dict[str, Any], seconds: int) -> dict[str, Any]:
    """Return the config with a new report interval (typed or a preset: the same check)."""
    return {**deepcopy(config), "report_interval": check_interval(seconds)}


def set_alerts(config: dict[str, Any], *, on: bool) -> dict[str, Any]:
    """Return the config with the device's alerts switched on or off."""
    return {**deepcopy(config), "alerts_enabled": on}


class BadHoursError(InvalidInput):
    """Typed night hours that are not "22-7" (two different hours of the day)."""

    key = "settings-bad-hours"


# "22-7", "22 to 7", "22 do 7", "22 до 7", "22 às 7", "22 a 7", "od 22 do 7", "с 22 до 7"
_HOURS = re.compile(
    r"^\s*(?:from|od|с|das|de)?\s*(\d{1,2})(?::00)?\s*"
    r"(?:-|–|—|to|do|до|по|às|as|a|até|\.\.)\s*(\d{1,2})(?::00)?\s*$"
)


def parse_hours(text: str) -> tuple[int, int]:
    """Read night hours as people type them: `22-7`, `22:00–07:00`, `23 to 6`."""
    found = _HOURS.match(text.casefold())
    if found is None:
        raise BadHoursError
    start, end = int(found[1]), int(found[2])
    if not (0 <= start < 24 and 0 <= end < 24) or start == end:  # noqa: PLR2004 - hours
        raise BadHoursError
    return start, end


def set_night_mode(config: dict[str, Any], start: int | None, end: int | None) -> dict[str, Any]:
    """Return the config with night mode hours (None, None: off)."""
    new = deepcopy(config)
    if start is None or end is None:
        new.pop("night_mode", None)
        return new
    if not (0 <= start < 24 and 0 <= end < 24) or start == end:  # noqa: PLR2004 - hours
        raise InvalidInput
    new["night_mode"] = {"start": start, "end": end}
    return new


def set_threshold(
    config: dict[str, Any], metric: str, field: Field | None, value: float | None
) -> dict[str, Any]:
    """Return the config with one threshold field of `metric` set (None: cleared)."""
    if field is None or field is Field.INTERVAL or not METRIC_NAME.fullmatch(metric):
        raise InvalidInput  # a forged button: only our keyboards name fields and metrics
    new = deepcopy(config)
    thresholds = new.setdefault("thresholds", {})
    spec = dict(thresholds.get(metric) or {})
    if value is None:
        spec.pop(field.value, None)
    else:
        spec[field.value] = _checked(metric, value, field)
    high, low = spec.get("high"), spec.get("low")
    if isinstance(high, int | float) and isinstance(low, int | float) and high <= low:
        raise HighNotAboveLowError(
            high=metrics.format_value(metric, high),
            low=metrics.format_value(metric, low),
            unit=f" {metrics.unit(metric)}".rstrip(),
        )
    if spec:  # a hysteresis alone is kept for the limits to come
        thresholds[metric] = spec
    else:
        thresholds.pop(metric, None)
    if not thresholds:
        new.pop("thresholds")
    return new


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the top-level keys that differ, as {"before": …, "after": …} for the audit log."""
    keys = sorted(set(before) | set(after))
    diff = {key: (before.get(key), after.get(key)) for key in keys}
    changed = {key: pair for key, pair in diff.items() if pair[0] != pair[1]}
    return {
        "before": {key: pair[0] for key, pair in changed.items()},
        "after": {key: pair[1] for key, pair in changed.items()},
    }


def report_interval(config: dict[str, Any] | None, default: float) -> float:
    """The report interval a config asks for (seconds), or `default` when it asks for none
    that makes sense."""
    interval = (config or {}).get("report_interval", default)
    if isinstance(interval, bool) or not isinstance(interval, int | float) or interval <= 0:
        return float(default)
    return float(interval)
