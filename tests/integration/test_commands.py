"""The command stream between bot and processor: nothing lost across processor restarts."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core import clock
from core.commands.bus import CommandBus
from core.commands.messages import CommandResult, StreamEntry
from core.db import make_engine, make_session_factory
from core.devices.models import DeviceConfig
from core.redis_keys import RedisKeys
from core.settings import Settings
from processor.app import ProcessorOptions
from processor.commands import CommandExecutor
from processor.jobs.config_resend import ConfigResend
from processor.mqtt.listener import BrokerAddress
from processor.mqtt.publisher import Publisher
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.integration.helpers import (
    add_device,
    device_row,
    forget_retained,
    processor_running,
    set_config,
    simulator_running,
)


def command(device_id: int, uid: str, name: str = "identify", ttl: float = 30.0) -> StreamEntry:
    """A command entry as the bot writes it."""
    deadline = clock.now().timestamp() + ttl
    return StreamEntry("command", device_id, uid, uuid.uuid4().hex, name, {}, deadline)


async def test_a_command_sent_while_no_processor_runs_is_carried_out_when_one_starts(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    keys = RedisKeys(settings.redis_prefix)
    bus = CommandBus(redis, keys)
    async with simulator_running(uid, settings.mqtt_url) as device:
        wanted = command(device_id, uid)
        await bus.submit(command(device_id, uid, "restart", ttl=-1))  # nobody waits any more
        await bus.submit(wanted)
        async with processor_running(settings):
            result = await bus.wait_result(wanted.command_id, 15)
            assert result is not None and result.ok
            assert [c["id"] for c in device.commands] == [wanted.command_id]
            pending = await redis.xpending(keys.command_stream, keys.command_group)
            assert pending["pending"] == 0  # both acknowledged: one sent, one dropped as expired
    await forget_retained(uid)


async def test_an_entry_taken_by_a_processor_that_died_is_taken_over(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    keys = RedisKeys(settings.redis_prefix)
    entry = command(device_id, uid)
    # Another instance reads the entry and dies before acknowledging it.
    await redis.xgroup_create(keys.command_stream, keys.command_group, id="$", mkstream=True)
    await CommandBus(redis, keys).submit(entry)
    taken: Any = await redis.xreadgroup(
        keys.command_group, "dead-instance", {keys.command_stream: ">"}, count=1
    )
    assert taken and len(taken[0][1]) == 1
    async with (
        simulator_running(uid, settings.mqtt_url) as device,
        processor_running(settings, options=ProcessorOptions(command_claim_idle_ms=300)),
    ):
        await eventually(lambda: device.commands, timeout=20)
        assert device.commands[0]["id"] == entry.command_id
    await forget_retained(uid)


async def test_malformed_entries_and_results_do_not_stop_the_executor(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    keys = RedisKeys(settings.redis_prefix)
    await redis.xadd(keys.command_stream, {"entry": b"{not json"})
    await publish(f"devices/{uid}/events", b'{"id": 12, "ok": "yes"}')
    await publish(f"devices/{uid}/events", b'{"id": "forged-by-another-device", "ok": true}')
    async with simulator_running(uid, settings.mqtt_url):
        entry = command(device_id, uid)
        bus = CommandBus(redis, keys)
        await bus.submit(entry)
        result = await bus.wait_result(entry.command_id, 15)
        assert result is not None and result.ok
        # the rejection counters reach Redis with the pipeline's next flush
        await eventually(lambda: redis.hget(keys.ingest_rejected, "bad_command_result"))
        assert await redis.llen(keys.command_result("forged-by-another-device")) == 0
    await forget_retained(uid)


async def test_a_config_an_online_device_has_not_applied_is_published_again(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    async with simulator_running(uid, settings.mqtt_url) as device:
        await eventually(lambda: _online(sessions, device_id))
        # Stored as version 2 but never pushed: the bot died between its commit and the stream.
        await set_config(sessions, device_id, report_interval=45)
        bus = CommandBus(redis, RedisKeys(settings.redis_prefix))
        job = ConfigResend(sessions, bus, grace=timedelta(0))
        assert await job.run() == 1
        await eventually(lambda: device.config.get("version") == 2)
        assert device.interval == 45
        await eventually(lambda: _applied(sessions, device_id, 2))
        assert await job.run() == 0
    await forget_retained(uid)


async def _online(sessions: async_sessionmaker[AsyncSession], device_id: int) -> bool:
    return (await device_row(sessions, device_id)).is_online


async def _applied(
    sessions: async_sessionmaker[AsyncSession], device_id: int, version: int
) -> bool:
    async with sessions() as session:
        row = await session.get(DeviceConfig, device_id)
        return row is not None and row.applied_version == version


async def test_a_wait_longer_than_the_socket_timeout_ends_as_no_answer(
    settings: Settings,
) -> None:
    """A device that does not answer: the bot waits the whole command timeout and hears
    "no answer", even when that is longer than its Redis client's socket timeout (a single
    10 s BLPOP on redis-py's 5 s default raised TimeoutError instead)."""
    client = Redis.from_url(settings.redis_url, socket_timeout=2.5)
    bus = CommandBus(client, RedisKeys(settings.redis_prefix))
    try:
        assert await bus.wait_result(uuid.uuid4().hex, 3.5) is None
        late = CommandResult(uuid.uuid4().hex, True, None, clock.now().timestamp())
        waiting = asyncio.create_task(bus.wait_result(late.command_id, 6))
        await asyncio.sleep(3)  # the answer comes after the socket timeout has passed once
        await bus.post_result(late)
        assert await waiting == late
    finally:
        await client.aclose()


async def test_a_config_version_the_server_never_sent_is_refused(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One telemetry with `config_version: 2147483647` made every later settings change show
    "applied" and never be re-sent. A version above the one sent is not taken; it is logged
    and quarantined."""
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    await set_config(sessions, device_id, report_interval=45)  # version 2, sent
    await publish(f"devices/{uid}/telemetry", b'{"co2": 500, "config_version": 2147483647}')
    await eventually(lambda: f"rejected message from {uid}: config_version_ahead" in caplog.text)
    await publish(f"devices/{uid}/telemetry", b'{"co2": 501, "config_version": 2}')
    await eventually(lambda: _applied(sessions, device_id, 2))
    await set_config(sessions, device_id, report_interval=60)  # version 3: not applied yet
    async with sessions() as session:
        row = await session.get(DeviceConfig, device_id)
        assert row is not None and (row.version, row.applied_version) == (3, 2)
    job = ConfigResend(
        sessions, CommandBus(redis, RedisKeys(settings.redis_prefix)), grace=timedelta(0)
    )
    await eventually(lambda: _online(sessions, device_id))
    assert await job.run() == 1  # still re-sent
    await forget_retained(uid)


async def test_a_database_error_in_an_entry_never_stops_the_executor(
    redis: Redis, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A database error in the command executor stopped the processor. A transient one
    (PostgreSQL not answering) leaves the entry pending to be taken again; any other drops
    that entry with its reason; the executor goes on either way."""
    keys = RedisKeys(settings.redis_prefix)
    address = BrokerAddress.from_url(settings.mqtt_url)
    publisher = Publisher(address, f"{settings.mqtt_client_id}-pub")
    engines = [
        make_engine("postgresql+asyncpg://postgres@127.0.0.1:9/dozor"),  # nothing listens
        make_engine(settings.database_url.rsplit("/", 1)[0] + f"/nothing_{uuid.uuid4().hex[:6]}"),
    ]
    down, missing = (make_session_factory(engine) for engine in engines)
    bus = CommandBus(redis, keys)
    for sessions, expected in ((down, "stays pending"), (missing, "dropping command stream")):
        executor = CommandExecutor(redis, keys, sessions, publisher)
        stop = asyncio.Event()
        task = asyncio.create_task(executor.run(stop))
        await bus.submit(StreamEntry("config", 1, unique_uid()))
        await eventually(lambda expected=expected: expected in caplog.text, timeout=15)
        assert not task.done()  # still running
        stop.set()
        await asyncio.wait_for(task, 10)
        caplog.clear()
    for engine in engines:
        await engine.dispose()
    pending = await redis.xpending(keys.command_stream, keys.command_group)
    assert pending["pending"] == 1  # the transient one waits to be taken again; the other went
