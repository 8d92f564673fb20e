"""The platform admins' tools in the chat: their menu, /admin, /users, /all_devices."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.devices.models import Device
from core.settings import Settings
from core.users.models import User
from tests.conftest import unique_uid
from tests.e2e.conftest import RunningBot, bot_running
from tests.emulators.telegram_api import FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member

ADMIN = FakeUser(4101, "Pat")  # in ADMIN_USER_IDS
PERSON = FakeUser(4102, "Olga")  # not
ADMIN_COMMANDS = [
    "admin",
    "health",
    "users",
    "all_devices",
    "broadcast",
    "firmware",
    "security",
]
UNKNOWN = "do not know that command"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """ADMIN is a platform admin."""
    return settings.model_copy(update={"admin_user_ids": frozenset({ADMIN.id})})


async def test_only_admins_see_the_admin_commands_in_their_menu(
    settings: Settings, emulator: TelegramEmulator
) -> None:
    emulator.open_chat(ADMIN)  # the admin wrote to the bot before it started
    async with bot_running(settings, emulator):
        await emulator.wait_for(lambda: emulator.menus.get(("chat", ADMIN.id, "")))
        assert emulator.menu_of(ADMIN)[-len(ADMIN_COMMANDS) :] == ADMIN_COMMANDS
        assert "devices" in emulator.menu_of(ADMIN)
        assert not set(ADMIN_COMMANDS) & set(emulator.menu_of(PERSON))
        menu = emulator.menus[("chat", ADMIN.id, "")]
        assert {c["command"]: c["description"] for c in menu}["users"] == "Everyone using the bot"


async def test_an_admin_who_first_writes_later_gets_the_menu_on_start(
    bot: RunningBot, emulator: TelegramEmulator
) -> None:
    late = FakeUser(ADMIN.id, "Pat")
    assert ("chat", late.id, "") not in emulator.menus  # no chat yet: Telegram refused it
    await emulator.reply_to(late, "/start")
    await emulator.wait_for(lambda: emulator.menus.get(("chat", late.id, "")))
    assert "all_devices" in emulator.menu_of(late)


async def test_admin_commands_are_unknown_to_everyone_else(
    bot: RunningBot, emulator: TelegramEmulator
) -> None:
    for command in ("/admin", "/users", "/all_devices anything", "/security", "/health"):
        assert UNKNOWN in (await emulator.reply_to(PERSON, command)).plain
    # A forged press of an admin's button is answered as out of date, and shows nothing.
    chat = await emulator.reply_to(PERSON, "/help")
    for data in ("ad:u:0::0:0", "ad:d:0:co2:1:0", "ad:U:0::0:0"):
        query = await emulator.press(PERSON, chat, data=data)
        answer = await emulator.wait_for(lambda q=query: emulator.callback_answers.get(q))  # type: ignore[misc]
        assert answer.get("text") == "This button is out of date. Send /devices for a fresh list."
    assert not [m for m in emulator.bot_messages(PERSON.id) if "Users" in m.plain]


async def test_users_are_listed_paged_and_found_by_name_or_id(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tag = uuid.uuid4().hex[:6]
    people = [
        FakeUser(4200 + n + int(tag, 16) % 1000 * 100, f"Zed{tag} {n:02d}") for n in range(12)
    ]
    device = (await add_device(sessions, unique_uid(), name="Garage")).device.id
    other = (await add_device(sessions, unique_uid(), name="Attic")).device.id
    for n, person in enumerate(people):
        await add_member(
            sessions, person.id, device, "owner" if n == 0 else "viewer", name=person.first_name
        )
    await add_member(sessions, people[0].id, other, "owner", name=people[0].first_name)
    async with sessions() as session, session.begin():  # one of them blocked the bot
        await session.execute(update(User).where(User.id == people[1].id).values(is_active=False))

    found = await emulator.reply_to(ADMIN, f"/users Zed{tag}")
    assert f"Users matching “Zed{tag}”: 12" in found.plain
    assert "Page 1 of 2" in found.plain and found.plain.count(f"Zed{tag}") == 11  # title + 10
    await emulator.press(ADMIN, found, "▶")
    await emulator.wait_for(lambda: "Page 2 of 2" in found.plain)
    assert found.plain.count(f"Zed{tag}") == 3  # title + the last two
    by_id = await emulator.reply_to(ADMIN, f"/users {people[0].id}")
    assert "Users matching" in by_id.plain and ": 1" in by_id.plain.split("\n")[0]
    assert f"🟢 Zed{tag} 00 · {people[0].id} · en" in by_id.plain
    assert "owns 2 · no shared devices" in by_id.plain
    blocked = await emulator.reply_to(ADMIN, f"/users {people[1].id}")
    assert (
        f"⛔ Zed{tag} 01" in blocked.plain and "owns nothing · 1 shared with them" in blocked.plain
    )

    # The search button asks, and the answer is searched for; ✖ ends the search.
    await emulator.press(ADMIN, blocked, "🔍 Search")
    await emulator.wait_for_message(ADMIN, "part of a name")
    result = await emulator.reply_to(ADMIN, f"Zed{tag} 11")
    assert f"Users matching “Zed{tag} 11”: 1" in result.plain
    await emulator.press(ADMIN, result, "✖")
    await emulator.wait_for(lambda: result.plain.startswith("Users:"))


async def test_all_devices_are_filtered_by_kind_and_state_and_show_no_readings(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tag = uuid.uuid4().hex[:6]
    uids = [unique_uid(f"adm{tag}") for _ in range(3)]
    for n, uid in enumerate(uids):
        kind = "shelly_pro3" if n == 2 else "co2"
        await add_device(sessions, uid, kind, name=f"Box {n}")
    async with sessions() as session, session.begin():
        await session.execute(update(Device).where(Device.uid == uids[0]).values(is_online=True))

    listed = await emulator.reply_to(ADMIN, f"/all_devices adm{tag}")
    assert "Devices matching" in listed.plain and ": 3 (metadata only)" in listed.plain
    assert f"🟢 {uids[0]} · Box 0 · co2 · no members" in listed.plain
    await emulator.press(ADMIN, listed, "🔴 Offline")
    await emulator.wait_for(lambda: ": 2 (metadata only)" in listed.plain)
    assert uids[0] not in listed.plain and "Showing: 🔴 Offline" in listed.plain
    await emulator.press(ADMIN, listed, "shelly_pro3")
    await emulator.wait_for(lambda: ": 1 (metadata only)" in listed.plain)
    assert uids[2] in listed.plain and uids[1] not in listed.plain
    assert "• shelly_pro3" in str(listed.rows())

    overview = await emulator.reply_to(ADMIN, "/admin")
    assert "Platform" in overview.plain and "devices" in overview.plain
    await emulator.press(ADMIN, overview, "📟 Devices")
    await emulator.wait_for(lambda: "All devices" in overview.plain)
