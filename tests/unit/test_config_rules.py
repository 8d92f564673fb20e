"""Device settings edits: what people type, the ranges, and the config that results."""

from __future__ import annotations

import pytest

from core.devices import config_rules
from core.devices.config_rules import (
    BadHoursError,
    BadNumberError,
    Field,
    HighNotAboveLowError,
    OutOfRangeError,
    parse_hours,
    parse_interval,
    parse_number,
    set_threshold,
)
from core.errors import InvalidInput


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("30", 30), ("90 s", 90), ("5 min", 300), ("1h", 3600), ("2,5 min", 150), (" 10 ", 10)],
)
def test_intervals_are_read_as_people_type_them(typed: str, seconds: int) -> None:
    assert parse_interval(typed) == seconds


@pytest.mark.parametrize("typed", ["", "fast", "5 weeks", "-5", "1e3"])
def test_unreadable_intervals_are_refused(typed: str) -> None:
    with pytest.raises(BadNumberError):
        parse_interval(typed)


@pytest.mark.parametrize("typed", ["1", "4 s", "2 h 1", "25 h"])
def test_intervals_outside_5_s_to_24_h_are_refused(typed: str) -> None:
    with pytest.raises((OutOfRangeError, BadNumberError)):
        parse_interval(typed)


@pytest.mark.parametrize(
    ("typed", "value"), [("1000", 1000), ("22,5", 22.5), ("-3", -3), ("1 200 ppm", 1200)]
)
def test_numbers_accept_commas_spaces_and_units(typed: str, value: float) -> None:
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["", "abc", "ppm", "nan", "-"])
def test_text_that_is_no_number_is_refused(typed: str) -> None:
    with pytest.raises(BadNumberError):
        parse_number(typed)


def test_a_threshold_is_set_and_cleared_without_touching_the_rest() -> None:
    config = {"report_interval": 30, "thresholds": {"temperature": {"low": 2}}}
    new = set_threshold(config, "co2", Field.HIGH, 1000)
    assert new["thresholds"] == {"temperature": {"low": 2}, "co2": {"high": 1000}}
    assert config == {"report_interval": 30, "thresholds": {"temperature": {"low": 2}}}
    cleared = set_threshold(new, "co2", Field.HIGH, None)
    assert cleared["thresholds"] == {"temperature": {"low": 2}}
    assert "thresholds" not in set_threshold(cleared, "temperature", Field.LOW, None)


def test_thresholds_outside_the_metric_range_are_refused_with_the_range() -> None:
    with pytest.raises(OutOfRangeError) as caught:
        set_threshold({}, "humidity", Field.HIGH, 140)
    assert caught.value.args_for_text == {"low": "0", "high": "100", "unit": " %"}
    with pytest.raises(OutOfRangeError):
        set_threshold({}, "co2", Field.HYSTERESIS, 5000)


def test_high_must_stay_above_low() -> None:
    config = set_threshold({}, "temperature", Field.LOW, 20)
    with pytest.raises(HighNotAboveLowError):
        set_threshold(config, "temperature", Field.HIGH, 18)


def test_a_hysteresis_alone_is_kept_for_the_limits_to_come() -> None:
    assert set_threshold({}, "co2", Field.HYSTERESIS, 50) == {
        "thresholds": {"co2": {"hysteresis": 50}}
    }


def test_hysteresis_may_be_a_quarter_of_the_range_at_most() -> None:
    assert config_rules.threshold_range("co2", Field.HYSTERESIS) == (0.0, 2400.0)
    assert config_rules.threshold_range("humidity", Field.HYSTERESIS) == (0.0, 25.0)


def test_night_mode_and_alerts_switch() -> None:
    config = config_rules.set_night_mode({}, 22, 7)
    assert config == {"night_mode": {"start": 22, "end": 7}}
    assert config_rules.set_night_mode(config, None, None) == {}
    assert config_rules.set_alerts({}, on=False) == {"alerts_enabled": False}


def test_changed_keys_give_the_audit_before_and_after() -> None:
    diff = config_rules.changed_keys({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4})
    assert diff == {"before": {"b": 2, "c": None}, "after": {"b": 3, "c": 4}}


@pytest.mark.parametrize("metric", ["", "CO2", "co2; drop", "<b>", "x" * 40])
def test_made_up_metric_names_are_refused(metric: str) -> None:
    with pytest.raises(InvalidInput):
        set_threshold({}, metric, Field.HIGH, 10)


@pytest.mark.parametrize(
    ("text", "hours"),
    [("22-7", (22, 7)), ("22:00–07:00", (22, 7)), ("23 to 6", (23, 6)), (" 0 - 5 ", (0, 5))],
)
def test_night_hours_are_read_as_people_type_them(text: str, hours: tuple[int, int]) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text", ["", "22", "25-7", "7-7", "night", "22-7-3"])
def test_night_hours_that_are_not_two_hours_are_refused(text: str) -> None:
    with pytest.raises(BadHoursError):
        parse_hours(text)


def test_typed_values_are_understood_in_every_language() -> None:
    assert [parse_interval(t) for t in ("5 мин", "5 min", "5 minut", "5 minutos")] == [300] * 4
    assert [parse_interval(t) for t in ("1 godz.", "1 час", "1 hora", "90 с", "30 seg")] == [
        3600, 3600, 3600, 90, 30,
    ]  # fmt: skip
    assert parse_interval("1,5 min") == 90  # a decimal comma
    assert [parse_number(t) for t in ("22,5", "1 200", "-3,5 °C")] == [22.5, 1200.0, -3.5]
    assert [parse_hours(t) for t in ("22 do 7", "с 22 до 7", "22 às 7", "od 23 do 6")] == [
        (22, 7), (22, 7), (22, 7), (23, 6),
    ]  # fmt: skip
