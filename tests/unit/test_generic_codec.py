"""Validation of our firmware's payloads, including hostile ones."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.generic.codec import decode
from drivers.generic.topics import parse_topic, topic
from drivers.readings import CommandAck, Rejected, StatusChange, Telemetry

NOW = 1_733_612_400.0
TOPIC = "devices/co2_001/telemetry"


def test_contract_example_is_accepted_with_units_and_meta() -> None:
    payload = (
        b'{"timestamp": 1733612400, "co2": 920, "temperature": 25.1, "humidity": 29,'
        b' "firmware_version": "2.0.1", "ip": "10.0.0.7", "uptime": 3600}'
    )
    result = decode(TOPIC, payload, NOW)
    assert result == Telemetry(
        uid="co2_001",
        at=1733612400.0,
        metrics={"co2": 920.0, "temperature": 25.1, "humidity": 29.0},
        firmware_version="2.0.1",
        ip="10.0.0.7",
        uptime=3600.0,
        received_at=NOW,
        device_time=True,  # the device's own clock stamped it
    )


def test_the_seed_devices_own_uid_field_is_accepted_and_another_is_refused() -> None:
    """The seed's telemetry carries `"device_uid": "co2_001"`: it was rejected as
    non-numeric on every message. It is checked against the topic's uid instead."""
    own = decode(TOPIC, b'{"device_uid": "co2_001", "co2": 700}', NOW)
    assert isinstance(own, Telemetry) and own.metrics == {"co2": 700.0} and own.dropped == ()
    other = decode(TOPIC, b'{"device_uid": "co2_002", "co2": 700}', NOW)
    assert other == Rejected("co2_001", "uid_mismatch", "co2_002")


def test_a_reading_keeps_the_devices_time_and_liveness_the_servers() -> None:
    behind = decode(TOPIC, f'{{"co2": 500, "timestamp": {NOW - 600}}}'.encode(), NOW)
    assert isinstance(behind, Telemetry)
    assert (behind.at, behind.heard_at) == (NOW - 600, NOW)


def test_missing_timestamp_uses_server_time() -> None:
    result = decode(TOPIC, b'{"co2": 500}', NOW)
    assert isinstance(result, Telemetry)
    assert result.at == NOW


def test_unset_device_clock_is_replaced_by_server_time_and_counted() -> None:
    result = decode(TOPIC, b'{"co2": 500, "timestamp": 12}', NOW)
    assert isinstance(result, Telemetry)
    assert result.at == NOW
    assert ("bad_timestamp", "timestamp") in result.dropped


def test_any_numeric_key_is_a_metric() -> None:
    result = decode(TOPIC, b'{"soil_moisture": 41.5}', NOW)
    assert isinstance(result, Telemetry)
    assert result.metrics == {"soil_moisture": 41.5}


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json", "malformed_json"),
        (b"", "malformed_json"),
        (b"[1, 2]", "not_an_object"),
        (b'"co2"', "not_an_object"),
        (b"{}", "no_metrics"),
        (b'{"co2": "high"}', "non_numeric"),
        (b'{"co2": true}', "non_numeric"),
        (b'{"co2": null}', "non_numeric"),
        (b'{"co2": {"value": 5}}', "non_numeric"),
        (b'{"co2": [1]}', "non_numeric"),
        (b'{"co2": NaN}', "malformed_json"),
        (b'{"co2": Infinity}', "malformed_json"),
        (b'{"co2": 1e400}', "malformed_json"),
        (b'{"co2": -5}', "out_of_range"),
        (b'{"humidity": 140}', "out_of_range"),
        (b'{"temperature": 900}', "out_of_range"),
        (b'{"whatever": 1e12}', "out_of_range"),
        (b'{"Bad Name": 1}', "bad_metric_name"),
        (b'{"\\u0000": 1}', "bad_metric_name"),
    ],
)
def test_hostile_payload_is_rejected_with_its_reason(payload: bytes, reason: str) -> None:
    result = decode(TOPIC, payload, NOW)
    assert isinstance(result, Rejected)
    assert (result.uid, result.reason) == ("co2_001", reason)


def test_huge_payload_is_rejected_before_parsing() -> None:
    payload = b'{"co2": 1, "pad": "' + b"x" * 100_000 + b'"}'
    assert decode(TOPIC, payload, NOW) == Rejected("co2_001", "too_large", f"{len(payload)} bytes")


def test_deeply_nested_payload_is_rejected_without_crashing() -> None:
    payload = b'{"a":' * 5000 + b"1" + b"}" * 5000
    result = decode(TOPIC, payload, NOW)
    assert isinstance(result, Rejected)


def test_too_many_fields_are_rejected() -> None:
    payload = ("{" + ",".join(f'"m{i}": {i}' for i in range(200)) + "}").encode()
    result = decode(TOPIC, payload, NOW)
    assert isinstance(result, Rejected)
    assert result.reason == "too_many_fields"


def test_bad_fields_are_dropped_and_good_ones_kept() -> None:
    result = decode(TOPIC, b'{"co2": 800, "humidity": 250, "note": "hi"}', NOW)
    assert isinstance(result, Telemetry)
    assert result.metrics == {"co2": 800.0}
    assert set(result.dropped) == {("out_of_range", "humidity"), ("non_numeric", "note")}


def test_text_fields_are_bounded_and_printable() -> None:
    result = decode(
        TOPIC, b'{"co2": 1, "firmware_version": "' + b"9" * 500 + b'", "ip": "a\\nb"}', NOW
    )
    assert isinstance(result, Telemetry)
    assert result.firmware_version == "9" * 64
    assert result.ip is None


@pytest.mark.parametrize(
    ("payload", "online"),
    [
        (b"online", True),
        (b"offline", False),
        (b" Online\n", True),
        (b'{"state": "offline"}', False),
    ],
)
def test_status_payloads(payload: bytes, online: bool) -> None:
    assert decode("devices/co2_001/status", payload, NOW) == StatusChange("co2_001", NOW, online)


@pytest.mark.parametrize("payload", [b"maybe", b"{", b'{"state": 1}', b"\xff\xfe"])
def test_bad_status_is_rejected(payload: bytes) -> None:
    assert isinstance(decode("devices/co2_001/status", payload, NOW), Rejected)


@pytest.mark.parametrize(
    "name",
    [
        "devices/a b/telemetry",
        "devices//telemetry",
        "devices/+/telemetry",
        "devices/" + "x" * 65 + "/telemetry",
    ],
)
def test_bad_uid_in_topic_is_rejected(name: str) -> None:
    result = decode(name, b'{"co2": 1}', NOW)
    assert isinstance(result, Rejected)
    assert result.reason == "bad_uid"


def test_topics_that_are_not_ours_are_ignored() -> None:
    assert decode("shellypro3-abc/events/rpc", b"{}", NOW) is None
    assert decode("devices/co2_001/config", b"{}", NOW) is None


def test_topic_round_trip() -> None:
    assert parse_topic(topic("co2_001", "telemetry")) == ("co2_001", "telemetry")


@given(st.binary(max_size=512))
def test_random_bytes_never_raise(payload: bytes) -> None:
    result = decode(TOPIC, payload, NOW)
    assert isinstance(result, Telemetry | Rejected)


@given(
    st.dictionaries(
        st.text(max_size=40),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.integers(min_value=2**64),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=20),
            st.lists(st.integers(), max_size=3),
        ),
        max_size=20,
    )
)
def test_random_objects_never_raise_and_accepted_values_are_finite(body: dict[str, object]) -> None:
    result = decode(TOPIC, json.dumps(body).encode(), NOW)
    assert isinstance(result, Telemetry | Rejected)
    if isinstance(result, Telemetry):
        assert all(abs(v) <= 1e9 for v in result.metrics.values())


def test_command_results_on_events_are_decoded() -> None:
    ack = decode("devices/co2_001/events", b'{"id": "abc", "ok": true}', NOW)
    assert ack == CommandAck("co2_001", "abc", ok=True)
    failed = decode("devices/co2_001/events", b'{"id": "abc", "ok": false, "error": "busy"}', NOW)
    assert failed == CommandAck("co2_001", "abc", ok=False, error="busy")


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{nope", "malformed_json"),
        (b"[1]", "not_an_object"),
        (b'{"id": 5, "ok": 1}', "bad_command_result"),
    ],
)
def test_malformed_events_are_rejected_with_a_reason(payload: bytes, reason: str) -> None:
    decoded = decode("devices/co2_001/events", payload, NOW)
    assert isinstance(decoded, Rejected) and decoded.reason == reason


def test_events_that_are_no_command_results_are_not_read() -> None:
    assert decode("devices/co2_001/events", b'{"event": "button"}', NOW) is None


def test_telemetry_carries_the_config_version_the_device_runs() -> None:
    reading = decode("devices/co2_001/telemetry", b'{"co2": 500, "config_version": 7}', NOW)
    assert isinstance(reading, Telemetry) and reading.config_version == 7
    assert "config_version" not in reading.metrics


def test_a_cleared_retained_status_is_not_a_rejection() -> None:
    """An empty retained message is how a retained status is deleted (an operator or a
    removed device): nothing to read, nothing wrong."""
    assert decode("devices/co2_001/status", b"", NOW) is None
