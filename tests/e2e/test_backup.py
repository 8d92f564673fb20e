"""`dozor backup` and `dozor restore`: back up, wipe, restore; the bot shows the same devices,
members, settings and history."""

from __future__ import annotations

import json
from pathlib import Path

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.devices.models import DeviceConfig
from core.redis_keys import RedisKeys
from core.settings import Settings
from tests.conftest import TABLES, RunningProcessor, eventually, publish, unique_uid
from tests.e2e.conftest import bot_running
from tests.emulators.telegram_api import ChatMessage, FakeUser, TelegramEmulator
from tests.integration.broker import dozor_cli
from tests.integration.helpers import add_device, add_member, rollup_count, set_config

OWNER = FakeUser(4601, "Anna")
FRIEND = FakeUser(4602, "Bob")


async def _what_the_bot_shows(settings: Settings, emulator: TelegramEmulator) -> list[str]:
    """The device list, the card's name and reading, its members: as the owner sees them."""
    async with bot_running(settings, emulator):
        listed = await emulator.reply_to(OWNER, "/devices")
        shown = [listed.plain, json.dumps(listed.rows())]
        if "Hall" not in shown[1]:
            return shown
        await emulator.press(OWNER, listed, "Hall")
        card: ChatMessage = await emulator.wait_for(lambda: "Your role" in listed.plain and listed)
        shown += [line for line in card.plain.split("\n") if "CO₂" in line or "Hall" in line]
        shown = [s.split(" · ")[0] for s in shown]  # the reading's age moves on
        await emulator.press(OWNER, card, "👥 Members")
        await emulator.wait_for(lambda: "Members of" in listed.plain)
        shown.append(listed.plain)
    return shown


async def test_back_up_wipe_restore_and_the_bot_shows_the_same(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    processor: RunningProcessor,
    tmp_path: Path,
) -> None:
    uid = unique_uid()
    device_id = (await add_device(sessions, uid, name="Hall")).device.id
    await add_member(sessions, OWNER.id, device_id, "owner", name="Anna")
    await add_member(sessions, FRIEND.id, device_id, "viewer", name="Bob")
    await set_config(sessions, device_id, thresholds={"co2": {"high": 1200}})
    for co2 in (800, 900, 1000):
        await publish(f"devices/{uid}/telemetry", json.dumps({"co2": co2}).encode())
    await eventually(lambda: _at_least(sessions, device_id, 3))
    keys = RedisKeys(settings.redis_prefix)
    await redis.hset(keys.shelly_counters("shellypro3em-backup"), mapping={"total": "1234.5"})
    await processor.shutdown()
    emulator.open_chat(OWNER)
    before = await _what_the_bot_shows(settings, emulator)
    assert "Hall" in before[1] and any("1000" in line for line in before)

    archive = tmp_path / "dozor.backup"
    made = dozor_cli(settings, "backup", str(archive))
    assert made.returncode == 0, made.stderr
    assert "SECRET_KEYS" in made.stdout and archive.stat().st_size > 0
    refused = dozor_cli(settings, "restore", str(archive))  # devices there: not without --yes
    assert refused.returncode != 0 and "--yes" in refused.stderr

    async with engine.begin() as connection:  # the wipe
        await connection.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    async for key in redis.scan_iter(match=f"{settings.redis_prefix}:*"):
        await redis.delete(key)
    gone = await _what_the_bot_shows(settings, emulator)
    assert "Hall" not in gone[1]

    done = dozor_cli(settings, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "restored the backup" in done.stdout
    after = await _what_the_bot_shows(settings, emulator)
    assert after == before
    async with sessions() as session:
        config = await session.get(DeviceConfig, device_id)
        assert config is not None and config.config["thresholds"] == {"co2": {"high": 1200}}
    assert await rollup_count(sessions, device_id, "co2") == 3
    counters = await redis.hgetall(keys.shelly_counters("shellypro3em-backup"))
    assert counters == {b"total": b"1234.5"}


async def test_restore_refuses_what_is_not_a_backup(settings: Settings, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not an archive")
    refused = dozor_cli(settings, "restore", str(bogus))
    assert refused.returncode != 0 and "is not a Dozor backup" in refused.stderr


async def _at_least(sessions: async_sessionmaker[AsyncSession], device_id: int, n: int) -> bool:
    return await rollup_count(sessions, device_id, "co2") >= n
