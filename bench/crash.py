"""Crash benchmark: nothing lost, nothing counted twice while everything around is killed.

    .venv/bin/python bench/crash.py [--messages 60000] [--devices 200] [--rate 2000]
                                    [--kills 3] [--no-timestamp] [--instances 1] [--slots 1]

Seed-format telemetry (`device_uid`, `timestamp`, readings) at QoS 1 from `--devices` devices
at `--rate` msg/s into private servers of its own: a PostgreSQL cluster (initdb, on a free
port), Redis with AOF, and Mosquitto with the production configuration (persistence on). While
the devices publish, at random moments: the processor is killed with SIGKILL `--kills` times
and started again at once, PostgreSQL is restarted once, Redis is killed and started once, the
broker is stopped and started once. Then it waits until nothing more arrives and prints the
readings stored (the sum of the rollup counts), lost and counted twice, per device compared
with what it published. Every reading's value is its sequence number, so a shortfall and an
excess are told apart per device.

`--no-timestamp` sends readings without a time of their own (a device before NTP): they are
recognised by their packet id when the broker sends them again. `--instances N` runs N
processors as a deployment does, sharing `--slots K` ingest slots (K MQTT sessions, the
telemetry dealt out among them; instances beyond K stand by); each kill takes one of them at
random, active or not, and the one started again takes whichever slot is free.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.broker import (  # noqa: E402
    DEVICES_PASSWORD,
    DEVICES_USER,
    free_port,
    processor_url,
    start_broker,
)
from cli.main import migrate  # noqa: E402
from core.db import ensure_database, make_engine, make_session_factory  # noqa: E402
from core.devices.models import Device  # noqa: E402
from core.devices.service import provision  # noqa: E402
from core.history.models import MinuteRollup  # noqa: E402
from core.settings import Settings  # noqa: E402

HOST = "127.0.0.1"
SETTLED_SECONDS = 5.0  # all stored and nothing more for this long: done
GIVE_UP_SECONDS = 20.0  # nothing more for this long: done, whatever is missing


def wait_for_port(port: int, seconds: float = 30.0) -> None:
    """Wait until something listens on `port`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port}")


class Postgres:
    """A private PostgreSQL cluster (as the `postgres` user when run as root)."""

    def __init__(self, workdir: Path) -> None:
        (workdir / "pg").mkdir()
        self.data = workdir / "pg" / "data"
        self.port = free_port()
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        self.bin = binaries[-1] if binaries else Path(shutil.which("pg_ctl") or "pg_ctl").parent
        self.as_user: list[str] = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(workdir / "pg", "postgres")

    def _run(self, *argv: str) -> None:
        subprocess.run([*self.as_user, *argv], check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses={HOST} -c fsync=on"
        log = str(self.data / "log")
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start"
        )

    def restart(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.start()

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@{HOST}:{self.port}/dozor_crash"


class RedisServer:
    """A private Redis with AOF on, as ./start.sh runs it."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / "redis"
        self.dir.mkdir()
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", HOST, "--dir", str(self.dir)]
        argv += ["--appendonly", "yes", "--save", ""]
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)  # noqa: S603
        wait_for_port(self.port)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"


class Broker:
    """The production Mosquitto (persistence on), stopped cleanly and started again."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir / "broker"
        self.workdir.mkdir()
        self.process, self.port = start_broker(self.workdir)
        self.argv = self.process.args

    def restart(self) -> None:
        self.process.terminate()  # saves the persistence file on the way out
        self.process.wait(30)
        self.process = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL)  # noqa: S603
        wait_for_port(self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


class Processor:
    """One processor instance (`python -m processor`), killed and started again at will."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            argv = [sys.executable, "-m", "processor"]
            self.process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stderr=out)  # noqa: S603

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def publish(port: int, uids: list[str], total: int, rate: float, stamped: bool) -> int:
    """Publish `total` readings round-robin over `uids` at `rate`/s through one client with a
    kept session (it resends what the broker had not acknowledged after a broker restart);
    return how many the broker acknowledged."""
    acked = 0
    lock = threading.Lock()

    def on_publish(*_: object) -> None:
        nonlocal acked
        with lock:
            acked += 1

    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"crash-devices-{uuid.uuid4().hex[:6]}",
        clean_session=False,
    )  # fmt: skip
    client.username_pw_set(DEVICES_USER, DEVICES_PASSWORD)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.on_publish = on_publish
    client.reconnect_delay_set(1, 2)
    client.connect(HOST, port)
    client.loop_start()
    began = time.perf_counter()
    for i in range(total):
        due = began + i / rate
        while time.perf_counter() < due:
            time.sleep(0.0005)
        uid = uids[i % len(uids)]
        body: dict[str, object] = {"device_uid": uid, "co2": i // len(uids), "temperature": 21.5}
        if stamped:
            body["timestamp"] = int(time.time())
        client.publish(f"devices/{uid}/telemetry", orjson.dumps(body), qos=1)
    deadline = time.time() + 120
    while acked < total and time.time() < deadline:
        time.sleep(0.05)
    client.loop_stop()
    client.disconnect()
    return acked


async def counts(sessions, ids: list[int]) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """Rollup count of co2 per device."""
    async with sessions() as session:
        rows = await session.execute(
            select(MinuteRollup.device_id, func.sum(MinuteRollup.count))
            .where(MinuteRollup.device_id.in_(ids), MinuteRollup.metric == "co2")
            .group_by(MinuteRollup.device_id)
        )
    return {int(d): int(c) for d, c in rows.all()}


def make_workdir() -> Path:
    """A folder for the run's servers, which run as their own users."""
    workdir = Path(tempfile.mkdtemp(prefix="dozor-crash-"))
    workdir.chmod(0o755)
    return workdir


async def chaos(
    plan: list[tuple[float, tuple[str, int]]],
    began: float,
    rng: random.Random,
    processors: list[Processor],
    postgres: Postgres,
    redis: RedisServer,
    broker: Broker,
) -> None:
    """Carry out the plan: at each moment, kill or restart what it names."""
    for at, (what, _) in plan:
        await asyncio.sleep(max(0.0, began + at - time.time()))
        if what == "kill":
            victim = rng.choice(processors)
            victim.kill()
            victim.start()
        elif what == "postgres":
            await asyncio.to_thread(postgres.restart)
        elif what == "redis":
            redis.kill()
            redis.start()
        else:
            await asyncio.to_thread(broker.restart)
        print(f"{time.time() - began:5.1f} s: {what}", flush=True)


async def settled(sessions, ids: list[int], total: int) -> None:  # type: ignore[no-untyped-def]
    """Wait until all is stored and nothing more comes, or nothing more comes for long."""
    quiet_since, last = time.time(), -1
    deadline = time.time() + 180
    while time.time() < deadline:
        stored = sum((await counts(sessions, ids)).values())
        if stored != last:
            last, quiet_since = stored, time.time()
        quiet = time.time() - quiet_since
        if (stored >= total and quiet > SETTLED_SECONDS) or quiet > GIVE_UP_SECONDS:
            return
        await asyncio.sleep(0.5)


async def main() -> None:  # noqa: PLR0915 - a linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=60_000)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--rate", type=float, default=2000.0)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--slots", type=int, default=1)
    parser.add_argument("--keep-broker", action="store_true", help="do not restart the broker")
    parser.add_argument("--no-timestamp", action="store_true")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    total = args.messages // args.devices * args.devices
    duration = total / args.rate

    workdir = make_workdir()
    postgres, redis = Postgres(workdir), RedisServer(workdir)
    postgres.init()
    redis.start()
    await ensure_database(postgres.url)
    await asyncio.to_thread(migrate, Settings(_env_file=None, database_url=postgres.url))
    engine = make_engine(postgres.url)
    sessions = make_session_factory(engine)
    uids = [f"crash-{i}" for i in range(args.devices)]
    for uid in uids:
        async with sessions() as session:
            await provision(session, uid, "co2")
    async with sessions() as session:
        ids = list((await session.scalars(select(Device.id).where(Device.uid.in_(uids)))).all())

    client_id = "dozor-crash"  # the deployment's sessions: dozor-crash, dozor-crash-2, …
    broker = Broker(workdir)
    processors = []
    for n in range(args.instances):
        env = dict(
            os.environ,
            DATABASE_URL=postgres.url,
            REDIS_URL=redis.url,
            MQTT_URL=processor_url(broker.port),
            MQTT_CLIENT_ID=client_id,
            PROCESSOR_SLOTS=str(args.slots),
            LOG_LEVEL="WARNING",
        )
        env.pop("INFLUX_URL", None)
        processors.append(Processor(env, workdir / f"processor-{n}.log"))
    for processor in processors:
        processor.start()
    await asyncio.sleep(3)  # connected and subscribed: the broker keeps everything from now

    events = [("kill", i) for i in range(args.kills)]
    events += [("postgres", 0), ("redis", 0)] + ([] if args.keep_broker else [("broker", 0)])
    moments = sorted(rng.uniform(0.1, 0.9) * duration for _ in events)
    rng.shuffle(events)
    plan = list(zip(moments, events, strict=True))
    began = time.time()
    publisher = asyncio.create_task(
        asyncio.to_thread(publish, broker.port, uids, total, args.rate, not args.no_timestamp)
    )
    await chaos(plan, began, rng, processors, postgres, redis, broker)
    acked = await publisher
    print(f"published {total:,} readings ({acked:,} acknowledged by the broker) in "
          f"{time.time() - began:.1f} s")  # fmt: skip

    expected = total // args.devices
    await settled(sessions, ids, total)
    got = await counts(sessions, ids)
    lost = sum(max(0, expected - got.get(d, 0)) for d in ids)
    twice = sum(max(0, got.get(d, 0) - expected) for d in ids)
    print(
        f"readings stored: {sum(got.values()):,} of {total:,}; lost {lost:,}; "
        f"counted twice {twice:,} ({args.instances} instance(s), {args.slots} slot(s), "
        f"{args.kills} kills, "
        f"{'no device time' if args.no_timestamp else 'device time'})"
    )
    for processor in processors:
        processor.stop()
    broker.stop()
    await engine.dispose()
    redis.kill()
    postgres.stop()
    tracebacks = sum(p.log.read_text(errors="replace").count("Traceback") for p in processors)
    print(f"processor logs: {workdir} ({tracebacks} tracebacks)")


if __name__ == "__main__":
    asyncio.run(main())
