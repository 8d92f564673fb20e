"""/broadcast end to end: composing, the audience, blocked people, the progress card, a bot
restart mid-way (nobody gets anything twice) and an alert overtaking the broadcast."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotOptions
from bot.notifier.delivery import DeliveryOptions
from core import clock
from core.alerts.rules import Kind
from core.alerts.service import Change, record_changes
from core.broadcasts import service
from core.broadcasts.models import Broadcast
from core.broadcasts.service import Audience
from core.outbox.models import OutboxMessage
from core.settings import Settings
from core.users.models import User
from core.users.repository import UserRepository
from tests.conftest import eventually, unique_uid
from tests.e2e.conftest import RunningBot, bot_running
from tests.emulators.telegram_api import FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member

ADMIN = FakeUser(4301, "Pat")
NEWS = "Maintenance tonight 22:00–23:00 & no alerts lost"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """ADMIN is a platform admin."""
    return settings.model_copy(update={"admin_user_ids": frozenset({ADMIN.id})})


async def _people(
    sessions: async_sessionmaker[AsyncSession],
    emulator: TelegramEmulator,
    count: int,
    base: int,
    language: str = "en",
) -> list[FakeUser]:
    people = [FakeUser(base + n, f"Person {n}") for n in range(count)]
    async with sessions() as session:
        for person in people:
            await UserRepository(session).upsert(
                person.id, first_name=person.first_name, last_name=None, username=None,
                language=language,
            )  # fmt: skip
            emulator.open_chat(person)
        await session.commit()
    return people


def _copies(emulator: TelegramEmulator, person: FakeUser, text: str = NEWS) -> int:
    return sum(1 for m in emulator.bot_messages(person.id) if text in m.plain)


async def test_a_broadcast_is_composed_previewed_confirmed_and_counted(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    people = await _people(sessions, emulator, 5, 43100)
    emulator.blocked_by.add(people[4].id)  # blocked the bot since
    await emulator.reply_to(ADMIN, "/start")

    await emulator.reply_to(ADMIN, "/broadcast")
    await emulator.send(ADMIN, NEWS)
    ask = await emulator.wait_for_message(ADMIN, "how it will look")
    preview = emulator.bot_messages(ADMIN.id)[-2]
    assert preview.plain == NEWS  # shown as people will see it
    assert _copies(emulator, people[0]) == 0  # nothing sent yet
    await emulator.press(ADMIN, ask, "Everyone (6)")  # five people and the admin
    await emulator.wait_for(lambda: "Send this to everyone: 6 people?" in ask.plain)
    send_data = ask.button("✅ Send")["callback_data"]
    await emulator.press(ADMIN, ask, "✅ Send")

    await emulator.wait_for(lambda: "Broadcast finished" in ask.plain, timeout=20)
    assert "sent 5" in ask.plain and "blocked the bot: 1" in ask.plain
    assert "failed: 0" in ask.plain
    for person in people[:4]:
        assert _copies(emulator, person) == 1
    async with sessions() as session:
        blocked = await session.get(User, people[4].id)
        assert blocked is not None and blocked.is_active is False

    # The same Send again (a double press, a forged one) sends nothing more.
    query = await emulator.press(ADMIN, ask, data=send_data)
    await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 1
    assert [_copies(emulator, p) for p in people[:4]] == [1, 1, 1, 1]


async def test_a_photo_goes_to_the_readers_of_one_language(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    polish = await _people(sessions, emulator, 2, 43200, language="pl")
    english = await _people(sessions, emulator, 2, 43210)
    await emulator.reply_to(ADMIN, "/broadcast")
    await emulator.send_photo(ADMIN, b"\x89PNG fake image", caption="Nowa wersja")
    ask = await emulator.wait_for_message(ADMIN, "how it will look")
    await emulator.press(ADMIN, ask, "🌐 By language")
    await emulator.wait_for(lambda: "which language" in ask.plain)
    await emulator.press(ADMIN, ask, "pl (2)")
    await emulator.wait_for(lambda: "read the bot in pl: 2 people?" in ask.plain)
    await emulator.press(ADMIN, ask, "✅ Send")
    await emulator.wait_for(lambda: "Broadcast finished" in ask.plain, timeout=20)
    for person in polish:
        (photo,) = [m for m in emulator.bot_messages(person.id) if m.photo]
        assert photo.photo == b"\x89PNG fake image" and photo.plain == "Nowa wersja"
    assert all(not emulator.bot_messages(p.id) for p in english)


async def test_non_admins_cannot_broadcast(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    (person,) = await _people(sessions, emulator, 1, 43300)
    assert "do not know that command" in (await emulator.reply_to(person, "/broadcast")).plain
    chat = await emulator.reply_to(person, "/help")
    query = await emulator.press(person, chat, data="bc:s:deadbeef:everyone:")
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    assert "out of date" in str(answer.get("text"))
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0


async def test_a_restart_mid_broadcast_sends_nobody_anything_twice_and_alerts_go_first(
    settings: Settings, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    people = await _people(sessions, emulator, 24, 43400)
    async with sessions() as session:
        await UserRepository(session).upsert(
            ADMIN.id, first_name="Pat", last_name=None, username=None, language="en"
        )
        await session.commit()
        html = escape(NEWS)  # what the bot keeps of a message: its HTML
        started = await service.start(session, "restart-test", ADMIN.id, html, None, Audience())
    emulator.open_chat(ADMIN)
    assert started is not None and started.total == 25
    slow = BotOptions(polling_timeout=1, delivery=DeliveryOptions(overall_per_second=10))

    async def sent() -> int:
        async with sessions() as session:
            return int(
                await session.scalar(
                    select(func.count()).where(
                        OutboxMessage.broadcast_id == started.id, OutboxMessage.status == "sent"
                    )
                )
                or 0
            )

    async with bot_running(settings, emulator, slow):
        await eventually(lambda: _at_least(sent, 5), timeout=20)
    before = await sent()
    assert 5 <= before < 25  # stopped mid-way

    # An alert for the last person raised while the bot was down goes before the rest.
    last = people[-1]
    device = (await add_device(sessions, unique_uid(), name="Boiler")).device.id
    await add_member(sessions, last.id, device, "owner", name=last.first_name)
    async with sessions() as session, session.begin():
        now = clock.now().timestamp()
        await record_changes(
            session, [Change(device, Kind.HIGH, "co2", True, "warning", 1500, 1000, now)]
        )
    async with bot_running(settings, emulator, slow):
        await emulator.wait_for_message(last, "CO₂ too high", timeout=10)
        assert await sent() < 25  # the broadcast was still going on
        assert _copies(emulator, last) == 0
        await eventually(lambda: _at_least(sent, 25), timeout=30)
    assert [_copies(emulator, p) for p in people] == [1] * 24
    assert _copies(emulator, ADMIN) == 1
    said = [m.plain for m in emulator.bot_messages(last.id)]
    assert "CO₂ too high" in said[0] and NEWS in said[1]


async def _at_least(count: Callable[[], Awaitable[int]], wanted: int) -> bool:
    return await count() >= wanted
