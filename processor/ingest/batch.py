"""Pure aggregation of one batch of decoded messages into what each sink writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from core import clock
from core.devices.repository import ContactRow, Standing
from core.history.repository import RollupDelta
from core.live.store import LiveUpdate
from drivers.readings import StatusChange, Telemetry


@dataclass(slots=True)
class _DeviceState:
    uid: str
    values: dict[str, tuple[float, float]] = field(default_factory=dict)  # metric → (value, at)
    seen_at: float | None = None
    online: bool | None = None
    status_at: float = 0.0
    firmware_version: str | None = None
    available_firmware: str | None = None  # "": none (any more)
    ip: str | None = None
    config_version: int | None = None


@dataclass(frozen=True, slots=True)
class RawPoint:
    """One accepted telemetry message, for the raw time series export."""

    device_id: int
    uid: str
    at: float
    metrics: dict[str, float]
    device_time: bool = False  # `at` is the device's clock (else the server's)


class Batch:
    """Messages of known devices gathered between two flushes."""

    def __init__(self) -> None:
        self._devices: dict[int, _DeviceState] = {}
        self._readings: list[tuple[int, Telemetry]] = []  # in the order they came
        self.messages = 0

    def __len__(self) -> int:
        return self.messages

    def _device(self, device_id: int, uid: str) -> _DeviceState:
        state = self._devices.get(device_id)
        if state is None:
            state = self._devices[device_id] = _DeviceState(uid)
        return state

    def add_telemetry(self, device_id: int, reading: Telemetry) -> int:
        """Fold a telemetry message into the batch (readings also mean online); return its
        index, by which `counted` may leave it out of the rollups and points."""
        self.messages += 1
        state = self._device(device_id, reading.uid)
        for metric, value in reading.metrics.items():
            previous = state.values.get(metric)
            if previous is None or reading.at >= previous[1]:
                state.values[metric] = (value, reading.at)
        if reading.metrics:  # readings are a sign of life; facts alone (a firmware) are not
            # By the server's clock: a device whose clock runs behind is not "silent".
            heard = reading.heard_at
            if state.seen_at is None or heard > state.seen_at:
                state.seen_at = heard
            state.online, state.status_at = True, max(state.status_at, heard)
        state.firmware_version = reading.firmware_version or state.firmware_version
        if reading.available_firmware is not None:
            state.available_firmware = reading.available_firmware
        state.ip = reading.ip or state.ip
        if reading.config_version is not None:
            state.config_version = reading.config_version
        self._readings.append((device_id, reading))
        return len(self._readings) - 1

    def add_status(self, device_id: int, change: StatusChange) -> None:
        """Fold an online/offline message into the batch; the latest one wins."""
        self.messages += 1
        state = self._device(device_id, change.uid)
        state.online, state.status_at = change.online, change.at
        if change.online and (state.seen_at is None or change.at > state.seen_at):
            state.seen_at = change.at

    @property
    def readings(self) -> int:
        """How many telemetry readings the batch holds."""
        return len(self._readings)

    def counted(self, skip: set[int] | frozenset[int] = frozenset()) -> Counted:
        """The readings to count (all but the indices in `skip`, already counted before)."""
        return Counted([r for i, r in enumerate(self._readings) if i not in skip])

    def stale_flips(self, standing: Mapping[int, Standing]) -> set[int]:
        """The devices whose online flag this batch would change with news older than the
        flag's last change (heard before a Last Will another instance wrote first)."""
        return {
            device_id
            for device_id, state in self._devices.items()
            if (now := standing.get(device_id)) is not None
            and now.refuses(state.online, state.status_at)
        }

    def contacts(self, stale: set[int] | frozenset[int] = frozenset()) -> list[ContactRow]:
        """Return one contact row per device (no online flag for the `stale` ones)."""
        return [
            ContactRow(
                device_id=device_id,
                seen_at=_dt(state.seen_at),
                online=None if device_id in stale else state.online,
                changed_at=clock.from_timestamp(state.status_at),
                firmware_version=state.firmware_version,
                available_firmware=state.available_firmware,
                ip=state.ip,
            )
            for device_id, state in self._devices.items()
        ]

    def live_updates(self, was_online: dict[int, bool]) -> list[LiveUpdate]:
        """Return one live update per device with its latest values."""
        updates = []
        for device_id, state in self._devices.items():
            at = max((t for _, t in state.values.values()), default=None)
            updates.append(
                LiveUpdate(
                    device_id=device_id,
                    uid=state.uid,
                    values={m: v for m, (v, _) in state.values.items()},
                    at=at if at is not None else state.status_at,
                    online=state.online,
                    online_changed=state.online is not None
                    and was_online.get(device_id) != state.online,
                )
            )
        return updates

    def flags(self, online: Mapping[int, bool]) -> list[LiveUpdate]:
        """Live updates that set these devices' online flags back (and nothing else)."""
        return [
            LiveUpdate(device_id, self._devices[device_id].uid, {}, None, online=flag)
            for device_id, flag in online.items()
        ]

    def config_versions(self) -> dict[int, int]:
        """Return the config version each device reported last in this batch."""
        return {
            device_id: state.config_version
            for device_id, state in self._devices.items()
            if state.config_version is not None
        }

    def statuses(
        self, stale: set[int] | frozenset[int] = frozenset()
    ) -> list[tuple[int, bool | None, float]]:
        """Return each device's final online flag in this batch and when it was set (none
        for the `stale` ones)."""
        return [
            (d, None if d in stale else s.online, s.status_at) for d, s in self._devices.items()
        ]

    def device_ids(self) -> list[int]:
        """Return the devices this batch touches."""
        return list(self._devices)


class Counted:
    """The readings of a batch that count: their rollup deltas and raw points."""

    def __init__(self, readings: list[tuple[int, Telemetry]]) -> None:
        self._readings = readings
        self._points: list[RawPoint] | None = None

    def __len__(self) -> int:
        return len(self._readings)

    @property
    def points(self) -> list[RawPoint]:
        """One raw point per reading, for the time series export and the alert rules."""
        if self._points is None:
            self._points = [
                RawPoint(d, r.uid, r.at, r.metrics, r.device_time) for d, r in self._readings
            ]
        return self._points

    def rollup_deltas(self) -> list[RollupDelta]:
        """The aggregates per device, metric and minute (the repository orders its writes)."""
        # [count, min, max, sum, last, last_at] per (device, metric, minute): the hot path
        rollups: dict[tuple[int, str, float], list[float]] = {}
        for device_id, reading in self._readings:
            at = reading.at
            minute = float(int(at // 60) * 60)
            for metric, value in reading.metrics.items():
                key = (device_id, metric, minute)
                agg = rollups.get(key)
                if agg is None:
                    rollups[key] = [1, value, value, value, value, at]
                    continue
                agg[0] += 1
                agg[1], agg[2], agg[3] = min(agg[1], value), max(agg[2], value), agg[3] + value
                if at >= agg[5]:
                    agg[4], agg[5] = value, at
        return [
            RollupDelta(device_id, metric, minute, int(a[0]), a[1], a[2], a[3], a[4], a[5])
            for (device_id, metric, minute), a in rollups.items()
        ]


def _dt(ts: float | None) -> datetime | None:
    return clock.from_timestamp(ts) if ts is not None else None
