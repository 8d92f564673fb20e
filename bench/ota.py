"""Firmware rollout benchmark: simulated devices updated through the real processor.

    .venv/bin/python bench/ota.py [--devices 1000] [--pace 600] [--fail 0.02]
                                  [--failure-limit 5] [--image-kb 512] [--rate 500]

N simulated CO2 monitors (in a few processes; `--fail` of them report a bad checksum) are
online; telemetry is published at `--rate` msg/s to them for an idle phase, then a rollout of
a new image (a canary of 1, then `--pace` devices a minute) runs while the same telemetry
goes on. Prints the time to finish (against what the pace allows), how it ended (done, or
halted and why), the image server's throughput, and ingest during the rollout against idle:
stored rate and publish → live state latency (p50/p99). Uses the bench database, a private
broker and the processor as its own process, like bench/ingest.py.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import psutil
from redis.asyncio import Redis
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import ingest  # noqa: E402
from bench.broker import devices_url, free_port, processor_url, start_broker  # noqa: E402
from bench.ingest import measure_latency, rollup_total  # noqa: E402
from bench.stack import DB_URL, REDIS_URL, prepare_database, start_processor  # noqa: E402
from core import clock  # noqa: E402
from core.db import make_engine, make_session_factory  # noqa: E402
from core.devices.models import Device  # noqa: E402
from core.devices.service import provision  # noqa: E402
from core.firmware.models import FirmwareImage, FirmwareRollout, FirmwareUpdate  # noqa: E402
from core.firmware.service import add_image, start_rollout  # noqa: E402
from core.redis_keys import RedisKeys  # noqa: E402
from core.settings import Settings  # noqa: E402

IDLE_SECONDS = 20.0
LOAD_DEVICES = 200


def simulators(uids: list[str], failing: set[str], url: str, stop: multiprocessing.Event) -> None:  # type: ignore[valid-type]
    """Run simulated devices (reporting once a minute) until `stop` is set."""
    from device_firmware.simulator.device import SimulatedDevice  # noqa: PLC0415

    async def main() -> None:
        devices = [
            SimulatedDevice(uid, interval=60, mqtt_url=url, firmware_version="2.0.1",
                            ota_behaviour="fail" if uid in failing else "ok")
            for uid in uids
        ]  # fmt: skip
        tasks = [asyncio.create_task(d.run()) for d in devices]
        while not stop.is_set():  # type: ignore[attr-defined]  # noqa: ASYNC110 - another process's
            await asyncio.sleep(0.2)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())


def publish_for(uids: list[str], rate: float, seconds: float) -> multiprocessing.Process:
    """Telemetry at `rate` msg/s for `seconds`, from a process of its own."""
    count = int(rate * seconds)
    process = multiprocessing.Process(
        target=ingest.publish_worker, args=(uids, count, rate, time.time() + 0.5, 0, False)
    )
    process.start()
    return process


async def phase(  # noqa: PLR0913, PLR0917 - one measured phase
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    keys: RedisKeys,
    ids: list[int],
    uids: list[str],
    rate: float,
    seconds: float,
    processor: psutil.Process,
    until: Callable[[], Awaitable[bool]] | None = None,
) -> tuple[float, list[float], float]:
    """Publish for `seconds` (or until `until()` is true, then stop); return the stored rate,
    the latencies seen meanwhile and the processor's CPU (share of one core)."""
    before = await rollup_total(sessions, ids)
    cpu = sum(processor.cpu_times()[:2])
    stop = asyncio.Event()
    # The load devices' readings only: the simulators' own are stamped in whole seconds and
    # would read as up to a second late.
    collector = asyncio.create_task(measure_latency(redis, keys, stop, set(uids)))
    began = time.time()
    publisher = publish_for(uids, rate, seconds)
    while publisher.is_alive():
        if until is not None and await until():
            publisher.terminate()
            break
        await asyncio.sleep(0.2)
    publisher.join()
    elapsed = time.time() - began
    await asyncio.sleep(1.0)  # the last batch is written
    stop.set()
    latencies = await collector
    stored = await rollup_total(sessions, ids) - before
    used = sum(processor.cpu_times()[:2]) - cpu
    return stored / elapsed, latencies, used / (time.time() - began)


BURST = 20


async def burst(sessions, image_id: int, port: int, image: bytes) -> float:  # type: ignore[no-untyped-def]
    """The image server's throughput: BURST downloads at once, with tokens made here."""
    from datetime import timedelta  # noqa: PLC0415

    import aiohttp  # noqa: PLC0415

    from core.firmware.service import token_hash  # noqa: PLC0415

    tokens = [uuid.uuid4().hex for _ in range(BURST)]
    async with sessions() as session, session.begin():
        rollout = FirmwareRollout(
            image_id=image_id, kind="co2", version="probe", state="halted", canary=0, pace=1,
            failure_limit=0,
        )  # fmt: skip
        session.add(rollout)
        await session.flush()
        device_ids = (await session.scalars(select(Device.id).limit(BURST))).all()
        for token, device_id in zip(tokens, device_ids, strict=False):
            session.add(
                FirmwareUpdate(
                    rollout_id=rollout.id, device_id=device_id, state="downloading", attempts=1,
                    token_hash=token_hash(token),
                    token_expires_at=clock.now() + timedelta(minutes=5),
                )
            )  # fmt: skip
    began = time.time()
    async with aiohttp.ClientSession() as http:

        async def one(token: str) -> int:
            async with http.get(f"http://127.0.0.1:{port}/firmware/{token}") as response:
                return len(await response.read())

        sizes = await asyncio.gather(*(one(t) for t in tokens[: len(device_ids)]))
    took = time.time() - began
    assert all(size == len(image) for size in sizes), sizes
    async with sessions() as session, session.begin():
        await session.execute(delete(FirmwareRollout).where(FirmwareRollout.id == rollout.id))
    return sum(sizes) / 1e6 / took


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main() -> None:  # noqa: C901, PLR0915 - a linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--pace", type=int, default=600, help="devices a minute after the canary")
    parser.add_argument("--fail", type=float, default=0.02, help="share that fails on purpose")
    parser.add_argument("--failure-limit", type=int, default=5, help="percent that halts it")
    parser.add_argument("--image-kb", type=int, default=512)
    parser.add_argument("--rate", type=float, default=500, help="telemetry msg/s meanwhile")
    parser.add_argument("--processes", type=int, default=4, help="simulator processes")
    args = parser.parse_args()

    await prepare_database()
    engine = make_engine(DB_URL, pool_size=5)
    sessions = make_session_factory(engine)
    run = uuid.uuid4().hex[:6]
    uids = [f"ota{run}-{i}" for i in range(args.devices)]
    load = [f"ota{run}-load{i}" for i in range(LOAD_DEVICES)]  # the telemetry goes to these
    for uid in uids + load:
        async with sessions() as session:
            await provision(session, uid, "co2")
    async with sessions() as session:
        ids = list((await session.scalars(select(Device.id).where(Device.uid.in_(uids)))).all())
        load_ids = list(
            (await session.scalars(select(Device.id).where(Device.uid.in_(load)))).all()
        )
    rng = random.Random(7)
    failing = set(rng.sample(uids, int(args.devices * args.fail)))

    broker, port = start_broker(Path(tempfile.mkdtemp(prefix="dozor-bench-")))
    ingest.MQTT_PORT = port  # the publisher processes (forked) read it
    settings = Settings(
        _env_file=None,
        database_url=DB_URL,
        redis_url=REDIS_URL,
        redis_prefix=f"dozorbench:{run}",
        mqtt_url=processor_url(port),
        mqtt_client_id=f"dozor-bench-{run}",
    )
    ota_port = free_port()
    processor = start_processor(
        settings,
        {"OTA_HTTP_HOST": "127.0.0.1", "OTA_HTTP_PORT": str(ota_port),
         "OTA_STEP_TIMEOUT_SECONDS": "120", "OTA_WATCH_SECONDS": "0"},
    )  # fmt: skip
    stop = multiprocessing.Event()
    workers = [
        multiprocessing.Process(
            target=simulators, args=(uids[w :: args.processes], failing, devices_url(port), stop)
        )
        for w in range(args.processes)
    ]
    for worker in workers:
        worker.start()
    redis = Redis.from_url(REDIS_URL)
    keys = RedisKeys(settings.redis_prefix)
    rollout_id = image_id = 0
    try:

        async def online() -> int:
            async with sessions() as session:
                return int(
                    await session.scalar(
                        select(func.count()).select_from(Device).where(
                            Device.id.in_(ids), Device.is_online,
                            Device.firmware_version == "2.0.1",
                        )
                    ) or 0
                )  # fmt: skip

        deadline = time.time() + 120
        while (n := await online()) < args.devices:
            if time.time() > deadline:
                raise SystemExit(f"only {n} of {args.devices} simulated devices came online")
            await asyncio.sleep(0.5)
        print(f"{args.devices:,} simulated devices online ({len(failing)} fail on purpose)")

        watched = psutil.Process(processor.pid)
        idle_rate, idle_lat, idle_cpu = await phase(
            sessions, redis, keys, load_ids, load, args.rate, IDLE_SECONDS, watched
        )
        image = os.urandom(args.image_kb * 1024)
        async with sessions() as session, session.begin():
            added = await add_image(session, "co2", f"2.1.0-{run}", image)
            image_id = added.id
            rollout = await start_rollout(
                session, added.id, device_ids=ids, canary=1, pace=args.pace,
                failure_limit=args.failure_limit, now=clock.now(),
            )  # fmt: skip
            rollout_id = rollout.id
        began = time.time()

        async def finished() -> bool:
            async with sessions() as session:
                row = await session.get(FirmwareRollout, rollout_id)
                return row is not None and row.state in ("done", "halted")

        allowed = args.devices / args.pace * 60
        during_rate, during_lat, during_cpu = await phase(
            sessions, redis, keys, load_ids, load, args.rate, allowed * 3 + 60, watched, finished
        )
        while not await finished():  # noqa: ASYNC110 - the database says
            await asyncio.sleep(0.5)
        took = time.time() - began
        async with sessions() as session:
            row = await session.get(FirmwareRollout, rollout_id)
            assert row is not None
            states = dict(
                (
                    await session.execute(
                        select(FirmwareUpdate.state, func.count())
                        .where(FirmwareUpdate.rollout_id == rollout_id)
                        .group_by(FirmwareUpdate.state)
                    )
                ).all()
            )
        downloaded = states.get("done", 0) + states.get("failed", 0)
        print(f"rollout: {row.state} after {took:.1f} s (the pace allows {allowed:.0f} s"
              f" after the canary); {dict(sorted(states.items()))}")  # fmt: skip
        if row.halt_reason:
            print(f"halted: {row.halt_reason}")
        megabytes = downloaded * len(image) / 1e6
        print(f"image server: {downloaded:,} downloads of {args.image_kb} KiB, {megabytes:,.0f} MB"
              f" in {took:.0f} s ({megabytes / took:.1f} MB/s on average)")  # fmt: skip
        print(
            f"ingest idle: {idle_rate:,.0f} msg/s stored, p50 {_p(idle_lat, 0.5):.0f} ms, "
            f"p99 {_p(idle_lat, 0.99):.0f} ms ({len(idle_lat):,} samples); "
            f"processor CPU {idle_cpu:.0%} of a core"
        )
        print(
            f"ingest during the rollout: {during_rate:,.0f} msg/s stored, "
            f"p50 {_p(during_lat, 0.5):.0f} ms, p99 {_p(during_lat, 0.99):.0f} ms "
            f"({len(during_lat):,} samples); processor CPU {during_cpu:.0%} of a core"
        )
        mbps = await burst(sessions, image_id, ota_port, image)
        print(f"image server alone: {mbps:.1f} MB/s ({BURST} downloads at once)")
        if idle_lat and during_lat:
            ratio = statistics.median(during_lat) / statistics.median(idle_lat)
            print(f"  rate {during_rate / idle_rate:.2f} of idle, p50 latency x{ratio:.2f}")
    finally:
        stop.set()
        for worker in workers:
            worker.join(30)
        processor.terminate()
        processor.wait(30)
        broker.terminate()
        await redis.aclose()
        async with sessions() as session, session.begin():
            await session.execute(delete(Device).where(Device.uid.like(f"ota{run}-%")))
            await session.execute(delete(FirmwareRollout).where(FirmwareRollout.id == rollout_id))
            await session.execute(delete(FirmwareImage).where(FirmwareImage.id == image_id))
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
