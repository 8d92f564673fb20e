"""Ingest benchmark: simulated devices publish through the real broker into one processor.

Prints the sustained rate written through to PostgreSQL and Redis, the publish → live-state
latency (p50/p99) at half that rate (or `--latency-rate`), and the processor's peak RSS.

    .venv/bin/python bench/ingest.py [--devices 200] [--messages 100000] [--publishers 2]

Uses the local PostgreSQL and Redis (its own database `dozor_bench` and Redis prefix) and
starts its own Mosquitto on a free port with the production settings of deploy/mosquitto.conf
(the Debian default of max_queued_messages 1000 drops QoS 1 messages for a subscriber that
falls behind during a burst). The processor runs as a separate process, like in production.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import orjson
import paho.mqtt.client as mqtt
import psutil
from paho.mqtt.enums import CallbackAPIVersion
from redis.asyncio import Redis
from sqlalchemy import delete, func, make_url, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.broker import (  # noqa: E402
    DEVICES_PASSWORD,
    DEVICES_USER,
    processor_url,
    start_broker,
)
from cli.main import migrate  # noqa: E402
from core.db import ensure_database, make_engine, make_session_factory  # noqa: E402
from core.devices.models import Device  # noqa: E402
from core.devices.service import provision  # noqa: E402
from core.history.models import MinuteRollup  # noqa: E402
from core.redis_keys import RedisKeys  # noqa: E402
from core.settings import Settings  # noqa: E402

BASE_URL = os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/dozor")
DB_URL = make_url(BASE_URL).set(database="dozor_bench").render_as_string(hide_password=False)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
MQTT_HOST = "127.0.0.1"
MQTT_PORT = 0  # set in main() from start_broker()


def publish_worker(
    uids: list[str], count: int, rate: float, start_at: float, seq0: int, seed: bool
) -> None:
    """Publish `count` messages round-robin over `uids` at `rate`/s (0: as fast as possible);
    `seed`: in the seed devices' format (with `device_uid`, temperature and humidity)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-{uuid.uuid4().hex[:8]}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.username_pw_set(DEVICES_USER, DEVICES_PASSWORD)
    client.connect(MQTT_HOST, MQTT_PORT)
    client.loop_start()
    while time.time() < start_at:
        time.sleep(0.001)
    info = None
    began = time.perf_counter()
    for i in range(count):
        if rate:
            due = began + i / rate
            while time.perf_counter() < due:
                time.sleep(0.0005)
        uid = uids[i % len(uids)]
        # The timestamp is the send time: the live-state event carries it back as `at`.
        reading: dict[str, object] = {"co2": 400 + (i % 1000), "timestamp": time.time()}
        if seed:
            reading.update(device_uid=uid, temperature=21.5, humidity=40)
        body = orjson.dumps(reading)
        info = client.publish(f"devices/{uid}/telemetry", body, qos=1)
    if info is not None:
        info.wait_for_publish(120)
    client.loop_stop()
    client.disconnect()


def run_publishers(
    uids: list[str], total: int, workers: int, rate: float, seq0: int, seed: bool = False
) -> float:
    """Publish `total` messages from `workers` processes; return when the last one is acked."""
    start_at = time.time() + 1.0
    share = total // workers
    procs = [
        multiprocessing.Process(
            target=publish_worker,
            args=(uids[w::workers], share, rate / workers, start_at, seq0 + w * share, seed),
        )
        for w in range(workers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    return start_at


async def rollup_total(sessions, ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(MinuteRollup.count), 0)).where(
                MinuteRollup.device_id.in_(ids), MinuteRollup.metric == "co2"
            )
        )
    return int(total or 0)


class RssWatcher:
    """Sample a process's resident set size in the background."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            await asyncio.sleep(0.1)

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())


async def measure_latency(
    redis: Redis, keys: RedisKeys, stop: asyncio.Event, uids: set[str] | None = None
) -> list[float]:
    """Publish → live state latency of every reading announced (of `uids` only, if given)."""
    latencies: list[float] = []
    async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
        await pubsub.subscribe(keys.events_channel)
        while not stop.is_set():
            message = await pubsub.get_message(timeout=0.1)
            if message is None:
                continue
            now = time.time()
            for event in orjson.loads(message["data"]).get("events", []):
                if event.get("at") and (uids is None or event.get("uid") in uids):
                    latencies.append(now - event["at"])
    return latencies


async def measure_sink(uids: list[str], args: argparse.Namespace, prefix: str, seed: bool) -> float:
    """Run `bench/sink.py` on the same broker and publish the same load; return its rate."""
    argv = [sys.executable, str(ROOT / "bench" / "sink.py"), processor_url(MQTT_PORT), DB_URL]
    sink = subprocess.Popen([*argv, REDIS_URL, prefix])  # noqa: S603
    conn = await asyncpg.connect(DB_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await asyncio.sleep(2)  # connected and subscribed
        await conn.execute("DELETE FROM bench_sink WHERE device = ANY($1::text[])", uids)
        start_at = await asyncio.to_thread(
            run_publishers, uids, args.messages, args.publishers, 0, 20_000_000, seed
        )
        total = args.messages // args.publishers * args.publishers
        deadline = time.time() + 300
        query = "SELECT coalesce(sum(count), 0) FROM bench_sink WHERE metric = 'co2'"
        query += " AND device = ANY($1::text[])"
        while (done := await conn.fetchval(query, uids)) < total:
            if time.time() > deadline:
                raise SystemExit(f"the sink stored only {done:,} of {total:,}")
            await asyncio.sleep(0.05)
        rate = float(total / (time.time() - start_at))
        await conn.execute("DELETE FROM bench_sink WHERE device = ANY($1::text[])", uids)
        return rate
    finally:
        await conn.close()
        sink.terminate()
        sink.wait(30)


async def main() -> None:  # noqa: C901, PLR0912, PLR0915 - a linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    parser.add_argument(
        "--latency-rate", type=float, default=0.0, help="msg/s of the latency phase (0: half)"
    )
    parser.add_argument("--payload", choices=("plain", "seed"), default="plain")
    parser.add_argument("--instances", type=int, default=1, help="processors of one deployment")
    parser.add_argument(
        "--slots", type=int, default=0, help="ingest slots they share (0: one per instance)"
    )
    parser.add_argument(
        "--no-sink", action="store_true", help="skip the minimal sink measured for comparison"
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="record the processor with py-spy (raw stacks) to FILE"
    )
    args = parser.parse_args()
    seed = args.payload == "seed"

    await ensure_database(DB_URL)
    await asyncio.to_thread(migrate, Settings(_env_file=None, database_url=DB_URL))
    engine = make_engine(DB_URL)
    sessions = make_session_factory(engine)
    run = uuid.uuid4().hex[:6]
    uids = [f"bench{run}-{i}" for i in range(args.devices)]
    for uid in uids:
        async with sessions() as session:
            await provision(session, uid, "co2")
    async with sessions() as session:
        ids = list((await session.scalars(select(Device.id).where(Device.uid.in_(uids)))).all())

    workdir = Path(tempfile.mkdtemp(prefix="dozor-bench-"))
    global MQTT_PORT
    prefix = f"dozorbench:{run}"
    client_id = f"dozor-bench-{run}"
    broker, MQTT_PORT = start_broker(workdir)
    env = dict(
        os.environ,
        DATABASE_URL=DB_URL,
        REDIS_URL=REDIS_URL,
        REDIS_PREFIX=prefix,
        MQTT_URL=processor_url(MQTT_PORT),  # the processor on its own account
        MQTT_CLIENT_ID=client_id,
        PROCESSOR_SLOTS=str(args.slots or args.instances),
        LOG_LEVEL="ERROR",
    )
    env.pop("INFLUX_URL", None)
    processor = subprocess.Popen([sys.executable, "-m", "processor"], cwd=ROOT, env=env)
    watcher = RssWatcher(processor.pid)
    watcher.start()
    await asyncio.sleep(2)  # let it connect and subscribe
    # More instances of the deployment: each takes a free ingest slot, or stands by once every
    # slot is taken (processor/lease.py).
    standbys = [
        subprocess.Popen([sys.executable, "-m", "processor"], cwd=ROOT, env=env)
        for _ in range(args.instances - 1)
    ]
    if standbys:
        await asyncio.sleep(3)  # started (their imports are not the standing by)
    instances = [psutil.Process(p.pid) for p in (processor, *standbys)]
    cpu_before = [sum(p.cpu_times()[:2]) for p in instances]
    redis = Redis.from_url(REDIS_URL)
    keys = RedisKeys(prefix)
    try:
        profiler = None
        if args.profile:  # py-spy samples the processor while it ingests at full speed
            argv = ["py-spy", "record", "--pid", str(processor.pid), "--format", "raw"]
            argv += ["--output", args.profile, "--rate", "200", "--nonblocking"]
            profiler = subprocess.Popen(argv, stdout=subprocess.DEVNULL)  # noqa: S603
        # 1. Sustained rate: publish as fast as the publishers can, time until all are stored.
        start_at = await asyncio.to_thread(
            run_publishers, uids, args.messages, args.publishers, 0, 0, seed
        )
        published = time.time()
        total = args.messages // args.publishers * args.publishers
        deadline = time.time() + 300
        while (done := await rollup_total(sessions, ids)) < total:
            if time.time() > deadline:
                raise SystemExit(f"only {done:,} of {total:,} messages stored after 5 minutes")
            await asyncio.sleep(0.05)
        stored = time.time()
        cpu = [
            sum(p.cpu_times()[:2]) - before for p, before in zip(instances, cpu_before, strict=True)
        ]
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(30)
        live = await redis.hgetall(keys.live(ids[0]))
        assert live, "live state missing in Redis"
        rate = total / (stored - start_at)
        publish_rate = total / (published - start_at)
        print(
            f"sustained ingest: {rate:,.0f} messages/s written through to PostgreSQL and Redis "
            f"({total:,} messages from {args.devices} devices; publishers reached "
            f"{publish_rate:,.0f} msg/s)"
        )
        busy = ", ".join(f"{100 * c / (stored - start_at):.0f}%" for c in cpu)
        print(f"CPU of one core per instance during it ({len(instances)} instances): {busy}")

        # 2. Latency at half that rate (or at the rate asked for).
        half = args.latency_rate or rate / 2
        count = int(half * args.latency_seconds)
        stop = asyncio.Event()
        collector = asyncio.create_task(measure_latency(redis, keys, stop))
        await asyncio.sleep(0.5)
        await asyncio.to_thread(
            run_publishers, uids, count, args.publishers, half, 10_000_000, seed
        )
        await asyncio.sleep(1.0)
        stop.set()
        latencies = sorted(await collector)
        if latencies:
            p50 = statistics.median(latencies) * 1000
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
            print(
                f"publish → live state latency at {half:,.0f} msg/s: p50 {p50:.1f} ms, "
                f"p99 {p99:.1f} ms ({len(latencies):,} samples)"
            )
        print(f"processor peak RSS: {watcher.peak / 1024 / 1024:.1f} MiB")
        if not args.no_sink:  # 3. the minimal sink, same broker, same load, processors stopped
            for process in (processor, *standbys):
                process.terminate()
            for process in (processor, *standbys):
                process.wait(60)
            sink_rate = await measure_sink(uids, args, prefix, seed)
            ratio = rate / sink_rate
            print(f"minimal sink: {sink_rate:,.0f} messages/s; Dozor to the sink {ratio:.2f}")
    finally:
        for process in (processor, *standbys):
            process.terminate()
        for process in (processor, *standbys):
            process.wait(30)
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)
        await redis.aclose()
        async with sessions() as session:
            await session.execute(delete(Device).where(Device.uid.in_(uids)))
            await session.commit()
        await engine.dispose()
        broker.terminate()
        broker.wait(10)


if __name__ == "__main__":
    asyncio.run(main())
