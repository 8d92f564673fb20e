"""The Bot API emulator answers the calls the bot makes the way Telegram does (real aiogram)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from tests.emulators.telegram_api import FakeUser, TelegramEmulator

USER = FakeUser(555, "Ola")


@pytest.fixture
async def client(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.url))
    bot = Bot(emulator.token, session=session)
    yield bot
    await bot.session.close()


async def test_uploads_edits_and_deletes(client: Bot, emulator: TelegramEmulator) -> None:
    await emulator.send(USER, "hi")
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    photo = await client.send_photo(USER.id, BufferedInputFile(png, "chart.png"), caption="CO₂")
    document = await client.send_document(USER.id, BufferedInputFile(b"a,b\n1,2\n", "h.csv"))
    sent = emulator.bot_messages(USER.id)
    assert sent[0].photo == png and sent[0].text == "CO₂"
    assert sent[1].document == ("h.csv", b"a,b\n1,2\n")
    assert photo.photo and document.document and document.document.file_name == "h.csv"

    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
    )
    text = await client.send_message(USER.id, "<b>one</b>", parse_mode="HTML")
    await client.edit_message_reply_markup(
        chat_id=USER.id, message_id=text.message_id, reply_markup=markup
    )
    assert emulator.bot_messages(USER.id)[-1].buttons()[0]["text"] == "A"
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await client.edit_message_text(
            "<b>one</b>",
            chat_id=USER.id,
            message_id=text.message_id,
            parse_mode="HTML",
            reply_markup=markup,
        )
    await client.delete_message(USER.id, text.message_id)
    assert all(m.message_id != text.message_id for m in emulator.chat(USER.id))


async def test_refuses_what_telegram_refuses(client: Bot, emulator: TelegramEmulator) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await client.send_message(999, "hello")
    await emulator.send(USER, "hi")
    with pytest.raises(TelegramBadRequest, match="parse entities"):
        await client.send_message(USER.id, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="parse entities"):
        await client.send_message(USER.id, "a < b", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="too long"):
        await client.send_message(USER.id, "x" * 4097)
    emulator.blocked_by.add(USER.id)
    with pytest.raises(TelegramForbiddenError):
        await client.send_message(USER.id, "still there?")


async def test_long_polling_honours_offsets(client: Bot, emulator: TelegramEmulator) -> None:
    await emulator.send(USER, "first")
    await emulator.send(USER, "second")
    updates = await client.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["first", "second"]
    again = await client.get_updates(offset=updates[-1].update_id + 1, timeout=1)
    assert again == []
