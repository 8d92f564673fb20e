"""Threshold rules with hysteresis and a minimum duration (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Final, Literal

from core.devices import metrics


class Severity(StrEnum):
    """How urgent an alert is."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class Kind(StrEnum):
    """What an episode is about."""

    HIGH = "threshold_high"
    LOW = "threshold_low"
    OFFLINE = "device_offline"
    PANEL_ALARM = "panel_alarm"  # metric `p<partition>`
    PANEL_FIRE = "panel_fire"  # metric `p<partition>`
    PANEL_TAMPER = "panel_tamper"  # metric `z<zone>`
    PANEL_TROUBLE = "panel_trouble"  # metric `<part>:<bit>`


@dataclass(frozen=True, slots=True)
class Threshold:
    """One limit of one metric: `high` opens above `limit`, `low` below it."""

    metric: str
    kind: Kind
    limit: float
    hysteresis: float
    min_duration: float = 0.0
    severity: Severity = Severity.WARNING


@dataclass(frozen=True, slots=True)
class WatchState:
    """Where a threshold stands: an open episode, or a value past it since a moment."""

    open: bool = False
    pending_since: float | None = None


Transition = Literal["open", "close"]


def step(
    rule: Threshold, state: WatchState, value: float, at: float
) -> tuple[WatchState, Transition | None]:
    """Apply one reading; return the new state and whether an episode opens or closes."""
    high = rule.kind is Kind.HIGH
    if state.open:
        back = (
            value <= rule.limit - rule.hysteresis if high else value >= rule.limit + rule.hysteresis
        )
        return (WatchState(), "close") if back else (state, None)
    beyond = value > rule.limit if high else value < rule.limit
    if not beyond:
        return WatchState(), None
    since = state.pending_since if state.pending_since is not None else at
    if at - since >= rule.min_duration:
        return WatchState(open=True), "open"
    return replace(state, pending_since=since), None


def thresholds_from_config(config: Mapping[str, Any]) -> list[Threshold]:
    """Read the thresholds of a device config; entries that make no sense are skipped."""
    if config.get("alerts_enabled") is False:
        return []
    raw = config.get("thresholds")
    if not isinstance(raw, Mapping):
        return []
    rules: list[Threshold] = []
    for metric, spec in raw.items():
        if isinstance(spec, Mapping):
            rules.extend(_rules_of(str(metric), spec))
    return rules


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _rules_of(metric: str, spec: Mapping[str, Any]) -> list[Threshold]:
    hysteresis = _number(spec.get("hysteresis"))
    if hysteresis is None or hysteresis < 0:
        hysteresis = metrics.facts(metric).hysteresis
    duration = _number(spec.get("min_duration")) or 0.0
    try:
        severity = Severity(spec.get("severity", "warning"))
    except ValueError:
        severity = Severity.WARNING
    rules = []
    for key, kind in (("high", Kind.HIGH), ("low", Kind.LOW)):
        limit = _number(spec.get(key))
        if limit is not None:
            rules.append(Threshold(metric, kind, limit, hysteresis, max(0.0, duration), severity))
    return rules


# A relay that reports off while the phase measuring its circuit still draws power: a welded
# contact, or a wiring fault. Limits can be changed per channel in the relay's config
# (thresholds of `switchN_off_act_power`).
RELAY_DRAW: Final[dict[str, float]] = {"high": 20.0, "hysteresis": 10.0, "min_duration": 5.0}


def relay_draw_rule(metric: str, config: Mapping[str, Any]) -> Threshold | None:
    """The rule of one linked channel (None when alerts are off for the relay)."""
    if config.get("alerts_enabled") is False:
        return None
    thresholds = config.get("thresholds")
    spec = thresholds.get(metric) if isinstance(thresholds, Mapping) else None
    merged = {**RELAY_DRAW, **(spec if isinstance(spec, Mapping) else {})}
    return next((r for r in _rules_of(metric, merged) if r.kind is Kind.HIGH), None)
