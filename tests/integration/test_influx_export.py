"""Raw points reach InfluxDB's write API (VictoriaMetrics speaks the same /api/v2/write)."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core import clock
from core.alerts.repository import EpisodeRepository
from core.alerts.rules import Kind
from core.outbox.models import OutboxMessage
from core.outbox.wakeup import OutboxWakeup
from core.redis_keys import RedisKeys
from core.settings import Settings
from core.users.repository import UserRepository
from processor.app import run_processor
from processor.ingest.pipeline import IngestStats
from processor.jobs.platform import (
    PLATFORM_FIELDS,
    PLATFORM_MEASUREMENT,
    OverflowNotice,
    PlatformStats,
)
from processor.sinks.influx import InfluxExporter
from tests.conftest import eventually, forget_mqtt_session, publish, unique_uid
from tests.integration.helpers import add_device
from tests.integration.test_resilience import LocalServer, free_port


def victoria_server(data: Path, port: int) -> LocalServer:
    """VictoriaMetrics on `port`, keeping its data in `data`."""
    binary = shutil.which("victoria-metrics")
    if binary is None:
        pytest.fail("victoria-metrics is not installed; ./start.sh test installs it")
    return LocalServer(
        [
            binary,
            f"-httpListenAddr=127.0.0.1:{port}",
            f"-storageDataPath={data}",
            "-search.latencyOffset=0s",
        ]
    )


@pytest.fixture
async def victoria(tmp_path: Path) -> AsyncIterator[str]:
    port = free_port()
    server = victoria_server(tmp_path / "vm", port)
    await server.start(port)
    yield f"http://127.0.0.1:{port}"
    await server.stop()


async def exported(base: str, uid: str) -> list[dict[str, object]]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/internal/force_flush") as flushed:
            await flushed.read()  # released: an unread response keeps its connection
        params = {"match[]": f'{{uid="{uid}"}}'}
        async with http.get(f"{base}/api/v1/export", params=params) as response:
            body = await response.text()
    return [json.loads(line) for line in body.splitlines() if line.strip()]


async def test_accepted_readings_are_written_as_points(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    victoria: str,
) -> None:
    uid = unique_uid("co2_")
    await add_device(sessions, uid)
    local = settings.model_copy(
        update={
            "influx_url": victoria,
            "influx_org": "dozor",
            "influx_bucket": "telemetry",
        }
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_processor(local, stop, ready))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        base = int(time.time()) - 3600
        for co2 in (700, 710, 720):
            body = {"co2": co2, "temperature": 21.5, "timestamp": base + co2}
            await publish(f"devices/{uid}/telemetry", json.dumps(body).encode())
        await publish(f"devices/{uid}/telemetry", b'{"co2": "broken"}')

        async def three_co2_points() -> list[dict[str, object]]:
            series = await exported(victoria, uid)
            co2 = [s for s in series if s["metric"]["__name__"] == "co2_co2"]  # type: ignore[index]
            return series if co2 and len(co2[0]["values"]) == 3 else []  # type: ignore[arg-type]

        series = await eventually(three_co2_points, timeout=20, interval=0.3)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await forget_mqtt_session(local.mqtt_client_id)
    by_name = {s["metric"]["__name__"]: s for s in series}
    assert set(by_name) == {"co2_co2", "co2_temperature"}
    co2 = by_name["co2_co2"]
    assert co2["metric"]["uid"] == uid and co2["metric"]["type"] == "co2"
    assert co2["values"] == [700, 710, 720]
    assert co2["timestamps"] == [(base + v) * 1000 for v in (700, 710, 720)]


async def test_a_full_buffer_drops_the_oldest_tells_the_admins_once_and_resumes(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings, tmp_path: Path
) -> None:
    admin = 9_000_001
    async with sessions() as session:
        await UserRepository(session).upsert(
            admin, first_name="Root", last_name=None, username=None, language="en"
        )
        await session.commit()
    port = free_port()  # nothing listens here yet: InfluxDB is down
    url = f"http://127.0.0.1:{port}"
    wake = OutboxWakeup(redis, RedisKeys(settings.redis_prefix))
    notice = OverflowNotice(sessions, frozenset({admin, 9_000_002}), wake, url)
    exporter = InfluxExporter(url, "", "dozor", "telemetry", max_buffer=50, on_overflow=notice)
    base = int(time.time()) - 600

    def lines(first: int, last: int) -> list[str]:
        return [
            f"probe,uid=ovf,type=probe value={i}.0 {(base + i) * 10**9}" for i in range(first, last)
        ]

    exporter.offer(lines(0, 120))
    assert (exporter.dropped, exporter.buffered) == (70, 50)
    task = asyncio.create_task(exporter.run())
    server = victoria_server(tmp_path / "vm", port)
    try:
        notices = await eventually(lambda: _notices(sessions), timeout=10)
        exporter.offer(lines(120, 180))  # still failing: 10 more dropped, no second notice
        assert exporter.dropped == 80
        await server.start(port)
        await eventually(lambda: exporter.written == 100, timeout=30, interval=0.2)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await exporter.close()
    series = await exported(url, "ovf")
    await server.stop()
    values = series[0]["values"]
    assert isinstance(values, list)
    assert [int(v) for v in values] == [*range(70, 120), *range(130, 180)]
    assert len(notices) == 1 and notices[0].user_id == admin  # the other id never used the bot
    assert notices[0].payload["key"] == "notice-influx-overflow"
    assert notices[0].payload["args"] == {"dropped": "70", "url": url}
    assert len(await _notices(sessions)) == 1


async def _notices(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage))).all())


async def test_the_platform_point_counts_readings_alerts_and_delivery_lag(
    sessions: async_sessionmaker[AsyncSession], victoria: str
) -> None:
    device_id = (await add_device(sessions, unique_uid("co2_"))).device.id
    now = clock.now()
    async with sessions() as session, session.begin():
        await UserRepository(session).upsert(
            77, first_name="A", last_name=None, username=None, language="en"
        )
        await EpisodeRepository(session).open(
            device_id, Kind.HIGH, "co2", "warning", 1500, 1000, now - timedelta(seconds=20)
        )
        session.add(
            OutboxMessage(user_id=77, event="notice", severity="info", dedup_key="lag-1",
                          payload={}, status="sent", due_at=now - timedelta(seconds=10),
                          sent_at=now - timedelta(seconds=7))
        )  # fmt: skip
    exporter = InfluxExporter(victoria, "", "dozor", "telemetry")
    ingest, rejected = IngestStats(accepted=1000), Counter({"malformed_json": 3})
    stats = PlatformStats(sessions, exporter, "proc-a", ingest, rejected)
    ingest.accepted += 250  # what arrived since the previous point
    rejected["unknown_device"] += 2
    task = asyncio.create_task(exporter.run())
    try:
        figures = await stats.run()
        await eventually(lambda: exporter.written == 1, timeout=10)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await exporter.close()
    assert figures["readings"] == 250 and figures["rejected"] == 2
    assert figures["alerts_opened"] == 1 and figures["delivered"] == 1
    assert abs(figures["delivery_lag_max"] - 3.0) < 0.01

    async def names() -> set[str]:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{victoria}/internal/force_flush") as flushed:
                await flushed.read()
            params = {"match[]": '{instance="proc-a"}'}
            async with http.get(f"{victoria}/api/v1/export", params=params) as response:
                body = await response.text()
        return {json.loads(line)["metric"]["__name__"] for line in body.splitlines() if line}

    expected = {f"{PLATFORM_MEASUREMENT}_{field}" for field in PLATFORM_FIELDS}
    assert await eventually(lambda: _equal(names(), expected), timeout=10)


async def _equal(got: Awaitable[set[str]], expected: set[str]) -> bool:
    return await got == expected
