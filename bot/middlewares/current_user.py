"""Load (or register) the user behind each update, with their texts and timezone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from bot.i18n import translator
from bot.render.time import reading_in
from core import clock
from core.users.directory import note_seen
from core.users.repository import UserRepository
from core.users.service import TelegramProfile, register


def profile_of(user: TelegramUser) -> TelegramProfile:
    """Convert aiogram's user into the domain's profile."""
    return TelegramProfile(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


class CurrentUserMiddleware(BaseMiddleware):
    """Provide `user`, `tr` (texts in their language) and `zone` (their timezone)."""

    def __init__(self, default_tz: str) -> None:
        self._default_tz = default_tz

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        """Attach the user; updates without a sender pass through untouched."""
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is None or sender.is_bot:
            return None
        session = data["session"]
        user = await UserRepository(session).get(sender.id)
        if user is None:
            user = await register(session, profile_of(sender))
        if await note_seen(session, user, clock.now()):
            await session.commit()
        data["user"] = user
        data["tr"] = translator(user.language)
        reading_in(data["tr"].locale)  # dates in what this update renders, too
        data["zone"] = clock.zone(user.timezone, self._default_tz)
        return await handler(event, data)
