"""The processor survives restarts of the broker, Redis and PostgreSQL, and flushes on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiomqtt
import pytest
from redis.asyncio import Redis
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.alerts.models import AlertEpisode, AlertWatch
from core.live.store import LiveStateStore
from core.redis_keys import RedisKeys
from core.settings import Settings
from processor.app import ProcessorOptions, run_processor
from processor.ingest.pipeline import IngestStats
from tests.conftest import MQTT_URL, eventually, forget_mqtt_session, publish, unique_uid
from tests.integration.helpers import add_device, processor_running, rollup_count, set_config

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """A private broker or Redis server on its own port, to stop and start at will."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, port: int) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        await eventually(lambda: _port_open(port), timeout=10)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
async def private_broker(tmp_path: Path) -> AsyncIterator[tuple[LocalServer, int]]:
    if shutil.which("mosquitto") is None:
        pytest.fail("mosquitto is not installed; ./start.sh test expects the local broker")
    port = free_port()
    config = tmp_path / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    server = LocalServer(["mosquitto", "-c", str(config)])
    await server.start(port)
    yield server, port
    await server.stop()


@pytest.fixture
async def private_redis() -> AsyncIterator[tuple[LocalServer, int]]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed; ./start.sh test expects it")
    port = free_port()
    argv = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    server = LocalServer(argv)
    await server.start(port)
    yield server, port
    await server.stop()


async def _publish_to(port: int, topic: str, payload: bytes) -> None:
    async with aiomqtt.Client("127.0.0.1", port) as client:
        await client.publish(topic, payload, qos=1)


async def test_reconnects_after_the_broker_restarts(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    private_broker: tuple[LocalServer, int],
) -> None:
    broker, port = private_broker
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    local = settings.model_copy(update={"mqtt_url": f"mqtt://127.0.0.1:{port}"})
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_processor(local, stop, ready))
    await asyncio.wait_for(ready.wait(), 10)
    await _publish_to(port, f"devices/{uid}/telemetry", b'{"co2": 600}')
    await eventually(lambda: rollup_count(sessions, device_id, "co2"))

    await broker.stop()
    await broker.start(port)

    async def delivered_after_restart() -> bool:
        await _publish_to(port, f"devices/{uid}/telemetry", b'{"co2": 700}')
        return await rollup_count(sessions, device_id, "co2") >= 2

    await eventually(delivered_after_restart, timeout=30, interval=0.5)
    stop.set()
    await asyncio.wait_for(task, 30)


async def test_keeps_the_batch_while_redis_is_down(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    private_redis: tuple[LocalServer, int],
) -> None:
    server, port = private_redis
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    local = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{port}/0"})
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_processor(local, stop, ready))
    await asyncio.wait_for(ready.wait(), 10)
    client = Redis.from_url(local.redis_url)
    live = LiveStateStore(client, RedisKeys(local.redis_prefix))
    try:
        await publish(f"devices/{uid}/telemetry", b'{"co2": 600}')
        await eventually(lambda: _live_co2(live, device_id, 600.0))

        await server.stop()
        await publish(f"devices/{uid}/telemetry", b'{"co2": 777}')
        # PostgreSQL goes on while Redis is away …
        assert await eventually(lambda: rollup_count(sessions, device_id, "co2")) >= 1
        await eventually(lambda: _rollups_at_least(sessions, device_id, 2))
        await server.start(port)
        # … and the live state catches up once Redis is back, nothing lost.
        await eventually(lambda: _live_co2(live, device_id, 777.0), timeout=30, interval=0.2)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await client.aclose()
        await forget_mqtt_session(local.mqtt_client_id)


async def _live_co2(live: LiveStateStore, device_id: int, value: float) -> bool:
    try:
        return (await live.read(device_id)).values.get("co2") == value
    except OSError:
        return False
    except Exception:  # noqa: BLE001 - redis errors while the server restarts
        return False


async def _rollups_at_least(
    sessions: async_sessionmaker[AsyncSession], device_id: int, n: int
) -> bool:
    return await rollup_count(sessions, device_id, "co2") >= n


async def test_recovers_when_postgres_drops_its_connections(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_processor(settings, stop, ready))
    await asyncio.wait_for(ready.wait(), 10)
    try:
        await publish(f"devices/{uid}/telemetry", b'{"co2": 600}')
        await eventually(lambda: rollup_count(sessions, device_id, "co2"))
        # What a PostgreSQL restart looks like to a client: every connection is cut.
        async with engine.connect() as connection:
            await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        await publish(f"devices/{uid}/telemetry", b'{"co2": 650}')
        await eventually(lambda: _rollups_at_least(sessions, device_id, 2), timeout=30)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await forget_mqtt_session(settings.mqtt_client_id)


class ProcessorProcess:
    """`python -m processor` in a process of its own (to be stopped or killed), its log kept."""

    def __init__(self, settings: Settings, **env: str) -> None:
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATABASE_URL": settings.database_url,
            "REDIS_URL": settings.redis_url,
            "REDIS_PREFIX": settings.redis_prefix,
            "MQTT_URL": MQTT_URL,
            "MQTT_CLIENT_ID": settings.mqtt_client_id,
            "LOG_LEVEL": "DEBUG",  # the MQTT client logs each PUBLISH it has read off the socket
            **env,
        }
        self.lines: list[str] = []
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "processor",
            cwd=ROOT,
            env=self.env,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read_log())
        await eventually(lambda: self.logged("connected to MQTT broker"), timeout=20)

    async def _read_log(self) -> None:  # keep the pipe drained so logging never blocks it
        assert self.process is not None and self.process.stderr is not None
        async for line in self.process.stderr:
            self.lines.append(line.decode())

    def logged(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def received(self, topic: str) -> int:
        """How many PUBLISH packets on `topic` the process has read off its socket."""
        return sum("Received PUBLISH" in line and topic in line for line in self.lines)

    async def signal(self, number: int) -> int:
        """Send a signal and wait for the process to end; return its exit code."""
        assert self.process is not None
        self.process.send_signal(number)
        code = await asyncio.wait_for(self.process.wait(), 30)
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 10)
        return code

    def send(self, number: int) -> None:
        """Send a signal (SIGSTOP, SIGCONT) without waiting for anything."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(number)

    async def end(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    @property
    def output(self) -> str:
        return "".join(self.lines)


async def _publish_many(topic: str, payloads: list[bytes]) -> None:
    host, _, port = MQTT_URL.removeprefix("mqtt://").partition(":")
    async with aiomqtt.Client(host, int(port or 1883)) as client:
        for payload in payloads:
            await client.publish(topic, payload, qos=1)


async def test_sigterm_flushes_what_was_received(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    topic = f"devices/{uid}/telemetry"
    process = ProcessorProcess(
        settings,
        INGEST_FLUSH_MS="60000",  # nothing is flushed on a timer during this test
        INGEST_BATCH_SIZE="100000",
    )
    try:
        await process.start()
        await _publish_many(topic, [f'{{"co2": {600 + i}}}'.encode() for i in range(50)])
        await eventually(lambda: process.received(topic) == 50, timeout=20)
        assert await rollup_count(sessions, device_id, "co2") == 0
        assert await process.signal(signal.SIGTERM) == 0
    finally:
        await process.end()
        await forget_mqtt_session(settings.mqtt_client_id)
    assert "Traceback" not in process.output
    assert "50 messages accepted" in process.output
    assert await rollup_count(sessions, device_id, "co2") == 50


def _payloads(count: int, *, stamped: bool) -> list[bytes]:
    """Telemetry as the contract's devices send it: stamped with the device's clock, or (a
    device before NTP) all alike, with no time at all."""
    now = int(time.time())
    if stamped:
        return [f'{{"timestamp": {now - count + i}, "co2": 600}}'.encode() for i in range(count)]
    return [b'{"co2": 600}'] * count


async def _all_taken(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """Run a processor until the broker has handed it everything it kept for the session: a
    last message of another device, published now, is stored after the rest."""
    marker = unique_uid()
    marker_id = (await add_device(sessions, marker)).device.id
    async with processor_running(settings):
        await publish(f"devices/{marker}/telemetry", b'{"co2": 1}')
        await eventually(lambda: rollup_count(sessions, marker_id, "co2"), timeout=30)


@pytest.mark.parametrize("stamped", [True, False], ids=["device-time", "no-time"])
async def test_a_killed_processor_loses_nothing_it_had_not_written(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    stamped: bool,
) -> None:
    """QoS 1 messages were acknowledged when received: a processor killed while PostgreSQL
    held its batch back lost all it had received. Now the broker keeps them until written."""
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    topic = f"devices/{uid}/telemetry"
    process = ProcessorProcess(settings)
    try:
        await process.start()
        async with engine.connect() as holder:  # the batch's contact update waits for this lock
            await holder.execute(
                text("SELECT 1 FROM devices WHERE id = :id FOR UPDATE"), {"id": device_id}
            )
            await _publish_many(topic, _payloads(100, stamped=stamped))
            await eventually(lambda: process.received(topic) == 100, timeout=20)
            await eventually(lambda: _waiting_for_a_lock(engine), timeout=20)
            await process.signal(signal.SIGKILL)
            await holder.rollback()
        assert await rollup_count(sessions, device_id, "co2") == 0
        await _all_taken(sessions, settings)
    finally:
        await process.end()
        await forget_mqtt_session(settings.mqtt_client_id)
    assert await rollup_count(sessions, device_id, "co2") == 100


@pytest.mark.parametrize("stamped", [True, False], ids=["device-time", "no-time"])
async def test_a_batch_written_but_not_acknowledged_is_not_counted_twice(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    private_redis: tuple[LocalServer, int],
    stamped: bool,
) -> None:
    """Killed after PostgreSQL committed a batch and before the broker had its acknowledgement
    (Redis held the batch's live write back): the broker sends the batch again to the next
    start, and nothing of it is counted twice."""
    server, port = private_redis
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    topic = f"devices/{uid}/telemetry"
    process = ProcessorProcess(settings, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    try:
        await process.start()
        assert server.process is not None
        server.process.send_signal(signal.SIGSTOP)  # Redis stops answering
        try:
            await _publish_many(topic, _payloads(100, stamped=stamped))
            await eventually(lambda: process.received(topic) == 100, timeout=20)
            # A batch is in PostgreSQL, held back from its acknowledgement by Redis (and the
            # batches after it wait behind it): every one of the 100 will come again.
            await eventually(lambda: rollup_count(sessions, device_id, "co2"), timeout=20)
            await process.signal(signal.SIGKILL)
        finally:
            server.process.send_signal(signal.SIGCONT)
        await _all_taken(sessions, settings)
    finally:
        await process.end()
        await forget_mqtt_session(settings.mqtt_client_id)
    assert await rollup_count(sessions, device_id, "co2") == 100


async def _waiting_for_a_lock(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        waiting = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query ILIKE '%FROM devices%FOR UPDATE%'"
            )
        )
    return bool(waiting)


async def test_live_state_comes_back_from_postgres_after_redis_lost_it(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings
) -> None:
    """A flushed Redis left every card saying "not reported yet" until each device spoke
    again. The live state is rebuilt from PostgreSQL's rollups within seconds."""
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    keys = RedisKeys(settings.redis_prefix)
    store = LiveStateStore(redis, keys)
    options = ProcessorOptions(live_rebuild_seconds=0.2)
    async with processor_running(settings, options=options):
        await publish(f"devices/{uid}/telemetry", b'{"co2": 812, "temperature": 21.5}')
        await eventually(lambda: rollup_count(sessions, device_id, "co2"))
        # Redis lost it all at once, as a flush does (deleted one by one, the rebuild could
        # run between two deletions and find the device still there); nothing is published
        # after this.
        lost = [key async for key in redis.scan_iter(f"{settings.redis_prefix}:live*")]
        await redis.delete(*lost)

        async def rebuilt() -> dict[str, float]:
            return (await store.read(device_id)).values

        assert await eventually(rebuilt, timeout=10) == {"co2": 812.0, "temperature": 21.5}
    await publish(f"devices/{uid}/status", b"", retain=True)


async def test_a_stop_while_messages_keep_coming_loses_none(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """The SIGTERM path waited for an empty receive queue, which never came under load; it
    gave up after 10 s and dropped what it had received (15,469 readings in one run). It
    stops taking messages, writes and acknowledges what it took, then disconnects; the broker
    keeps the rest for the next start: nothing published is lost or counted twice."""
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    published = 0
    publishing = asyncio.Event()
    halt = asyncio.Event()

    async def publisher() -> None:
        nonlocal published
        host, _, port = MQTT_URL.removeprefix("mqtt://").partition(":")
        async with aiomqtt.Client(host, int(port or 1883)) as client:
            while not halt.is_set():
                for _ in range(5):  # ~500/s: the shared test broker queues 1,000 at most
                    await client.publish(f"devices/{uid}/telemetry", b'{"co2": 600}', qos=1)
                    published += 1
                publishing.set()
                await asyncio.sleep(0.01)

    stop, ready = asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(run_processor(settings, stop, ready))
    await asyncio.wait_for(ready.wait(), 15)  # subscribed: from now on the broker keeps all
    sender = asyncio.create_task(publisher())
    await eventually(lambda: rollup_count(sessions, device_id, "co2"), timeout=15)
    first.add_done_callback(lambda _: halt.set())  # no more once it is gone
    stop.set()  # while messages keep coming
    stats = await asyncio.wait_for(first, 15)  # ends in time
    await sender
    assert stats.accepted > 0
    async with processor_running(settings):  # the broker kept what came after the stop
        await eventually(lambda: _stored(sessions, device_id, published), timeout=30)
    # None lost, none twice: what the first had taken was written and acknowledged before it
    # disconnected; what it had not taken, the broker sent to the second.
    assert await rollup_count(sessions, device_id, "co2") == published
    await forget_mqtt_session(settings.mqtt_client_id)


async def _stored(sessions: async_sessionmaker[AsyncSession], device_id: int, count: int) -> bool:
    return await rollup_count(sessions, device_id, "co2") >= count


async def test_a_restart_inside_a_for_duration_window_still_opens_the_alert_on_time(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    """A "CO₂ above 1000 for 3 s" rule: the reading that passed the limit was the last one
    (the device then went quiet, or reports only on change). The waiting started in one
    processor's memory and was lost with a restart: no alert, ever. It is kept in PostgreSQL
    now, and the next processor opens the episode once the 3 s are over."""
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    await set_config(sessions, device_id, thresholds={"co2": {"high": 1000, "min_duration": 3}})
    async with processor_running(settings):
        await publish(f"devices/{uid}/telemetry", b'{"co2": 1500}')
        await eventually(lambda: _waiting(sessions, device_id), timeout=10)
    assert await _episodes(sessions, device_id) == []  # stopped inside the 3 s
    async with processor_running(settings):
        assert await eventually(lambda: _episodes(sessions, device_id), timeout=10) == [
            ("threshold_high", "co2", 1500.0)
        ]
    assert not await _waiting(sessions, device_id)  # done waiting
    assert await rollup_count(sessions, device_id, "co2") == 1  # no other reading came


async def _waiting(sessions: async_sessionmaker[AsyncSession], device_id: int) -> bool:
    async with sessions() as session:
        query = select(AlertWatch).where(AlertWatch.device_id == device_id)
        return bool((await session.scalars(query)).all())


async def _episodes(
    sessions: async_sessionmaker[AsyncSession], device_id: int
) -> list[tuple[str, str, float | None]]:
    async with sessions() as session:
        query = select(AlertEpisode).where(AlertEpisode.device_id == device_id)
        return [(e.kind, e.metric, e.value) for e in await session.scalars(query)]


async def test_a_second_instance_stands_by_and_takes_over_when_the_first_dies(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    """Two instances on one MQTT session threw each other off the broker. Now one ingests,
    the other stands by; when the first is killed, the second takes over the session: what
    was published meanwhile arrives, nothing twice."""
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    topic = f"devices/{uid}/telemetry"
    first = ProcessorProcess(settings)
    stop, ready = asyncio.Event(), asyncio.Event()
    second: asyncio.Task[IngestStats] | None = None
    try:
        await first.start()
        second = asyncio.create_task(run_processor(settings, stop, ready))
        await _publish_many(topic, _payloads(50, stamped=True))
        await eventually(lambda: _stored(sessions, device_id, 50), timeout=20)
        assert not ready.is_set()  # standing by: the first holds the session
        await first.signal(signal.SIGKILL)
        await _publish_many(topic, _payloads(50, stamped=False))  # while nobody ingests
        await asyncio.wait_for(ready.wait(), 20)  # the second took over
        await eventually(lambda: _stored(sessions, device_id, 100), timeout=20)
        marker = unique_uid()  # published last: once it is stored, all before it was taken
        marker_id = (await add_device(sessions, marker)).device.id
        await publish(f"devices/{marker}/telemetry", b'{"co2": 1}')
        await eventually(lambda: rollup_count(sessions, marker_id, "co2"), timeout=20)
    finally:
        await first.end()
        stop.set()
        if second is not None:
            await asyncio.wait_for(second, 30)
        await forget_mqtt_session(settings.mqtt_client_id)
    assert await rollup_count(sessions, device_id, "co2") == 100


async def test_an_instance_whose_lease_connection_dies_stops_and_takes_it_again(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    """The lock that makes an instance the active one lives on a connection of its own; when
    that connection goes (PostgreSQL restarted, or an administrator ended it) the instance
    stops cleanly and asks again — here nobody else wants it, so it takes it back and goes on,
    having lost and doubled nothing."""
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    topic = f"devices/{uid}/telemetry"
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_processor(settings, stop, ready))
    try:
        await asyncio.wait_for(ready.wait(), 15)
        await _publish_many(topic, _payloads(20, stamped=True))
        await eventually(lambda: _stored(sessions, device_id, 20), timeout=15)
        first = await eventually(lambda: _lease_holder(engine, settings), timeout=5)
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        ready.clear()

        async def taken_again() -> int | None:
            holder = await _lease_holder(engine, settings)
            return holder if holder not in (None, first) and ready.is_set() else None

        await eventually(taken_again, timeout=20)
        await _publish_many(topic, _payloads(20, stamped=False))
        await eventually(lambda: _stored(sessions, device_id, 40), timeout=15)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await forget_mqtt_session(settings.mqtt_client_id)
    assert await rollup_count(sessions, device_id, "co2") == 40


async def _lease_holder(engine: AsyncEngine, settings: Settings) -> int | None:
    """The backend that holds the ingest lock of the test's MQTT session."""
    async with engine.connect() as conn:
        pid = await conn.scalar(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND objid::text::bigint = (hashtext(:name)::bigint & 4294967295)"
            ),
            {"name": f"dozor:processor:{settings.mqtt_client_id}"},
        )
    return int(pid) if pid is not None else None


async def test_a_frozen_instance_is_ended_and_the_standby_takes_over(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    """A holder stopped with SIGSTOP kept its PostgreSQL connection — and with it the slot —
    for ever: the standby waited and nothing was ingested. Now the standby ends the frozen
    holder's silent session and takes the slot; readings published meanwhile arrive."""
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    topic = f"devices/{uid}/telemetry"
    first = ProcessorProcess(settings)
    stop, ready = asyncio.Event(), asyncio.Event()
    second: asyncio.Task[IngestStats] | None = None
    quick = ProcessorOptions(frozen_holder_seconds=3.0)
    try:
        await first.start()
        second = asyncio.create_task(run_processor(settings, stop, ready, quick))
        await _publish_many(topic, _payloads(20, stamped=True))
        await eventually(lambda: _stored(sessions, device_id, 20), timeout=20)
        assert not ready.is_set()  # standing by
        first.send(signal.SIGSTOP)  # frozen: its connections stay open
        await _publish_many(topic, _payloads(20, stamped=False))
        await asyncio.wait_for(ready.wait(), 30)  # the frozen holder was ended
        await eventually(lambda: _stored(sessions, device_id, 40), timeout=20)
        first.send(signal.SIGCONT)  # it wakes up to a lost lease, and stops ingesting
        marker = unique_uid()
        marker_id = (await add_device(sessions, marker)).device.id
        await publish(f"devices/{marker}/telemetry", b'{"co2": 1}')
        await eventually(lambda: rollup_count(sessions, marker_id, "co2"), timeout=20)
        await eventually(lambda: first.logged("lost the ingest lease"), timeout=20)
    finally:
        first.send(signal.SIGCONT)
        await first.end()
        stop.set()
        if second is not None:
            await asyncio.wait_for(second, 30)
        await forget_mqtt_session(settings.mqtt_client_id)
    assert await rollup_count(sessions, device_id, "co2") == 40
