"""Broadcast benchmark: a message to 2,000 people, and an alert raised in the middle of it.

    .venv/bin/python bench/broadcast.py [--users 2000] [--alerts 5]

A broadcast goes to --users people (a language of this run's own, so other benchmark runs'
users are left alone) through the real outbox and bot, against the Bot API emulator, within
Telegram's limits (about 30 messages a second overall, one a second per chat). While it goes
out, --alerts alerts are raised one after another for people whose copy is still pending; each
one's latency is from its commit to its sendMessage at the emulator. Prints the broadcast's
rate and duration, the alerts' latencies, the highest rates seen, and duplicates (should be 0).
Real PostgreSQL and Redis; the bot and the emulator in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import delete, func, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.alerts import add_devices, add_users, peak_rates  # noqa: E402
from bench.stack import bench_stack  # noqa: E402
from bot.app import BotOptions, run_bot  # noqa: E402
from core import clock  # noqa: E402
from core.alerts.rules import Kind  # noqa: E402
from core.alerts.service import Change, record_changes  # noqa: E402
from core.broadcasts import service  # noqa: E402
from core.broadcasts.service import Audience, AudienceKind  # noqa: E402
from core.outbox.models import OutboxMessage  # noqa: E402
from core.outbox.wakeup import OutboxWakeup  # noqa: E402
from core.redis_client import make_redis  # noqa: E402
from core.redis_keys import RedisKeys  # noqa: E402
from core.users.models import User  # noqa: E402
from tests.emulators.telegram_api import FakeUser  # noqa: E402


async def _reaches(count: Callable[[], Awaitable[int]], wanted: float) -> None:
    while True:
        if await count() >= wanted:
            return
        await asyncio.sleep(0.2)


async def main() -> None:  # noqa: PLR0915 - one scenario, told in order
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--alerts", type=int, default=5)
    args = parser.parse_args()
    async with bench_stack("bc{run}%", pool_size=10) as stack:
        sessions, emulator, run = stack.sessions, stack.emulator, stack.run
        language = f"b{run}"
        people = [FakeUser(9_300_000 + i) for i in range(args.users)]
        await add_users(sessions, [p.id for p in people])
        async with sessions() as session, session.begin():
            ids = [p.id for p in people]
            await session.execute(update(User).where(User.id.in_(ids)).values(language=language))
        for person in people:
            emulator.open_chat(person)
        late = people[-args.alerts :]  # their copies go out last
        devices = []
        for i, person in enumerate(late):
            devices += await add_devices(sessions, f"bc{run}-{i}", 1, [person.id])
        redis = make_redis(stack.settings.redis_url)
        wake = OutboxWakeup(redis, RedisKeys(stack.settings.redis_prefix))
        stop = asyncio.Event()
        bot = asyncio.create_task(run_bot(stack.settings, stop, BotOptions(polling_timeout=1)))
        await emulator.wait_for(lambda: emulator.calls("getUpdates"), timeout=30)
        marker = f"Maintenance {run}"
        first_request = len(emulator.requests)
        async with sessions() as session:
            broadcast = await service.start(
                session, f"bench-{run}", people[0].id, marker, None,
                Audience(AudienceKind.LANGUAGE, language),
            )  # fmt: skip
        assert broadcast is not None
        began = time.time()
        await wake()

        async def sent() -> int:
            async with sessions() as session:
                return int(
                    await session.scalar(
                        select(func.count()).where(
                            OutboxMessage.broadcast_id == broadcast.id,
                            OutboxMessage.status != "pending",
                        )
                    )
                    or 0
                )

        latencies: list[float] = []
        for (_, device_id), person in zip(devices, late, strict=True):
            await _reaches(sent, args.users * (len(latencies) + 1) / (args.alerts + 2))
            before = len(emulator.requests)
            async with sessions() as session, session.begin():
                now = clock.now().timestamp()
                change = Change(device_id, Kind.HIGH, "co2", True, "warning", 1500, 1000, now)
                await record_changes(session, [change])
            raised = time.time()
            await wake()
            while True:
                hits = [
                    t
                    for (name, params), t in zip(
                        emulator.requests[before:], emulator.request_times[before:], strict=True
                    )
                    if name == "sendMessage"
                    and int(params["chat_id"]) == person.id
                    and "CO₂" in str(params.get("text", ""))
                ]
                if hits:
                    latencies.append(hits[0] - raised)
                    break
                await asyncio.sleep(0.005)
        await _reaches(sent, args.users)
        took = time.time() - began
        stop.set()
        await asyncio.wait_for(bot, 30)
        copies = Counter(
            person.id
            for person in people
            for message in emulator.bot_messages(person.id)
            if marker in message.plain
        )
        duplicates = sum(n - 1 for n in copies.values() if n > 1)
        sends = [
            (params, t)
            for (name, params), t in zip(
                emulator.requests[first_request:],
                emulator.request_times[first_request:],
                strict=True,
            )
            if name == "sendMessage"
        ]
        per_chat: dict[int, list[float]] = {}
        for params, t in sends:
            per_chat.setdefault(int(params["chat_id"]), []).append(t)
        print(
            f"broadcast: {len(copies):,} of {args.users:,} people in {took:.1f} s "
            f"({len(copies) / took:.1f} msg/s); duplicates {duplicates}; peak "
            f"{peak_rates([t for _, t in sends], 1.0):.0f} msg/s overall, "
            f"{max(peak_rates(ts, 1.0) for ts in per_chat.values()):.0f} per chat "
            f"(limits 30 and 1)"
        )
        print(
            f"alerts raised during it ({len(latencies)}): commit → sendMessage p50 "
            f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )
        async with sessions() as session, session.begin():  # leave nobody behind
            await session.execute(delete(User).where(User.language == language))
        await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main())
