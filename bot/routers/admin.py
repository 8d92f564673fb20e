"""/admin and /security for platform admins: every device's metadata (ARCHITECTURE.md:
metadata only), and the security log of strangers' refused attempts."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters.platform_admin import PlatformAdmin
from bot.i18n import Translator
from core.access.service import SECURITY_DENIED
from core.audit.repository import AuditRepository
from core.devices.inventory import all_devices

SECURITY_LINES = 30


async def show_inventory(message: Message, session: AsyncSession, tr: Translator) -> None:
    """List every device: uid, name, type, online, members; no readings."""
    devices = await all_devices(session)
    lines = [tr("admin-title", count=len(devices))]
    lines += [
        tr(
            "admin-device",
            mark="🟢" if d.online else "🔴" if d.seen else "⚪",
            uid=escape(d.uid),
            name=escape(d.name),
            type=escape(d.type_code),
            members=d.members,
        )
        for d in devices
    ]
    await message.answer("\n".join(lines))


async def show_security_log(
    message: Message, session: AsyncSession, tr: Translator, zone: tzinfo
) -> None:
    """The platform's security log: strangers' refused attempts, newest first."""
    entries = await AuditRepository(session).latest(SECURITY_DENIED, SECURITY_LINES)
    if not entries:
        await message.answer(tr("admin-security-empty"))
        return
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
    await message.answer("\n".join(lines))


def build_router() -> Router:
    """Register this feature's handlers; others fall through to 'unknown command'."""
    router = Router(name="admin")
    router.message.register(show_inventory, Command("admin"), PlatformAdmin())
    router.message.register(show_security_log, Command("security"), PlatformAdmin())
    return router
