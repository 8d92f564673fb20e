"""In a group chat the bot shows nothing personal: one line says to talk to it privately."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import DeviceAction, DeviceOp
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.telegram_api import FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member, rollup_count

OWNER = FakeUser(9101, "Olga")
GROUP = -1009101


async def test_personal_commands_in_a_group_get_one_line_and_show_nothing(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """/status in a group answered with the owner's readings, and a code typed there stayed
    visible to everyone in it."""
    provisioned = await add_device(sessions, unique_uid(), name="Cottage")
    device_id = provisioned.device.id
    await add_member(sessions, OWNER.id, device_id, "owner", name="Olga")
    await publish(f"devices/{provisioned.device.uid}/telemetry", b'{"co2": 777}')
    await eventually(lambda: rollup_count(sessions, device_id, "co2"))

    def group_replies() -> list[str]:
        return [m.plain for m in emulator.bot_messages(GROUP)]

    await emulator.send_to_group(OWNER, GROUP, "/status")
    await eventually(lambda: len(group_replies()) == 1)
    assert "private chats only" in group_replies()[0] and "@dozor_test_bot" in group_replies()[0]
    assert "777" not in group_replies()[0] and "Cottage" not in group_replies()[0]

    typed = await emulator.send_to_group(OWNER, GROUP, "/add 7KQ2M-XR9DA")
    await eventually(lambda: len(group_replies()) == 2)
    await eventually(lambda: typed.deleted)  # the code is taken away

    await emulator.send_to_group(OWNER, GROUP, "hello everyone")  # not for the bot
    await emulator.send_to_group(OWNER, GROUP, "/status@another_bot")  # nor this
    await emulator.send_to_group(OWNER, GROUP, "/devices@dozor_test_bot")
    await eventually(lambda: len(group_replies()) == 3)  # only the last one was answered

    refusal = emulator.bot_messages(GROUP)[-1]
    forged = DeviceAction(op=DeviceOp.OPEN, device_id=device_id).pack()
    query = await emulator.press(OWNER, refusal, data=forged)
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    assert answer["text"] == "This works in a private chat with me only."
    assert len(group_replies()) == 3
    assert not any("777" in m.plain for m in emulator.chat(GROUP))
    await publish(f"devices/{provisioned.device.uid}/status", b"", retain=True)
