"""The bot killed while 1,000 alerts are pending: after a restart each arrives, once, in order."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import signal
import sys
from pathlib import Path

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core import clock
from core.access.models import Membership
from core.alerts.rules import Kind
from core.alerts.service import Change, record_changes
from core.outbox.models import OutboxMessage
from core.settings import Settings
from tests.conftest import eventually, unique_uid
from tests.emulators.telegram_api import FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = [FakeUser(5000 + i, f"P{i}") for i in range(25)]
DEVICES = 40  # 40 devices × 25 people = 1,000 pending alerts


async def start_bot(settings: Settings, emulator: TelegramEmulator) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "REDIS_PREFIX": settings.redis_prefix,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.url,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stderr=asyncio.subprocess.DEVNULL
    )


async def test_a_killed_bot_loses_nothing_and_repeats_nothing(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    redis: Redis,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    names = [f"Room{i:02d}" for i in range(DEVICES)]
    device_ids = [(await add_device(sessions, unique_uid(), name=n)).device.id for n in names]
    for person in PEOPLE:
        emulator.open_chat(person)
        await add_member(sessions, person.id, device_ids[0], "viewer", name=person.first_name)
    async with sessions() as session, session.begin():
        session.add_all(
            Membership(user_id=p.id, device_id=d, role="viewer")
            for p in PEOPLE
            for d in device_ids[1:]
        )
    now = clock.now().timestamp()
    async with sessions() as session, session.begin():
        await record_changes(
            session,
            [
                Change(d, Kind.HIGH, "co2", True, "warning", 1500, 1000, now + i)
                for i, d in enumerate(device_ids)
            ],
        )

    # The 21st message never gets an answer; the bot is killed while it waits for it.
    emulator.hang_from["sendMessage"] = (21, 5.0)
    first = await start_bot(settings, emulator)
    try:
        await emulator.wait_for(lambda: len(emulator.calls("sendMessage")) >= 21, timeout=30)
        first.send_signal(signal.SIGKILL)
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
    del emulator.hang_from["sendMessage"]
    second = await start_bot(settings, emulator)
    try:

        async def all_sent() -> bool:
            async with sessions() as session:
                rows = (await session.scalars(select(OutboxMessage.status))).all()
            return len(rows) == DEVICES * len(PEOPLE) and set(rows) == {"sent"}

        await eventually(all_sent, timeout=60, interval=0.2)
    finally:
        second.terminate()
        await second.wait()

    for person in PEOPLE:
        seen = [
            name
            for m in emulator.bot_messages(person.id)
            for name in re.findall(r"Room\d\d", m.plain)
        ]
        assert seen == names, person  # every alert once, in the order it happened


async def test_two_bot_instances_share_the_limits_and_never_send_twice(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    redis: Redis,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    person = PEOPLE[0]
    emulator.open_chat(person)
    names = [f"Room{i:02d}" for i in range(6)]
    device_ids = [(await add_device(sessions, unique_uid(), name=n)).device.id for n in names]
    await add_member(sessions, person.id, device_ids[0], "viewer", name=person.first_name)
    async with sessions() as session, session.begin():
        session.add_all(
            Membership(user_id=person.id, device_id=d, role="viewer") for d in device_ids[1:]
        )
    bots = [await start_bot(settings, emulator) for _ in range(2)]
    try:
        for i, device_id in enumerate(device_ids):  # one alert after another, each on its own
            async with sessions() as session, session.begin():
                await record_changes(
                    session,
                    [Change(device_id, Kind.OFFLINE, "", True, "warning", None, None, now_plus(i))],
                )

        async def all_sent() -> bool:
            async with sessions() as session:
                rows = (await session.scalars(select(OutboxMessage.status))).all()
            return len(rows) == len(names) and set(rows) == {"sent"}

        await eventually(all_sent, timeout=60, interval=0.2)
    finally:
        for process in bots:
            process.terminate()
            await process.wait()
    seen = [
        name for m in emulator.bot_messages(person.id) for name in re.findall(r"Room\d\d", m.plain)
    ]
    assert seen == names
    times = [
        t
        for (method, params), t in zip(emulator.requests, emulator.request_times, strict=True)
        if method == "sendMessage" and int(params["chat_id"]) == person.id
    ]
    assert all(b - a >= 0.9 for a, b in itertools.pairwise(times))


def now_plus(seconds: int) -> float:
    return clock.now().timestamp() + seconds
