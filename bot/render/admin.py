"""What platform admins read: the overview, pages of users and of devices (metadata only)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape

from bot.i18n import Translator
from bot.render.time import clock_time
from core import clock
from core.devices.inventory import DeviceFilter, InventoryPage
from core.users.directory import PeoplePage

ONLINE_FILTER = {0: None, 1: True, 2: False}


def device_mark(online: bool, seen: bool) -> str:
    """🟢 online, 🔴 offline, ⚪ never connected."""
    return "🟢" if online else "🔴" if seen else "⚪"


def inventory_text(page: InventoryPage, wanted: DeviceFilter, tr: Translator) -> str:
    """One page of every device: uid, name, kind, state, how many members; no readings."""
    if wanted.search:
        title = tr("admin-devices-found", search=escape(wanted.search), total=page.total)
    else:
        title = tr("admin-devices-title", total=page.total)
    lines = [title]
    shown = [wanted.kind or ""]
    if wanted.online is not None:
        shown.append(tr("admin-button-online" if wanted.online else "admin-button-offline"))
    if any(shown):
        lines.append(tr("admin-devices-filter", what=escape(" · ".join(s for s in shown if s))))
    lines.append("")
    lines += [
        tr(
            "admin-device",
            mark=device_mark(d.online, d.seen),
            uid=escape(d.uid),
            name=escape(d.name),
            type=escape(d.type_code),
            members=d.members,
        )
        for d in page.devices
    ] or [tr("admin-devices-none")]
    if page.pages > 1:
        lines += ["", tr("admin-page", page=page.page + 1, pages=page.pages)]
    return "\n".join(lines)


def people_text(page: PeoplePage, search: str | None, tr: Translator, zone: tzinfo) -> str:
    """One page of the people using the bot: reachable or not, devices, last seen."""
    if search:
        title = tr("admin-users-found", search=escape(search), total=page.total)
    else:
        title = tr("admin-users-title", total=page.total)
    lines = [title, ""]
    now = clock.now()
    for person in page.people:
        lines.append(
            tr(
                "admin-user",
                mark="🟢" if person.active else "⛔",
                name=escape(person.name or "?"),
                username=f" @{escape(person.username)}" if person.username else "",
                id=str(person.id),
                language=escape(person.language),
                owned=person.owned,
                shared=person.shared,
                seen=_seen(person.last_seen_at, tr, zone, now),
            )
        )
    if not page.people:
        lines.append(tr("admin-users-none"))
    if page.pages > 1:
        lines += ["", tr("admin-page", page=page.page + 1, pages=page.pages)]
    return "\n".join(lines)


def _seen(at: datetime | None, tr: Translator, zone: tzinfo, now: datetime) -> str:
    if at is None:
        return tr("admin-user-never-seen")
    return tr("admin-user-seen", when=clock_time(at, zone, now))
