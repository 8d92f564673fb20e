"""Command round trip: button press at the Bot API emulator → device → result shown in chat.

    .venv/bin/python bench/control.py [--commands 200] [--devices 10]

The owner of --devices simulated CO2 monitors presses "Identify" --commands times, one after
the other, across the devices. Each trial is timed from the callback query entering the Bot
API emulator to the editMessageText that shows the device's answer; the time until the
simulated device received the command is printed too (p50/p99).

Real PostgreSQL and Redis, a private Mosquitto with production limits, the processor as its
own process; the bot, the emulator and the simulators in this one.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.broker import devices_url  # noqa: E402
from bench.stack import bench_stack, processor_and_bot  # noqa: E402
from bot.callbacks import CommandAction, CommandOp  # noqa: E402
from core.access.models import Membership  # noqa: E402
from core.devices.service import provision  # noqa: E402
from core.users.repository import UserRepository  # noqa: E402
from device_firmware.simulator.device import SimulatedDevice  # noqa: E402
from tests.emulators.telegram_api import FakeUser, TelegramEmulator  # noqa: E402

OWNER = FakeUser(9_300_001, "Bench")


class TimedDevice(SimulatedDevice):
    """A simulator that notes when each command arrived."""

    received: dict[str, float]

    def run_command(self, raw: bytes) -> bytes | None:
        """Note the arrival time, then answer like the simulator does."""
        answer = super().run_command(raw)
        if self.commands:
            self.received[str(self.commands[-1]["id"])] = time.time()
        return answer


async def add_devices(
    sessions: async_sessionmaker[AsyncSession], run: str, count: int
) -> list[tuple[str, int]]:
    """Provision devices owned by OWNER."""
    async with sessions() as session:
        await UserRepository(session).upsert(
            OWNER.id, first_name="Bench", last_name=None, username=None, language="en"
        )
        await session.commit()
    made = []
    for i in range(count):
        async with sessions() as session:
            device = (await provision(session, f"ctl{run}-{i}", "co2")).device
            session.add(Membership(user_id=OWNER.id, device_id=device.id, role="owner"))
            await session.commit()
        made.append((device.uid, device.id))
    return made


def percentile(samples: list[float], share: float) -> float:
    """The sample at `share` of the sorted list."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def trial(emulator: TelegramEmulator, device_id: int) -> tuple[float, float]:
    """Press Identify; return (press time, time the answer was shown)."""
    chat = emulator.bot_messages(OWNER.id)[-1]
    before = len(emulator.requests)
    data = CommandAction(op=CommandOp.RUN, device_id=device_id, name="identify").pack()
    pressed = time.time()
    await emulator.press(OWNER, chat, data=data)
    while True:
        for (name, params), at in zip(
            emulator.requests[before:], emulator.request_times[before:], strict=True
        ):
            if name == "editMessageText" and "done by" in str(params.get("text", "")):
                return pressed, at
            if name == "editMessageText" and "no answer" in str(params.get("text", "")):
                msg = "a command got no answer"
                raise RuntimeError(msg)
        await asyncio.sleep(0.001)


async def measure(
    args: argparse.Namespace,
    emulator: TelegramEmulator,
    devices: list[tuple[str, int]],
    simulators: list[TimedDevice],
) -> None:
    """Run the trials and print the figures."""
    await emulator.reply_to(OWNER, "/help")
    round_trips, to_device = [], []
    received = simulators[0].received
    for i in range(args.commands):
        _, device_id = devices[i % len(devices)]
        known = set(received)
        pressed, shown = await trial(emulator, device_id)
        round_trips.append(shown - pressed)
        arrival = next(t for k, t in received.items() if k not in known)
        to_device.append(arrival - pressed)
    print(
        f"command round trip over {args.commands} commands ({args.devices} devices): "
        f"p50 {statistics.median(round_trips) * 1000:.0f} ms, "
        f"p99 {percentile(round_trips, 0.99) * 1000:.0f} ms "
        f"(button press at the Bot API emulator → answer shown); press → device received: "
        f"p50 {statistics.median(to_device) * 1000:.0f} ms, "
        f"p99 {percentile(to_device, 0.99) * 1000:.0f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--devices", type=int, default=10)
    args = parser.parse_args()
    async with bench_stack("ctl{run}-%") as stack:
        devices = await add_devices(stack.sessions, stack.run, args.devices)
        received: dict[str, float] = {}
        simulators = []
        for uid, _ in devices:
            simulator = TimedDevice(uid, "co2", interval=60, mqtt_url=devices_url(stack.port))
            simulator.received = received
            simulators.append(simulator)
        async with processor_and_bot(stack.settings):
            running = [asyncio.create_task(s.run()) for s in simulators]
            await asyncio.sleep(3)
            try:
                await measure(args, stack.emulator, devices, simulators)
            finally:
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
