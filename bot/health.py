"""The bot's health for the machines around it: `/healthz`, `/readyz`, `/metrics`.

Served on `BOT_HTTP_HOST:BOT_HTTP_PORT` (port 0: not at all):
- `GET /healthz` — 200 while the process answers;
- `GET /readyz` — 200 when PostgreSQL and Redis answer and the Telegram long poll is alive
  (a `getUpdates` answered within `poll_stale` seconds: a poll that stalled, or is answered
  409 because another instance polls the same token, makes it 503); the body names each link;
- `GET /metrics` — the Prometheus text format: Telegram calls by method and result, the
  outbox backlog and delivery lag (read from PostgreSQL at each scrape), the long poll's age.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.methods import GetUpdates
from aiohttp import web
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.health import Check, HealthRoutes
from core.outbox.repository import OutboxRepository

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod
    from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)
LAG_WINDOW: Final = timedelta(minutes=5)  # the delivery lag is of messages sent in this window


class TelegramCalls(BaseRequestMiddleware):
    """Counts every Bot API call by method and result, and when the long poll last got an
    answer."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.polled_at: float | None = None  # monotonic time of the last answered getUpdates
        self.poll_result = ""  # how the last getUpdates ended ("ok", "conflict", …)
        self.started_at = time.monotonic()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """Count the call and how it ended."""
        name = getattr(method, "__api_method__", type(method).__name__)
        polling = isinstance(method, GetUpdates)
        try:
            response = await make_request(bot, method)
        except TelegramNetworkError:
            self.calls[(name, "network")] += 1
            self.poll_result = "network" if polling else self.poll_result
            raise
        except TelegramAPIError as err:
            self.calls[(name, _result_of(err))] += 1
            self.poll_result = _result_of(err) if polling else self.poll_result
            raise
        self.calls[(name, "ok")] += 1
        if polling:
            self.polled_at = time.monotonic()
            self.poll_result = "ok"
        return response

    def poll_age(self) -> float:
        """Seconds since the long poll last got an answer (since start, before the first)."""
        return time.monotonic() - (self.polled_at or self.started_at)


def _result_of(err: TelegramAPIError) -> str:
    """A short word for how a call failed, from aiogram's error class.

    `conflict` (409: another instance polls), `forbidden` (blocked by the user),
    `retry_after` (a flood wait), `bad_request`, `server_error` and so on.
    """
    name = type(err).__name__.removeprefix("Telegram").removesuffix("Error") or "api"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class BotCounters(Collector):
    """What `/metrics` reports: the calls as counted, the outbox as last read."""

    def __init__(self, calls: TelegramCalls) -> None:
        self._calls = calls
        self.outbox: tuple[int, int, float, float] = (0, 0, 0.0, 0.0)

    def collect(self) -> Iterator[Metric]:
        """The metric families, as they stand now."""
        calls = CounterMetricFamily(
            "dozor_telegram_calls",
            "Bot API calls by method and result",
            labels=["method", "result"],
        )
        for (method, result), count in sorted(self._calls.calls.items()):
            calls.add_metric([method, result], count)
        yield calls
        yield GaugeMetricFamily(
            "dozor_telegram_poll_age_seconds",
            "Seconds since the long poll last got an answer",
            value=self._calls.poll_age(),
        )
        pending, sent, mean, longest = self.outbox
        yield GaugeMetricFamily("dozor_outbox_pending", "Messages waiting in the outbox", pending)
        yield GaugeMetricFamily(
            "dozor_outbox_sent_recently", "Messages sent in the last 5 minutes", sent
        )
        yield GaugeMetricFamily(
            "dozor_outbox_lag_seconds", "Mean lag from due to sent, last 5 minutes", mean
        )
        yield GaugeMetricFamily(
            "dozor_outbox_lag_max_seconds", "Longest lag from due to sent, last 5 minutes", longest
        )


class BotHealth:
    """The bot's HTTP server with the three endpoints."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        checks: dict[str, Check],
        calls: TelegramCalls,
        poll_stale: float,
    ) -> None:
        self._sessions = sessions
        self._calls = calls
        self._poll_stale = poll_stale
        self._counters = BotCounters(calls)
        self._routes = HealthRoutes(
            {**checks, "telegram": self._polling}, self._counters, self._read_outbox
        )
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> bool:
        """Listen; False (logged) when the port is taken."""
        app = web.Application()
        self._routes.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, host, port).start()
        except OSError as err:
            log.warning("bot health server not started on port %d: %s", port, err)
            await self.stop()
            return False
        log.info("bot health served on %s:%d", host, port)
        return True

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _polling(self) -> bool:
        return self._calls.poll_age() < self._poll_stale

    async def _read_outbox(self) -> None:
        """The outbox figures for this scrape (when unreadable, the last ones stand)."""
        try:
            async with self._sessions() as session:
                since = clock.now() - LAG_WINDOW
                self._counters.outbox = await OutboxRepository(session).delivery_figures(since)
        except Exception as err:  # noqa: BLE001 - the rest is served all the same
            log.info("metrics: the outbox figures could not be read (%s)", err)
