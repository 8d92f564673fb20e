"""Keyboards of the member list, a member, and the confirmations of the owner's actions."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import DeviceAction, DeviceOp, MemberAction, MemberOp
from bot.i18n import Translator
from bot.render.members import person
from core.access.policy import Role
from core.users.models import User

_CONFIRMED = {
    MemberOp.REVOKE_ASK: MemberOp.REVOKE,
    MemberOp.TRANSFER_ASK: MemberOp.TRANSFER,
    MemberOp.REMOVE_ASK: MemberOp.REMOVE,
}


def member_list(
    device_id: int, members: Sequence[tuple[User, Role]], me: int, tr: Translator
) -> InlineKeyboardMarkup:
    """One button per member other than the owner; back to the card."""
    builder = InlineKeyboardBuilder()
    for user, role in members:
        if role is Role.OWNER or user.id == me:
            continue
        builder.button(
            text=f"{person(user)} · {tr(f'role-{role.value}')}",
            callback_data=MemberAction(op=MemberOp.OPEN, device_id=device_id, user_id=user.id),
        )
    builder.button(
        text=tr("card-back"), callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device_id)
    )
    builder.adjust(1)
    return builder.as_markup()


def member(device_id: int, user_id: int, role: Role, tr: Translator) -> InlineKeyboardMarkup:
    """Change the role, revoke, make owner, back to the members."""
    other = Role.VIEWER if role is Role.ADMIN else Role.ADMIN
    builder = InlineKeyboardBuilder()
    ids = {"device_id": device_id, "user_id": user_id}
    builder.button(
        text=tr(f"member-make-{other.value}"),
        callback_data=MemberAction(op=MemberOp.ROLE, role=other, **ids),
    )
    builder.button(
        text=tr("member-revoke"), callback_data=MemberAction(op=MemberOp.REVOKE_ASK, **ids)
    )
    builder.button(
        text=tr("member-transfer"), callback_data=MemberAction(op=MemberOp.TRANSFER_ASK, **ids)
    )
    builder.button(
        text=tr("members-back"),
        callback_data=MemberAction(op=MemberOp.LIST, device_id=device_id),
    )
    builder.adjust(1)
    return builder.as_markup()


def confirm(asked: MemberAction, nonce: str, tr: Translator) -> InlineKeyboardMarkup:
    """Yes (the confirmed action, with the server-held `nonce`) or back."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr(f"confirm-{_CONFIRMED[asked.op].name.lower()}"),
        callback_data=MemberAction(
            op=_CONFIRMED[asked.op], device_id=asked.device_id, user_id=asked.user_id, nonce=nonce
        ),
    )
    builder.button(
        text=tr("prompt-cancel"),
        callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=asked.device_id),
    )
    builder.adjust(1)
    return builder.as_markup()


def back_to_members(device_id: int, tr: Translator) -> InlineKeyboardMarkup:
    """Back to the member list."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("members-back"), callback_data=MemberAction(op=MemberOp.LIST, device_id=device_id)
    )
    return builder.as_markup()
