"""Decode our firmware's MQTT payloads into normalised readings (pure; ARCHITECTURE.md)."""

from __future__ import annotations

import math
import re
from typing import Any, Final

import orjson

from drivers.generic import limits
from drivers.generic.topics import parse_topic
from drivers.readings import CommandAck, Decoded, OtaReport, Rejected, StatusChange, Telemetry

_METRIC_NAME: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")
_TEXT_FIELDS: Final = ("firmware_version", "ip")
_UID_FIELD: Final = "device_uid"  # the seed devices name themselves in their telemetry
_META_NUMBERS: Final = ("timestamp", "uptime", "config_version")


def decode(topic: str, payload: bytes, now: float) -> Decoded | None:
    """Decode one MQTT message; None means the topic is not one this codec reads."""
    uid, kind = parse_topic(topic)
    if kind is None:
        return None
    if uid is None:
        return Rejected(None, "bad_uid", topic[:100])
    if len(payload) > limits.MAX_PAYLOAD_BYTES:
        return Rejected(uid, "too_large", f"{len(payload)} bytes")
    if kind == "telemetry":
        return decode_telemetry(uid, payload, now)
    if kind == "status":  # an empty one deletes a retained status: nothing to read
        return decode_status(uid, payload, now) if payload else None
    return _DECODERS[kind](uid, payload) if kind in _DECODERS else None


def _object(uid: str, payload: bytes) -> dict[str, Any] | Rejected:
    """The JSON object a payload holds, or why it holds none."""
    try:
        body = orjson.loads(payload)
    except orjson.JSONDecodeError as err:
        return Rejected(uid, "malformed_json", str(err)[:100])
    if not isinstance(body, dict):
        return Rejected(uid, "not_an_object", type(body).__name__)
    return body


_OTA_STATES: Final = ("downloading", "verifying", "rebooting", "done", "failed", "rolled_back")
_PERCENT: Final = 100


def decode_ota_status(uid: str, payload: bytes) -> Decoded:
    """Decode `{"version": …, "state": …, "progress": 40, "error": …}`."""
    body = _object(uid, payload)
    if isinstance(body, Rejected):
        return body
    version, state, progress = _text(body.get("version")), body.get("state"), body.get("progress")
    if state not in _OTA_STATES or version is None:
        return Rejected(uid, "bad_ota_status", str(body)[:100])
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= _PERCENT:
        progress = None
    return OtaReport(uid, version, state, progress, _text(body.get("error")))


def decode_event(uid: str, payload: bytes) -> Decoded | None:
    """Decode a command result `{"id": …, "ok": …, "error": …}`; other events are not read yet."""
    body = _object(uid, payload)
    if isinstance(body, Rejected):
        return body
    if "id" not in body:
        return None
    command_id, ok = body.get("id"), body.get("ok")
    if not isinstance(command_id, str) or not command_id or not isinstance(ok, bool):
        return Rejected(uid, "bad_command_result", str(body)[:100])
    return CommandAck(uid, command_id[:64], ok, _text(body.get("error")))


_DECODERS: Final = {"events": decode_event, "ota/status": decode_ota_status}


def decode_status(uid: str, payload: bytes, now: float) -> Decoded:
    """Decode `online`/`offline`, plain or as a JSON object with a `state` key."""
    text = payload.strip().decode("utf-8", "replace").lower()
    if text.startswith("{"):
        try:
            body = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return Rejected(uid, "malformed_json", text[:100])
        text = str(body.get("state", "")).lower() if isinstance(body, dict) else ""
    if text in {"online", "offline"}:
        return StatusChange(uid, now, text == "online")
    return Rejected(uid, "bad_status", text[:100])


def decode_telemetry(uid: str, payload: bytes, now: float) -> Decoded:
    """Validate a telemetry object: numbers become metrics, bad fields are dropped with a reason."""
    body = _object(uid, payload)
    if isinstance(body, Rejected):
        return body
    if len(body) > limits.MAX_FIELDS:
        return Rejected(uid, "too_many_fields", str(len(body)))
    named = body.pop(_UID_FIELD, uid)
    if named != uid:  # a message that names another device than its topic does
        return Rejected(uid, "uid_mismatch", str(named)[:64])
    dropped: list[tuple[str, str]] = []
    at, device_time = _timestamp(body.get("timestamp"), now, dropped)
    metrics: dict[str, float] = {}
    for key, value in body.items():
        if key in _TEXT_FIELDS or key in _META_NUMBERS:
            continue
        reason = _metric_problem(key, value)
        if reason is None:
            metrics[key] = float(value)
        else:
            dropped.append((reason, str(key)[:32]))
    if not metrics:
        return Rejected(uid, dropped[0][0] if dropped else "no_metrics", _names(dropped))
    return Telemetry(
        uid=uid,
        at=at,
        metrics=metrics,
        firmware_version=_text(body.get("firmware_version")),
        ip=_text(body.get("ip")),
        uptime=_number(body.get("uptime")),
        config_version=_version(body.get("config_version")),
        dropped=tuple(dropped),
        received_at=now,
        device_time=device_time,
    )


def _metric_problem(key: str, value: Any) -> str | None:
    if not _METRIC_NAME.fullmatch(key):
        return "bad_metric_name"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "non_numeric"
    if not math.isfinite(value):
        return "non_finite"
    low, high = limits.METRIC_RANGES.get(key, (-limits.GENERIC_LIMIT, limits.GENERIC_LIMIT))
    if not low <= value <= high:
        return "out_of_range"
    return None


def _timestamp(value: Any, now: float, dropped: list[tuple[str, str]]) -> tuple[float, bool]:
    """The reading's time, and whether it is the device's own."""
    if value is None:
        return now, False
    ts = _number(value)
    if ts is None or not now - limits.MAX_PAST_SECONDS <= ts <= now + limits.MAX_FUTURE_SECONDS:
        # A device whose clock is not set yet (ESP32 before NTP) still has a good reading.
        dropped.append(("bad_timestamp", "timestamp"))
        return now, False
    return ts, True


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _version(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31:
        return value
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.isprintable():
        return value[: limits.MAX_TEXT_FIELD]
    return None


def _names(dropped: list[tuple[str, str]]) -> str:
    return ",".join(name for _, name in dropped)[:100]
