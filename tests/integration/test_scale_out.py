"""Several processor instances sharing the ingest: one state of the rules, each reading once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.alerts.models import AlertEpisode
from core.devices.models import Device
from core.history.repository import IngestSlotRepository
from core.redis_keys import RedisKeys
from core.settings import Settings
from drivers.generic import codec
from drivers.readings import StatusChange, Telemetry
from processor.app import Processor, ProcessorOptions, build_processor, run_processor
from processor.ingest.pipeline import IngestStats
from tests.conftest import eventually, forget_mqtt_session, publish, unique_uid
from tests.emulators.shelly import ShellyEmulator
from tests.integration.helpers import add_device, processor_running, rollup_count, set_config
from tests.integration.test_shelly import control, owned, shelly_uid


@pytest.fixture
async def two_instances(settings: Settings) -> AsyncIterator[tuple[Processor, Processor]]:
    """Two processors' ingest as two instances have it (nothing connected to the broker):
    each with its own memory, sharing PostgreSQL and Redis."""
    shared = settings.model_copy(update={"processor_slots": 2})
    instances = (build_processor(shared, slot=1), build_processor(shared, slot=2))
    for instance in instances:
        await instance.alerts.load()
    yield instances
    for instance in instances:
        await instance.redis.aclose()
        await instance.engine.dispose()


async def _report(instance: Processor, uid: str, at: float, co2: float) -> None:
    """A reading of `uid` stamped `at` reaches `instance`, which writes it."""
    topic = f"devices/{uid}/telemetry"
    payload = f'{{"timestamp": {at}, "co2": {co2}}}'.encode()
    decoded = codec.decode(topic, payload, time.time())
    assert isinstance(decoded, Telemetry)
    instance.pipeline.accept(topic, payload, decoded)
    await instance.pipeline.flush()


async def _episodes(sessions: async_sessionmaker[AsyncSession], device_id: int) -> list[bool]:
    """The device's co2 episodes, oldest first: True while open."""
    async with sessions() as session:
        rows = await session.scalars(
            select(AlertEpisode)
            .where(AlertEpisode.device_id == device_id, AlertEpisode.metric == "co2")
            .order_by(AlertEpisode.id)
        )
        return [row.closed_at is None for row in rows]


async def test_a_duration_started_on_one_instance_ends_on_another(
    two_instances: tuple[Processor, Processor], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Each instance kept its own "past the limit since": a device whose readings alternate
    between two instances never stayed past the limit long enough on either."""
    first, second = two_instances
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    await set_config(sessions, device_id, thresholds={"co2": {"high": 1000, "min_duration": 60}})
    now = time.time() - 200
    await _report(first, uid, now, 1500)
    await _report(second, uid, now + 30, 1500)
    assert await _episodes(sessions, device_id) == []  # 30 s past the limit: not yet
    await _report(first, uid, now + 61, 1500)
    assert await _episodes(sessions, device_id) == [True]
    # And the episode one instance opened, the other closes.
    await _report(second, uid, now + 90, 600)
    assert await _episodes(sessions, device_id) == [False]
    await _report(first, uid, now + 120, 1500)
    await _report(second, uid, now + 150, 1500)
    await _report(first, uid, now + 181, 1500)
    assert await _episodes(sessions, device_id) == [False, True]


async def test_a_late_reading_does_not_take_the_rules_back_in_time(
    two_instances: tuple[Processor, Processor], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A reading that reached its instance after a newer one was evaluated (elsewhere, or by
    the same instance) is stored, but it does not close what the newer one opened; a late
    one past the limit still tells of it."""
    first, second = two_instances
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    await set_config(sessions, device_id, thresholds={"co2": {"high": 1000}})
    now = time.time() - 100
    await _report(first, uid, now + 10, 1500)
    assert await _episodes(sessions, device_id) == [True]
    await _report(second, uid, now + 5, 600)  # older: the device is still above the limit
    await _report(first, uid, now + 6, 600)
    assert await _episodes(sessions, device_id) == [True]
    assert await rollup_count(sessions, device_id, "co2") == 3  # each stored all the same
    await _report(second, uid, now + 20, 600)
    assert await _episodes(sessions, device_id) == [False]
    await _report(first, uid, now + 15, 1600)  # late, and past the limit: an episode opens
    assert await _episodes(sessions, device_id) == [False, True]
    await _report(second, uid, now + 30, 600)  # and the next reading closes it
    assert await _episodes(sessions, device_id) == [False, False]


async def _run(
    settings: Settings, stop: asyncio.Event
) -> tuple[asyncio.Task[IngestStats], asyncio.Event]:
    ready = asyncio.Event()
    return asyncio.create_task(run_processor(settings, stop, ready)), ready


async def test_two_slots_share_the_telemetry_and_count_each_reading_once(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Two instances with two slots both ingest (the broker deals the telemetry out between
    their sessions); every reading is stored once, and an alert opens once."""
    shared = settings.model_copy(update={"processor_slots": 2})
    uids = [unique_uid() for _ in range(10)]
    ids = [(await add_device(sessions, uid)).device.id for uid in uids]
    await set_config(sessions, ids[0], thresholds={"co2": {"high": 1000}})
    stop = asyncio.Event()
    runs = [await _run(shared, stop) for _ in range(2)]
    try:
        for _, ready in runs:
            await asyncio.wait_for(ready.wait(), 15)
        now = int(time.time())
        for i in range(20):
            for uid in uids:
                await publish(
                    f"devices/{uid}/telemetry",
                    f'{{"timestamp": {now - 20 + i}, "co2": 1500}}'.encode(),
                )
        for device_id in ids:
            await eventually(lambda d=device_id: _at_least(sessions, d, 20), timeout=20)
    finally:
        stop.set()
        stats = [await asyncio.wait_for(task, 30) for task, _ in runs]
        for slot in ("", "-2"):
            await forget_mqtt_session(f"{settings.mqtt_client_id}{slot}")
    assert [await rollup_count(sessions, d, "co2") for d in ids] == [20] * 10
    assert all(s.accepted > 0 for s in stats), [s.accepted for s in stats]
    assert sum(s.accepted for s in stats) == 200
    assert await _episodes(sessions, ids[0]) == [True]


async def _two_sessions_left(settings: Settings) -> None:
    """Run two instances until both are subscribed, then stop them: the broker keeps both
    slots' sessions, dealing each its share of what comes."""
    stop = asyncio.Event()
    runs = [await _run(settings, stop) for _ in range(2)]
    for _, ready in runs:
        await asyncio.wait_for(ready.wait(), 15)
    stop.set()
    for task, _ in runs:
        await asyncio.wait_for(task, 30)


async def _stamped(uid: str, since: int, count: int = 10) -> None:
    """Publish `count` readings of `uid` stamped a second apart from `since`."""
    for i in range(count):
        body = f'{{"timestamp": {since + i}, "co2": 700}}'
        await publish(f"devices/{uid}/telemetry", body.encode())


async def _at_least(sessions: async_sessionmaker[AsyncSession], device_id: int, count: int) -> bool:
    return await rollup_count(sessions, device_id, "co2") >= count


async def test_a_relay_press_taken_by_another_slot_is_confirmed(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    """The Shelly status notifications go to slot 1 alone; an instance in slot 2 that takes
    a press asks the device whether the relay moved."""
    shared = settings.model_copy(update={"processor_slots": 2})
    pro3 = ShellyEmulator(shelly_uid("pro3"), "pro3", settings.mqtt_url)
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3")
    stop = asyncio.Event()
    async with engine.connect() as holder:  # slot 1 is someone else's: this one takes slot 2
        name = f"dozor:processor:{settings.mqtt_client_id}"
        assert await holder.scalar(text("SELECT pg_try_advisory_lock(hashtext(:n))"), {"n": name})
        task, ready = await _run(shared, stop)
        try:
            await asyncio.wait_for(ready.wait(), 15)
            await pro3.start_mqtt()
            async with sessions() as session:
                outcome = await control(redis, settings).switch(
                    session, 5001, device_id, 1, on=True
                )
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
            await forget_mqtt_session(f"{settings.mqtt_client_id}-2")
            await pro3.close()
            await holder.execute(text("SELECT pg_advisory_unlock_all()"))
    assert outcome.result is not None and outcome.result.ok
    assert pro3.output(1) is True
    assert ("mqtt", "Switch.GetStatus", {"id": 1}) in pro3.calls


async def test_what_a_second_slot_kept_reaches_its_next_instance(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Each slot is its own MQTT session: what the broker kept for slot 2 while its instance
    was away reaches the next instance to take slot 2."""
    shared = settings.model_copy(update={"processor_slots": 2})
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    await _two_sessions_left(shared)
    now = int(time.time())
    await _stamped(uid, now - 10)  # nobody runs: both sessions keep their share
    stop = asyncio.Event()
    runs = [await _run(shared, stop) for _ in range(2)]
    try:
        await eventually(lambda: _at_least(sessions, device_id, 10), timeout=20)
    finally:
        stop.set()
        for task, _ in runs:
            await asyncio.wait_for(task, 30)
        for slot in ("", "-2"):
            await forget_mqtt_session(f"{settings.mqtt_client_id}{slot}")
    assert await rollup_count(sessions, device_id, "co2") == 10


async def test_a_slot_no_longer_configured_is_ended_and_what_it_held_is_stored(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Down from two slots to one: the broker had dealt half of what came while nobody ran
    to slot 2's session, and would go on dealing it half of everything. The instance in slot
    1 takes over slot 2's session, stores what it held, and ends it."""
    shared = settings.model_copy(update={"processor_slots": 2})
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    await _two_sessions_left(shared)
    now = int(time.time())
    await _stamped(uid, now - 30)  # nobody runs: each session keeps its share
    alone = settings.model_copy(update={"processor_slots": 1})
    options = ProcessorOptions(slot_retire_seconds=0.2)
    try:
        async with processor_running(alone, options=options):
            await eventually(lambda: _at_least(sessions, device_id, 10), timeout=20)
            await _stamped(uid, now - 10)  # all of it reaches the one slot left
            await eventually(lambda: _at_least(sessions, device_id, 20), timeout=20)
            await eventually(lambda: _no_slots_beyond(sessions, settings, 1), timeout=20)
    finally:
        await forget_mqtt_session(f"{settings.mqtt_client_id}-2")
    assert await rollup_count(sessions, device_id, "co2") == 20


async def _no_slots_beyond(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, slots: int
) -> bool:
    async with sessions() as session:
        return await IngestSlotRepository(session).beyond(settings.mqtt_client_id, slots) == []


async def test_a_reading_heard_before_the_last_will_does_not_bring_the_device_back(
    two_instances: tuple[Processor, Processor],
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    """One instance had a device's last reading still to write when the other wrote its
    Last Will: the device stays offline — in PostgreSQL, in the live view and in its alert —
    and its owner is not told it came back."""
    first, second = two_instances
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    heard = time.time() - 50
    topic = f"devices/{uid}/telemetry"
    online = codec.decode(topic, b'{"co2": 700}', heard - 10)
    assert isinstance(online, Telemetry)
    first.pipeline.accept(topic, b'{"co2": 700}', online)
    await first.pipeline.flush()  # online
    payload = b'{"co2": 710}'
    late = codec.decode(topic, payload, heard)  # heard, not yet written
    assert isinstance(late, Telemetry)
    second.pipeline.accept(topic, payload, late)
    will = codec.decode(f"devices/{uid}/status", b"offline", heard + 5)
    assert isinstance(will, StatusChange)
    first.pipeline.accept(f"devices/{uid}/status", b"offline", will)
    await first.pipeline.flush()
    assert await _offline_episodes(sessions, device_id) == [True]
    await second.pipeline.flush()
    async with sessions() as session:
        device = await session.get(Device, device_id)
        assert device is not None
        assert device.is_online is False
        assert device.last_seen_at is not None
        assert device.last_seen_at.timestamp() == pytest.approx(heard)  # still what it was
    assert await _offline_episodes(sessions, device_id) == [True]
    live = await second.redis.hget(RedisKeys(settings.redis_prefix).live(device_id), "online")
    assert live == b"0"
    assert await rollup_count(sessions, device_id, "co2") == 2  # the reading is kept
    # A reading heard after the Last Will does bring it back.
    await _report(second, uid, heard + 6, 720)
    assert await _offline_episodes(sessions, device_id) == [False]


async def _offline_episodes(
    sessions: async_sessionmaker[AsyncSession], device_id: int
) -> list[bool]:
    """The device's offline episodes, oldest first: True while open."""
    async with sessions() as session:
        rows = await session.scalars(
            select(AlertEpisode)
            .where(AlertEpisode.device_id == device_id, AlertEpisode.kind == "device_offline")
            .order_by(AlertEpisode.id)
        )
        return [row.closed_at is None for row in rows]
