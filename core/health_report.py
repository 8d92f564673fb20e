"""What each processor instance reports of its links, for the bot's /health card and the
admins' "down" and "back" messages.

Every few seconds a processor writes its report into a Redis hash (one field per instance);
the bot reads the hash. A report older than `STALE_SECONDS` is not believed: that processor
is not reporting (stopped, or Redis unreachable from it).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import orjson
from redis.asyncio import Redis

from core.redis_keys import RedisKeys

log = logging.getLogger(__name__)
STALE_SECONDS: Final = 20.0
FORGET_SECONDS: Final = 3600.0  # a report this old is deleted (an instance gone for good)


@dataclass(frozen=True, slots=True)
class ProcessorReport:
    """One processor instance's links and figures at `at` (Unix seconds)."""

    instance: str
    at: float
    # Each link it depends on, up or not: mqtt, postgresql, redis, influx (when configured).
    links: dict[str, bool] = field(default_factory=dict)
    panels_total: int = 0  # alarm panels there are
    panels_held: int = 0  # held by this instance
    panels_connected: int = 0  # of those, connected now
    panels_busy: list[str] = field(default_factory=list)  # uids taken by another client
    shelly_on_http: int = 0  # Shelly devices polled over HTTP (their MQTT silent)
    ingest_per_second: float = 0.0  # messages written, over the last report interval
    rejected_per_minute: float = 0.0
    rejected_total: int = 0

    def encode(self) -> bytes:
        """The report as stored."""
        return orjson.dumps(asdict(self))

    @classmethod
    def decode(cls, raw: bytes | str) -> ProcessorReport | None:
        """A stored report; None when it is not one (written by another version)."""
        try:
            body: Any = orjson.loads(raw)
            return cls(**body) if isinstance(body, dict) else None
        except (orjson.JSONDecodeError, TypeError):
            return None


class HealthReports:
    """The hash of reports in Redis."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def write(self, report: ProcessorReport) -> None:
        """Store an instance's latest report."""
        await self._redis.hset(self._keys.health_reports, report.instance, report.encode())

    async def read(self, now: float) -> list[ProcessorReport]:
        """Every instance's latest report, fresh or not; long-gone instances are forgotten."""
        raw = await self._redis.hgetall(self._keys.health_reports)
        reports, gone = [], []
        for instance, body in raw.items():
            report = ProcessorReport.decode(body)
            if report is None or now - report.at > FORGET_SECONDS:
                gone.append(instance)
            else:
                reports.append(report)
        if gone:
            await self._redis.hdel(self._keys.health_reports, *gone)
        return sorted(reports, key=lambda r: r.instance)
