"""Threshold rules: hysteresis, minimum duration, configs."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from core.alerts.rules import Kind, Severity, Threshold, WatchState, step, thresholds_from_config

HIGH = Threshold("co2", Kind.HIGH, 1000, 100)
LOW = Threshold("temperature", Kind.LOW, 2.0, 0.5, severity=Severity.CRITICAL)


def run(rule: Threshold, values: Sequence[float], dt: float = 1.0) -> list[str | None]:
    state, out = WatchState(), list[str | None]()
    for i, value in enumerate(values):
        state, transition = step(rule, state, value, i * dt)
        out.append(transition)
    return out


def test_high_opens_above_and_closes_only_below_the_band() -> None:
    assert run(HIGH, [900, 1001, 1200, 950, 901, 990, 900, 1100]) == [
        None,
        "open",
        None,
        None,
        None,
        None,
        "close",
        "open",
    ]


def test_oscillation_inside_the_band_sends_nothing_more() -> None:
    values = [1050] + [960, 1040] * 20
    assert run(HIGH, values).count("open") == 1
    assert "close" not in run(HIGH, values)


def test_low_threshold_mirrors_high() -> None:
    assert run(LOW, [5, 1.9, 2.3, 2.5, 1.0]) == [None, "open", None, "close", "open"]


def test_minimum_duration_must_pass_before_opening() -> None:
    slow = Threshold("co2", Kind.HIGH, 1000, 100, min_duration=3)
    assert run(slow, [1100, 1100, 1100, 1100, 1100]) == [None, None, None, "open", None]
    assert run(slow, [1100, 1100, 900, 1100, 1100]) == [None, None, None, None, None]


def test_config_thresholds_with_defaults_and_junk() -> None:
    config = {
        "thresholds": {
            "co2": {"high": 1000},
            "temperature": {
                "low": 4,
                "high": 30,
                "hysteresis": 1,
                "severity": "critical",
                "min_duration": 60,
            },
            "humidity": {"high": "lots"},
            "pm25": "nonsense",
            "voc": {"high": 500, "severity": "apocalyptic", "hysteresis": -5},
        }
    }
    rules = {(r.metric, r.kind): r for r in thresholds_from_config(config)}
    assert set(rules) == {
        ("co2", Kind.HIGH),
        ("temperature", Kind.LOW),
        ("temperature", Kind.HIGH),
        ("voc", Kind.HIGH),
    }
    assert rules[("co2", Kind.HIGH)].hysteresis == 100  # the CO2 default
    assert rules[("temperature", Kind.LOW)] == Threshold(
        "temperature", Kind.LOW, 4, 1, 60, Severity.CRITICAL
    )
    assert rules[("voc", Kind.HIGH)].severity is Severity.WARNING
    assert rules[("voc", Kind.HIGH)].hysteresis == 50


@pytest.mark.parametrize(
    "config",
    [{}, {"thresholds": None}, {"alerts_enabled": False, "thresholds": {"co2": {"high": 1}}}],
)
def test_no_rules(config: dict[str, object]) -> None:
    assert thresholds_from_config(config) == []
