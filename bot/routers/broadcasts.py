"""/broadcast for platform admins: a text or a photo, a preview, an audience, a confirmation;
then a progress card edited in place (`bot.broadcast_cards`) while the outbox delivers it."""

from __future__ import annotations

import secrets

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import BroadcastAction, BroadcastOp, PromptCancel
from bot.filters.platform_admin import PlatformAdmin
from bot.i18n import Translator
from bot.keyboards import broadcasts as keyboards
from bot.render.broadcasts import audience_name, progress_card
from bot.render.split import CAPTION_LIMIT, MESSAGE_LIMIT, length
from bot.replies import show
from core.broadcasts import service
from core.broadcasts.repository import BroadcastRepository
from core.broadcasts.service import Audience, AudienceKind
from core.outbox.wakeup import OutboxWakeup
from core.users.models import User

DRAFT, TEXT, PHOTO = "broadcast_draft", "broadcast_text", "broadcast_photo"


class BroadcastStates(StatesGroup):
    """Waiting for what to broadcast."""

    content = State()


async def ask_content(message: Message, state: FSMContext, tr: Translator) -> None:
    """/broadcast: ask for the text or photo."""
    await state.set_state(BroadcastStates.content)
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("prompt-cancel"), callback_data=PromptCancel())
    await message.answer(tr("broadcast-ask"), reply_markup=builder.as_markup())


async def take_content(
    message: Message, session: AsyncSession, state: FSMContext, tr: Translator
) -> None:
    """The message to broadcast: show it as people will see it, then ask whom it goes to."""
    photo = message.photo[-1].file_id if message.photo else None
    if photo is None and not message.text:
        await message.answer(tr("broadcast-unsupported"))
        return
    text = message.html_text if (message.text or message.caption) else ""
    limit = CAPTION_LIMIT if photo else MESSAGE_LIMIT
    if length(text) > limit:
        await message.answer(
            tr(
                "broadcast-too-long",
                length=length(text),
                limit=MESSAGE_LIMIT,
                caption=CAPTION_LIMIT,
            )
        )
        return
    draft = secrets.token_hex(8)
    await state.set_state(None)  # the draft stays in the conversation data
    await state.update_data({DRAFT: draft, TEXT: text, PHOTO: photo})
    if photo:
        await message.answer_photo(photo, caption=text or None)
    else:
        await message.answer(text)
    choices = await service.choices(session)
    await message.answer(
        tr("broadcast-preview"), reply_markup=keyboards.audiences(draft, choices, tr)
    )


async def step(
    query: CallbackQuery,
    callback_data: BroadcastAction,
    session: AsyncSession,
    state: FSMContext,
    tr: Translator,
) -> None:
    """Choose the audience (everyone, a kind's owners, a language's readers), go back, or
    cancel."""
    data = await state.get_data()
    if data.get(DRAFT) != callback_data.draft:
        await show(query, tr("broadcast-gone"), None)
        return
    op, draft = callback_data.op, callback_data.draft
    if op == BroadcastOp.CANCEL:
        await state.update_data({DRAFT: None, TEXT: None, PHOTO: None})
        await show(query, tr("broadcast-cancelled"), None)
        return
    choices = await service.choices(session)
    if op == BroadcastOp.KINDS:
        markup = keyboards.options(draft, AudienceKind.KIND, choices.kinds, tr)
        await show(query, tr("broadcast-choose-kind"), markup)
    elif op == BroadcastOp.LANGUAGES:
        markup = keyboards.options(draft, AudienceKind.LANGUAGE, choices.languages, tr)
        await show(query, tr("broadcast-choose-language"), markup)
    elif op == BroadcastOp.AUDIENCE and (audience := _audience(callback_data)) is not None:
        count = await service.audience_size(session, audience)
        if not count:
            await show(query, tr("broadcast-nobody"), keyboards.audiences(draft, choices, tr))
            return
        text = tr("broadcast-confirm", audience=audience_name(audience, tr), count=count)
        markup = keyboards.confirm(draft, audience.kind, audience.value or "", tr)
        await show(query, text, markup)
    else:  # back, or an audience that does not parse
        await show(query, tr("broadcast-preview"), keyboards.audiences(draft, choices, tr))


async def send(
    query: CallbackQuery,
    callback_data: BroadcastAction,
    session: AsyncSession,
    state: FSMContext,
    user: User,
    tr: Translator,
    wakeup: OutboxWakeup,
) -> None:
    """Start the broadcast: its copies go into the outbox, this message becomes its card."""
    data = await state.get_data()
    audience = _audience(callback_data)
    if data.get(DRAFT) != callback_data.draft or audience is None:
        await show(query, tr("broadcast-gone"), None)
        return
    photo = data.get(PHOTO)
    started = await service.start(
        session,
        callback_data.draft,
        user.id,
        str(data.get(TEXT) or ""),
        photo if isinstance(photo, str) else None,
        audience,
    )
    await state.update_data({DRAFT: None, TEXT: None, PHOTO: None})
    if started is None:
        await show(query, tr("broadcast-gone"), None)
        return
    await wakeup()
    progress = await service.progress(session, started)
    await show(query, progress_card(progress, tr), None)
    if isinstance(query.message, Message):
        await BroadcastRepository(session).set_card(
            started.id, query.message.chat.id, query.message.message_id
        )
        await session.commit()


def _audience(data: BroadcastAction) -> Audience | None:
    """The audience a button names; None for one that does not parse (a forged button)."""
    try:
        kind = AudienceKind(data.audience)
    except ValueError:
        return None
    if kind == AudienceKind.EVERYONE:
        return Audience()
    return Audience(kind, data.value) if data.value else None


def build_router() -> Router:
    """Register this feature's handlers; others fall through to 'unknown command'."""
    router = Router(name="broadcasts")
    admin = PlatformAdmin()
    router.message.register(ask_content, Command("broadcast"), admin)
    router.message.register(take_content, BroadcastStates.content, admin)
    router.callback_query.register(send, BroadcastAction.filter(F.op == BroadcastOp.SEND), admin)
    router.callback_query.register(step, BroadcastAction.filter(), admin)
    return router
