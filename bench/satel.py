"""SATEL figures: 500 emulated panels on one processor; alarm latency, CPU and memory.

    .venv/bin/python bench/satel.py [--panels 500] [--trials 30] [--poll 1.0] [--steady 20]
                                    [--names-known]

--panels emulated INTEGRA panels (tests/emulators/satel.py, each on its own TCP port, all in
a separate process) are registered with one owner each and held by one processor, which polls
each panel's new-data flags every --poll seconds. Partition 1 of every panel is armed. Panel 0
is an INTEGRA 256 Plus behind an ETHM-1 Plus (zones and outputs 1–256; its zone 200 is in
partition 1). Every panel names its 32 partitions and all its zones and outputs.

0. First onboarding: unless --names-known, no names are given, so the processor reads every
   panel's names (32 + 128 + 128 names, 32 + 256 + 256 for the 256 Plus) while it takes the
   leases and starts polling. Figures: time to all connected and to all names read, leases
   lost (the processor's own "lost the lease" lines), connections per panel (1 when nothing
   was dropped and taken again), whether the 256 Plus's zone 200 got its name.
1. Steady state: over --steady seconds, the processor's CPU share (of one core) and RSS,
   and the request rate the panels received (requests/s per panel).
2. Alarm latency: --trials times, one second apart, a zone of another panel is violated in
   its armed partition; the figure is the time from the injection to the sendMessage saying
   "ALARM" arriving at the Bot API emulator for that panel's owner (p50/p99).

Real PostgreSQL and Redis, a private Mosquitto, the processor as its own process; the bot
and the Bot API emulator in this one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.control import percentile  # noqa: E402
from bench.stack import bench_stack, processor_and_bot  # noqa: E402
from core.access.models import Membership  # noqa: E402
from core.devices.models import Device  # noqa: E402
from core.devices.service import provision  # noqa: E402
from core.panels.profile import GROUPS, SATEL, PanelProfile  # noqa: E402
from core.users.repository import UserRepository  # noqa: E402
from tests.emulators.satel import SatelPanelEmulator  # noqa: E402
from tests.emulators.telegram_api import FakeUser, TelegramEmulator  # noqa: E402

OWNER_BASE = 9_400_000
CONNECT_WAIT_SECONDS = 120
ALARM_WAIT_SECONDS = 10
NAMES_WAIT_SECONDS = 300
WIDE_ZONE = 200  # a zone of the INTEGRA 256 Plus above 128


# -- the panels' process ------------------------------------------------------------------------


def panels_process(count: int, conn: Connection) -> None:
    """Run `count` emulated panels and obey commands from the benchmark."""
    asyncio.run(_panels(count, conn))


def _panel(wide: bool) -> SatelPanelEmulator:
    """A panel that names its 32 partitions and every zone and output."""
    panel = SatelPanelEmulator(partitions=1, zones_per_partition=4, wide=wide)
    for number in range(1, 33):
        panel.state.names[(0, number)] = f"Strefa {number}"
    for number in range(1, (256 if wide else 128) + 1):
        panel.state.names[(1, number)] = f"Czujka {number}"
        panel.state.names[(4, number)] = f"Wyjście {number}"
    if wide:
        panel.state.zone_partition[WIDE_ZONE] = 1
    panel.arm_now(1, mode=0)
    return panel


async def _panels(count: int, conn: Connection) -> None:
    panels = [_panel(wide=i == 0) for i in range(count)]
    for panel in panels:
        await panel.start()
    conn.send([p.port for p in panels])
    while True:
        command, arg = await asyncio.to_thread(conn.recv)
        if command == "stop":
            for panel in panels:
                await panel.stop()
            conn.send(None)
            return
        if command == "violate":
            panels[arg].violate(WIDE_ZONE if panels[arg].wide else 1)
            conn.send(time.time())
        elif command == "connections":
            conn.send(sum(p.connections for p in panels))
        elif command == "connected":
            conn.send(sum(p.connected for p in panels))
        elif command == "requests":
            conn.send(sum(len(p.requests) for p in panels))
        elif command == "refused":
            conn.send(sum(p.refused for p in panels))


class Panels:
    """The benchmark's side of the panels' process."""

    def __init__(self, count: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=panels_process, args=(count, child), daemon=True)
        self._process.start()

    async def ask(self, command: str, arg: Any = None) -> Any:
        """Send a command and wait for its answer."""
        self._conn.send((command, arg))
        return await asyncio.to_thread(self._conn.recv)

    async def ports(self) -> list[int]:
        """The panels' ports (sent once they all listen)."""
        ports: list[int] = await asyncio.to_thread(self._conn.recv)
        return ports

    async def close(self) -> None:
        """Stop the panels and their process."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ask("stop"), 30)
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


# -- the benchmark ----------------------------------------------------------------------------


async def register(
    sessions: Any, run: str, ports: list[int], *, names_known: bool
) -> list[FakeUser]:
    """One panel per port, each with its own owner; with `names_known` the names are given
    (none is read from the panels), else every panel's are read at its first connection."""
    owners = [FakeUser(OWNER_BASE + i, f"Owner{i}") for i in range(len(ports))]
    async with sessions() as session:
        for owner in owners:
            await UserRepository(session).upsert(
                owner.id, first_name=owner.first_name, last_name=None, username=None, language="en"
            )
        await session.commit()
    for i, (port, owner) in enumerate(zip(ports, owners, strict=True)):
        attributes: dict[str, Any] = {"host": "127.0.0.1", "port": port}
        if names_known:
            attributes |= {"names": {"partitions": {"1": "House"}}, "names_set": list(GROUPS)}
        async with sessions() as session:
            device = (
                await provision(
                    session, f"satel-b{run}{i:04d}", SATEL, name=f"Panel {i}", attributes=attributes
                )
            ).device
            session.add(Membership(user_id=owner.id, device_id=device.id, role="owner"))
            await session.commit()
    return owners


async def onboarding(stack: Any, panels: Panels, count: int, began: float) -> None:
    """Wait until every panel's names are read; say how long it took and what was lost."""
    like = f"satel-b{stack.run}%"
    query = select(func.count()).where(Device.uid.like(like), Device.attributes.has_key("model"))
    named = 0
    while named < count and time.monotonic() - began < NAMES_WAIT_SECONDS:
        await asyncio.sleep(1)
        async with stack.sessions() as session:
            named = int(await session.scalar(query) or 0)
    print(
        f"{named} of {count} panels had their names read "
        f"{time.monotonic() - began:.1f} s after the processor started"
    )
    async with stack.sessions() as session:
        wide = await session.scalar(select(Device).where(Device.uid == f"satel-b{stack.run}0000"))
    zones = PanelProfile.of(wide.attributes if wide else {}).names.get("zones", {})
    print(
        f"INTEGRA 256 Plus (panel 0): {len(zones)} zone names read, zone {WIDE_ZONE} is "
        f"{zones.get(WIDE_ZONE)!r}"
    )


async def steady(panels: Panels, processor: psutil.Process, count: int, seconds: int) -> None:
    """CPU, RSS and request rate while every panel is polled and nothing happens."""
    processor.cpu_percent()
    before, began = await panels.ask("requests"), time.monotonic()
    await asyncio.sleep(seconds)
    cpu = processor.cpu_percent()
    after, took = await panels.ask("requests"), time.monotonic() - began
    print(
        f"steady state, {count} panels for {seconds} s: processor CPU {cpu:.0f}% of one core, "
        f"RSS {processor.memory_info().rss / 1024 / 1024:.0f} MiB; the panels received "
        f"{(after - before) / took:,.0f} requests/s ({(after - before) / took / count:.2f} "
        "per panel per second)"
    )


async def alarm_latency(emulator: TelegramEmulator, panels: Panels, owners: list[FakeUser],
                        trials: int) -> None:  # fmt: skip
    """Violate a zone of an armed partition; time it to the alarm's sendMessage."""
    samples = []
    step = max(1, len(owners) // trials)
    for trial in range(trials):
        index = (trial * step) % len(owners)
        owner = owners[index]
        before = len(emulator.requests)
        injected = await panels.ask("violate", index)
        deadline = time.monotonic() + ALARM_WAIT_SECONDS
        arrived = None
        while arrived is None and time.monotonic() < deadline:
            for (name, params), at in zip(
                emulator.requests[before:], emulator.request_times[before:], strict=False
            ):
                if (
                    name == "sendMessage"
                    and str(params.get("chat_id")) == str(owner.id)
                    and "ALARM" in str(params.get("text", ""))
                ):
                    arrived = at
                    break
            await asyncio.sleep(0.002)
        if arrived is None:
            print(f"trial {trial}: no alarm message within {ALARM_WAIT_SECONDS} s")
            continue
        samples.append(arrived - injected)
        await asyncio.sleep(max(0.0, 1.0 - (time.time() - injected)))
    if samples:
        print(
            f"alarm latency over {len(samples)} of {trials} trials: "
            f"p50 {statistics.median(samples) * 1000:.0f} ms, "
            f"p99 {percentile(samples, 0.99) * 1000:.0f} ms, "
            f"max {max(samples) * 1000:.0f} ms "
            "(zone violated at the panel → sendMessage at the Bot API emulator)"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", type=int, default=500)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--poll", type=float, default=1.0)
    parser.add_argument("--steady", type=int, default=20)
    parser.add_argument("--names-known", action="store_true", help="give every panel's names")
    args = parser.parse_args()
    async with bench_stack("satel-b{run}%") as stack:
        panels = Panels(args.panels)
        try:
            ports = await panels.ports()
            owners = await register(stack.sessions, stack.run, ports, names_known=args.names_known)
            for owner in owners:
                stack.emulator.open_chat(owner)
            began = time.monotonic()
            extra = {"SATEL_POLL_SECONDS": str(args.poll), "LOG_LEVEL": "WARNING"}
            log = tempfile.TemporaryFile()  # noqa: SIM115 - read after the processor stops
            async with processor_and_bot(stack.settings, extra, log) as processor:
                connected = 0
                while connected < args.panels and time.monotonic() - began < CONNECT_WAIT_SECONDS:
                    await asyncio.sleep(0.5)
                    connected = await panels.ask("connected")
                print(
                    f"{connected} of {args.panels} panels connected to one processor "
                    f"{time.monotonic() - began:.1f} s after it started"
                )
                if not args.names_known:
                    await onboarding(stack, panels, args.panels, began)
                await asyncio.sleep(5)  # first states and their history are written
                await steady(panels, psutil.Process(processor.pid), args.panels, args.steady)
                await alarm_latency(stack.emulator, panels, owners, args.trials)
                refused = await panels.ask("refused")
                print(f"connections refused as busy (a second client): {refused}")
                connections = await panels.ask("connections")
                print(
                    f"connections made: {connections} for {args.panels} panels "
                    f"({connections / args.panels:.2f} per panel)"
                )
            log.seek(0)
            lost = log.read().decode(errors="replace").count("lost the lease")
            print(f"leases lost by the processor: {lost}")
        finally:
            await panels.close()


if __name__ == "__main__":
    asyncio.run(main())
