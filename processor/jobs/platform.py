"""The platform's own figures as InfluxDB points (Grafana's platform dashboard), and the admins'
notice when the InfluxDB export overflows.

Every `PLATFORM_STATS_SECONDS` each processor instance writes one point of measurement
`PLATFORM_MEASUREMENT`, tagged with its MQTT client id, whose fields are `PLATFORM_FIELDS`:
readings accepted and messages rejected since the previous point, alert episodes opened in
that time (all instances see the same number), outbox messages pending now, messages sent
in that time with their mean and longest delivery lag (due → sent, seconds), and the export's
dropped and buffered points.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.alerts.repository import EpisodeRepository
from core.outbox.notices import notify_admins
from core.outbox.repository import OutboxRepository
from core.outbox.wakeup import OutboxWakeup
from processor.ingest.pipeline import IngestStats
from processor.sinks.influx import InfluxExporter

log = logging.getLogger(__name__)

PLATFORM_STATS_SECONDS: Final = 60
PLATFORM_MEASUREMENT: Final = "dozor_platform"
PLATFORM_FIELDS: Final = (
    "readings",
    "rejected",
    "alerts_opened",
    "outbox_pending",
    "delivered",
    "delivery_lag_mean",
    "delivery_lag_max",
    "influx_dropped",
    "influx_buffered",
)


def platform_line(instance: str, figures: dict[str, float], at: float) -> str:
    """One platform point as line protocol (every field a float, as the device points)."""
    fields = ",".join(f"{name}={float(figures[name])!r}" for name in PLATFORM_FIELDS)
    return f"{PLATFORM_MEASUREMENT},instance={instance} {fields} {int(at * 1e9)}"


class PlatformStats:
    """Writes the platform point of this instance."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        influx: InfluxExporter,
        instance: str,
        ingest: IngestStats,
        rejected: Counter[str],
    ) -> None:
        self._sessions = sessions
        self._influx = influx
        self._instance = instance
        self._ingest = ingest  # running totals, read at each point
        self._rejected = rejected
        self._last = self._totals()

    def _totals(self) -> tuple[int, int]:
        return self._ingest.accepted, sum(self._rejected.values())

    async def run(self) -> dict[str, float]:
        """Measure and queue one point; return its figures."""
        now = clock.now()
        since = now - timedelta(seconds=PLATFORM_STATS_SECONDS)
        async with self._sessions() as session:
            opened = await EpisodeRepository(session).count_opened(since)
            pending, sent, mean, longest = await OutboxRepository(session).delivery_figures(since)
        accepted, rejected = self._totals()
        figures = {
            "readings": accepted - self._last[0],
            "rejected": rejected - self._last[1],
            "alerts_opened": opened,
            "outbox_pending": pending,
            "delivered": sent,
            "delivery_lag_mean": mean,
            "delivery_lag_max": longest,
            "influx_dropped": self._influx.dropped,
            "influx_buffered": self._influx.buffered,
        }
        self._last = (accepted, rejected)
        self._influx.offer([platform_line(self._instance, figures, now.timestamp())])
        return {k: float(v) for k, v in figures.items()}


class OverflowNotice:
    """Tells the platform admins, once per overflow, that raw points are being dropped."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        admin_ids: frozenset[int],
        wake: OutboxWakeup,
        url: str,
    ) -> None:
        self._sessions = sessions
        self._admins = admin_ids
        self._wake = wake
        self._url = url

    async def __call__(self, dropped: int) -> None:
        """Stage the notice for every admin and wake the bot."""
        dedup = f"influx-overflow:{clock.now():%Y%m%dT%H%M%S}"
        async with self._sessions() as session:
            written = await notify_admins(
                session,
                self._admins,
                "notice-influx-overflow",
                dedup,
                dropped=str(dropped),
                url=self._url,
            )
            await session.commit()
        log.info("InfluxDB overflow: %d admin(s) told", written)
        if written:
            await self._wake()
