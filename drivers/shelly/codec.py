"""Shelly notifications → normalised readings (pure; shared/protocols/shelly.md).

`ShellyCodec` keeps each device's last full component state, because `NotifyStatus` carries
only what changed ("What implementers get wrong"); a delta is merged into it and the readings
of the components it touched are produced from the merged state. It also keeps the last
energy counters, to give the energy imported and exported since the previous frame; the
caller keeps them across restarts (`counters`, `seed`), so a restarted processor counts what
was added meanwhile instead of taking its first frame as a new baseline.

The same status may reach us twice: over MQTT and, while the HTTP fallback polls, as the
answer to `Shelly.GetStatus` (`decode_snapshot`). A reading is stored once:
- a component update that is not newer than the one already taken is skipped, comparing
  device times with device times and receive times with receive times (a device's clock may
  be off by minutes, and an HTTP switch's state carries no device time);
- a whole-status snapshot (`NotifyFullStatus`, `status/<component>`, an HTTP poll) of a
  component whose fields equal what was taken last is skipped too; it only says that the
  device is alive, so a snapshot that brings nothing new gives a `StatusChange(online)`.
Nothing here does I/O, reads the clock (the caller passes `now`) or logs; bad frames come
back as `Rejected` with a reason and are counted in `rejected`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

from drivers.readings import Decoded, OtaReport, Rejected, StatusChange, Telemetry
from drivers.shelly.topics import parse_topic

MAX_PAYLOAD_BYTES: Final = 64 * 1024  # a NotifyFullStatus of a Pro 3EM is a few kB
PHASES: Final = ("a", "b", "c")
# em:0 fields kept per phase, and the totals (protocols/shelly.md: "keep the useful ones").
PHASE_FIELDS: Final = ("voltage", "current", "act_power", "aprt_power", "pf", "freq")
TOTAL_FIELDS: Final = ("total_current", "total_act_power", "total_aprt_power")
EM1_FIELDS: Final = ("voltage", "current", "act_power", "aprt_power", "pf", "freq")
# A total is wrong when it is off the sum of its phases by more than this (W) and this share.
MISMATCH_WATTS: Final = 5.0
MISMATCH_SHARE: Final = 0.02
# A firmware version as Shelly writes them ("1.4.4", "1.5.0-beta1"); anything else is not one.
VERSION: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}")
DEVICE: Final = "device"  # a time from the device's own clock
SERVER: Final = "server"  # the time we received it (the device gave none we could trust)


@dataclass(slots=True)
class _Device:
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (component, clock) → time of its last status taken; "device" times (a frame's `ts`,
    # `sys.unixtime`) and "server" times (when the device gave none) are compared only with
    # their own kind: a device's clock may be off by minutes
    taken_at: dict[tuple[str, str], float] = field(default_factory=dict)
    counters: dict[str, float] = field(default_factory=dict)  # meter → last import/export Wh
    seeded: bool = False  # the counters kept elsewhere were given (`ShellyCodec.seed`)


@dataclass(slots=True)
class ShellyCodec:
    """Decoder of every Shelly device's frames, with each device's merged state."""

    devices: dict[str, _Device] = field(default_factory=dict)
    rejected: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0  # component updates skipped as already taken

    def decode(self, topic: str, payload: bytes, now: float) -> list[Decoded]:
        """Decode one MQTT message; an empty list when it carries nothing to store."""
        parsed = parse_topic(topic)
        if parsed is None or parsed[1] == "rpc":
            return []
        prefix, kind, component = parsed
        if len(payload) > MAX_PAYLOAD_BYTES:
            return [self._reject(prefix, "too_large", f"{len(payload)} bytes")]
        if kind == "online":
            # An empty payload only clears the retained message (a device removed).
            return [self._online(prefix, payload, now)] if payload else []
        body = _json(payload)
        if not isinstance(body, dict):
            return [
                self._reject(prefix, "malformed_json", payload[:100].decode("utf-8", "replace"))
            ]
        if kind == "status":
            return self._components(prefix, {component: body}, (now, SERVER), now, replace=True)
        return self._notification(prefix, body, now)

    def decode_snapshot(self, prefix: str, status: Any, now: float) -> list[Decoded]:
        """Decode a whole `Shelly.GetStatus` answer (the HTTP fallback's poll).

        Its time is the device's `sys.unixtime` when that is plausible, else `now`.
        """
        if not isinstance(status, dict):
            return [self._reject(prefix, "malformed_status", str(status)[:100])]
        system = status.get("sys")
        stamp = _timestamp(system.get("unixtime") if isinstance(system, dict) else None, now)
        return self._components(prefix, status, stamp, now, replace=True)

    def counters(self, prefix: str) -> dict[str, float]:
        """A device's last energy counters (to keep where a restarted processor finds them)."""
        device = self.devices.get(prefix)
        return dict(device.counters) if device is not None else {}

    def seeded(self, prefix: str) -> bool:
        """Whether the counters kept for a device were given already."""
        device = self.devices.get(prefix)
        return device is not None and device.seeded

    def seed(self, prefix: str, counters: dict[str, float]) -> None:
        """Give the counters kept for a device before its first frame is decoded."""
        device = self.devices.setdefault(prefix, _Device())
        for name, value in counters.items():
            device.counters.setdefault(name, value)
        device.seeded = True

    def state_of(self, prefix: str, component: str) -> dict[str, Any] | None:
        """The merged status of one component of a device, as last decoded."""
        device = self.devices.get(prefix)
        return None if device is None else device.components.get(component)

    def _reject(self, prefix: str, reason: str, detail: str = "") -> Rejected:
        self.rejected[reason] += 1
        return Rejected(prefix, reason, detail[:100])

    def _online(self, prefix: str, payload: bytes, now: float) -> Decoded:
        text = payload.strip().lower()
        if text in {b"true", b"false"}:
            return StatusChange(prefix, now, text == b"true")
        return self._reject(prefix, "bad_status", text[:100].decode("utf-8", "replace"))

    def _notification(self, prefix: str, body: dict[str, Any], now: float) -> list[Decoded]:
        method, params = body.get("method"), body.get("params")
        if not isinstance(params, dict):
            return [self._reject(prefix, "bad_notification", str(method)[:50])]
        stamp = _timestamp(params.get("ts"), now)
        changed = {k: v for k, v in params.items() if k != "ts"}
        if method == "NotifyStatus":
            return self._components(prefix, changed, stamp, now, replace=False)
        if method == "NotifyFullStatus":
            return self._components(prefix, changed, stamp, now, replace=True)
        if method == "NotifyEvent":
            # The firmware update's progress; button presses and the like: nothing to store.
            return _ota_reports(prefix, params.get("events"))
        return [self._reject(prefix, "unknown_method", str(method)[:50])]

    def _components(
        self,
        prefix: str,
        changed: dict[str, Any],
        stamp: tuple[float, str],
        now: float,
        *,
        replace: bool,
    ) -> list[Decoded]:
        device = self.devices.setdefault(prefix, _Device())
        at, kind = stamp
        touched, seen = [], False
        for name, status in changed.items():
            if not isinstance(status, dict):
                continue  # e.g. "sys" sub-values we do not read
            seen = True
            previous = device.components.get(name)
            last = device.taken_at.get((name, kind), -math.inf)
            if at <= last or (replace and status == previous):
                self.duplicates += 1
                continue  # taken already (by the other path, or an earlier frame)
            device.components[name] = status if replace else _merged(previous or {}, status)
            device.taken_at[(name, kind)] = at
            touched.append(name)
        metrics: dict[str, float] = {}
        dropped: list[tuple[str, str]] = []
        for name in touched:
            metrics.update(self._metrics_of(device, name, dropped))
        offered = available_update(device.components["sys"]) if "sys" in touched else None
        if offered is not None and not metrics:  # a fact about the device, no readings
            return [Telemetry(prefix, at, {}, available_firmware=offered, received_at=now)]
        if not metrics:
            if dropped:
                return [self._reject(prefix, dropped[0][0], dropped[0][1])]
            # Nothing new to store, but the device spoke: it is alive (now, by our clock).
            return [StatusChange(prefix, now, True)] if seen and replace else []
        for reason, _ in dropped:
            self.rejected[reason] += 1
        reading = Telemetry(
            prefix,
            at,
            metrics,
            available_firmware=offered,
            dropped=tuple(dropped),
            received_at=now,
            device_time=kind == DEVICE,
        )
        return [reading]

    def _metrics_of(
        self, device: _Device, name: str, dropped: list[tuple[str, str]]
    ) -> dict[str, float]:
        status = device.components[name]
        kind, _, index = name.partition(":")
        if kind == "switch":
            return switch_metrics(index, status)
        if kind == "em":
            return em_metrics(status, dropped)
        if kind == "emdata":
            return self._energy(device, "", emdata_metrics(status))
        if kind == "em1":
            return em1_metrics(index, status)
        if kind == "em1data":
            return self._energy(device, f"em1_{index}_", em1data_metrics(index, status))
        return {}

    @staticmethod
    def _energy(device: _Device, meter: str, counters: dict[str, float]) -> dict[str, float]:
        """Add the energy imported/exported since the last counters; a reset yields nothing."""
        result = dict(counters)
        for direction, key in (("import", "total_act_energy"), ("export", "total_act_ret_energy")):
            name = f"{meter}{key}"
            value = counters.get(name)
            if value is None:
                continue
            previous = device.counters.get(name)
            if previous is not None and value >= previous:
                result[f"{meter}interval_{direction}_energy"] = round(value - previous, 3)
            device.counters[name] = value  # a smaller value is a reset: a new baseline
        return result


def available_update(system: dict[str, Any]) -> str | None:
    """The stable firmware a device's `sys` status offers ("" for none); None when the status
    does not say (`available_updates` is refreshed by the device every 24 hours)."""
    updates = system.get("available_updates")
    if not isinstance(updates, dict):
        return None
    stable = updates.get("stable")
    version = stable.get("version") if isinstance(stable, dict) else None
    return version if isinstance(version, str) and VERSION.fullmatch(version) else ""


# A Shelly's OTA events (component `sys`) → the states of our update reports.
_OTA_EVENTS: Final = {
    "ota_begin": "downloading",
    "ota_progress": "downloading",
    "ota_success": "rebooting",
    "ota_error": "failed",
}


def _ota_reports(prefix: str, events: Any) -> list[Decoded]:
    reports: list[Decoded] = []
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict) or event.get("component", "sys") != "sys":
            continue
        state = _OTA_EVENTS.get(str(event.get("event")))
        if state is None:
            continue
        percent = _number(event.get("progress_percent"))
        progress = max(0, min(100, int(percent))) if percent is not None else None
        if event.get("event") == "ota_begin":
            progress = 0
        error = None
        if state == "failed":
            said = event.get("msg") or event.get("message") or event.get("reason")
            error = str(said)[:200] if said else "the device reported an update error"
        reports.append(OtaReport(prefix, "", state, progress, error, vendor="shelly"))
    return reports


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A component's state after a `NotifyStatus` delta, merged at every depth (a delta of
    `aenergy` that carries only `by_minute` keeps `total`)."""
    merged = dict(old)
    for key, value in new.items():
        before = merged.get(key)
        both = isinstance(before, dict) and isinstance(value, dict)
        merged[key] = _merged(before, value) if both else value  # type: ignore[arg-type]
    return merged


def _json(payload: bytes) -> Any:
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _timestamp(value: Any, now: float) -> tuple[float, str]:
    """The time of a status and whose clock it is (`DEVICE` or `SERVER`)."""
    ts = _number(value)
    # A device whose clock is not set sends small numbers; the server's time is better then.
    if ts is not None and abs(ts - now) < 7 * 24 * 3600:
        return ts, DEVICE
    return now, SERVER


def _pick(status: dict[str, Any], pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Map status fields to metric names, keeping the numeric ones."""
    picked = {}
    for source, target in pairs:
        value = _number(status.get(source))
        if value is not None:
            picked[target] = value
    return picked


def switch_metrics(index: str, status: dict[str, Any]) -> dict[str, float]:
    """A switch: its output (1/0), temperature, and power figures when the model measures them."""
    metrics = _pick(
        status,
        [(f, f"switch{index}_{f}") for f in ("apower", "voltage", "current")]
        + [("aenergy_total", f"switch{index}_energy")],
    )
    if isinstance(status.get("output"), bool):
        metrics[f"switch{index}_output"] = 1.0 if status["output"] else 0.0
    temperature = status.get("temperature")
    if isinstance(temperature, dict) and _number(temperature.get("tC")) is not None:
        metrics[f"switch{index}_temperature"] = float(temperature["tC"])
    energy = status.get("aenergy")
    if isinstance(energy, dict) and _number(energy.get("total")) is not None:
        metrics[f"switch{index}_energy"] = float(energy["total"])
    return metrics


def em_metrics(status: dict[str, Any], dropped: list[tuple[str, str]]) -> dict[str, float]:
    """A three-phase meter: per phase and totals; a missing total is computed, a wrong one
    is replaced by the sum of its phases and flagged."""
    pairs = [(f"{p}_{f}", f"{p}_{f}") for p in PHASES for f in PHASE_FIELDS]
    metrics = _pick(status, [*pairs, ("n_current", "n_current"), *((t, t) for t in TOTAL_FIELDS)])
    for total, part in (("total_act_power", "act_power"), ("total_current", "current")):
        phases = [metrics.get(f"{p}_{part}") for p in PHASES]
        if any(v is None for v in phases):
            continue
        computed = round(sum(v for v in phases if v is not None), 3)
        sent = metrics.get(total)
        if sent is not None and _mismatch(sent, computed):
            dropped.append(("aggregate_mismatch", total))
        metrics[total] = computed if sent is None or _mismatch(sent, computed) else sent
    return metrics


def _mismatch(sent: float, computed: float) -> bool:
    difference = abs(sent - computed)
    return difference > MISMATCH_WATTS and difference > MISMATCH_SHARE * max(1.0, abs(computed))


def emdata_metrics(status: dict[str, Any]) -> dict[str, float]:
    """Energy counters of a three-phase meter (Wh, monotonic until a reset)."""
    pairs = [
        (f"{p}_{f}", f"{p}_{f}")
        for p in PHASES
        for f in ("total_act_energy", "total_act_ret_energy")
    ]
    pairs += [("total_act", "total_act_energy"), ("total_act_ret", "total_act_ret_energy")]
    return _pick(status, pairs)


def em1_metrics(index: str, status: dict[str, Any]) -> dict[str, float]:
    """One meter of the monophase profile (`em1:N`), as meter N."""
    return _pick(status, [(f, f"em1_{index}_{f}") for f in EM1_FIELDS])


def em1data_metrics(index: str, status: dict[str, Any]) -> dict[str, float]:
    """Energy counters of one monophase meter (`em1data:N`)."""
    return _pick(
        status,
        [(f, f"em1_{index}_{f}") for f in ("total_act_energy", "total_act_ret_energy")],
    )
