"""A device kind is one registry entry: a new one shows in /devices, its card and its settings
without a line of bot code; the `device_types` rows and the registry agree."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.devices import kinds, metrics
from core.devices.commands import RESTART
from core.devices.kinds import Card, DeviceKind, Executor
from core.devices.metrics import MetricFacts
from core.devices.models import Device, DeviceType
from core.devices.repository import DeviceRepository
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.telegram_api import FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member, forget_retained, rollup_count

OWNER = FakeUser(7101, "Ola")
RADON = DeviceKind(
    "radon",
    "Radon monitor",
    Card.SENSOR,
    Executor.FIRMWARE,
    "radon",
    60,
    (RESTART,),
    alertable=re.compile(r"radon"),
)


@pytest.fixture
async def radon_kind(
    monkeypatch: pytest.MonkeyPatch, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[DeviceKind]:
    """The new kind in the registry (and its metric in the facts), its row written."""
    monkeypatch.setitem(kinds.KINDS, RADON.code, RADON)
    monkeypatch.setitem(metrics.FACTS, "radon", MetricFacts("Bq/m³", None, (0, 10_000), 20))
    async with sessions() as session:
        await DeviceRepository(session).sync_kinds([RADON])
        await session.commit()
    yield RADON
    async with sessions() as session:
        await session.execute(delete(Device).where(Device.type_code == RADON.code))
        await session.execute(delete(DeviceType).where(DeviceType.code == RADON.code))
        await session.commit()


async def test_registry_and_device_types_rows_agree(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        rows = await DeviceRepository(session).type_rows()
    expected = {k.code: (k.title, k.primary_metric, k.report_interval) for k in kinds.all_kinds()}
    assert rows == expected


async def test_a_new_kind_shows_in_devices_its_card_and_its_settings(
    radon_kind: DeviceKind,
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid = unique_uid("rn_")
    device = (await add_device(sessions, uid, radon_kind.code, name="Cellar")).device
    await add_member(sessions, OWNER.id, device.id, "owner", name=OWNER.first_name)
    await publish(f"devices/{uid}/telemetry", b'{"radon": 120, "temperature": 11.5}')
    await eventually(lambda: rollup_count(sessions, device.id, "radon"))

    listing = await emulator.reply_to(OWNER, "/devices")
    assert "120 Bq/m³" in listing.button("Cellar")["text"]  # its primary metric
    await emulator.press(OWNER, listing, "Cellar")
    card = await emulator.wait_for(lambda: listing.edits and listing)
    assert "radon: 120 Bq/m³" in card.plain and "Temperature: 11.5 °C" in card.plain
    texts = [b["text"] for b in card.buttons()]
    assert "⚙️ Settings" in texts and "🎛 Commands" in texts

    await emulator.press(OWNER, card, "Commands")
    menu = await emulator.wait_for(lambda: card.edits >= 2 and card)
    assert [b["text"] for b in menu.buttons()] == ["🔄 Restart", "⬅️ Back to the device"]

    await emulator.press(OWNER, menu, "Back to the device")
    await emulator.wait_for(lambda: card.edits >= 3)
    await emulator.press(OWNER, card, "Settings")
    screen = await emulator.wait_for(lambda: card.edits >= 4 and card)
    metric_buttons = [b["text"] for b in screen.buttons() if b["text"].startswith("📏")]
    assert metric_buttons == ["📏 radon"]  # its alertable metrics only (not temperature)
    await forget_retained(uid)
