"""Names with `<`, `>` and `&` go through every screen as they were typed.

Telegram refuses HTML it cannot parse, so one unescaped name loses the whole message (the
live view's expiry note did, with `R&D <lab>`). The emulator parses HTML as Telegram does.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotOptions
from bot.live import LiveOptions
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.telegram_api import FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member, rollup_count, set_config

NAME = "R&D <lab>"
PLACE = "<Basement> & co"
OWNER = FakeUser(9201, "Olga")
FRIEND = FakeUser(9202, "Bob <&> Co")


@pytest.mark.parametrize(
    "bot_options",
    [BotOptions(live=LiveOptions(edit_interval=0.5, lifetime=2.0), polling_timeout=1)],
)
async def test_a_hostile_name_shows_as_typed_on_every_screen(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    provisioned = await add_device(sessions, unique_uid("co2_"), name=NAME, location=PLACE)
    device = provisioned.device
    await set_config(sessions, device.id, thresholds={"co2": {"high": 1000}})
    await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
    await emulator.reply_to(FRIEND, "/start")
    await add_member(sessions, FRIEND.id, device.id, "viewer", name=FRIEND.first_name)
    await publish(f"devices/{device.uid}/telemetry", b'{"co2": 700}')
    await eventually(lambda: rollup_count(sessions, device.id, "co2"))

    listing = await emulator.reply_to(OWNER, "/devices")
    assert any(NAME in text for row in listing.rows() for text in row)  # buttons: plain text
    await emulator.press(OWNER, listing, NAME)
    await emulator.wait_for(lambda: "Your role: owner" in listing.plain)
    assert NAME in listing.plain and PLACE in listing.plain  # the card
    await emulator.press(OWNER, listing, "Members")
    await emulator.wait_for(lambda: "Members of" in listing.plain)
    assert f"Members of {NAME}" in listing.plain and "Bob <&> Co" in listing.plain
    await emulator.press(OWNER, listing, "Bob")
    await emulator.wait_for(lambda: f"viewer of {NAME}" in listing.plain)

    status = await emulator.reply_to(OWNER, "/status")
    assert NAME in status.plain

    await publish(f"devices/{device.uid}/telemetry", b'{"co2": 1500}')
    alert = await emulator.wait_for_message(FRIEND, "too high")
    assert NAME in alert.plain and PLACE in alert.plain

    live = await emulator.reply_to(OWNER, "/live")
    assert NAME in live.plain
    note = await emulator.wait_for(
        lambda: [m for m in emulator.bot_messages(OWNER.id) if "Live view of" in m.plain],
        timeout=15,
    )
    assert f"Live view of {NAME} ended" in note[0].plain

    chooser = await emulator.reply_to(OWNER, "/share")
    await emulator.press(OWNER, chooser, NAME)
    await emulator.wait_for(lambda: "What may the person do?" in chooser.plain)
    await emulator.press(OWNER, chooser, "Viewer")
    await emulator.wait_for(lambda: "Invitation to" in chooser.plain)
    assert f"Invitation to {NAME}" in chooser.plain
    await publish(f"devices/{device.uid}/status", b"", retain=True)
