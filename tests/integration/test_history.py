"""History in PostgreSQL: hourly rollups and daily energy against the raw readings, retention,
runs repeated and concurrent, and the resolution a range is read at."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.history.models import DailyEnergy, HourRollup, MinuteRollup, ReadingKey
from core.history.repository import ReadingKeyRepository, RollupRepository
from core.history.service import compact, series, totals
from drivers.readings import Telemetry
from processor.ingest.batch import Batch
from tests.conftest import eventually
from tests.integration.helpers import add_device

NOW = datetime(2026, 11, 24, 15, 20, tzinfo=UTC)


async def ingest(
    sessions: async_sessionmaker[AsyncSession], device_id: int, readings: list[Telemetry]
) -> None:
    """Fold readings into minute rollups the way the processor's batches do."""
    batch = Batch()
    for reading in readings:
        batch.add_telemetry(device_id, reading)
    async with sessions() as session, session.begin():
        await RollupRepository(session).add_deltas(batch.counted().rollup_deltas())


def raw(start: datetime, hours: int, seed: int) -> list[Telemetry]:
    """Readings at random moments, about two a minute, with random values."""
    rng = random.Random(seed)
    at, end, out = start.timestamp(), (start + timedelta(hours=hours)).timestamp(), []
    while at < end:
        out.append(Telemetry("h", at, {"co2": round(rng.uniform(400, 2000), 1)}))
        at += rng.uniform(1, 60)
    return out


async def test_hours_match_the_raw_readings_and_a_second_run_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    device_id = (await add_device(sessions, "hist-1")).device.id
    readings = raw(NOW - timedelta(hours=5, minutes=20), 5, seed=1)
    rng = random.Random(2)
    await ingest(sessions, device_id, rng.sample(readings, len(readings)))  # any order
    report = await compact(sessions, NOW, "UTC")
    assert not report.skipped and report.mark == NOW

    async with sessions() as session:
        hours = {
            h.hour: h
            for h in await session.scalars(select(HourRollup).where(HourRollup.metric == "co2"))
        }
    by_hour: dict[datetime, list[Telemetry]] = {}
    for r in readings:
        hour = datetime.fromtimestamp(r.at, UTC).replace(minute=0, second=0, microsecond=0)
        by_hour.setdefault(hour, []).append(r)
    assert set(hours) == set(by_hour)
    for hour, group in by_hour.items():
        values = [r.metrics["co2"] for r in group]
        row = hours[hour]
        assert (row.count, row.min, row.max) == (len(values), min(values), max(values))
        assert abs(row.sum - sum(values)) < 1e-6
        assert row.last == max(group, key=lambda r: r.at).metrics["co2"]

    again = await compact(sessions, NOW, "UTC")
    assert again.hours == 0  # nothing differs, nothing rewritten


async def test_late_minutes_are_folded_in_and_concurrent_runs_agree(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    device_id = (await add_device(sessions, "hist-2")).device.id
    await ingest(sessions, device_id, raw(NOW - timedelta(hours=2), 1, seed=3))
    await compact(sessions, NOW - timedelta(minutes=50), "UTC")
    hour = NOW.replace(minute=0) - timedelta(hours=2)
    late = Telemetry("h", (hour + timedelta(minutes=59, seconds=30)).timestamp(), {"co2": 9999})
    await ingest(sessions, device_id, [late])
    reports = await asyncio.gather(*(compact(sessions, NOW, "UTC") for _ in range(4)))
    assert sum(not r.skipped for r in reports) >= 1  # the others skipped or found it done
    async with sessions() as session:
        row = await session.get(HourRollup, (device_id, "co2", hour))
    assert row is not None and row.max == 9999


async def test_retention_keeps_7_days_of_minutes_and_2_years_of_hours(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    device_id = (await add_device(sessions, "hist-3")).device.id
    old = [
        Telemetry("h", (NOW - timedelta(days=d)).timestamp(), {"co2": 500.0 + d})
        for d in (1, 6, 8, 30, 700)
    ]
    await ingest(sessions, device_id, old)
    await compact(sessions, NOW - timedelta(days=740), "UTC")  # the first run catches up 48 h
    for _ in range(400):  # catch up to now, 48 h per run, as a processor back after downtime
        report = await compact(sessions, NOW, "UTC")
        if report.mark == NOW:
            break
    async with sessions() as session:
        minutes = await session.scalar(select(func.count()).select_from(MinuteRollup))
        hours = list(await session.scalars(select(HourRollup.hour).order_by(HourRollup.hour)))
    assert minutes == 2  # 1 and 6 days old; 8, 30 and 700 are gone from the minutes
    assert [NOW - h > timedelta(days=730) for h in hours] == [False] * 5
    far = [Telemetry("h", (NOW - timedelta(days=731)).timestamp(), {"co2": 1.0})]
    await ingest(sessions, device_id, far)
    async with sessions() as session, session.begin():
        session.add(HourRollup(device_id=device_id, metric="co2", hour=NOW - timedelta(days=731),
                               count=1, min=1, max=1, sum=1, last=1,
                               last_at=NOW - timedelta(days=731)))  # fmt: skip
    await compact(sessions, NOW, "UTC")
    async with sessions() as session:
        hours_left = await session.scalar(select(func.count()).select_from(HourRollup))
        minutes_left = await session.scalar(select(func.count()).select_from(MinuteRollup))
    assert (hours_left, minutes_left) == (5, 2)


async def test_the_identities_of_readings_are_kept_a_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A day of keys says which readings were counted; older ones go with the history job."""
    device = random.randrange(2**30, 2**31)  # keys of no real device: other tests write theirs
    async with sessions() as session, session.begin():
        repo = ReadingKeyRepository(session)
        day_old = NOW - timedelta(hours=25)
        assert await repo.claim([(device, 10), (device, 11)], day_old) == {
            (device, 10),
            (device, 11),
        }
        assert await repo.claim([(device, 11), (device, 12)], NOW) == {(device, 12)}

    async def ran() -> bool:  # not skipped because another test's run held the lock
        return not (await compact(sessions, NOW, "UTC")).skipped

    await eventually(ran)
    async with sessions() as session:
        kept = await session.scalars(select(ReadingKey.key).where(ReadingKey.device_id == device))
        assert set(kept) == {12}


async def test_ranges_are_read_at_the_right_resolution_and_energy_is_summed_per_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    device_id = (await add_device(sessions, "hist-4", "shelly_pro3em")).device.id
    start = NOW - timedelta(days=3)
    readings = [
        Telemetry("h", (start + timedelta(minutes=m)).timestamp(),
                  {"total_act_power": 100.0 + m % 7, "interval_import_energy": 2.0})
        for m in range(0, 3 * 24 * 60, 5)
    ]  # fmt: skip
    await ingest(sessions, device_id, readings)
    for _ in range(3):
        await compact(sessions, NOW, "Europe/Warsaw")
    async with sessions() as session:
        day = await series(session, device_id, "total_act_power", NOW - timedelta(hours=24),
                           NOW, NOW)  # fmt: skip
        month = await series(session, device_id, "total_act_power", NOW - timedelta(days=30),
                             NOW, NOW)  # fmt: skip
        energy = {
            d.day: d.value
            for d in await session.scalars(
                select(DailyEnergy).where(DailyEnergy.metric == "interval_import_energy")
            )
        }
        whole = await totals(session, device_id, ("interval_import_energy",), start, NOW)
        split = await totals(session, device_id, ("interval_import_energy",),
                             start + timedelta(minutes=30), NOW)  # fmt: skip
    assert day.resolution == timedelta(minutes=1) and len(day.points) == 24 * 12
    # 72 h from 15:20: a partial hour at each end (8 and 4 readings), 12 an hour between
    assert month.resolution == timedelta(hours=1) and len(month.points) == 73
    assert [p.count for p in month.points] == [8] + [12] * 71 + [4]
    assert month.points[1].min == 100 and month.points[1].max == 106
    # 288 readings of 2 Wh a day; Warsaw days cut the 3 UTC days into 4 pieces
    assert sum(energy.values()) == 2.0 * len(readings)
    assert energy[date(2026, 11, 22)] == 2.0 * 288
    assert whole == {"interval_import_energy": 2.0 * len(readings)}
    assert split == {"interval_import_energy": 2.0 * (len(readings) - 6)}
