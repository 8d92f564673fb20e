"""Shelly Gen2+ codec and RPC frames, on the payloads of shared/protocols/shelly.md."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.readings import Rejected, StatusChange, Telemetry
from drivers.shelly import topics
from drivers.shelly.codec import ShellyCodec
from drivers.shelly.rpc import INVALID_ARGUMENT, RpcError, RpcSession

NOW = 1_733_612_400.0
PRO3 = "shellypro3-aabbccddeeff"
PRO3EM = "shellypro3em-112233445566"
# protocols/shelly.md, "Component status": Pro 3EM em:0 and emdata:0 (triphase profile).
EM0: dict[str, Any] = {
    "id": 0, "a_current": 4.029, "a_voltage": 236.1, "a_act_power": 951.2, "a_aprt_power": 951.9,
    "a_pf": 1.0, "a_freq": 50.0, "b_current": 4.027, "b_voltage": 236.2, "b_act_power": -951.1,
    "b_aprt_power": 951.8, "b_pf": 1.0, "b_freq": 50.0, "c_current": 3.03, "c_voltage": 236.3,
    "c_act_power": 715.5, "c_aprt_power": 716.0, "c_pf": 1.0, "c_freq": 50.0, "n_current": None,
    "total_current": 11.086, "total_act_power": 715.6, "total_aprt_power": 2619.7,
    "user_calibrated_phase": [],
}  # fmt: skip
EMDATA0: dict[str, Any] = {
    "id": 0, "a_total_act_energy": 2776.21, "a_total_act_ret_energy": 0.0,
    "b_total_act_energy": 0.00, "b_total_act_ret_energy": 2776.11,
    "c_total_act_energy": 1902.68, "c_total_act_ret_energy": 0.0,
    "total_act": 4678.89, "total_act_ret": 2776.11,
}  # fmt: skip
SWITCH0 = {"id": 0, "source": "init", "output": False, "temperature": {"tC": 41.3, "tF": 106.4}}


def frame(method: str, **params: Any) -> bytes:
    """A notification frame as the device publishes it on <prefix>/events/rpc."""
    body = {"src": PRO3, "dst": f"{PRO3}/events", "method": method, "params": params}
    return json.dumps(body).encode()


def one(decoded: list[Any]) -> Telemetry:
    """The single Telemetry of a decode."""
    assert len(decoded) == 1 and isinstance(decoded[0], Telemetry), decoded
    return decoded[0]


@pytest.mark.parametrize(
    ("topic", "parsed"),
    [
        (f"{PRO3}/online", (PRO3, "online", "")),
        (f"{PRO3}/events/rpc", (PRO3, "events", "")),
        (f"{PRO3EM}/status/em:0", (PRO3EM, "status", "em:0")),
        (f"{PRO3}/rpc", (PRO3, "rpc", "")),  # requests to the device
        (f"dozor-proc-1/{PRO3}/rpc", ("dozor-proc-1", "answer", PRO3)),  # its answers to us
        ("dozor-proc-1/+/rpc", None),
        ("shellies/x/relay/0", None),  # Gen1 topics are not Gen2
        (f"{PRO3}/status/../x", None),
        ("devices/co2/telemetry", None),
    ],
)
def test_topics_are_parsed(topic: str, parsed: tuple[str, str, str] | None) -> None:
    assert topics.parse_topic(topic) == parsed


def test_online_and_its_last_will() -> None:
    codec = ShellyCodec()
    assert codec.decode(f"{PRO3}/online", b"true", NOW) == [StatusChange(PRO3, NOW, online=True)]
    assert codec.decode(f"{PRO3}/online", b"false", NOW) == [StatusChange(PRO3, NOW, online=False)]
    assert isinstance(codec.decode(f"{PRO3}/online", b"maybe", NOW)[0], Rejected)


def test_switch_status_gives_output_and_temperature() -> None:
    reading = one(
        ShellyCodec().decode(f"{PRO3}/status/switch:0", json.dumps(SWITCH0).encode(), NOW)
    )
    assert reading.metrics == {"switch0_output": 0.0, "switch0_temperature": 41.3}


def test_a_partial_notify_status_is_merged_into_the_last_full_state() -> None:
    codec = ShellyCodec()
    full = {f"switch:{i}": {**SWITCH0, "id": i} for i in range(3)}
    first = one(codec.decode(f"{PRO3}/events/rpc", frame("NotifyFullStatus", ts=NOW, **full), NOW))
    assert first.metrics["switch1_output"] == 0.0 and len(first.metrics) == 6
    # Only what changed: switch 1's output. Its temperature is still known.
    delta = {"switch:1": {"id": 1, "output": True, "source": "MQTT"}}
    second = one(
        codec.decode(f"{PRO3}/events/rpc", frame("NotifyStatus", ts=NOW + 1, **delta), NOW)
    )
    assert second.metrics == {"switch1_output": 1.0, "switch1_temperature": 41.3}
    assert second.at == NOW + 1


def test_pro3em_phases_totals_and_counters() -> None:
    codec = ShellyCodec()
    em = one(codec.decode(f"{PRO3EM}/status/em:0", json.dumps(EM0).encode(), NOW)).metrics
    assert em["a_voltage"] == 236.1 and em["b_act_power"] == -951.1 and em["c_freq"] == 50.0
    assert em["total_act_power"] == 715.6  # the sum of the phases, as sent
    assert em["total_aprt_power"] == 2619.7 and "n_current" not in em  # null is no reading
    data = one(codec.decode(f"{PRO3EM}/status/emdata:0", json.dumps(EMDATA0).encode(), NOW))
    assert data.metrics["total_act_energy"] == 4678.89
    assert data.metrics["total_act_ret_energy"] == 2776.11
    assert "interval_import_energy" not in data.metrics  # nothing to compare with yet


def test_total_power_is_computed_when_the_device_does_not_send_it() -> None:
    em = {k: v for k, v in EM0.items() if not k.startswith("total")}
    reading = one(ShellyCodec().decode(f"{PRO3EM}/status/em:0", json.dumps(em).encode(), NOW))
    assert reading.metrics["total_act_power"] == pytest.approx(715.6)
    assert reading.metrics["total_current"] == pytest.approx(11.086)
    assert reading.dropped == ()


def test_a_total_that_is_not_the_sum_of_its_phases_is_flagged_and_not_stored() -> None:
    codec = ShellyCodec()
    wrong = {**EM0, "total_act_power": 951.2}  # mirrors phase a (protocols/shelly.md "traps")
    reading = one(codec.decode(f"{PRO3EM}/status/em:0", json.dumps(wrong).encode(), NOW))
    assert reading.metrics["total_act_power"] == pytest.approx(715.6)
    assert reading.dropped == (("aggregate_mismatch", "total_act_power"),)
    assert codec.rejected["aggregate_mismatch"] == 1


def test_energy_per_interval_for_pv_households_and_counter_resets() -> None:
    codec = ShellyCodec()
    topic = f"{PRO3EM}/status/emdata:0"
    codec.decode(topic, json.dumps(EMDATA0).encode(), NOW)
    later = {**EMDATA0, "total_act": 4680.89, "total_act_ret": 2780.11}
    metrics = one(codec.decode(topic, json.dumps(later).encode(), NOW + 60)).metrics
    assert metrics["interval_import_energy"] == pytest.approx(2.0)
    assert metrics["interval_export_energy"] == pytest.approx(4.0)
    reset = {**EMDATA0, "total_act": 1.0, "total_act_ret": 0.5}  # device replaced
    metrics = one(codec.decode(topic, json.dumps(reset).encode(), NOW + 120)).metrics
    assert "interval_import_energy" not in metrics and "interval_export_energy" not in metrics
    after = {**reset, "total_act": 3.5}
    metrics = one(codec.decode(topic, json.dumps(after).encode(), NOW + 180)).metrics
    assert metrics["interval_import_energy"] == pytest.approx(2.5)  # never negative


def test_monophase_profile_is_three_meters() -> None:
    codec = ShellyCodec()
    status = {
        f"em1:{i}": {"id": i, "current": 4.0, "voltage": 236.1 + i, "act_power": 951.2,
                     "aprt_power": 951.9, "pf": 1.0, "freq": 50.0, "calibration": "factory"}
        for i in range(3)
    }  # fmt: skip
    status |= {
        f"em1data:{i}": {"id": i, "total_act_energy": 2776.2, "total_act_ret_energy": 0.0}
        for i in range(3)
    }
    metrics = one(codec.decode(f"{PRO3EM}/events/rpc", frame("NotifyFullStatus", **status), NOW))
    assert metrics.metrics["em1_2_voltage"] == 238.1
    assert metrics.metrics["em1_0_total_act_energy"] == 2776.2
    assert metrics.at == NOW  # no ts: the server's time


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "malformed_json"),
        (b"[1, 2]", "malformed_json"),
        (b'{"method": "NotifyStatus"}', "bad_notification"),
        (b'{"method": "NotifyStatus", "params": [1]}', "bad_notification"),
        (b'{"method": "Frobnicate", "params": {}}', "unknown_method"),
    ],
)
def test_malformed_frames_are_counted_and_skipped(payload: bytes, reason: str) -> None:
    codec = ShellyCodec()
    decoded = codec.decode(f"{PRO3}/events/rpc", payload, NOW)
    assert len(decoded) == 1 and isinstance(decoded[0], Rejected) and decoded[0].reason == reason
    assert codec.rejected[reason] == 1


def test_fields_of_the_wrong_type_are_left_out() -> None:
    status = {"id": 0, "output": "on", "temperature": {"tC": "hot"}, "apower": "12 W"}
    decoded = ShellyCodec().decode(f"{PRO3}/status/switch:0", json.dumps(status).encode(), NOW)
    assert decoded == [StatusChange(PRO3, NOW, True)]  # nothing stored, but it is alive
    assert ShellyCodec().decode(f"{PRO3}/events/rpc", frame("NotifyEvent", events=[]), NOW) == []


@given(st.binary(max_size=300), st.sampled_from(["events/rpc", "online", "status/em:0"]))
def test_random_bytes_never_raise(payload: bytes, suffix: str) -> None:
    decoded = ShellyCodec().decode(f"{PRO3EM}/{suffix}", payload, NOW)
    assert all(isinstance(d, Telemetry | Rejected | StatusChange) for d in decoded)


@given(st.dictionaries(st.text(max_size=10), st.none() | st.booleans() | st.floats() | st.text()))
def test_random_component_status_never_raises(status: dict[str, Any]) -> None:
    payload = frame("NotifyStatus", **{"em:0": status, "emdata:0": status, "switch:0": status})
    ShellyCodec().decode(f"{PRO3EM}/events/rpc", payload, NOW)


def test_rpc_requests_are_numbered_and_answers_matched_by_id() -> None:
    rpc = RpcSession("dozor-proc-1")
    first, raw = rpc.request(PRO3, "Switch.Set", {"id": 0, "on": True})
    second, _ = rpc.request(PRO3EM, "EM.GetStatus", {"id": 0})
    assert json.loads(raw) == {
        "id": first, "src": f"dozor-proc-1/{PRO3}", "method": "Switch.Set",
        "params": {"id": 0, "on": True},
    }  # fmt: skip
    assert second == first + 1
    answer = {"id": first, "src": PRO3, "dst": f"dozor-proc-1/{PRO3}", "result": {"was_on": False}}
    response = rpc.receive(PRO3, json.dumps(answer).encode())
    assert response is not None and response.result == {"was_on": False}
    assert response.method == "Switch.Set" and response.error is None
    assert rpc.receive(PRO3, json.dumps(answer).encode()) is None  # answered once only


def test_an_answer_on_another_devices_topic_is_not_taken() -> None:
    """Only the device's own account may write `<src>/<device>/rpc` (the broker's ACL): an
    answer that names the device but came on another device's topic is a forgery."""
    rpc = RpcSession("dozor-proc-1")
    request_id, _ = rpc.request(PRO3, "Switch.Set", {"id": 0, "on": True})
    forged = json.dumps({"id": request_id, "src": PRO3, "result": {"was_on": False}}).encode()
    assert rpc.receive(PRO3EM, forged) is None
    assert rpc.receive(PRO3, forged) is not None  # the real one is still taken


def test_rpc_error_frames_keep_the_wire_code() -> None:
    rpc = RpcSession("dozor-proc-1")
    request_id, _ = rpc.request(PRO3, "Switch.Set", {"id": 7, "on": True})
    error = {"code": -103, "message": "Argument 'id', value 7 not found!"}
    response = rpc.receive(
        PRO3, json.dumps({"id": request_id, "src": PRO3, "error": error}).encode()
    )
    assert response is not None and response.result is None
    assert response.error == RpcError(INVALID_ARGUMENT, "Argument 'id', value 7 not found!")


@pytest.mark.parametrize(
    "answer",
    [
        b"not json",
        b'{"id": 999, "src": "shellypro3-aabbccddeeff", "result": {}}',  # never sent
        b'{"id": 1, "src": "shellypro3em-112233445566", "result": {}}',  # another device
        b'{"id": true, "src": "shellypro3-aabbccddeeff", "result": {}}',
    ],
)
def test_rpc_answers_that_are_not_ours_are_ignored(answer: bytes) -> None:
    rpc = RpcSession("dozor-proc-1")
    rpc.request(PRO3, "Shelly.GetStatus")
    assert rpc.receive(PRO3, answer) is None


def test_an_http_snapshot_is_decoded_at_the_device_time() -> None:
    codec = ShellyCodec()
    status = {"em:0": EM0, "emdata:0": EMDATA0, "sys": {"unixtime": NOW - 3}, "mqtt": {}}
    reading = one(codec.decode_snapshot(PRO3EM, status, NOW))
    assert reading.at == NOW - 3
    assert reading.metrics["a_act_power"] == 951.2
    assert reading.metrics["total_act_energy"] == 4678.89


def test_the_same_reading_on_both_paths_is_taken_once() -> None:
    codec = ShellyCodec()
    full = frame("NotifyFullStatus", ts=NOW, **{"em:0": EM0, "emdata:0": EMDATA0})
    one(codec.decode(f"{PRO3EM}/events/rpc", full, NOW))
    # The HTTP poll a second later sees the same status: the device is alive, nothing new.
    status = {"em:0": EM0, "emdata:0": EMDATA0, "sys": {"unixtime": NOW + 1}}
    assert codec.decode_snapshot(PRO3EM, status, NOW + 1) == [StatusChange(PRO3EM, NOW + 1, True)]
    # A change seen by HTTP first, then by the MQTT frame that was late: taken once.
    changed = {**EM0, "a_act_power": 100.0, "a_current": 0.5}
    snapshot = {"em:0": changed, "sys": {"unixtime": NOW + 5}}
    polled = one(codec.decode_snapshot(PRO3EM, snapshot, NOW + 5))
    assert polled.metrics["a_act_power"] == 100.0
    late = frame("NotifyStatus", ts=NOW + 4, **{"em:0": {"id": 0, "a_act_power": 100.0}})
    assert codec.decode(f"{PRO3EM}/events/rpc", late, NOW + 6) == []
    assert codec.duplicates == 3
    # A newer change after that is taken again.
    newer = frame("NotifyStatus", ts=NOW + 7, **{"em:0": {"id": 0, "a_act_power": 90.0}})
    assert one(codec.decode(f"{PRO3EM}/events/rpc", newer, NOW + 7)).metrics["a_act_power"] == 90.0


def test_a_full_status_after_a_reconnect_keeps_the_energy_baseline() -> None:
    codec = ShellyCodec()
    first = frame("NotifyFullStatus", ts=NOW, **{"emdata:0": EMDATA0})
    one(codec.decode(f"{PRO3EM}/events/rpc", first, NOW))
    later = {**EMDATA0, "total_act": EMDATA0["total_act"] + 12.5}
    again = frame("NotifyFullStatus", ts=NOW + 60, **{"emdata:0": later})
    reading = one(codec.decode(f"{PRO3EM}/events/rpc", again, NOW + 60))
    assert reading.metrics["interval_import_energy"] == 12.5


@pytest.mark.parametrize("status", [None, [], "x", 5])
def test_a_malformed_http_answer_is_rejected(status: Any) -> None:
    codec = ShellyCodec()
    decoded = codec.decode_snapshot(PRO3EM, status, NOW)
    assert isinstance(decoded[0], Rejected) and decoded[0].reason == "malformed_status"


def test_seeded_counters_count_what_was_added_before_the_first_frame() -> None:
    """A restarted processor gives the codec the counters it kept: the first frame counts
    from them instead of being a new baseline."""
    codec = ShellyCodec()
    codec.seed("shellypro3em-1", {"total_act_energy": 1000.0})
    assert codec.seeded("shellypro3em-1") and not codec.seeded("shellypro3em-2")
    frame = json.dumps(
        {"method": "NotifyStatus", "params": {"ts": 1.7e9, "emdata:0": {"total_act": 1400.0}}}
    ).encode()
    (reading,) = codec.decode("shellypro3em-1/events/rpc", frame, 1.7e9)
    assert isinstance(reading, Telemetry)
    assert reading.metrics["interval_import_energy"] == 400.0
    assert codec.counters("shellypro3em-1") == {"total_act_energy": 1400.0}


def test_a_delta_is_merged_at_every_depth() -> None:
    """NotifyStatus carries only what changed, nested too: a delta of `aenergy` with only
    `by_minute` kept the total only when merged deep (as aioshelly does)."""
    codec = ShellyCodec()
    full = {
        "method": "NotifyFullStatus",
        "params": {
            "ts": 1.7e9,
            "switch:0": {"id": 0, "output": True, "aenergy": {"total": 10.0, "by_minute": [0]}},
            "sys": {"available_updates": {"stable": {"version": "1.4.4"}}, "uptime": 1},
        },
    }
    codec.decode("shellypro3-1/events/rpc", json.dumps(full).encode(), 1.7e9)
    delta = {
        "method": "NotifyStatus",
        "params": {
            "ts": 1.7e9 + 60,
            "switch:0": {"aenergy": {"by_minute": [5], "minute_ts": 1}},
            "sys": {"available_updates": {"beta": {"version": "1.5.0-beta1"}}},
        },
    }
    (reading,) = codec.decode("shellypro3-1/events/rpc", json.dumps(delta).encode(), 1.7e9 + 60)
    assert isinstance(reading, Telemetry) and reading.metrics["switch0_energy"] == 10.0
    switch = codec.state_of("shellypro3-1", "switch:0")
    assert switch is not None and switch["aenergy"] == {
        "total": 10.0,
        "by_minute": [5],
        "minute_ts": 1,
    }
    system = codec.state_of("shellypro3-1", "sys")
    assert system is not None and set(system["available_updates"]) == {"stable", "beta"}
    assert system["uptime"] == 1


def test_a_device_time_is_never_compared_with_a_server_time() -> None:
    """After a switch over HTTP (state stamped with the server's time) a NotifyStatus with
    the device's own `ts`, 20 s behind, was dropped as "not newer": the live state stayed
    wrong."""
    codec = ShellyCodec()
    now = 1.7e9
    codec.decode_snapshot("shellypro3-1", {"switch:0": {"id": 0, "output": True}}, now)
    late_clock = {
        "method": "NotifyStatus",
        "params": {"ts": now - 20 + 5, "switch:0": {"id": 0, "output": False}},
    }
    (reading,) = codec.decode("shellypro3-1/events/rpc", json.dumps(late_clock).encode(), now + 5)
    assert isinstance(reading, Telemetry) and reading.metrics["switch0_output"] == 0.0
    again = codec.decode("shellypro3-1/events/rpc", json.dumps(late_clock).encode(), now + 6)
    assert again == []  # the same device time twice is still one reading


def test_the_firmware_a_device_offers_comes_from_its_sys_status() -> None:
    codec = ShellyCodec()
    offered = {"stable": {"version": "1.5.0"}, "beta": {"version": "1.6.0-beta1"}}
    system = {"unixtime": int(NOW), "uptime": 10, "available_updates": offered}
    full = one(codec.decode(f"{PRO3}/events/rpc", frame("NotifyFullStatus", ts=NOW, sys=system,
                                                      **{"switch:0": SWITCH0}), NOW))  # fmt: skip
    assert full.available_firmware == "1.5.0"  # the stable channel, never beta
    assert full.metrics["switch0_output"] == 0.0
    # A status that does not name its updates says nothing of them.
    said = codec.decode(f"{PRO3}/status/sys", b'{"uptime": 11}', NOW + 1)
    assert said == [StatusChange(PRO3, NOW + 1, True)]  # only that it is alive
    # Nothing newer (after the update): "" — and a version that is not one is nothing.
    empty = {"unixtime": int(NOW) + 5, "available_updates": {}}
    none = one(codec.decode_snapshot(PRO3, {"sys": empty}, NOW + 5))
    assert none.available_firmware == ""
    forged = {"unixtime": int(NOW) + 6, "available_updates": {"stable": {"version": "1:<b>"}}}
    assert one(codec.decode_snapshot(PRO3, {"sys": forged}, NOW + 6)).available_firmware == ""


def test_a_shelly_s_ota_events_are_update_reports() -> None:
    codec = ShellyCodec()

    def events(*bodies: dict[str, Any]) -> list[Any]:
        return codec.decode(f"{PRO3}/events/rpc", frame("NotifyEvent", ts=NOW, events=bodies), NOW)

    begin, progress = events(
        {"component": "sys", "event": "ota_begin", "ts": NOW},
        {"component": "sys", "event": "ota_progress", "progress_percent": 40, "ts": NOW},
    )
    assert (begin.vendor, begin.state, begin.progress) == ("shelly", "downloading", 0)
    assert (progress.state, progress.progress, progress.version) == ("downloading", 40, "")
    (success,) = events({"component": "sys", "event": "ota_success"})
    assert success.state == "rebooting"
    (error,) = events({"component": "sys", "event": "ota_error", "msg": "Bad image"})
    assert (error.state, error.error) == ("failed", "Bad image")
    # A button press, another component's event, or junk: nothing.
    assert events({"component": "input:0", "event": "single_push"}) == []
    assert events({"component": "switch:0", "event": "ota_progress"}) == []
    assert codec.decode(f"{PRO3}/events/rpc", frame("NotifyEvent", ts=NOW, events="x"), NOW) == []
