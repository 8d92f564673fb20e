"""Shelly figures: relay round trip through the bot, and ingest of 500 Pro 3EMs at 1/s.

    .venv/bin/python bench/shelly.py [--presses 100] [--meters 500] [--seconds 30]

1. Relay round trip: the owner of an emulated Pro 3 (tests/emulators/shelly.py, answering
   RPC over MQTT) presses its switch buttons --presses times, alternating on and off. Each
   trial is timed from the callback query entering the Bot API emulator to the
   editMessageText saying the device confirmed the new state (from its own NotifyStatus).
2. Ingest: --meters Pro 3EMs each publish a NotifyStatus with a new em:0 every second for
   --seconds; printed are the offered and stored rates (readings written through to
   PostgreSQL and Redis) and how long after the last publish the last reading was stored.

Real PostgreSQL and Redis, a private Mosquitto with production limits, the processor as its
own process; the bot, the Bot API emulator and the Shelly emulators in this one.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import aiomqtt
import psutil
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.broker import DEVICES_PASSWORD, DEVICES_USER, HOST, devices_url  # noqa: E402
from bench.control import percentile  # noqa: E402
from bench.stack import bench_stack, processor_and_bot  # noqa: E402
from bot.callbacks import RelayAction, RelayOp  # noqa: E402
from core.access.models import Membership  # noqa: E402
from core.devices.service import provision  # noqa: E402
from core.history.models import MinuteRollup  # noqa: E402
from core.users.repository import UserRepository  # noqa: E402
from tests.emulators.shelly import ShellyEmulator, notification, phase_fields  # noqa: E402
from tests.emulators.telegram_api import FakeUser, TelegramEmulator  # noqa: E402

OWNER = FakeUser(9_300_101, "Bench")
STORE_WAIT_SECONDS = 60


async def add_owned(
    sessions: async_sessionmaker[AsyncSession], uids: list[str], type_code: str
) -> list[int]:
    """Provision devices owned by OWNER; return their ids."""
    async with sessions() as session:
        await UserRepository(session).upsert(
            OWNER.id, first_name="Bench", last_name=None, username=None, language="en"
        )
        await session.commit()
    ids = []
    for uid in uids:
        async with sessions() as session:
            device = (await provision(session, uid, type_code)).device
            session.add(Membership(user_id=OWNER.id, device_id=device.id, role="owner"))
            await session.commit()
            ids.append(device.id)
    return ids


async def press(emulator: TelegramEmulator, device_id: int, channel: int, on: bool) -> float:
    """Press a switch button; return the seconds until the confirmation was shown."""
    chat = emulator.bot_messages(OWNER.id)[-1]
    before = len(emulator.requests)
    data = RelayAction(op=RelayOp.SET, device_id=device_id, channel=channel, on=int(on)).pack()
    pressed = time.time()
    await emulator.press(OWNER, chat, data=data)
    while True:
        for (name, params), at in zip(
            emulator.requests[before:], emulator.request_times[before:], strict=True
        ):
            text = str(params.get("text", ""))
            if name == "editMessageText" and "confirmed by the device" in text:
                return at - pressed
            if name == "editMessageText" and "no confirmation" in text:
                msg = "a press was not confirmed"
                raise RuntimeError(msg)
        await asyncio.sleep(0.001)


async def relay_round_trip(
    emulator: TelegramEmulator, device_id: int, relays: ShellyEmulator, presses: int
) -> None:
    """Time presses alternating on and off over the three channels."""
    await emulator.reply_to(OWNER, "/help")
    samples = []
    for i in range(presses):
        channel = i % 3
        samples.append(await press(emulator, device_id, channel, not relays.output(channel)))
    print(
        f"relay round trip over {presses} presses: "
        f"p50 {statistics.median(samples) * 1000:.0f} ms, "
        f"p99 {percentile(samples, 0.99) * 1000:.0f} ms "
        "(button press at the Bot API emulator → state confirmed by the device shown)"
    )


async def stored(sessions: async_sessionmaker[AsyncSession], ids: list[int]) -> int:
    """Readings of total power stored for these meters."""
    async with sessions() as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(MinuteRollup.count), 0)).where(
                MinuteRollup.device_id.in_(ids), MinuteRollup.metric == "total_act_power"
            )
        )
    return int(total or 0)


async def publish_meters(port: int, uids: list[str], seconds: int) -> float:
    """Every meter sends a new em:0 every second; return when the last one went out."""
    async with aiomqtt.Client(
        HOST,
        port,
        username=DEVICES_USER,
        password=DEVICES_PASSWORD,
        max_queued_outgoing_messages=100_000,
    ) as client:
        began = time.monotonic()
        for second in range(seconds):
            for n, uid in enumerate(uids):
                watts = 500.0 + (second * 7 + n) % 900
                em = {"id": 0, **{k: v for p in "abc" for k, v in phase_fields(p, watts).items()}}
                frame = notification(uid, "NotifyStatus", {"ts": time.time(), "em:0": em})
                await client.publish(f"{uid}/events/rpc", frame, qos=1)
            await asyncio.sleep(max(0.0, began + second + 1 - time.monotonic()))
    return time.monotonic()


async def ingest(
    sessions: async_sessionmaker[AsyncSession],
    port: int,
    uids: list[str],
    ids: list[int],
    seconds: int,
    processor: psutil.Process,
) -> None:
    """Offer meters × 1 reading/s for `seconds`; print what was stored and how fast."""
    offered = len(uids) * seconds
    processor.cpu_percent()
    started = time.monotonic()
    published = await publish_meters(port, uids, seconds)
    cpu = processor.cpu_percent()
    count = await stored(sessions, ids)
    while count < offered and time.monotonic() - published < STORE_WAIT_SECONDS:
        await asyncio.sleep(0.05)  # polling the database, not an event
        count = await stored(sessions, ids)
    done = time.monotonic()
    print(
        f"ingest of {len(uids)} Pro 3EMs at 1 reading/s for {seconds} s: offered "
        f"{offered / (published - started):,.0f} readings/s, stored {count:,} of {offered:,} "
        f"({count / (done - started):,.0f} readings/s), last stored {(done - published) * 1000:.0f}"
        f" ms after the last publish; processor CPU {cpu:.0f}% of one core, "
        f"RSS {processor.memory_info().rss / 1024 / 1024:.0f} MiB"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--meters", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    async with bench_stack("%-b{run}%") as stack:
        sessions, run, settings = stack.sessions, stack.run, stack.settings
        async with processor_and_bot(settings) as processor:
            relay_uid = f"shellypro3-b{run}"
            meter_uids = [f"shellypro3em-b{run}{i:04d}" for i in range(args.meters)]
            (relay_id,) = await add_owned(sessions, [relay_uid], "shelly_pro3")
            meter_ids = await add_owned(sessions, meter_uids, "shelly_pro3em")
            await asyncio.sleep(3)  # the processor is subscribed
            relays = ShellyEmulator(relay_uid, "pro3", devices_url(stack.port))
            await relays.start_mqtt()
            try:
                await relay_round_trip(stack.emulator, relay_id, relays, args.presses)
                await ingest(
                    sessions,
                    stack.port,
                    meter_uids,
                    meter_ids,
                    args.seconds,
                    psutil.Process(processor.pid),
                )
            finally:
                await relays.close()


if __name__ == "__main__":
    asyncio.run(main())
