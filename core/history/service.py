"""History: compaction and retention of the rollups, and reading a metric at the right resolution.

- Minute rollups are written by ingest and kept `MINUTE_KEEP` (7 days).
- Hour rollups (count, min, max, sum, last) are computed from them and kept `HOUR_KEEP`
  (2 years). Each run recomputes from `RECOMPUTE` (3 h) before the previous run's mark up to
  now — the current hour included, so it is never more than a run behind — and moves the mark.
  Readings that arrive later than that for an older hour (a device that buffered for hours)
  stay in the minutes only.
- Daily energy (`energy_daily`): the energy meters' `…interval_import_energy` and
  `…interval_export_energy` summed per day in the platform's timezone (`TZ`), for the days
  the recompute window touches; kept as long as the device.
- Retention never deletes minutes the hours have not been computed from.
- The identities of readings stamped by their device (`reading_keys`, which keep a message
  sent again from being counted twice) are kept `READING_KEY_KEEP` (a day).

Every step is an upsert of values computed from scratch, so running it twice changes nothing;
a transaction-scoped advisory lock lets one instance work while the others skip the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.history.repository import HistoryRepository, Point, ReadingKeyRepository

MINUTE_KEEP: Final = timedelta(days=7)
HOUR_KEEP: Final = timedelta(days=730)
# How long the identity of a reading stamped by its device is kept: a message the broker sends
# again (a processor that was down) is recognised if it comes within this.
READING_KEY_KEEP: Final = timedelta(days=1)
RECOMPUTE: Final = timedelta(hours=3)
CATCH_UP: Final = timedelta(hours=48)  # the most minutes one run compacts (after downtime)
MINUTES_UP_TO: Final = timedelta(hours=48)  # longer ranges are read from the hours
MAX_DELETE_BATCHES: Final = 10
JOB: Final = "history.compact"
MARK: Final = "rollups_hour"


def floor_hour(at: datetime) -> datetime:
    """The start of `at`'s hour (UTC)."""
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@dataclass(slots=True)
class CompactReport:
    """What one run did (skipped: another instance held the lock)."""

    skipped: bool = False
    hours: int = 0
    days: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    mark: datetime | None = None


async def compact(
    sessions: async_sessionmaker[AsyncSession], now: datetime, tz: str
) -> CompactReport:
    """Compute hours and daily energy, then apply retention, in one transaction."""
    report = CompactReport()
    async with sessions() as session, session.begin():
        repo = HistoryRepository(session)
        if not await repo.try_lock(JOB):
            report.skipped = True
            return report
        mark = await repo.mark(MARK)
        first = await repo.first_minute()
        if mark is not None:
            start = floor_hour(mark - RECOMPUTE)
        elif first is not None:
            start = floor_hour(first)
        else:
            start = floor_hour(now)
        end = min(now, start + CATCH_UP) if mark is None or now - mark > CATCH_UP else now
        report.hours = await repo.compact_hours(start, end)
        zone = ZoneInfo(tz)
        first_day = datetime.combine(start.astimezone(zone).date(), time(), zone)
        report.days = await repo.compact_days(first_day, end, tz)
        await repo.set_mark(MARK, end)
        report.mark = end
        # minutes go once they are older than MINUTE_KEEP and folded into final hours
        horizon = min(now - MINUTE_KEEP, floor_hour(end - RECOMPUTE))
        for table, before in (("rollups_minute", horizon), ("rollups_hour", now - HOUR_KEEP)):
            total = 0
            for _ in range(MAX_DELETE_BATCHES):
                gone = await repo.drop_before(table, before)
                total += gone
                if gone == 0:
                    break
            report.deleted[table] = total
        keys, total = ReadingKeyRepository(session), 0
        for _ in range(MAX_DELETE_BATCHES):
            gone = await keys.prune(now - READING_KEY_KEEP)
            total += gone
            if gone == 0:
                break
        report.deleted["reading_keys"] = total
    return report


@dataclass(frozen=True, slots=True)
class Series:
    """A metric over a range: its buckets and their width."""

    resolution: timedelta
    points: list[Point]


async def series(
    session: AsyncSession,
    device_id: int,
    metric: str,
    start: datetime,
    end: datetime,
    now: datetime,
) -> Series:
    """Minutes for ranges up to 48 h that minutes still cover, hours otherwise."""
    repo = HistoryRepository(session)
    if end - start <= MINUTES_UP_TO and start >= now - MINUTE_KEEP:
        points = await repo.points("minute", device_id, metric, start, end)
        return Series(timedelta(minutes=1), points)
    points = await repo.points("hour", device_id, metric, floor_hour(start), end)
    return Series(timedelta(hours=1), points)


async def totals(
    session: AsyncSession,
    device_id: int,
    metrics: tuple[str, ...],
    start: datetime,
    end: datetime,
) -> dict[str, float]:
    """The sum of each metric over [start, end): final hours where they exist, minutes after.

    A `start` inside an hour (a timezone with a half-hour offset) is read from the minutes
    up to the next hour, while the minutes are kept.
    """
    history = HistoryRepository(session)
    mark = await history.mark(MARK)
    first_hour = floor_hour(start)
    if first_hour < start:
        first_hour += timedelta(hours=1)
    cut = floor_hour(mark - RECOMPUTE) if mark is not None else first_hour
    cut = min(max(cut, first_hour), end)
    parts = [await history.sums("minute", device_id, metrics, cut, end)]
    if cut > first_hour:
        parts.append(await history.sums("hour", device_id, metrics, first_hour, cut))
    if start < min(first_hour, end):
        parts.append(await history.sums("minute", device_id, metrics, start, min(first_hour, end)))
    out: dict[str, float] = {}
    for part in parts:
        for metric, value in part.items():
            out[metric] = out.get(metric, 0.0) + value
    return out
