"""Raw points reach InfluxDB's write API (VictoriaMetrics speaks the same /api/v2/write)."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.settings import Settings
from processor.app import run_processor
from tests.conftest import eventually, forget_mqtt_session, publish, unique_uid
from tests.integration.helpers import add_device
from tests.integration.test_resilience import LocalServer, free_port


@pytest.fixture
async def victoria(tmp_path: Path) -> AsyncIterator[str]:
    binary = shutil.which("victoria-metrics")
    if binary is None:
        pytest.fail("victoria-metrics is not installed; ./start.sh test installs it")
    port = free_port()
    server = LocalServer(
        [
            binary,
            f"-httpListenAddr=127.0.0.1:{port}",
            f"-storageDataPath={tmp_path / 'vm'}",
            "-search.latencyOffset=0s",
        ]
    )
    await server.start(port)
    yield f"http://127.0.0.1:{port}"
    await server.stop()


async def exported(base: str, uid: str) -> list[dict[str, object]]:
    async with aiohttp.ClientSession() as http:
        await http.get(f"{base}/internal/force_flush")
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
