"""/share and Share on the card: single-use invites; joining by deep link or /add <code>."""

from __future__ import annotations

from datetime import tzinfo
from html import escape
from urllib.parse import quote, urlencode

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DeviceAction, DeviceOp, ShareAction
from bot.i18n import Translator
from bot.render.time import clock_time
from bot.replies import show
from core import clock
from core.access.policy import Action, Role, grantable_roles
from core.access.service import require
from core.devices.overview import DeviceOverview
from core.sharing.service import Joined, NewInvite, SharingService
from core.users.models import User


def _roles(device_id: int, role: Role, tr: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for granted in grantable_roles(role):
        builder.button(
            text=tr(f"share-as-{granted.value}"),
            callback_data=ShareAction(device_id=device_id, role=granted),
        )
    builder.button(
        text=tr("card-back"), callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device_id)
    )
    builder.adjust(1)
    return builder.as_markup()


async def invite_link(invite: NewInvite, bot: Bot) -> str:
    """The deep link that joins the invite."""
    me = await bot.me()
    return f"https://t.me/{me.username}?start={invite.start_payload}"


def _share_buttons(invite: NewInvite, link: str, tr: Translator) -> InlineKeyboardMarkup:
    """📤 Share (Telegram's share sheet: pick a chat, the link goes with a line of text),
    and back to the card."""
    query = urlencode(
        {"url": link, "text": tr("share-invite-short", name=invite.device.name)},
        quote_via=quote,
    )
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("share-button"), url=f"https://t.me/share/url?{query}")
    builder.button(
        text=tr("card-back"),
        callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=invite.device.id),
    )
    builder.adjust(1)
    return builder.as_markup()


async def invite_text(invite: NewInvite, bot: Bot, tr: Translator, zone: tzinfo) -> str:
    """The invite as its creator forwards it: deep link, code, role, expiry."""
    link = await invite_link(invite, bot)
    return tr(
        "share-invite",
        name=escape(invite.device.name),
        role=tr(f"role-{invite.role.value}"),
        link=link,
        code=invite.code,
        until=clock_time(invite.expires_at, zone, clock.now()),
    )


async def choose_role(
    query: CallbackQuery,
    callback_data: ShareAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
) -> None:
    """Offer the roles this member may hand out."""
    grant = await require(session, user.id, callback_data.device_id, Action.INVITE)
    text = tr("share-choose-role", name=escape(grant.device.name))
    await show(query, text, _roles(grant.device.id, grant.role, tr))


async def create_invite(
    query: CallbackQuery,
    callback_data: ShareAction,
    session: AsyncSession,
    user: User,
    sharing: SharingService,
    bot: Bot,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Create the invite and show it (the message can be forwarded as it is)."""
    assert callback_data.role is not None  # noqa: S101 - the filter says so
    invite = await sharing.create_invite(
        session, user.id, callback_data.device_id, callback_data.role
    )
    text = await invite_text(invite, bot, tr, zone)
    await show(query, text, _share_buttons(invite, await invite_link(invite, bot), tr))


async def share_command(
    message: Message,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    tr: Translator,
) -> None:
    """/share: pick one of the devices you may share."""
    views = await overview.my_devices(session, user.id, able_to=Action.INVITE)
    if not views:
        await message.answer(tr("share-nothing"))
        return
    builder = InlineKeyboardBuilder()
    for view in views:
        builder.button(text=view.device.name, callback_data=ShareAction(device_id=view.device.id))
    builder.adjust(1)
    await message.answer(tr("share-choose-device"), reply_markup=builder.as_markup())


def joined_text(joined: Joined, tr: Translator) -> str:
    """What the person who followed an invite reads."""
    if joined.role is Role.OWNER:  # a claim code, not an invite
        return tr("claim-done", name=escape(joined.device.name))
    return tr("invite-joined", name=escape(joined.device.name), role=tr(f"role-{joined.role}"))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="sharing")
    router.message.register(share_command, Command("share"))
    router.callback_query.register(choose_role, ShareAction.filter(F.role.is_(None)))
    router.callback_query.register(create_invite, ShareAction.filter(F.role.is_not(None)))
    return router
