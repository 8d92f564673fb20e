"""The platform admins' commands (ADMIN_USER_IDS): /admin, /users, /all_devices, /security,
/health.

Everyone else gets the answer to an unknown command: the filter lets only admins in, and a
press of an admin's button by anyone else is answered as out of date (the fallback)."""

from __future__ import annotations

from datetime import tzinfo
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AdminList, AdminListOp, PromptCancel
from bot.filters.platform_admin import PlatformAdmin
from bot.health_watch import HealthWatch
from bot.i18n import Translator
from bot.keyboards.admin import inventory_buttons, overview_buttons, people_buttons
from bot.render.admin import ONLINE_FILTER, inventory_text, people_text
from bot.render.health import health_card
from bot.replies import show
from core.access.service import SECURITY_DENIED
from core.audit.repository import AuditRepository
from core.devices.inventory import DeviceFilter, inventory
from core.users.directory import people, platform_counts

SECURITY_LINES = 30
MAX_SEARCH = 64
# Where the current search of each list is kept, in the admin's conversation data.
SEARCH_KEYS = {AdminListOp.USERS: "admin_users_search", AdminListOp.DEVICES: "admin_devices_search"}


class AdminSearch(StatesGroup):
    """Waiting for the text to search a list for."""

    users = State()
    devices = State()


async def show_overview(message: Message, session: AsyncSession, tr: Translator) -> None:
    """/admin: the platform in figures, and the way into the lists."""
    counts = await platform_counts(session)
    text = tr(
        "admin-overview",
        users=counts.users,
        blocked=counts.blocked,
        devices=counts.devices,
        online=counts.online,
    )
    await message.answer(text, reply_markup=overview_buttons(tr))


async def users_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """/users [search]: everyone, paged; with text, the people it finds."""
    search = await _remember(state, AdminListOp.USERS, command.args)
    text, markup = await _users_page(session, search, 0, tr, zone)
    await message.answer(text, reply_markup=markup)


async def devices_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    state: FSMContext,
    tr: Translator,
) -> None:
    """/all_devices [search]: every device, paged and filtered; metadata only."""
    search = await _remember(state, AdminListOp.DEVICES, command.args)
    text, markup = await _devices_page(session, search, "", 0, 0, tr)
    await message.answer(text, reply_markup=markup)


async def turn_page(
    query: CallbackQuery,
    callback_data: AdminList,
    session: AsyncSession,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """A page, a filter or the end of a search of one of the lists, in place."""
    key = SEARCH_KEYS[callback_data.op]
    if callback_data.clear:
        await state.update_data({key: None})
    search = (await state.get_data()).get(key)
    if callback_data.op == AdminListOp.USERS:
        text, markup = await _users_page(session, search, callback_data.page, tr, zone)
    else:
        text, markup = await _devices_page(
            session, search, callback_data.kind, callback_data.online, callback_data.page, tr
        )
    await show(query, text, markup)


async def ask_search(
    query: CallbackQuery, callback_data: AdminList, state: FSMContext, tr: Translator
) -> None:
    """Ask what to search a list for."""
    users = callback_data.op == AdminListOp.SEARCH_USERS
    await state.set_state(AdminSearch.users if users else AdminSearch.devices)
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("prompt-cancel"), callback_data=PromptCancel())
    if isinstance(query.message, Message):
        prompt = "admin-search-users" if users else "admin-search-devices"
        await query.message.answer(tr(prompt), reply_markup=builder.as_markup())
    await query.answer()


async def searched(
    message: Message, session: AsyncSession, state: FSMContext, tr: Translator, zone: tzinfo
) -> None:
    """The text to search for: the list's first page of what it finds."""
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        await message.answer(tr("admin-search-empty"))
        return
    users = await state.get_state() == AdminSearch.users.state
    await state.set_state(None)  # the conversation data (the searches) stays
    op = AdminListOp.USERS if users else AdminListOp.DEVICES
    search = await _remember(state, op, text)
    if users:
        page, markup = await _users_page(session, search, 0, tr, zone)
    else:
        page, markup = await _devices_page(session, search, "", 0, 0, tr)
    await message.answer(page, reply_markup=markup)


async def security_button(
    query: CallbackQuery, session: AsyncSession, tr: Translator, zone: tzinfo
) -> None:
    """The security log, as a new message under the overview."""
    if isinstance(query.message, Message):
        await query.message.answer(await _security_log(session, tr, zone))
    await query.answer()


async def show_security_log(
    message: Message, session: AsyncSession, tr: Translator, zone: tzinfo
) -> None:
    """/security: strangers' refused attempts, newest first."""
    await message.answer(await _security_log(session, tr, zone))


async def _remember(state: FSMContext, op: AdminListOp, text: str | None) -> str | None:
    search = (text or "").strip()[:MAX_SEARCH] or None
    await state.update_data({SEARCH_KEYS[op]: search})
    return search


async def _users_page(
    session: AsyncSession, search: Any, page: int, tr: Translator, zone: tzinfo
) -> tuple[str, InlineKeyboardMarkup]:
    found = await people(session, search if isinstance(search, str) else None, page)
    query = search if isinstance(search, str) else None
    return people_text(found, query, tr, zone), people_buttons(found, query, tr)


async def _devices_page(
    session: AsyncSession, search: Any, kind: str, online: int, page: int, tr: Translator
) -> tuple[str, InlineKeyboardMarkup]:
    query = search if isinstance(search, str) else None
    wanted = DeviceFilter(query, kind or None, ONLINE_FILTER.get(online))
    found = await inventory(session, wanted, page)
    return inventory_text(found, wanted, tr), inventory_buttons(found, query, kind, online, tr)


async def _security_log(session: AsyncSession, tr: Translator, zone: tzinfo) -> str:
    entries = await AuditRepository(session).latest(SECURITY_DENIED, SECURITY_LINES)
    if not entries:
        return tr("admin-security-empty")
    lines = [tr("admin-security-title", count=len(entries))]
    for entry in entries:
        after = entry.after or {}
        lines.append(
            tr(
                "admin-security-line",
                time=f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M:%S}",
                user=str(entry.actor_user_id or "?"),
                action=escape(str(after.get("action") or "?")),
                device=str(after.get("device_id") or "?"),
            )
        )
    return "\n".join(lines)


async def show_health(
    message: Message, health_watch: HealthWatch, tr: Translator, zone: tzinfo
) -> None:
    """/health: each link with since when, and the figures."""
    view = await health_watch.check()
    await message.answer(health_card(view, tr, zone))


def build_router() -> Router:
    """Register this feature's handlers; others fall through to 'unknown command'."""
    router = Router(name="admin")
    admin = PlatformAdmin()
    router.message.register(show_overview, Command("admin"), admin)
    router.message.register(users_command, Command("users"), admin)
    router.message.register(devices_command, Command("all_devices"), admin)
    router.message.register(show_security_log, Command("security"), admin)
    router.message.register(show_health, Command("health"), admin)
    router.message.register(searched, AdminSearch.users, admin)
    router.message.register(searched, AdminSearch.devices, admin)
    lists = F.op.in_({AdminListOp.USERS, AdminListOp.DEVICES})
    searches = F.op.in_({AdminListOp.SEARCH_USERS, AdminListOp.SEARCH_DEVICES})
    router.callback_query.register(turn_page, AdminList.filter(lists), admin)
    router.callback_query.register(ask_search, AdminList.filter(searches), admin)
    router.callback_query.register(
        security_button, AdminList.filter(F.op == AdminListOp.SECURITY), admin
    )
    return router
