"""Read and write live device state in Redis (`RedisKeys.live`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from core import clock
from core.panels.state import PanelSnapshot
from core.redis_keys import RedisKeys

log = logging.getLogger(__name__)


@dataclass(slots=True)
class LiveState:
    """What Redis knows of a device right now; times are Unix seconds."""

    device_id: int
    values: dict[str, float] = field(default_factory=dict)
    times: dict[str, float] = field(default_factory=dict)
    online: bool | None = None
    status_since: float | None = None
    last_seen: float | None = None


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """A change of one device's live state, as the processor writes and announces it."""

    device_id: int
    uid: str
    values: dict[str, float]
    at: float | None
    online: bool | None = None
    online_changed: bool = False

    def to_fields(self) -> dict[str, str]:
        """Return the hash fields this update sets: `m:<metric>` = "<value> <time>" (one
        field a metric: the live write packs every field of every device of a batch)."""
        fields: dict[str, str] = {}
        at = repr(self.at)
        for metric, value in self.values.items():
            fields[f"m:{metric}"] = f"{value!r} {at}"
        if self.values and self.at is not None:
            fields["last_seen"] = at
        if self.online is not None:
            fields["online"] = "1" if self.online else "0"
        return fields


def encode_events(updates: Iterable[LiveUpdate]) -> bytes:
    """Encode a batch's updates as one events-channel message."""
    return orjson.dumps(
        {
            "events": [
                {
                    "device_id": update.device_id,
                    "uid": update.uid,
                    "values": update.values,
                    "at": update.at,
                    "online": update.online,
                }
                for update in updates
            ]
        }
    )


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """An announcement on the events channel: this device has new state."""

    device_id: int
    uid: str


def decode_events(raw: bytes | str) -> list[LiveEvent]:
    """Decode an events-channel message: one device's event (an announcement) or a batch's
    (`{"events": [...]}`); what is not ours is left out."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return []
    if not isinstance(body, dict):
        return []
    items = body.get("events") if "events" in body else [body]
    if not isinstance(items, list):
        return []
    return [
        LiveEvent(item["device_id"], str(item.get("uid", "")))
        for item in items
        if isinstance(item, dict) and isinstance(item.get("device_id"), int)
    ]


class LiveStateStore:
    """Live state of devices in Redis hashes."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def write(self, updates: Iterable[LiveUpdate], *, announce: bool = True) -> None:
        """Write updates and announce them (one message for all), in one round trip."""
        updates = list(updates)
        pipe = self._redis.pipeline(transaction=False)
        for update in updates:
            key = self._keys.live(update.device_id)
            fields = update.to_fields()
            if update.online_changed and update.at is not None:
                fields["status_since"] = repr(update.at)
            if fields:
                pipe.hset(key, mapping=fields)  # type: ignore[arg-type]
        if announce and updates:
            pipe.publish(self._keys.events_channel, encode_events(updates))
        await pipe.execute()

    async def announce(self, device_id: int, uid: str = "") -> None:
        """Tell every bot instance that something about a device changed (access, config)."""
        await self._redis.publish(
            self._keys.events_channel, orjson.dumps({"device_id": device_id, "uid": uid})
        )

    async def announce_quietly(self, device_ids: list[int]) -> None:
        """Announce several devices; a Redis failure is logged, never raised (a hint only)."""
        try:
            for device_id in device_ids:
                await self.announce(device_id)
        except RedisError as err:
            log.info("could not announce devices %s (%s)", device_ids[:5], err)

    async def read_many(self, device_ids: Iterable[int]) -> dict[int, LiveState]:
        """Read the live state of several devices in one round trip."""
        ids = list(device_ids)
        pipe = self._redis.pipeline(transaction=False)
        for device_id in ids:
            pipe.hgetall(self._keys.live(device_id))
        raw = await pipe.execute()
        return {
            device_id: _parse(device_id, fields) for device_id, fields in zip(ids, raw, strict=True)
        }

    async def metric_names(self, device_ids: Iterable[int]) -> dict[int, set[str]]:
        """The names of the metrics each device has in its live state (one round trip)."""
        ids = list(device_ids)
        pipe = self._redis.pipeline(transaction=False)
        for device_id in ids:
            pipe.hkeys(self._keys.live(device_id))
        raw = await pipe.execute()
        return {
            device_id: {k.decode()[2:] for k in keys if k[:2] in (b"m:", b"v:")}
            for device_id, keys in zip(ids, raw, strict=True)
        }

    async def read(self, device_id: int) -> LiveState:
        """Read one device's live state."""
        return (await self.read_many([device_id]))[device_id]

    async def unrefreshed_panels(self, device_ids: Iterable[int]) -> set[int]:
        """The panels among these whose "connected" nobody has refreshed for a while (no
        processor holds them): what PostgreSQL says of them is not to be trusted."""
        ids = list(device_ids)
        if not ids:
            return set()
        raw = await self._redis.mget([self._keys.panel_state(i) for i in ids])
        now = clock.now().timestamp()
        found = set()
        for device_id, state in zip(ids, raw, strict=True):
            snapshot = PanelSnapshot.decode(state)
            if snapshot is not None and snapshot.silent_for(now) is not None:
                found.add(device_id)
        return found


def _parse(device_id: int, fields: dict[bytes, bytes]) -> LiveState:
    state = LiveState(device_id)
    fresh: dict[str, tuple[float, float | None]] = {}  # `m:` fields: value and time
    for raw_key, raw_value in fields.items():
        key, value = raw_key.decode(), raw_value.decode()
        if key.startswith("m:"):
            number, _, stamp = value.partition(" ")
            fresh[key[2:]] = (float(number), float(stamp) if stamp not in ("", "None") else None)
        elif key.startswith("v:"):  # the two-field form written before (still read)
            state.values[key[2:]] = float(value)
        elif key.startswith("t:"):
            state.times[key[2:]] = float(value)
        elif key == "online":
            state.online = value == "1"
        elif key == "status_since":
            state.status_since = float(value)
        elif key == "last_seen":
            state.last_seen = float(value)
    for metric, (latest, when) in fresh.items():  # newer than a two-field one of its metric
        state.values[metric] = latest
        if when is None:
            state.times.pop(metric, None)
        else:
            state.times[metric] = when
    return state
