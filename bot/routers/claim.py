"""/add: claim a device, or join a shared one, with a code typed as an argument or in reply."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.routers.sharing import joined_text
from core.sharing.service import SharingService


class ClaimStates(StatesGroup):
    """The user was asked for a claim code."""

    waiting_code = State()


async def claim_and_reply(
    message: Message,
    code: str,
    session: AsyncSession,
    sharing: SharingService,
    state: FSMContext,
    tr: Translator,
) -> None:
    """Use `code` (invite or claim); failures raise and are answered by the errors router."""
    assert message.from_user is not None  # noqa: S101 - callers filter on from_user
    joined = await sharing.redeem_code(session, message.from_user.id, code)
    await state.clear()
    await message.answer(joined_text(joined, tr))


async def add_device(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    sharing: SharingService,
    state: FSMContext,
    tr: Translator,
) -> None:
    """Claim with the code given, or ask for it."""
    if command.args:
        await claim_and_reply(message, command.args, session, sharing, state, tr)
        return
    await state.set_state(ClaimStates.waiting_code)
    await message.answer(tr("claim-ask"))


async def claim_code_typed(
    message: Message,
    session: AsyncSession,
    sharing: SharingService,
    state: FSMContext,
    tr: Translator,
) -> None:
    """Claim with the code typed in reply to the prompt."""
    await claim_and_reply(message, message.text or "", session, sharing, state, tr)


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="claim")
    router.message.register(add_device, Command("add"), F.from_user)
    router.message.register(
        claim_code_typed, ClaimStates.waiting_code, F.text, ~F.text.startswith("/"), F.from_user
    )
    return router
