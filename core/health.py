"""Health of a process for the machines around it: `/healthz` (alive), `/readyz` (what it
depends on, each probed within a time limit; 503 naming the link that is down) and `/metrics`
(the Prometheus text format from a collector of the process's own counters)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)
CHECK_SECONDS: Final = 2.0  # a dependency slower than this to answer is not ready

Check = Callable[[], Awaitable[object]]


async def probe(checks: Mapping[str, Check], seconds: float = CHECK_SECONDS) -> dict[str, str]:
    """Each link's state, "ok" or "down" (failed, too slow, or answered False); a link
    that is down is logged with its reason."""
    names = list(checks)
    states = await asyncio.gather(*(_one(name, checks[name], seconds) for name in names))
    return dict(zip(names, states, strict=True))


async def _one(name: str, check: Check, seconds: float) -> str:
    try:
        answer = await asyncio.wait_for(check(), seconds)
    except Exception as err:  # noqa: BLE001 - any failure is "down", logged with its reason
        log.info("readiness: %s is down (%s)", name, err or type(err).__name__)
        return "down"
    return "ok" if answer is not False else "down"


class HealthRoutes:
    """The three endpoints of one process, added to an aiohttp application; `refresh` reads
    what its collector reports from elsewhere (a database) before each scrape."""

    def __init__(
        self,
        checks: Mapping[str, Check],
        collector: Collector,
        refresh: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._checks = checks
        self._refresh = refresh
        self._registry = CollectorRegistry(auto_describe=False)
        self._registry.register(collector)

    def add_routes(self, app: web.Application) -> None:
        """Serve `/healthz`, `/readyz` and `/metrics` from `app`."""
        app.router.add_get("/healthz", self._alive)
        app.router.add_get("/readyz", self._ready)
        app.router.add_get("/metrics", self._metrics)

    async def _alive(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _ready(self, _: web.Request) -> web.Response:
        links = await probe(self._checks)
        ready = all(state == "ok" for state in links.values())
        return web.json_response(links, status=200 if ready else 503)

    async def _metrics(self, _: web.Request) -> web.Response:
        if self._refresh is not None:
            await self._refresh()
        body = generate_latest(self._registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
