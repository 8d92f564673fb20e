"""History figures: reading 30 days and 24 hours of one device's metric, and the compaction.

    .venv/bin/python bench/history.py [--days 30] [--queries 50]

One device gets --days days of minute rollups of one metric (what one reading a minute
leaves) in the bench database; the compaction job computes the hours (catching up 48 h per
run, as after a long downtime); then the series a chart of 30 days (hours) and of 24 h
(minutes) reads are each queried --queries times. Real PostgreSQL.

Chart rendering and the InfluxDB export figures of issue 7 are not measured yet.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.control import percentile  # noqa: E402
from bench.stack import DB_URL, prepare_database  # noqa: E402
from core.db import make_engine, make_session_factory  # noqa: E402
from core.devices.models import Device  # noqa: E402
from core.devices.service import provision  # noqa: E402
from core.history.models import JobMark  # noqa: E402
from core.history.repository import RollupDelta, RollupRepository  # noqa: E402
from core.history.service import MARK, compact, series  # noqa: E402

METRIC = "co2"


def minutes(device_id: int, start: datetime, count: int) -> list[RollupDelta]:
    """One reading a minute with a daily wave."""
    out = []
    for m in range(count):
        at = start + timedelta(minutes=m)
        value = 600 + 300 * ((m % 1440) / 1440)
        out.append(RollupDelta(device_id, METRIC, at, 1, value, value, value, value, at))
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    await prepare_database()
    engine = make_engine(DB_URL)
    sessions = make_session_factory(engine)
    uid = f"hist-b{uuid.uuid4().hex[:6]}"
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(days=args.days)
    try:
        async with sessions() as session:
            device_id = (await provision(session, uid, "co2")).device.id
        rows = minutes(device_id, start, args.days * 1440)
        for i in range(0, len(rows), 10_000):
            async with sessions() as session, session.begin():
                await RollupRepository(session).add_deltas(rows[i : i + 10_000])
        async with sessions() as session, session.begin():  # compact from this device's start
            await session.execute(delete(JobMark).where(JobMark.name == MARK))
            session.add(JobMark(name=MARK, at=start))
        began, runs = time.perf_counter(), 0
        while True:
            report = await compact(sessions, now, "UTC")
            runs += 1
            if report.mark == now:
                break
        took = time.perf_counter() - began
        print(f"compaction of {len(rows):,} minute rows: {runs} runs in {took:.1f} s")
        ranges = {"30 days (hours)": timedelta(days=30), "24 h (minutes)": timedelta(hours=24)}
        for label, since in ranges.items():
            samples = []
            count = 0
            for _ in range(args.queries):
                t0 = time.perf_counter()
                async with sessions() as session:
                    got = await series(session, device_id, METRIC, now - since, now, now)
                samples.append(time.perf_counter() - t0)
                count = len(got.points)
            print(
                f"series of {label}, {count} points: p50 {statistics.median(samples) * 1000:.1f}"
                f" ms, p99 {percentile(samples, 0.99) * 1000:.1f} ms over {args.queries} queries"
            )
    finally:
        async with sessions() as session, session.begin():
            await session.execute(delete(Device).where(Device.uid == uid))
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
