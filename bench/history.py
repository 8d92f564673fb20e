"""History figures: the compaction, reading 30 days and 24 hours of one device's metric,
rendering those charts, and the InfluxDB export's throughput.

    .venv/bin/python bench/history.py [--days 30] [--queries 50] [--points 200000]

One device gets --days days of minute rollups of one metric (what one reading a minute
leaves) in the bench database; the compaction job computes the hours (catching up 48 h per
run, as after a long downtime); then the series a chart of 30 days (hours) and of 24 h
(minutes) reads are each queried --queries times (real PostgreSQL), and each chart is
rendered to PNG --queries times (the bot's renderer: matplotlib Agg, 1260 × 700 px).
Last, --points raw points go through the exporter (influxdb-client's async write API,
5,000 a request) to a VictoriaMetrics started on a free loopback port, which speaks
InfluxDB's /api/v2/write; the figure is points per second until the last is acknowledged.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.control import percentile  # noqa: E402
from bench.stack import DB_URL, prepare_database  # noqa: E402
from bot.i18n import translator  # noqa: E402
from bot.render.chart import draw  # noqa: E402
from bot.render.history import chart_texts  # noqa: E402
from core.db import make_engine, make_session_factory  # noqa: E402
from core.devices.models import Device  # noqa: E402
from core.devices.service import provision  # noqa: E402
from core.history.models import JobMark  # noqa: E402
from core.history.repository import RollupDelta, RollupRepository  # noqa: E402
from core.history.service import MARK, Series, compact, series  # noqa: E402
from core.history.views import DeviceSeries, History, Span, Window  # noqa: E402
from processor.sinks.influx import InfluxExporter  # noqa: E402

METRIC = "co2"


def minutes(device_id: int, start: datetime, count: int) -> list[RollupDelta]:
    """One reading a minute with a daily wave."""
    out = []
    for m in range(count):
        at = (start + timedelta(minutes=m)).timestamp()
        value = 600 + 300 * ((m % 1440) / 1440)
        out.append(RollupDelta(device_id, METRIC, at, 1, value, value, value, value, at))
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--points", type=int, default=200_000)
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
            for _ in range(args.queries):
                t0 = time.perf_counter()
                async with sessions() as session:
                    got = await series(session, device_id, METRIC, now - since, now, now)
                samples.append(time.perf_counter() - t0)
            print_figures(f"series of {label}, {len(got.points)} points", samples)
            await chart_figures(sessions, device_id, got, since, now, args.queries)
    finally:
        async with sessions() as session, session.begin():
            await session.execute(delete(Device).where(Device.uid == uid))
        await engine.dispose()
    await influx_throughput(args.points)


async def chart_figures(
    sessions: async_sessionmaker[AsyncSession],
    device_id: int,
    got: Series,
    since: timedelta,
    now: datetime,
    runs: int,
) -> None:
    """Render the chart of a series `runs` times and print the times."""
    async with sessions() as session:
        device = await session.get(Device, device_id)
    assert device is not None
    history = History(
        METRIC,
        "ppm",
        Window(now - since, now, Span.D30 if since.days else Span.H24),
        [DeviceSeries(device, got.resolution, got.points, [("threshold_high", 1000.0)], [])],
        device_id,
    )
    texts = chart_texts(history, translator("en"), UTC)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        chart = draw(history, UTC, texts)
        samples.append(time.perf_counter() - t0)
    print_figures(f"chart of {len(got.points)} points, {len(chart.png) // 1024} KiB PNG", samples)


def print_figures(label: str, samples: list[float]) -> None:
    """Print median and 99th percentile of `samples` (seconds) in milliseconds."""
    print(
        f"{label}: p50 {statistics.median(samples) * 1000:.1f} ms,"
        f" p99 {percentile(samples, 0.99) * 1000:.1f} ms over {len(samples)} runs"
    )


async def influx_throughput(count: int) -> None:
    """Export `count` points to a private VictoriaMetrics and print points per second."""
    binary = shutil.which("victoria-metrics")
    if binary is None:
        print("InfluxDB export: skipped, victoria-metrics is not installed (./start.sh test does)")
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    with tempfile.TemporaryDirectory() as data:
        server = await asyncio.create_subprocess_exec(
            binary, f"-httpListenAddr=127.0.0.1:{port}", f"-storageDataPath={data}",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        exporter = InfluxExporter(f"http://127.0.0.1:{port}", "", "dozor", "telemetry")
        try:
            await asyncio.sleep(1.5)  # let it listen
            start = int(time.time()) - 86_400
            lines = [
                f"co2,uid=bench-{i % 500},type=co2 co2={600 + i % 900}.0,temperature=21.5"
                f" {(start + i // 500) * 10**9}"
                for i in range(count)
            ]
            writer = asyncio.create_task(exporter.run())
            t0 = time.perf_counter()
            exporter.offer(lines)
            while exporter.written < count:  # noqa: ASYNC110 - polls a plain counter
                await asyncio.sleep(0.01)
            took = time.perf_counter() - t0
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
            print(
                f"InfluxDB export to VictoriaMetrics: {count:,} points (2 fields each) in"
                f" {took:.2f} s = {count / took:,.0f} points/s; dropped {exporter.dropped}"
            )
        finally:
            await exporter.close()
            server.kill()
            await server.wait()


if __name__ == "__main__":
    asyncio.run(main())
