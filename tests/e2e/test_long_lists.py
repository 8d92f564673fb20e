"""Lists a person can grow stay usable: paged device lists, /status split between devices,
a digest of many devices split between lines."""

from __future__ import annotations

import zoneinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import translator
from bot.render.alerts import digest_text
from bot.render.split import MESSAGE_LIMIT, length
from core.outbox.payloads import DigestDevice, DigestPayload, Event
from tests.conftest import unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.telegram_api import FakeUser, TelegramEmulator, _check_html
from tests.integration.helpers import add_device, add_member

OWNER = FakeUser(4701, "Anna")
NAME = "Greenhouse section with a long name"


async def _devices(sessions: async_sessionmaker[AsyncSession], count: int) -> None:
    for n in range(count):
        device = (await add_device(sessions, unique_uid(), name=f"{NAME} {n:02d}")).device
        await add_member(sessions, OWNER.id, device.id, "owner", name="Anna")


def _names(rows: list[list[str]]) -> list[str]:
    return [text for row in rows for text in row if NAME in text]


async def test_a_long_device_list_is_paged(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _devices(sessions, 45)
    listed = await emulator.reply_to(OWNER, "/devices")
    first = _names(listed.rows())
    assert len(first) == 20 and listed.rows()[-1] == ["1/3", "▶"]
    await emulator.press(OWNER, listed, "▶")
    await emulator.wait_for(lambda: listed.rows()[-1] == ["◀", "2/3", "▶"])
    second = _names(listed.rows())
    await emulator.press(OWNER, listed, "▶")
    await emulator.wait_for(lambda: listed.rows()[-1] == ["◀", "3/3"])
    third = _names(listed.rows())
    assert (len(second), len(third)) == (20, 5)
    assert len(set(first) | set(second) | set(third)) == 45  # none twice, none left out
    await emulator.press(OWNER, listed, third[0])  # a device of the last page opens
    await emulator.wait_for(lambda: "Your role: owner" in listed.plain)

    chosen = await emulator.reply_to(OWNER, "/select")
    assert len(_names(chosen.rows())) == 20 and chosen.rows()[-1] == ["1/3", "▶"]


async def test_status_of_many_devices_comes_in_several_messages(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _devices(sessions, 120)
    await emulator.reply_to(OWNER, "/help")
    before = len(emulator.bot_messages(OWNER.id))
    await emulator.send(OWNER, "/status")

    def all_there() -> bool:
        said = emulator.bot_messages(OWNER.id)[before:]
        return sum(m.plain.count(NAME) for m in said) == 120

    await emulator.wait_for(all_there)
    said = emulator.bot_messages(OWNER.id)[before:]
    assert len(said) > 1 and all(length(m.text) <= MESSAGE_LIMIT for m in said)


def test_a_digest_of_many_devices_is_split_between_lines() -> None:
    night = {
        "co2": (450.0, 1250.0, 780.0),
        "temperature": (19.5, 23.1, 21.2),
        "humidity": (35.0, 52.0, 44.0),
        "pressure": (998.0, 1004.0, 1001.0),
    }
    devices = [DigestDevice(name=f"{NAME} {n:02d}", metrics=night) for n in range(40)]
    payload = DigestPayload(event=Event.DIGEST, start=0, end=3600, devices=devices)
    texts = digest_text(payload, translator("en"), zoneinfo.ZoneInfo("UTC"))
    assert len(texts) > 1
    assert all(length(t) <= MESSAGE_LIMIT for t in texts)
    assert sum(t.count(NAME) for t in texts) == 40
    for text in texts:
        _check_html(text)
