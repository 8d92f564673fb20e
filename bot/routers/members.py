"""The owner's screens of a device: members and roles, revoke, transfer, audit log, removal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import tzinfo
from html import escape

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DeviceAction, DeviceOp, MemberAction, MemberOp
from bot.i18n import Translator
from bot.keyboards import members as keyboards
from bot.keyboards.devices import back_to_card
from bot.render import members as render
from bot.replies import show
from core.access.policy import Role
from core.audit.service import device_log
from core.confirmations import Intent
from core.sharing.service import SharingService
from core.users.models import User

LOG_ENTRIES = 15
_INTENTS = {
    MemberOp.REVOKE_ASK: Intent.REVOKE,
    MemberOp.TRANSFER_ASK: Intent.TRANSFER,
    MemberOp.REMOVE_ASK: Intent.REMOVE,
}


async def list_members(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    user: User,
    sharing: SharingService,
    tr: Translator,
) -> None:
    """The members with their roles; a tap opens one."""
    device, members = await sharing.members(session, user.id, callback_data.device_id)
    text = render.member_list(device, members, tr)
    await show(query, text, keyboards.member_list(device.id, members, user.id, tr))


async def open_member(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    user: User,
    sharing: SharingService,
    tr: Translator,
) -> None:
    """One member: change the role, revoke, make owner."""
    device, member, role = await sharing.member(
        session, user.id, callback_data.device_id, callback_data.user_id
    )
    text = render.member(device, member, role, tr)
    await show(query, text, keyboards.member(device.id, member.id, role, tr))


async def change_role(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    user: User,
    sharing: SharingService,
    tr: Translator,
) -> None:
    """Make the member an admin or a viewer."""
    role = callback_data.role or Role.VIEWER
    await sharing.change_role(
        session, user.id, callback_data.device_id, callback_data.user_id, role
    )
    await open_member(query, callback_data, session, user, sharing, tr)


async def ask_to_confirm(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    user: User,
    sharing: SharingService,
    tr: Translator,
) -> None:
    """Ask before revoking, transferring or removing (the "yes" is held by the server)."""
    intent = _INTENTS[callback_data.op]
    device, member, nonce = await sharing.ask(
        session, user.id, callback_data.device_id, intent, callback_data.user_id
    )
    if member is None:
        text = tr("remove-confirm", name=escape(device.name))
    else:
        key = "revoke-confirm" if intent is Intent.REVOKE else "transfer-confirm"
        text = tr(key, member=escape(render.person(member)), name=escape(device.name))
    await show(query, text, keyboards.confirm(callback_data, nonce, tr))


async def revoke(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    user: User,
    sharing: SharingService,
    tr: Translator,
) -> None:
    """Take the member's access away; they are told and their live view stops."""
    member = await sharing.revoke(
        session, user.id, callback_data.device_id, callback_data.user_id, callback_data.nonce
    )
    await show(
        query,
        tr("revoke-done", member=escape(render.person(member))),
        keyboards.back_to_members(callback_data.device_id, tr),
    )


async def transfer(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    user: User,
    sharing: SharingService,
    tr: Translator,
) -> None:
    """Make the member the owner; the previous owner stays on as an admin."""
    member = await sharing.transfer(
        session, user.id, callback_data.device_id, callback_data.user_id, callback_data.nonce
    )
    await show(
        query,
        tr("transfer-done", member=escape(render.person(member))),
        back_to_card(callback_data.device_id, tr),
    )


async def remove(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    user: User,
    sharing: SharingService,
    tr: Translator,
) -> None:
    """Remove the device for good; the members are told."""
    name = await sharing.remove_device(
        session, user.id, callback_data.device_id, callback_data.nonce
    )
    await show(query, tr("remove-done", name=escape(name)), None)


async def show_log(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """The device's audit log, a page at a time, newest first (owners only)."""
    log = await device_log(
        session, user.id, callback_data.device_id, LOG_ENTRIES, callback_data.page
    )
    builder = InlineKeyboardBuilder()
    turns = [("log-older", log.page + 1), ("log-newer", log.page - 1)]
    shown = [(key, page) for key, page in turns if 0 <= page < log.pages]
    for key, page in shown:
        builder.button(
            text=tr(key),
            callback_data=MemberAction(op=MemberOp.LOG, device_id=log.device.id, page=page),
        )
    builder.button(
        text=tr("card-back"), callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=log.device.id)
    )
    builder.adjust(*([len(shown)] if shown else []), 1)
    await show(query, render.audit_log(log, tr, zone), builder.as_markup())


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="members")
    handlers: dict[MemberOp, Callable[..., Awaitable[None]]] = {
        MemberOp.LIST: list_members,
        MemberOp.OPEN: open_member,
        MemberOp.ROLE: change_role,
        MemberOp.REVOKE_ASK: ask_to_confirm,
        MemberOp.TRANSFER_ASK: ask_to_confirm,
        MemberOp.REMOVE_ASK: ask_to_confirm,
        MemberOp.REVOKE: revoke,
        MemberOp.TRANSFER: transfer,
        MemberOp.REMOVE: remove,
        MemberOp.LOG: show_log,
    }
    for op, handler in handlers.items():
        router.callback_query.register(handler, MemberAction.filter(F.op == op))
    return router
