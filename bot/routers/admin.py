"""/admin for platform admins: every device's metadata (ARCHITECTURE.md: metadata only)."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters.platform_admin import PlatformAdmin
from bot.i18n import Translator
from core.devices.inventory import all_devices


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


def build_router() -> Router:
    """Register this feature's handlers; others fall through to 'unknown command'."""
    router = Router(name="admin")
    router.message.register(show_inventory, Command("admin"), PlatformAdmin())
    return router
