"""The ESP32 firmware, on MicroPython, end to end: flashed, claimed in the bot, its card,
a setting changed in the chat and applied, a command pressed and answered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.devices.models import Device
from core.firmware.models import FirmwareRollout
from core.firmware.service import add_image, start_rollout
from core.settings import Settings
from processor.app import ProcessorOptions
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.e2e.conftest import RunningBot
from tests.e2e.test_control import OWNER, open_card, press_and_wait, stored_config
from tests.emulators.telegram_api import TelegramEmulator
from tests.firmware.harness import FlashedDevice, build_image
from tests.integration.helpers import (
    add_device,
    add_member,
    forget_retained,
    processor_running,
    rollup_count,
)
from tests.integration.test_resilience import free_port


async def test_a_flashed_board_is_claimed_shown_configured_and_commanded(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    uid = unique_uid("co2_")
    provisioned = await add_device(sessions, uid, name="Kitchen")
    device_id = provisioned.device.id
    host, _, port = processor.settings.mqtt_url.removeprefix("mqtt://").partition(":")
    board = FlashedDevice(
        tmp_path / "flash", uid, "its-password", {"host": host, "port": int(port or 1883)},
        interval=60,
    )  # fmt: skip
    board.set_sensor(co2=873, temperature=22.4, humidity=41.0)
    await board.power_on()
    try:
        await eventually(lambda: rollup_count(sessions, device_id, "co2"), timeout=20)
        done = await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
        assert "Kitchen is yours now" in done.plain

        card = await open_card(emulator, "Kitchen")
        assert "CO₂: 873 ppm" in card.plain and "Firmware 2.1.0" in card.plain
        assert "Temperature: 22.4 °C" in card.plain

        screen = await press_and_wait(emulator, card, "Settings", "Settings — Kitchen")
        await press_and_wait(emulator, screen, "Report interval", "Send the report interval")
        changed = await emulator.reply_to(OWNER, "5")
        assert "Report interval: every 5 s" in changed.plain
        await emulator.wait_for(lambda: "applied by the device" in changed.plain, timeout=20)
        row = await stored_config(sessions, device_id)
        assert (row.version, row.applied_version) == (2, 2)

        card = await open_card(emulator, "Kitchen")
        menu = await press_and_wait(emulator, card, "Commands", "Commands — Kitchen")
        await press_and_wait(emulator, menu, "Identify", "done by Kitchen")
        assert (board.folder / "identify.log").read_text() == "blink\n"
    finally:
        await board.power_off()
        await forget_retained(uid)


async def test_an_update_rolled_out_reaches_the_board_and_its_card_shows_the_version(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    tmp_path: Path,
) -> None:
    """The board downloads the image from the processor's own image server, checks it,
    reboots into it and confirms it; the rollout is done and the card shows 2.2.0."""
    ota = settings.model_copy(update={"ota_http_host": "127.0.0.1", "ota_http_port": free_port()})
    uid = unique_uid("co2_")
    provisioned = await add_device(sessions, uid, name="Hall")
    await add_member(sessions, OWNER.id, provisioned.device.id, "owner", name="Olga")
    host, _, port = ota.mqtt_url.removeprefix("mqtt://").partition(":")
    board = FlashedDevice(
        tmp_path / "flash", uid, "pw", {"host": host, "port": int(port or 1883)}, interval=0.5
    )
    # Its config is on the broker (a new version is healthy once it has applied it).
    await publish(f"devices/{uid}/config", b'{"report_interval": 0.5, "version": 1}', retain=True)
    async with processor_running(ota, options=ProcessorOptions(rollout_step_seconds=0.2)):
        await board.power_on()
        try:
            await eventually(lambda: rollup_count(sessions, provisioned.device.id, "co2"))
            async with sessions() as session, session.begin():
                image = await add_image(session, "co2", "2.2.0", build_image("2.2.0"))
                rollout = await start_rollout(session, image.id, canary=1, now=clock.now())
            await eventually(lambda: _done(sessions, rollout.id), timeout=40)
            assert board.boots == [("ota_0", "2.1.0"), ("ota_1", "2.2.0")]
            await eventually(lambda: _runs(sessions, provisioned.device.id, "2.2.0"))
            card = await open_card(emulator, "Hall")
            assert "Firmware 2.2.0" in card.plain
        finally:
            await board.power_off()
            await forget_retained(uid)


async def _done(sessions: async_sessionmaker[AsyncSession], rollout_id: int) -> bool:
    async with sessions() as session:
        rollout = await session.get(FirmwareRollout, rollout_id)
        return rollout is not None and rollout.state == "done"


async def _runs(sessions: async_sessionmaker[AsyncSession], device_id: int, version: str) -> bool:
    async with sessions() as session:
        device = await session.get(Device, device_id)
        return device is not None and device.firmware_version == version
