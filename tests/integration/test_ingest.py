"""Ingest through the real broker into Redis and PostgreSQL; bad input never hurts."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import orjson
import pytest
from redis.asyncio import Redis
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.alerts.models import AlertEpisode
from core.devices.metrics import MAX_METRICS_PER_DEVICE
from core.devices.models import Device
from core.history.models import MinuteRollup
from core.live.store import LiveStateStore
from core.redis_keys import RedisKeys
from core.settings import Settings
from processor.ingest.quarantine import Quarantine, RejectedMessage
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.integration.helpers import add_device, device_row, rollup_count, set_config


async def test_telemetry_lands_in_live_state_postgres_and_rollups(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    uid = unique_uid()
    device = (await add_device(sessions, uid)).device
    keys = RedisKeys(settings.redis_prefix)
    pubsub = redis.pubsub()
    await pubsub.subscribe(keys.events_channel)
    for co2 in (800, 900, 1000):
        body = {"co2": co2, "temperature": 21.5, "firmware_version": "2.0.1", "ip": "10.1.2.3"}
        await publish(f"devices/{uid}/telemetry", json.dumps(body).encode())

    async def all_three() -> bool:  # they may land in one batch or several
        return await rollup_count(sessions, device.id, "co2") == 3

    await eventually(all_three)

    async def latest() -> bool:  # Redis is written beside PostgreSQL, not after it
        return (await LiveStateStore(redis, keys).read(device.id)).values.get("co2") == 1000.0

    await eventually(latest)
    live = await LiveStateStore(redis, keys).read(device.id)
    assert live.values == {"co2": 1000.0, "temperature": 21.5}
    assert live.online is True
    row = await device_row(sessions, device.id)
    assert row.is_online and row.last_seen_at is not None and row.online_changed_at is not None
    assert (row.firmware_version, row.last_ip) == ("2.0.1", "10.1.2.3")

    async def announced() -> dict[str, object] | None:  # one message per batch, its devices
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
        events = orjson.loads(message["data"])["events"] if message else []
        # The three may have come in several batches: the last one announces 1000.
        mine = [e for e in events if e["uid"] == uid and e["values"].get("co2") == 1000.0]
        return mine[0] if mine else None

    event = await eventually(announced)
    assert event["device_id"] == device.id and event["values"] == {
        "co2": 1000.0,
        "temperature": 21.5,
    }
    await pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]  # typed from redis 8.2


async def test_bad_messages_are_counted_kept_and_touch_nothing_else(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    good, other, stranger = unique_uid(), unique_uid(), unique_uid("ghost")
    good_id = (await add_device(sessions, good)).device.id
    other_id = (await add_device(sessions, other)).device.id
    await publish(f"devices/{good}/telemetry", b"{not json")
    await publish(f"devices/{good}/telemetry", b'{"co2": "lots"}')
    await publish(f"devices/{good}/telemetry", b'{"co2": -40}')
    await publish(f"devices/{other}/telemetry", b"[1,2,3]")
    await publish(f"devices/{stranger}/telemetry", b'{"co2": 700}')
    await publish(f"devices/{good}/telemetry", b'{"co2": 650, "humidity": 400}')

    assert await eventually(lambda: rollup_count(sessions, good_id, "co2")) == 1
    keys = RedisKeys(settings.redis_prefix)

    async def counters() -> dict[str, int]:
        raw = await redis.hgetall(keys.ingest_rejected)
        counts = {str(k, "utf-8") if isinstance(k, bytes) else k: int(v) for k, v in raw.items()}
        return counts if counts.get("unknown_device") else {}

    counts = await eventually(counters)
    # Retained messages of other runs on the shared broker may add unknown devices, and tests
    # running beside this one may add reasons of their own (a bad status, say).
    # (A Shelly test beside this one sends a malformed frame: malformed JSON is counted from
    # what was kept, by uid.)
    assert counts.pop("unknown_device") >= 1
    ours = {"non_numeric": 1, "out_of_range": 2, "not_an_object": 1}
    assert {reason: counts.get(reason) for reason in ours} == ours
    kept = [orjson.loads(item) for item in await redis.lrange(keys.quarantine, 0, -1)]
    assert [k["reason"] for k in kept if k["uid"] == good].count("malformed_json") == 1
    assert {(k["uid"], k["reason"]) for k in kept} >= {
        (good, "malformed_json"),
        (other, "not_an_object"),
        (stranger, "unknown_device"),
    }
    assert await rollup_count(sessions, good_id, "humidity") == 0
    untouched = await device_row(sessions, other_id)
    assert untouched.last_seen_at is None and not untouched.is_online
    assert processor.task.done() is False


async def test_last_will_marks_the_device_offline(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    await publish(f"devices/{uid}/status", b"online")
    await eventually(lambda: _online(sessions, device_id, True))
    await publish(f"devices/{uid}/status", b'{"state": "offline"}')
    row = await eventually(lambda: _online(sessions, device_id, False))
    assert row.online_changed_at is not None


async def _online(sessions: async_sessionmaker[AsyncSession], device_id: int, expected: bool):  # type: ignore[no-untyped-def]
    row = await device_row(sessions, device_id)
    return row if row.is_online is expected and row.online_changed_at else None


async def test_many_devices_are_written_in_few_statements(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uids = [unique_uid() for _ in range(20)]
    ids = [(await add_device(sessions, uid)).device.id for uid in uids]
    await asyncio.gather(
        *(
            publish(f"devices/{uid}/telemetry", f'{{"co2": {500 + i}}}'.encode())
            for i, uid in enumerate(uids)
            for _ in range(5)
        )
    )

    async def all_in() -> bool:
        counts = [await rollup_count(sessions, device_id, "co2") for device_id in ids]
        return counts == [5] * 20

    await eventually(all_in)
    pipeline_stats = processor.task  # still running: stats are read after shutdown
    result = await processor.shutdown()
    assert pipeline_stats.done()
    assert result.accepted == 100
    assert result.flushes < 100  # batched: not one write per message


async def test_a_removed_device_does_not_break_the_batch_of_others(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    gone, kept = unique_uid(), unique_uid()
    gone_id = (await add_device(sessions, gone)).device.id
    kept_id = (await add_device(sessions, kept)).device.id
    await publish(f"devices/{gone}/telemetry", b'{"co2": 500}')
    await publish(f"devices/{kept}/telemetry", b'{"co2": 500}')
    await eventually(lambda: rollup_count(sessions, gone_id, "co2"))
    await eventually(lambda: rollup_count(sessions, kept_id, "co2"))
    async with sessions() as session:  # removed while the processor still has it cached
        await session.execute(delete(Device).where(Device.id == gone_id))
        await session.commit()

    await publish(f"devices/{gone}/telemetry", b'{"co2": 600}')
    await publish(f"devices/{kept}/telemetry", b'{"co2": 600}')
    assert await eventually(lambda: _count_at_least(sessions, kept_id, 2))
    assert not processor.task.done()
    assert await rollup_count(sessions, gone_id, "co2") == 0


async def _count_at_least(
    sessions: async_sessionmaker[AsyncSession], device_id: int, n: int, metric: str = "co2"
) -> bool:
    return await rollup_count(sessions, device_id, metric) >= n


async def test_shelly_pro3em_notifications_are_stored_and_its_last_will_sets_it_offline(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    prefix = f"shellypro3em-{uuid.uuid4().hex[:12]}"
    device_id = (await add_device(sessions, prefix, "shelly_pro3em")).device.id
    em0 = {
        "id": 0, "a_voltage": 236.1, "a_current": 4.0, "a_act_power": 951.2,
        "b_voltage": 236.2, "b_current": 4.0, "b_act_power": -951.1,
        "c_voltage": 236.3, "c_current": 3.0, "c_act_power": 715.5,
    }  # fmt: skip
    await publish(f"{prefix}/online", b"true", retain=True)
    await publish(f"{prefix}/status/em:0", json.dumps(em0).encode())
    delta = {"method": "NotifyStatus", "params": {"em:0": {"id": 0, "a_act_power": 1000.0}}}
    await publish(f"{prefix}/events/rpc", json.dumps(delta).encode())
    await publish(f"{prefix}/events/rpc", b"{broken")
    await eventually(lambda: _count_at_least(sessions, device_id, 2, "total_act_power"))
    assert await rollup_count(sessions, device_id, "a_voltage") == 2  # merged, still known
    live = await LiveStateStore(redis, RedisKeys(settings.redis_prefix)).read(device_id)
    assert live.values["total_act_power"] == pytest.approx(1000.0 - 951.1 + 715.5)
    assert (await device_row(sessions, device_id)).is_online
    rejected = await redis.hgetall(RedisKeys(settings.redis_prefix).ingest_rejected)
    assert int(rejected[b"malformed_json"]) >= 1

    await publish(f"{prefix}/online", b"false", retain=True)  # its Last Will
    await eventually(lambda: _offline(sessions, device_id))
    await publish(f"{prefix}/online", b"", retain=True)


async def _offline(sessions: async_sessionmaker[AsyncSession], device_id: int) -> bool:
    return not (await device_row(sessions, device_id)).is_online


async def test_a_device_whose_clock_runs_behind_is_not_silent(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    """A clock 10 minutes behind made every report look 10 minutes old: the silence sweep
    marked the device offline, the next report online, over and over (3 reports, 3 offline
    episodes). Liveness goes by when the server received a message; the reading keeps the
    device's time."""
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    await set_config(sessions, device_id, report_interval=1)  # silent after 3 s
    behind = time.time() - 600
    for n in range(3):
        body = orjson.dumps({"co2": 500 + n, "timestamp": behind + n})
        await publish(f"devices/{uid}/telemetry", body)
        await eventually(lambda n=n: _count(sessions, device_id, n + 1))
    row = await device_row(sessions, device_id)
    assert row.is_online and row.last_seen_at is not None
    # Stamped with when the server received it, not with the device's clock 10 min behind.
    assert row.last_seen_at.timestamp() > behind + 300
    async with sessions() as session:
        minutes = (
            await session.scalars(
                select(MinuteRollup.minute).where(MinuteRollup.device_id == device_id)
            )
        ).all()
        episodes = (
            await session.scalars(select(AlertEpisode).where(AlertEpisode.device_id == device_id))
        ).all()
    assert all(abs(m.timestamp() - behind) < 180 for m in minutes)  # the device's own time
    assert episodes == []
    await publish(f"devices/{uid}/status", b"", retain=True)


async def _count(sessions: async_sessionmaker[AsyncSession], device_id: int, count: int) -> bool:
    return await rollup_count(sessions, device_id, "co2") >= count


async def test_a_device_cannot_grow_its_metrics_without_bound(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    uid = unique_uid()
    device = (await add_device(sessions, uid)).device
    # 150 made-up names over three messages (each within the 64 fields of one message).
    names = [f"spoof_{n:03d}" for n in range(150)]
    for start in (0, 50, 100):
        body = dict.fromkeys(names[start : start + 50], 1.0)
        await publish(f"devices/{uid}/telemetry", json.dumps(body).encode())
    await publish(f"devices/{uid}/telemetry", json.dumps({"spoof_000": 2.0}).encode())
    store = LiveStateStore(redis, RedisKeys(settings.redis_prefix))

    async def last_landed() -> bool:  # Redis is written beside PostgreSQL: wait for both
        live = (await store.read(device.id)).values.get("spoof_000") == 2.0
        return live and await rollup_count(sessions, device.id, "spoof_000") == 2

    await eventually(last_landed)
    live = await store.read(device.id)
    assert sorted(live.values) == names[:MAX_METRICS_PER_DEVICE]  # the first ones came first
    assert await rollup_count(sessions, device.id, "spoof_149") == 0
    assert await rollup_count(sessions, device.id, names[MAX_METRICS_PER_DEVICE - 1]) == 1
    dropped = await redis.hget(RedisKeys(settings.redis_prefix).ingest_rejected, "too_many_metrics")
    assert dropped is not None and int(dropped) >= 150 - MAX_METRICS_PER_DEVICE


async def test_the_quarantine_keeps_the_newest_it_is_set_to(
    redis: Redis, settings: Settings
) -> None:
    keys = RedisKeys(settings.redis_prefix)
    quarantine = Quarantine(redis, keys, keep=3)
    for n in range(5):
        quarantine.reject(RejectedMessage(f"u{n}", "malformed_json", "devices/x/telemetry", b"{"))
    await quarantine.flush()
    kept = [orjson.loads(item)["uid"] for item in await redis.lrange(keys.quarantine, 0, -1)]
    assert kept == ["u4", "u3", "u2"]  # newest first
    assert int(await redis.hget(keys.ingest_rejected, "malformed_json") or 0) == 5  # all counted
