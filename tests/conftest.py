"""Shared fixtures: a database per test run, a Redis prefix per test, the real broker.

PostgreSQL, Redis and Mosquitto are the real local services (`./start.sh test` starts them
when they are down). Each run creates `dozor_test_<run>` with `alembic upgrade head` and drops
it at the end; each test gets its own Redis prefix, MQTT client id and device uids.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiomqtt
import asyncpg
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cli.main import migrate
from core.db import ensure_database, make_engine, make_session_factory
from core.settings import Settings
from processor.ingest.pipeline import IngestStats
from tests.emulators.telegram_api import TelegramEmulator

RUN_ID = uuid.uuid4().hex[:8]
BASE_DATABASE_URL = os.environ.get(
    "DOZOR_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("DOZOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
MQTT_URL = os.environ.get("DOZOR_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")
TABLES = (
    "users, devices, memberships, device_configs, rollups_minute, audit_log, alert_episodes,"
    " outbox, invites, job_marks, firmware_images, firmware_rollouts"
)


def unique_uid(prefix: str = "t") -> str:
    """Return a device uid no other test or run uses."""
    return f"{prefix}{uuid.uuid4().hex[:12]}"


async def drop_database(url: str) -> None:
    """Drop the database named in `url`, disconnecting its sessions."""
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """Arm pytest-timeout's alarm so that a hung test first prints every asyncio task's stack.

    The main thread of a hung asyncio test sits in the event loop's select, which says nothing;
    the tasks' stacks say what was being awaited.
    """
    if settings.timeout <= 0 or settings.method != "signal" or not hasattr(signal, "SIGALRM"):
        return None

    def on_alarm(signum: int, frame: object) -> None:
        loop = asyncio._get_running_loop()
        if loop is not None:
            for task in asyncio.all_tasks(loop):
                sys.stderr.write(f"--- {task!r}\n")
                task.print_stack(file=sys.stderr)
        pytest.fail(f"Timeout >{settings.timeout}s", pytrace=True)

    def cancel() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    item.cancel_timeout = cancel  # type: ignore[attr-defined]  # pytest-timeout's cancel hook
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, settings.timeout)
    return True


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh, migrated database for this test run."""
    url = make_url(BASE_DATABASE_URL).set(database=f"dozor_test_{RUN_ID}")
    rendered = url.render_as_string(hide_password=False)
    asyncio.run(ensure_database(rendered))
    migrate(Settings(_env_file=None, database_url=rendered))
    yield rendered
    asyncio.run(drop_database(rendered))


SECRET_KEY = SecretStr(Fernet.generate_key().decode())


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of one test: its own Redis prefix and MQTT client id."""
    test_id = uuid.uuid4().hex[:10]
    return Settings(
        _env_file=None,
        database_url=database_url,
        redis_url=REDIS_URL,
        redis_prefix=f"dozortest:{RUN_ID}:{test_id}",
        mqtt_url=MQTT_URL,
        mqtt_client_id=f"dozor-test-{test_id}",
        bot_token="123456:TEST-TOKEN",
        ingest_flush_ms=20,
        offline_sweep_seconds=0.5,
        alert_reminder_seconds=2.0,  # apart by more than the 1 s per-chat pacing
        digest_check_seconds=0.5,
        secret_keys=(SECRET_KEY,),
        satel_poll_seconds=0.2,
        satel_offline_seconds=2.0,
        satel_lease_seconds=3.0,
        ota_http_port=0,  # the firmware tests that need it choose a free port
        bot_http_port=0,  # … and the bot's health tests
    )


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on the run's database, emptied of the previous test's rows."""
    engine = make_engine(settings.database_url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory services use."""
    return make_session_factory(engine)


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[Redis]:
    """A Redis client; the test's keys are deleted afterwards."""
    client = Redis.from_url(settings.redis_url)
    yield client
    keys = [key async for key in client.scan_iter(match=f"{settings.redis_prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@dataclass
class RunningProcessor:
    """A processor running in the test's event loop."""

    task: asyncio.Task[IngestStats]
    stop: asyncio.Event
    settings: Settings
    published: list[str] = field(default_factory=list)

    async def shutdown(self) -> IngestStats:
        """Stop it the way SIGTERM does and return what its ingest counted."""
        self.stop.set()
        return await asyncio.wait_for(self.task, 30)


async def forget_mqtt_session(client_id: str) -> None:
    """Drop the broker's persistent session of `client_id` (it would queue messages forever)."""
    host_port = MQTT_URL.removeprefix("mqtt://")
    host, _, port = host_port.partition(":")
    client = aiomqtt.Client(host, int(port or 1883), identifier=client_id, clean_session=True)
    async with client:
        return  # connecting with a clean session is what drops the old one


@pytest.fixture
async def processor(
    settings: Settings, engine: AsyncEngine, redis: Redis
) -> AsyncIterator[RunningProcessor]:
    """Start the processor and wait until it is subscribed."""
    from processor.app import run_processor

    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_processor(settings, stop, ready))
    await asyncio.wait_for(ready.wait(), 15)
    running = RunningProcessor(task, stop, settings)
    yield running
    if not task.done():
        await running.shutdown()
    await forget_mqtt_session(settings.mqtt_client_id)


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    """The Bot API emulator on a free loopback port.

    Every test also checks that no button press was answered twice (Telegram refuses the
    second answer; a bot that tries has shown the person something it meant to change), and
    that no call went to a chat Telegram had told to wait (a 429's retry_after)."""
    emulator = TelegramEmulator()
    await emulator.start()
    yield emulator
    await emulator.close()
    assert not emulator.answered_twice, f"presses answered twice: {emulator.answered_twice}"
    assert not emulator.flood_violations, f"calls inside a flood wait: {emulator.flood_violations}"


async def publish(topic: str, payload: bytes, *, retain: bool = False) -> None:
    """Publish one message at QoS 1 through the real broker."""
    host_port = MQTT_URL.removeprefix("mqtt://")
    host, _, port = host_port.partition(":")
    async with aiomqtt.Client(host, int(port or 1883)) as client:
        await client.publish(topic, payload, qos=1, retain=retain)


async def eventually(predicate, timeout: float = 10.0, interval: float = 0.05):  # type: ignore[no-untyped-def]
    """Poll an async or plain predicate until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
