"""The ESP32 firmware, on MicroPython, end to end: flashed, claimed in the bot, its card,
a setting changed in the chat and applied, a command pressed and answered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import RunningProcessor, eventually, unique_uid
from tests.e2e.conftest import RunningBot
from tests.e2e.test_control import OWNER, open_card, press_and_wait, stored_config
from tests.emulators.telegram_api import TelegramEmulator
from tests.firmware.harness import FlashedDevice
from tests.integration.helpers import add_device, forget_retained, rollup_count


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
