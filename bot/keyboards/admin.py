"""Buttons of the platform admin's lists: pages, filters, search."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import AdminList, AdminListOp
from bot.i18n import Translator
from core.devices.inventory import InventoryPage
from core.users.directory import PeoplePage

SELECTED = "• "
MAX_KIND_BUTTONS = 12  # beyond that, search by name instead
SHOWN_SEARCH = 20  # characters of the search on its "clear" button


def overview_buttons(tr: Translator) -> InlineKeyboardMarkup:
    """The admin's way into the lists."""
    builder = InlineKeyboardBuilder()
    fresh = {"clear": 1}  # from here, the lists start without the last search
    builder.button(
        text=tr("admin-button-users"), callback_data=AdminList(op=AdminListOp.USERS, **fresh)
    )
    builder.button(
        text=tr("admin-button-devices"), callback_data=AdminList(op=AdminListOp.DEVICES, **fresh)
    )
    builder.button(
        text=tr("admin-button-security"), callback_data=AdminList(op=AdminListOp.SECURITY)
    )
    builder.adjust(2, 1)
    return builder.as_markup()


def _pager(builder: InlineKeyboardBuilder, page: int, pages: int, data: AdminList) -> list[int]:
    buttons = 0
    if page > 0:
        builder.button(text="◀", callback_data=data.model_copy(update={"page": page - 1}))
        buttons += 1
    if page < pages - 1:
        builder.button(text="▶", callback_data=data.model_copy(update={"page": page + 1}))
        buttons += 1
    return [buttons] if buttons else []


def _search(
    builder: InlineKeyboardBuilder,
    search: str | None,
    op: AdminListOp,
    ask: AdminListOp,
    tr: Translator,
) -> list[int]:
    builder.button(text=tr("admin-button-search"), callback_data=AdminList(op=ask))
    if not search:
        return [1]
    shown = search if len(search) <= SHOWN_SEARCH else search[: SHOWN_SEARCH - 1] + "…"
    builder.button(
        text=tr("admin-button-clear", search=shown), callback_data=AdminList(op=op, clear=1)
    )
    return [2]


def people_buttons(page: PeoplePage, search: str | None, tr: Translator) -> InlineKeyboardMarkup:
    """Pages and search of /users."""
    builder = InlineKeyboardBuilder()
    rows = _pager(builder, page.page, page.pages, AdminList(op=AdminListOp.USERS))
    rows += _search(builder, search, AdminListOp.USERS, AdminListOp.SEARCH_USERS, tr)
    builder.adjust(*rows)
    return builder.as_markup()


def inventory_buttons(
    page: InventoryPage, search: str | None, kind: str, online: int, tr: Translator
) -> InlineKeyboardMarkup:
    """Kind and state filters, pages and search of /all_devices."""
    builder = InlineKeyboardBuilder()
    here = AdminList(op=AdminListOp.DEVICES, kind=kind, online=online)
    kinds = ["", *page.kinds[:MAX_KIND_BUTTONS]]
    for code in kinds:
        label = code or tr("admin-button-all-kinds")
        builder.button(
            text=(SELECTED if code == kind else "") + label,
            callback_data=here.model_copy(update={"kind": code, "page": 0}),
        )
    rows = [3] * (len(kinds) // 3) + ([len(kinds) % 3] if len(kinds) % 3 else [])
    for value, key in (
        (0, "admin-button-any-state"),
        (1, "admin-button-online"),
        (2, "admin-button-offline"),
    ):
        builder.button(
            text=(SELECTED if value == online else "") + tr(key),
            callback_data=here.model_copy(update={"online": value, "page": 0}),
        )
    rows.append(3)
    rows += _pager(builder, page.page, page.pages, here)
    rows += _search(builder, search, AdminListOp.DEVICES, AdminListOp.SEARCH_DEVICES, tr)
    builder.adjust(*rows)
    return builder.as_markup()
