"""Use cases of users: registration on /start."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.users.models import User
from core.users.repository import UserRepository

SUPPORTED_LANGUAGES = ("en",)


@dataclass(frozen=True, slots=True)
class TelegramProfile:
    """What Telegram tells us about a user on each update."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


def pick_language(code: str | None) -> str:
    """Return the supported language closest to the user's Telegram language."""
    base = (code or "en").split("-")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else "en"


async def register(session: AsyncSession, profile: TelegramProfile) -> User:
    """Create or refresh the user; /start also makes them reachable again."""
    user = await UserRepository(session).upsert(
        profile.id,
        first_name=profile.first_name[:128],
        last_name=(profile.last_name or None) and profile.last_name[:128],
        username=profile.username,
        language=pick_language(profile.language_code),
    )
    await session.commit()
    return user
