"""Pass updates from platform admins (ADMIN_USER_IDS) only."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from core.settings import Settings


class PlatformAdmin(Filter):
    """True for the people in ADMIN_USER_IDS."""

    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: TelegramUser | None
    ) -> bool:
        """Say whether the sender is a platform admin."""
        return event_from_user is not None and event_from_user.id in settings.admin_user_ids
