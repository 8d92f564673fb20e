"""Alert benchmark: latency from the crossing reading to Telegram, and a 10,000-delivery burst.

    .venv/bin/python bench/alerts.py [--trials 20] [--devices 1000] [--members 10]

(1) With 1,000 telemetry messages/s of background load, a device crosses its threshold; the
    figure is the time from the MQTT publish to the sendMessage request arriving at the Bot
    API emulator (p50/p99 over the trials).
(2) --devices devices, each shared by the same --members people, all cross at once: time to
    deliver every alert, duplicates and losses as the people read them, and the highest
    message rates per chat and overall that the emulator saw.

Real PostgreSQL and Redis, a private Mosquitto with production limits, the processor as its
own process, the bot and the Bot API emulator in this one.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.broker import DEVICES_PASSWORD, DEVICES_USER, HOST  # noqa: E402
from bench.stack import bench_stack, processor_and_bot  # noqa: E402
from core.access.models import Membership  # noqa: E402
from core.devices.models import DeviceConfig  # noqa: E402
from core.devices.service import provision  # noqa: E402
from core.outbox.models import OutboxMessage  # noqa: E402
from core.users.repository import UserRepository  # noqa: E402
from tests.emulators.telegram_api import FakeUser, TelegramEmulator  # noqa: E402

Sessions = async_sessionmaker[AsyncSession]
THRESHOLDS = {"thresholds": {"co2": {"high": 1000}}, "alerts_enabled": True}


def background_load(port: int, uids: list[str], rate: float, seconds: float) -> None:
    """Publish harmless readings at `rate`/s (a separate process)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bg-{uuid.uuid4().hex[:6]}")
    client.max_inflight_messages_set(1000)
    client.username_pw_set(DEVICES_USER, DEVICES_PASSWORD)
    client.connect(HOST, port)
    client.loop_start()
    began = time.perf_counter()
    for i in range(int(rate * seconds)):
        while time.perf_counter() < began + i / rate:
            time.sleep(0.0005)
        client.publish(f"devices/{uids[i % len(uids)]}/telemetry", b'{"co2": 600}', qos=1)
    client.loop_stop()
    client.disconnect()


async def add_devices(
    sessions: Sessions, prefix: str, count: int, members: list[int]
) -> list[tuple[str, int]]:
    """Provision devices with a CO2 threshold, shared by `members`."""
    made = []
    for i in range(count):
        uid = f"{prefix}-{i}"
        async with sessions() as session:
            device = (await provision(session, uid, "co2", name=f"{prefix}-{i}")).device
        async with sessions() as session, session.begin():
            await session.execute(
                update(DeviceConfig)
                .where(DeviceConfig.device_id == device.id)
                .values(config=THRESHOLDS)
            )
            session.add_all(
                Membership(user_id=m, device_id=device.id, role="viewer") for m in members
            )
        made.append((uid, device.id))
    return made


async def add_users(sessions: Sessions, ids: list[int]) -> None:
    async with sessions() as session:
        for user_id in ids:
            await UserRepository(session).upsert(
                user_id, first_name=f"U{user_id}", last_name=None, username=None, language="en"
            )
        await session.commit()


def peak_rates(times: list[float], window: float) -> float:
    """The most requests seen in any `window` seconds, per second."""
    times, best, start = sorted(times), 0, 0
    for end, t in enumerate(times):
        while t - times[start] > window:
            start += 1
        best = max(best, end - start + 1)
    return best / window


async def latency(
    args: argparse.Namespace,
    emulator: TelegramEmulator,
    sessions: Sessions,
    port: int,
    run: str,
) -> None:
    watchers = [FakeUser(9_100_000 + i) for i in range(args.trials)]
    await add_users(sessions, [w.id for w in watchers])
    for w in watchers:
        emulator.open_chat(w)
    devices = []
    for i, w in enumerate(watchers):
        devices += await add_devices(sessions, f"lat{run}t{i}", 1, [w.id])
    background = await add_devices(sessions, f"lat{run}bg", 200, [])
    load = multiprocessing.Process(
        target=background_load,
        args=(port, [u for u, _ in background], 1000.0, args.trials * 1.0 + 5),
    )
    load.start()
    await asyncio.sleep(2)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"lat-{run}")
    client.username_pw_set(DEVICES_USER, DEVICES_PASSWORD)
    client.connect(HOST, port)
    client.loop_start()
    samples = []
    for (uid, _), watcher in zip(devices, watchers, strict=True):
        before = len(emulator.requests)
        sent = time.time()
        client.publish(f"devices/{uid}/telemetry", b'{"co2": 1500}', qos=1)
        while True:
            hits = [
                t
                for (name, params), t in zip(
                    emulator.requests[before:], emulator.request_times[before:], strict=True
                )
                if name == "sendMessage" and int(params["chat_id"]) == watcher.id
            ]
            if hits:
                samples.append(hits[0] - sent)
                break
            await asyncio.sleep(0.002)
        await asyncio.sleep(0.8)
    client.loop_stop()
    load.join()
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(
        f"alert latency with 1,000 msg/s background load: p50 "
        f"{statistics.median(samples) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
        f"({len(samples)} alerts, MQTT publish → sendMessage at the Bot API)"
    )


async def burst(
    args: argparse.Namespace,
    emulator: TelegramEmulator,
    sessions: Sessions,
    port: int,
    run: str,
) -> None:
    people = [FakeUser(9_200_000 + i) for i in range(args.members)]
    await add_users(sessions, [p.id for p in people])
    for person in people:
        emulator.open_chat(person)
    devices = await add_devices(sessions, f"burst{run}", args.devices, [p.id for p in people])
    names = {f"burst{run}-{i}" for i in range(args.devices)}
    first_request = len(emulator.requests)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"burst-{run}")
    client.max_inflight_messages_set(1000)
    client.username_pw_set(DEVICES_USER, DEVICES_PASSWORD)
    client.connect(HOST, port)
    client.loop_start()
    began = time.time()
    for uid, _ in devices:
        client.publish(f"devices/{uid}/telemetry", b'{"co2": 1500}', qos=1)
    expected = args.devices * args.members
    ids = [d for _, d in devices]
    while True:
        async with sessions() as session:
            sent = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.device_id.in_(ids), OutboxMessage.status == "sent")
            )
        if sent == expected:
            break
        await asyncio.sleep(0.2)
    took = time.time() - began
    client.loop_stop()
    seen: Counter[tuple[int, str]] = Counter()
    for person in people:
        for message in emulator.bot_messages(person.id):
            for line in message.plain.split("\n"):
                for name in {w.strip("•,") for w in line.split()} & names:
                    seen[(person.id, name)] += 1
    duplicates = sum(c - 1 for c in seen.values() if c > 1)
    losses = expected - len(seen)
    sends = [
        (params, t)
        for (name, params), t in zip(
            emulator.requests[first_request:], emulator.request_times[first_request:], strict=True
        )
        if name == "sendMessage"
    ]
    per_chat: dict[int, list[float]] = {}
    for params, t in sends:
        per_chat.setdefault(int(params["chat_id"]), []).append(t)
    chat_peak = max(peak_rates(ts, 1.0) for ts in per_chat.values())
    overall_peak = peak_rates([t for _, t in sends], 1.0)
    print(
        f"burst: {expected:,} alert deliveries ({args.devices:,} devices × {args.members} "
        f"members) in {took:.1f} s as {len(sends)} messages; duplicates {duplicates}, "
        f"losses {losses}; peak {chat_peak:.0f} msg/s per chat, {overall_peak:.0f} msg/s "
        f"overall (limits 1 and 30)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--members", type=int, default=10)
    args = parser.parse_args()
    async with (
        bench_stack("%{run}%", pool_size=10) as stack,
        processor_and_bot(stack.settings),
    ):
        await asyncio.sleep(2)
        await latency(args, stack.emulator, stack.sessions, stack.port, stack.run)
        await burst(args, stack.emulator, stack.sessions, stack.port, stack.run)


if __name__ == "__main__":
    asyncio.run(main())
