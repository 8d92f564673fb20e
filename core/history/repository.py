"""All SQL for the rollup tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.history.models import MinuteRollup


@dataclass(frozen=True, slots=True)
class RollupDelta:
    """Aggregate of one batch for one device, metric and minute."""

    device_id: int
    metric: str
    minute: datetime
    count: int
    min: float
    max: float
    sum: float
    last: float
    last_at: datetime


_UPSERT = text("""
INSERT INTO rollups_minute AS r (device_id, metric, minute, count, min, max, sum, last, last_at)
SELECT v.* FROM unnest(CAST(:ids AS integer[]), CAST(:metrics AS text[]),
                       CAST(:minutes AS timestamptz[]), CAST(:counts AS integer[]),
                       CAST(:mins AS float8[]), CAST(:maxs AS float8[]), CAST(:sums AS float8[]),
                       CAST(:lasts AS float8[]), CAST(:last_ats AS timestamptz[]))
     AS v(device_id, metric, minute, count, min, max, sum, last, last_at)
-- a device removed since its readings arrived is skipped, not a failed batch
JOIN devices AS d ON d.id = v.device_id
ON CONFLICT (device_id, metric, minute) DO UPDATE SET
    count = r.count + excluded.count,
    min = LEAST(r.min, excluded.min),
    max = GREATEST(r.max, excluded.max),
    sum = r.sum + excluded.sum,
    last = CASE WHEN excluded.last_at >= r.last_at THEN excluded.last ELSE r.last END,
    last_at = GREATEST(r.last_at, excluded.last_at)
""")


class RollupRepository:
    """Writes and reads of per-minute rollups."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_deltas(self, deltas: Sequence[RollupDelta]) -> None:
        """Merge a batch's aggregates into the rollups in one statement."""
        if not deltas:
            return
        ordered = sorted(deltas, key=lambda d: (d.device_id, d.metric, d.minute))
        await self._session.execute(
            _UPSERT,
            {
                "ids": [d.device_id for d in ordered],
                "metrics": [d.metric for d in ordered],
                "minutes": [d.minute for d in ordered],
                "counts": [d.count for d in ordered],
                "mins": [d.min for d in ordered],
                "maxs": [d.max for d in ordered],
                "sums": [d.sum for d in ordered],
                "lasts": [d.last for d in ordered],
                "last_ats": [d.last_at for d in ordered],
            },
        )

    async def summary(
        self, device_ids: Sequence[int], start: datetime, end: datetime
    ) -> dict[int, dict[str, tuple[float, float, float]]]:
        """Min, max and mean of every metric of each device in [start, end)."""
        query = (
            select(
                MinuteRollup.device_id,
                MinuteRollup.metric,
                func.min(MinuteRollup.min),
                func.max(MinuteRollup.max),
                func.sum(MinuteRollup.sum) / func.sum(MinuteRollup.count),
            )
            .where(
                MinuteRollup.device_id.in_(device_ids),
                MinuteRollup.minute >= start,
                MinuteRollup.minute < end,
            )
            .group_by(MinuteRollup.device_id, MinuteRollup.metric)
        )
        out: dict[int, dict[str, tuple[float, float, float]]] = {}
        for device_id, metric, low, high, mean in (await self._session.execute(query)).all():
            out.setdefault(device_id, {})[metric] = (float(low), float(high), float(mean))
        return out

    async def minutes(
        self, device_id: int, metric: str, start: datetime, end: datetime
    ) -> Sequence[MinuteRollup]:
        """Return a device's minute rollups of one metric in [start, end)."""
        query = (
            select(MinuteRollup)
            .where(
                MinuteRollup.device_id == device_id,
                MinuteRollup.metric == metric,
                MinuteRollup.minute >= start,
                MinuteRollup.minute < end,
            )
            .order_by(MinuteRollup.minute)
        )
        return (await self._session.scalars(query)).all()

    async def totals(
        self, device_id: int, metrics: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, float]:
        """The sum of each metric's readings in [start, end) (e.g. energy per interval)."""
        query = (
            select(MinuteRollup.metric, func.sum(MinuteRollup.sum))
            .where(
                MinuteRollup.device_id == device_id,
                MinuteRollup.metric.in_(metrics),
                MinuteRollup.minute >= start,
                MinuteRollup.minute < end,
            )
            .group_by(MinuteRollup.metric)
        )
        return {
            metric: float(total) for metric, total in (await self._session.execute(query)).all()
        }
