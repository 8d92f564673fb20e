"""All SQL for the rollup tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.history.models import HourRollup, IngestSlot, JobMark, MinuteRollup, MqttReceipt


@dataclass(slots=True)  # not frozen: thousands are made per batch, and a frozen one is slow
class RollupDelta:
    """Aggregate of one batch for one device, metric and minute (times in Unix seconds:
    ingest makes thousands a second, and PostgreSQL converts them faster than Python)."""

    device_id: int
    metric: str
    minute: float
    count: int
    min: float
    max: float
    sum: float
    last: float
    last_at: float


_UPSERT = text("""
INSERT INTO rollups_minute AS r (device_id, metric, minute, count, min, max, sum, last, last_at)
SELECT v.device_id, v.metric, to_timestamp(v.minute), v.count, v.min, v.max, v.sum, v.last,
       to_timestamp(v.last_at)
FROM unnest(CAST(:ids AS integer[]), CAST(:metrics AS text[]), CAST(:minutes AS float8[]),
            CAST(:counts AS integer[]), CAST(:mins AS float8[]), CAST(:maxs AS float8[]),
            CAST(:sums AS float8[]), CAST(:lasts AS float8[]), CAST(:last_ats AS float8[]))
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

    async def earliest(
        self, device_ids: Sequence[int], metric: str, since: datetime
    ) -> datetime | None:
        """The first minute since `since` in which any of the devices reported `metric`."""
        if not device_ids:
            return None
        query = select(func.min(MinuteRollup.minute)).where(
            MinuteRollup.device_id.in_(list(device_ids)),
            MinuteRollup.metric == metric,
            MinuteRollup.minute >= since,
        )
        found: datetime | None = await self._session.scalar(query)
        return found

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


# -- the identities of readings counted lately --------------------------------------------------

_CLAIM_KEYS = text("""
INSERT INTO reading_keys (device_id, key, seen_at)
SELECT v.device_id, v.key, :now
FROM unnest(CAST(:ids AS integer[]), CAST(:keys AS bigint[])) AS v(device_id, key)
ON CONFLICT (device_id, key) DO NOTHING
RETURNING device_id, key
""")


_RECEIPTS = text("""
INSERT INTO mqtt_receipts AS r (client_id, packet_id, key)
SELECT :client, v.packet_id, v.key
FROM unnest(CAST(:packets AS integer[]), CAST(:keys AS bigint[])) AS v(packet_id, key)
ON CONFLICT (client_id, packet_id) DO UPDATE SET key = excluded.key
""")


_PRUNE_KEYS = text(
    "DELETE FROM reading_keys WHERE ctid = ANY(ARRAY("
    "SELECT ctid FROM reading_keys WHERE seen_at < :before LIMIT :limit))"
)


class ReadingKeyRepository:
    """Which readings stamped by their device were counted already (`reading_keys`)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, keys: Sequence[tuple[int, int]], now: datetime) -> set[tuple[int, int]]:
        """Record the keys (device id, key); return those not recorded before. Taken in one
        order, so that two instances claiming the same keys never deadlock."""
        if not keys:
            return set()
        ordered = sorted(set(keys))
        rows = await self._session.execute(
            _CLAIM_KEYS,
            {"ids": [k[0] for k in ordered], "keys": [k[1] for k in ordered], "now": now},
        )
        return {(int(device_id), int(key)) for device_id, key in rows.all()}

    async def prune(self, before: datetime, limit: int = 20_000) -> int:
        """Forget up to `limit` keys recorded before `before`; return how many."""
        result = await self._session.execute(_PRUNE_KEYS, {"before": before, "limit": limit})
        return int(getattr(result, "rowcount", 0) or 0)


class MqttReceiptRepository:
    """Which message each packet id of the ingest's MQTT session carried (`mqtt_receipts`)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, client_id: str, receipts: Sequence[tuple[int, int, bool]]) -> set[int]:
        """Record which message (key) each packet id (`packet_id, key, resent`) of the client's
        session carried; return the resent packet ids that carried the same message before."""
        if not receipts:
            return set()
        resent = [packet for packet, _, again in receipts if again]
        before: dict[int, int] = {}
        if resent:
            rows = await self._session.execute(
                select(MqttReceipt.packet_id, MqttReceipt.key).where(
                    MqttReceipt.client_id == client_id, MqttReceipt.packet_id.in_(resent)
                )
            )
            before = {int(packet): int(key) for packet, key in rows.all()}
        last = {packet: key for packet, key, _ in receipts}  # in packet order: a fixed lock order
        await self._session.execute(
            _RECEIPTS,
            {"client": client_id, "packets": sorted(last), "keys": [last[p] for p in sorted(last)]},
        )
        return {packet for packet, key, again in receipts if again and before.get(packet) == key}


class IngestSlotRepository:
    """The ingest slots whose MQTT sessions the broker keeps (`ingest_slots`)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def taken(self, deployment: str, slot: int, client_id: str, at: datetime) -> None:
        """Record that slot `slot` of `deployment` (session `client_id`) was taken `at`."""
        query = insert(IngestSlot).values(
            client_id=client_id, deployment=deployment, slot=slot, taken_at=at
        )
        await self._session.execute(
            query.on_conflict_do_update(
                index_elements=[IngestSlot.client_id], set_={"taken_at": query.excluded.taken_at}
            )
        )

    async def beyond(self, deployment: str, slots: int) -> list[tuple[int, str]]:
        """The slots of `deployment` numbered above `slots`: (slot, client id)."""
        rows = await self._session.execute(
            select(IngestSlot.slot, IngestSlot.client_id)
            .where(IngestSlot.deployment == deployment, IngestSlot.slot > slots)
            .order_by(IngestSlot.slot)
        )
        return [(int(slot), str(client_id)) for slot, client_id in rows.all()]

    async def forget(self, client_id: str) -> None:
        """Forget a slot whose session was ended."""
        await self._session.execute(delete(IngestSlot).where(IngestSlot.client_id == client_id))


# -- hours, days, retention ---------------------------------------------------------------------

_COMPACT_HOURS = text("""
INSERT INTO rollups_hour AS h (device_id, metric, hour, count, min, max, sum, last, last_at)
SELECT device_id, metric, date_trunc('hour', minute, 'UTC'), sum(count), min(min), max(max),
       sum(sum), (array_agg(last ORDER BY last_at DESC))[1], max(last_at)
FROM rollups_minute
WHERE minute >= :start AND minute < :end
GROUP BY device_id, metric, date_trunc('hour', minute, 'UTC')
ON CONFLICT (device_id, metric, hour) DO UPDATE SET
    count = excluded.count, min = excluded.min, max = excluded.max, sum = excluded.sum,
    last = excluded.last, last_at = excluded.last_at
WHERE (h.count, h.min, h.max, h.sum, h.last_at)
      IS DISTINCT FROM (excluded.count, excluded.min, excluded.max, excluded.sum, excluded.last_at)
""")

ENERGY_METRICS = r"interval_(import|export)_energy$"  # energy since the previous counters, Wh

_COMPACT_DAYS = text("""
INSERT INTO energy_daily AS e (device_id, metric, day, value)
SELECT device_id, metric, (minute AT TIME ZONE :tz)::date, sum(sum)
FROM rollups_minute
WHERE minute >= :start AND minute < :end AND metric ~ :pattern
GROUP BY device_id, metric, (minute AT TIME ZONE :tz)::date
ON CONFLICT (device_id, metric, day) DO UPDATE SET value = excluded.value
WHERE e.value IS DISTINCT FROM excluded.value
""")

_DELETE_BATCH = 20_000
_RETENTION = {
    "rollups_minute": text(
        "DELETE FROM rollups_minute WHERE ctid = ANY(ARRAY("
        "SELECT ctid FROM rollups_minute WHERE minute < :before LIMIT :limit))"
    ),
    "rollups_hour": text(
        "DELETE FROM rollups_hour WHERE ctid = ANY(ARRAY("
        "SELECT ctid FROM rollups_hour WHERE hour < :before LIMIT :limit))"
    ),
}


Resolution = Literal["minute", "hour"]
_BUCKETS: Final[dict[str, tuple[type[MinuteRollup] | type[HourRollup], Any]]] = {
    "minute": (MinuteRollup, MinuteRollup.minute),
    "hour": (HourRollup, HourRollup.hour),
}


@dataclass(frozen=True, slots=True)
class Point:
    """One bucket of a series: its start, count, min, max, mean and last value."""

    at: datetime
    count: int
    min: float
    max: float
    mean: float
    last: float


class HistoryRepository:
    """Compaction, retention and reading of the minute and hour rollups and daily energy."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def latest_values(self, since: datetime) -> list[tuple[int, str, float, datetime]]:
        """Each device's latest value of each metric since `since`: (device id, metric, value,
        when), from the hour rollups and, fresher, the minute rollups."""
        rows: dict[tuple[int, str], tuple[float, datetime]] = {}
        for model, column in ((HourRollup, HourRollup.hour), (MinuteRollup, MinuteRollup.minute)):
            query = (
                select(model.device_id, model.metric, model.last, model.last_at)
                .where(column >= since)
                .order_by(model.device_id, model.metric, column.desc())
                .ext(distinct_on(model.device_id, model.metric))
            )
            for device_id, metric, last, last_at in (await self._session.execute(query)).all():
                known = rows.get((device_id, metric))
                if known is None or last_at >= known[1]:
                    rows[(device_id, metric)] = (float(last), last_at)
        return [(d, m, value, at) for (d, m), (value, at) in rows.items()]

    async def try_lock(self, name: str) -> bool:
        """Take a transaction-scoped advisory lock for a job; False if another holds it."""
        return bool(
            await self._session.scalar(
                text("SELECT pg_try_advisory_xact_lock(hashtext(:name))"), {"name": name}
            )
        )

    async def mark(self, name: str) -> datetime | None:
        """How far a job got."""
        return await self._session.scalar(select(JobMark.at).where(JobMark.name == name))

    async def set_mark(self, name: str, at: datetime) -> None:
        """Move a job's mark."""
        await self._session.execute(
            text(
                "INSERT INTO job_marks (name, at) VALUES (:name, :at) "
                "ON CONFLICT (name) DO UPDATE SET at = excluded.at"
            ),
            {"name": name, "at": at},
        )

    async def first_minute(self) -> datetime | None:
        """The oldest minute rollup."""
        return await self._session.scalar(select(func.min(MinuteRollup.minute)))

    async def compact_hours(self, start: datetime, end: datetime) -> int:
        """(Re)compute the hours of [start, end) from the minutes; return rows written."""
        result = await self._session.execute(_COMPACT_HOURS, {"start": start, "end": end})
        return int(getattr(result, "rowcount", 0) or 0)

    async def compact_days(self, start: datetime, end: datetime, tz: str) -> int:
        """(Re)compute daily energy of the local days in [start, end); return rows written."""
        result = await self._session.execute(
            _COMPACT_DAYS, {"start": start, "end": end, "tz": tz, "pattern": ENERGY_METRICS}
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def drop_before(self, table: str, before: datetime) -> int:
        """Delete up to one batch of `table`'s rows older than `before`; return how many."""
        result = await self._session.execute(
            _RETENTION[table], {"before": before, "limit": _DELETE_BATCH}
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def points(
        self, resolution: Resolution, device_id: int, metric: str, start: datetime, end: datetime
    ) -> list[Point]:
        """Buckets of one metric whose start is in [start, end), oldest first."""
        table, bucket = _BUCKETS[resolution]
        rows = await self._session.execute(
            select(bucket, table.count, table.min, table.max, table.sum, table.last)
            .where(
                table.device_id == device_id,
                table.metric == metric,
                bucket >= start,
                bucket < end,
            )
            .order_by(bucket)
        )
        return [Point(at, n, lo, hi, total / n, last) for at, n, lo, hi, total, last in rows]

    async def sums(
        self,
        resolution: Resolution,
        device_id: int,
        metrics: Sequence[str],
        start: datetime,
        end: datetime,
    ) -> dict[str, float]:
        """The sum of each metric's readings over the buckets starting in [start, end)."""
        table, bucket = _BUCKETS[resolution]
        query = (
            select(table.metric, func.sum(table.sum))
            .where(
                table.device_id == device_id,
                table.metric.in_(metrics),
                bucket >= start,
                bucket < end,
            )
            .group_by(table.metric)
        )
        return {m: float(t) for m, t in (await self._session.execute(query)).all()}
