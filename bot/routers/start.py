"""/start (with deep links), /help and /cancel."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands_menu import set_admin_commands
from bot.i18n import Translator
from bot.middlewares.current_user import profile_of
from bot.routers.claim import claim_and_reply
from bot.routers.sharing import joined_text
from core.settings import Settings
from core.sharing.service import SharingService
from core.sharing.tokens import LINK_PREFIX
from core.users.service import register

CLAIM_LINK_PREFIX = "add-"


async def start_with_link(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    sharing: SharingService,
    state: FSMContext,
    tr: Translator,
) -> None:
    """Follow a deep link: `add-<claim code>` claims a device, `join-<token>` an invite."""
    assert message.from_user is not None  # noqa: S101 - filtered above
    await register(session, profile_of(message.from_user))
    payload = command.args or ""
    if payload.startswith(CLAIM_LINK_PREFIX):
        await claim_and_reply(
            message, payload.removeprefix(CLAIM_LINK_PREFIX), session, sharing, state, tr
        )
        return
    if payload.startswith(LINK_PREFIX):
        token = payload.removeprefix(LINK_PREFIX)
        joined = await sharing.accept(session, message.from_user.id, token=token)
        await message.answer(joined_text(joined, tr))
        return
    await message.answer(tr("start-unknown-link"))


async def start(
    message: Message, session: AsyncSession, tr: Translator, settings: Settings
) -> None:
    """Register (or reactivate) the user and greet them; a platform admin gets the admin
    commands in their menu (their chat may not have existed when the bot started)."""
    assert message.from_user is not None  # noqa: S101 - filtered above
    user = await register(session, profile_of(message.from_user))
    await message.answer(tr("start-welcome", name=escape(user.first_name)))
    if user.id in settings.admin_user_ids and message.bot is not None:
        await set_admin_commands(message.bot, [(user.id, user.language)])


async def show_help(message: Message, tr: Translator) -> None:
    """List the commands."""
    await message.answer(tr("help-text"))


async def cancel(message: Message, state: FSMContext, tr: Translator) -> None:
    """Leave whatever prompt the user is in, with a way back to where they were."""
    if await state.get_state() is None:
        await message.answer(tr("cancel-nothing"))
        return
    back = (await state.get_data()).get("back")
    await state.clear()
    markup = None
    if isinstance(back, str) and back:
        builder = InlineKeyboardBuilder()
        builder.button(text=tr("cancel-back"), callback_data=back)
        markup = builder.as_markup()
    await message.answer(tr("cancel-done"), reply_markup=markup)


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="start")
    router.message.register(start_with_link, CommandStart(deep_link=True), F.from_user)
    router.message.register(start, CommandStart(), F.from_user)
    router.message.register(show_help, Command("help"))
    router.message.register(cancel, Command("cancel"))
    return router
