"""The processor's /healthz, /readyz and /metrics, through its real HTTP server."""

from __future__ import annotations

import asyncio
import re

import aiohttp
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.settings import Settings
from processor.app import run_processor
from tests.conftest import eventually, unique_uid
from tests.integration.helpers import add_device, rollup_count
from tests.integration.test_resilience import (  # noqa: F401 - the fixture, used by name
    LocalServer,
    _publish_to,
    free_port,
    private_broker,
)


async def _get(url: str) -> tuple[int, str]:
    connector = aiohttp.TCPConnector(force_close=True)  # nothing kept open after the test
    async with aiohttp.ClientSession(connector=connector) as http, http.get(url) as response:
        return response.status, await response.text()


def _metric(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert found is not None, f"{name} not in /metrics"
    return float(found[1])


async def test_health_readiness_follows_the_broker_and_metrics_count_ingest(
    settings: Settings,
    sessions: async_sessionmaker,  # type: ignore[type-arg]
    private_broker: tuple[LocalServer, int],  # noqa: F811 - the fixture
) -> None:
    broker, port = private_broker
    uid = unique_uid()
    device_id = (await add_device(sessions, uid)).device.id
    http_port = free_port()
    local = settings.model_copy(
        update={
            "mqtt_url": f"mqtt://127.0.0.1:{port}",
            "ota_http_host": "127.0.0.1",
            "ota_http_port": http_port,
        }
    )
    base = f"http://127.0.0.1:{http_port}"
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_processor(local, stop, ready))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        assert (await _get(f"{base}/healthz"))[0] == 200
        status, body = await eventually(lambda: _ready_now(base))
        assert '"postgresql": "ok"' in body and '"redis": "ok"' in body
        assert '"mqtt": "ok"' in body

        await _publish_to(port, f"devices/{uid}/telemetry", b'{"co2": 600}')
        await _publish_to(port, f"devices/{unique_uid()}/telemetry", b'{"co2": 1}')  # unknown
        await eventually(lambda: rollup_count(sessions, device_id, "co2"))
        _, metrics = await _get(f"{base}/metrics")
        assert _metric(metrics, "dozor_ingest_accepted_total") >= 1
        assert _metric(metrics, 'dozor_ingest_rejected_total{reason="unknown_device"}') >= 1
        assert _metric(metrics, "dozor_mqtt_connected") == 1.0
        assert "dozor_ingest_batch_seconds_total" in metrics

        # The broker goes away: alive still, not ready, and /readyz says which link.
        await broker.stop()
        status, body = await eventually(lambda: _not_ready_now(base))
        assert status == 503 and '"mqtt": "down"' in body and '"postgresql": "ok"' in body
        assert (await _get(f"{base}/healthz"))[0] == 200
        await broker.start(port)
        await eventually(lambda: _ready_now(base), timeout=30, interval=0.5)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def _ready_now(base: str) -> tuple[int, str] | None:
    status, body = await _get(f"{base}/readyz")
    return (status, body) if status == 200 else None


async def _not_ready_now(base: str) -> tuple[int, str] | None:
    status, body = await _get(f"{base}/readyz")
    return (status, body) if status == 503 else None
