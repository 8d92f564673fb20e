"""Firmware from the chat: an admin adds an image and rolls it out (the card edited in
place, paused, halted); an owner is offered an update on the card and answers it."""

from __future__ import annotations

import asyncio
import hashlib
import os

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotOptions
from bot.callbacks import FirmwareAction, FirmwareOp
from bot.live import LiveOptions
from core import clock
from core.audit.models import AuditEntry
from core.cancellation import cancel_and_wait
from core.firmware.models import FirmwareImage, FirmwareRollout, FirmwareUpdate
from core.firmware.service import add_image
from core.settings import Settings
from device_firmware.simulator.device import SimulatedDevice
from processor.app import ProcessorOptions
from tests.conftest import eventually, unique_uid
from tests.e2e.conftest import RunningBot, bot_running
from tests.e2e.test_control import open_card
from tests.emulators.telegram_api import FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member, forget_retained, processor_running
from tests.integration.test_resilience import free_port

ADMIN = FakeUser(7001, "Ada")
OWNER = FakeUser(5001, "Olga")  # as in test_control (open_card presses as this user)
VIEWER = FakeUser(5002, "Vera")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """ADMIN is a platform admin; the processor serves images."""
    return settings.model_copy(
        update={
            "admin_user_ids": frozenset({ADMIN.id}),
            "ota_http_host": "127.0.0.1",
            "ota_http_port": free_port(),
        }
    )


@pytest.fixture
def bot_options() -> BotOptions:
    return BotOptions(
        live=LiveOptions(edit_interval=0.5, lifetime=600.0), polling_timeout=1, rollout_cards=0.2
    )


async def test_an_admin_adds_an_image_by_sending_the_file(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    data = os.urandom(30_000)
    await emulator.send_document(ADMIN, "micropython.bin", data)
    asked = await emulator.wait_for(lambda: _last(emulator, ADMIN, "Which devices"))
    assert "micropython.bin" in asked.plain and "30 KB" in asked.plain
    await emulator.press(ADMIN, asked, "co2")
    await emulator.wait_for(lambda: "Which version" in asked.plain)
    assert "is not a version" in (await emulator.reply_to(ADMIN, "2 beta")).plain
    assert "What changed" in (await emulator.reply_to(ADMIN, "2.0.2")).plain
    added = await emulator.reply_to(ADMIN, "Faster Wi-Fi")
    assert "Added co2 2.0.2" in added.plain and hashlib.sha256(data).hexdigest() in added.plain
    assert added.button("Roll out co2 2.0.2")
    async with sessions() as session:
        image = (await session.scalars(select(FirmwareImage))).one()
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert (image.version, image.size, image.notes, image.added_by) == (
        "2.0.2", 30_000, "Faster Wi-Fi", ADMIN.id
    )  # fmt: skip
    assert "firmware.image.added" in actions
    # Anyone else's file is not an image, and /firmware is not theirs.
    await emulator.send_document(OWNER, "evil.bin", b"x" * 100)
    await emulator.wait_for(lambda: _last(emulator, OWNER, "did not expect a message"))
    assert "do not know that command" in (await emulator.reply_to(OWNER, "/firmware")).plain
    async with sessions() as session:
        assert len((await session.scalars(select(FirmwareImage))).all()) == 1


def _last(emulator: TelegramEmulator, user: FakeUser, words: str):  # type: ignore[no-untyped-def]
    return next((m for m in reversed(emulator.bot_messages(user.id)) if words in m.plain), None)


async def test_a_rollout_from_the_chat_with_its_card_edited_in_place(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    devices = []
    for index in range(3):
        uid = unique_uid(f"chat{index}_")
        await add_device(sessions, uid, name=f"Room {index}")
        devices.append(
            SimulatedDevice(uid, interval=0.3, mqtt_url=settings.mqtt_url, firmware_version="2.0.1")
        )
    async with sessions() as session, session.begin():
        await add_image(session, "co2", "2.0.2", os.urandom(40_000), notes="Faster Wi-Fi")
    tasks = [asyncio.create_task(d.run()) for d in devices]
    try:
        async with processor_running(settings, options=ProcessorOptions(rollout_step_seconds=0.1)):
            listing = await emulator.reply_to(ADMIN, "/firmware")
            assert "co2 2.0.2" in listing.plain and "Faster Wi-Fi" in listing.plain
            await emulator.press(ADMIN, listing, "Roll out co2 2.0.2")
            await emulator.wait_for(lambda: "to 3 devices" in listing.plain)
            assert "a canary of 1 device" in listing.plain and "100 a minute" in listing.plain
            await emulator.press(ADMIN, listing, "Pace: 100/min")
            await emulator.wait_for(lambda: "1,000 a minute" in listing.plain)
            # A stranger pressing a forged Start starts nothing.
            forged = FirmwareAction(op=FirmwareOp.START, image_id=1, canary=0, pace=1000)
            await emulator.press(OWNER, listing, data=forged.pack())
            await emulator.press(ADMIN, listing, "Start")
            await emulator.wait_for(lambda: "Rollout #1: co2 2.0.2" in listing.plain)
            await emulator.wait_for(lambda: "✅ done" in listing.plain, timeout=30)
            assert "done: 3" in listing.plain and not listing.buttons()
    finally:
        await cancel_and_wait(tasks)  # until they end (a publish may swallow one cancel)
        for device in devices:
            await forget_retained(device.uid)
    assert all(d.firmware_version == "2.0.2" for d in devices)
    async with sessions() as session:
        rollouts = (await session.scalars(select(FirmwareRollout))).all()
        audit = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "firmware.rollout"))
        ).all()
    assert [(r.created_by, r.pace, r.state) for r in rollouts] == [(ADMIN.id, 1000, "done")]
    assert [a.actor_user_id for a in audit] == [ADMIN.id]


async def test_a_rollout_is_paused_resumed_and_halted_from_its_card(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = unique_uid("offline_")
    await add_device(sessions, uid, name="Attic")  # offline: its update waits
    async with sessions() as session, session.begin():
        await add_image(session, "co2", "2.0.2", os.urandom(1000))
    listing = await emulator.reply_to(ADMIN, "/firmware")
    await emulator.press(ADMIN, listing, "Roll out co2 2.0.2")
    await emulator.wait_for(lambda: "to 1 device" in listing.plain)
    await emulator.press(ADMIN, listing, "Start")
    await emulator.wait_for(lambda: "— running" in listing.plain)
    assert "waiting for the device: 1" in listing.plain
    await emulator.press(ADMIN, listing, "Pause")
    await emulator.wait_for(lambda: "⏸ paused" in listing.plain)
    await emulator.press(ADMIN, listing, "Resume")
    await emulator.wait_for(lambda: "— running" in listing.plain)
    await emulator.press(ADMIN, listing, "Halt")
    await emulator.wait_for(lambda: "⏹ halted" in listing.plain)
    assert "Halted: halted by an admin" in listing.plain and not listing.buttons()
    async with sessions() as session:
        actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert [a for a in actions if a.startswith("firmware.rollout.")] == [
        "firmware.rollout.paused", "firmware.rollout.running", "firmware.rollout.halted"
    ]  # fmt: skip


async def test_an_owner_is_offered_an_update_and_skips_it_or_takes_it(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    uid = unique_uid("co2_")
    device_id = (await add_device(sessions, uid, name="Bedroom")).device.id
    await add_member(sessions, OWNER.id, device_id, "owner", name="Olga")
    await add_member(sessions, VIEWER.id, device_id, "viewer", name="Vera")
    simulator = SimulatedDevice(
        uid, interval=0.3, mqtt_url=settings.mqtt_url, firmware_version="2.0.1"
    )
    async with sessions() as session, session.begin():
        first = await add_image(session, "co2", "2.0.2", os.urandom(2000), notes="Faster Wi-Fi")
    running = asyncio.create_task(simulator.run())
    try:
        async with processor_running(settings, options=ProcessorOptions(rollout_step_seconds=0.1)):
            await eventually(lambda: _runs(sessions, device_id, "2.0.1"))
            card = await open_card(emulator, "Bedroom")
            assert "Update available: 2.0.2" in card.plain and "Faster Wi-Fi" in card.plain
            # A viewer is told of it but cannot answer it, even with a forged button.
            forged = FirmwareAction(op=FirmwareOp.NOW, device_id=device_id, image_id=first.id)
            await emulator.press(VIEWER, card, data=forged.pack())
            skipped = await emulator.press(OWNER, card, "Skip this version")
            await emulator.wait_for(lambda: "Update available" not in card.plain)
            await emulator.wait_for(lambda: skipped in emulator.callback_answers)
            assert "2.0.2 skipped" in emulator.callback_answers[skipped]["text"]
            async with sessions() as session, session.begin():
                await add_image(session, "co2", "2.0.3", os.urandom(2000))
            await emulator.press(OWNER, card, "Refresh")
            await emulator.wait_for(lambda: "Update available: 2.0.3" in card.plain)
            tonight = await emulator.press(OWNER, card, "Tonight")
            await emulator.wait_for(lambda: "Update to 2.0.3 at" in card.plain)
            await emulator.wait_for(lambda: tonight in emulator.callback_answers)
            assert "set for" in emulator.callback_answers[tonight]["text"]
            assert "03:00" in card.plain
            async with sessions() as session:
                waiting = (await session.scalars(select(FirmwareUpdate))).one()
            assert waiting.not_before is not None and waiting.not_before > clock.now()
            assert waiting.state == "queued"
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await forget_retained(uid)
    async with sessions() as session:
        actions = (await session.scalars(select(AuditEntry))).all()
        rollouts = (await session.scalars(select(FirmwareRollout))).all()
    answers = [a for a in actions if a.action.startswith("firmware") and a.actor_user_id]
    assert [(a.action, a.actor_user_id) for a in answers] == [
        ("firmware.skipped", OWNER.id), ("firmware.rollout", OWNER.id)
    ]  # fmt: skip
    assert [r.version for r in rollouts] == ["2.0.3"]  # the viewer's forged press did nothing


async def _runs(sessions: async_sessionmaker[AsyncSession], device_id: int, version: str) -> bool:
    from core.devices.models import Device

    async with sessions() as session:
        device = await session.get(Device, device_id)
        return device is not None and device.firmware_version == version


async def test_update_now_from_the_card_updates_the_device(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    uid = unique_uid("co2_")
    device_id = (await add_device(sessions, uid, name="Bedroom")).device.id
    await add_member(sessions, OWNER.id, device_id, "owner", name="Olga")
    simulator = SimulatedDevice(
        uid, interval=0.3, mqtt_url=settings.mqtt_url, firmware_version="2.0.1"
    )
    async with sessions() as session, session.begin():
        await add_image(session, "co2", "2.0.2", os.urandom(2000))
    running = asyncio.create_task(simulator.run())
    try:
        async with processor_running(settings, options=ProcessorOptions(rollout_step_seconds=0.1)):
            await eventually(lambda: _runs(sessions, device_id, "2.0.1"))
            card = await open_card(emulator, "Bedroom")
            started = await emulator.press(OWNER, card, "Update now")
            await emulator.wait_for(lambda: "Updating to 2.0.2" in card.plain)
            await emulator.wait_for(lambda: started in emulator.callback_answers)
            assert "started" in emulator.callback_answers[started]["text"]
            await eventually(lambda: _runs(sessions, device_id, "2.0.2"), timeout=20)
            await emulator.press(OWNER, card, "Refresh")
            await emulator.wait_for(lambda: "Firmware 2.0.2" in card.plain)
            assert "Update" not in card.plain.replace("Firmware", "")
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await forget_retained(uid)


async def test_a_bot_restart_mid_rollout_leaves_its_card_kept_up_to_date(
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    bot_options: BotOptions,
) -> None:
    """The card is redrawn from the database: a bot started after the rollout moved on
    brings it up to date."""
    uid = unique_uid("restart_")
    await add_device(sessions, uid, name="Porch")
    simulator = SimulatedDevice(
        uid, interval=0.3, mqtt_url=settings.mqtt_url, firmware_version="2.0.1"
    )
    async with sessions() as session, session.begin():
        await add_image(session, "co2", "2.0.2", os.urandom(1000))
    async with bot_running(settings, emulator, bot_options):
        listing = await emulator.reply_to(ADMIN, "/firmware")
        await emulator.press(ADMIN, listing, "Roll out co2 2.0.2")
        await emulator.wait_for(lambda: "to 1 device" in listing.plain)
        await emulator.press(ADMIN, listing, "Start")
        await emulator.wait_for(lambda: "waiting for the device: 1" in listing.plain)
    # The bot is down while the device comes online and is updated.
    running = asyncio.create_task(simulator.run())
    try:
        async with processor_running(settings, options=ProcessorOptions(rollout_step_seconds=0.1)):
            await eventually(lambda: simulator.firmware_version == "2.0.2", timeout=20)
            async with bot_running(settings, emulator, bot_options):
                await emulator.wait_for(lambda: "✅ done" in listing.plain, timeout=20)
                assert "done: 1" in listing.plain
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await forget_retained(uid)


async def test_an_admin_rolls_out_to_chosen_devices_only(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ids = {}
    for name in ("Attic", "Bedroom", "Cellar"):
        ids[name] = (await add_device(sessions, unique_uid("pick_"), name=name)).device.id
    async with sessions() as session, session.begin():
        image = await add_image(session, "co2", "2.0.3", os.urandom(20_000))
    listing = await emulator.reply_to(ADMIN, "/firmware")
    await emulator.press(ADMIN, listing, "Roll out co2 2.0.3")
    await emulator.wait_for(lambda: "to 3 devices" in listing.plain)
    await emulator.press(ADMIN, listing, "Choose devices")
    await emulator.wait_for(lambda: "0 of 3 chosen" in listing.plain)
    await emulator.press(ADMIN, listing, "Bedroom")
    await emulator.wait_for(lambda: "1 of 3 chosen" in listing.plain)
    await emulator.press(ADMIN, listing, "Cellar")
    await emulator.wait_for(lambda: "2 of 3 chosen" in listing.plain)
    await emulator.press(ADMIN, listing, "Cellar")  # out again
    await emulator.wait_for(lambda: "1 of 3 chosen" in listing.plain)
    assert "☑️ Bedroom" in listing.button("Bedroom")["text"]
    assert "⬜ Cellar" in listing.button("Cellar")["text"]
    # Someone else's press on a picker button changes nothing.
    forged = FirmwareAction(op=FirmwareOp.TOGGLE, image_id=image.id, device_id=ids["Attic"])
    await emulator.press(OWNER, listing, data=forged.pack())
    await emulator.press(ADMIN, listing, "Done (1 chosen)")
    await emulator.wait_for(lambda: "to 1 device" in listing.plain)
    assert "Only the chosen devices: Bedroom" in listing.plain
    await emulator.press(ADMIN, listing, "Start")
    await emulator.wait_for(lambda: "Rollout #" in listing.plain)
    async with sessions() as session:
        updates = (await session.scalars(select(FirmwareUpdate))).all()
    assert [u.device_id for u in updates] == [ids["Bedroom"]]
    # The next plan starts from every device again.
    listing = await emulator.reply_to(ADMIN, "/firmware")
    await emulator.press(ADMIN, listing, "Roll out co2 2.0.3")
    await emulator.wait_for(lambda: "to 3 devices" in listing.plain)
