"""/settings of the user: timezone, quiet hours, the morning digest, the language."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DigestHour, LanguageChoice, QuietHours
from bot.i18n import Translator, translator
from bot.replies import show
from core import clock
from core.users.models import User
from core.users.repository import UserRepository
from core.users.service import (
    SUPPORTED_LANGUAGES,
    set_digest_hour,
    set_language,
    set_quiet_hours,
    set_timezone,
)

PRESETS = ((22, 7), (23, 8), (21, 6), (0, 8))
DIGEST_HOURS = (7, 8, 9)
TZ_ARGUMENT = "tz"


def _render(user: User, tr: Translator, zone: tzinfo) -> str:
    if user.quiet_start is None or user.quiet_end is None:
        hours = tr("settings-quiet-off")
    else:
        hours = tr(
            "settings-quiet-range", start=f"{user.quiet_start:02d}", end=f"{user.quiet_end:02d}"
        )
    now = f"{clock.now().astimezone(zone):%H:%M}"
    name = escape(user.timezone or str(zone))
    return "\n".join(
        [
            tr("settings-title"),
            tr("settings-timezone", zone=name, time=now),
            tr("settings-quiet", hours=hours),
            tr("settings-digest", time=f"{user.digest_hour:02d}:00"),
            tr("settings-language", language=tr(f"language-{user.language}")),
            "",
            tr("settings-quiet-help"),
            tr("settings-timezone-help"),
        ]
    )


def _keyboard(user: User, tr: Translator) -> InlineKeyboardMarkup:
    """Quiet-hour presets, "No quiet hours" and digest hours; the current choices marked."""
    builder = InlineKeyboardBuilder()
    for start, end in PRESETS:
        chosen = (user.quiet_start, user.quiet_end) == (start, end)
        builder.button(
            text=_marked(f"🌙 {start:02d}–{end:02d}", chosen=chosen),
            callback_data=QuietHours(start=start, end=end),
        )
    builder.button(
        text=_marked(tr("settings-quiet-button-off"), chosen=user.quiet_start is None),
        callback_data=QuietHours(start=-1, end=-1),
    )
    for hour in DIGEST_HOURS:
        builder.button(
            text=_marked(f"☀️ {hour:02d}:00", chosen=user.digest_hour == hour),
            callback_data=DigestHour(hour=hour),
        )
    for language in SUPPORTED_LANGUAGES:  # each in its own language, as people look for it
        builder.button(
            text=_marked(
                translator(language)(f"language-{language}"), chosen=user.language == language
            ),
            callback_data=LanguageChoice(language=language),
        )
    builder.adjust(4, 1, len(DIGEST_HOURS), 2, 2)
    return builder.as_markup()


def _marked(text: str, *, chosen: bool) -> str:
    return f"• {text} •" if chosen else text


async def show_settings(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Show the settings, or set the timezone with `/settings tz Europe/Warsaw`."""
    words = (command.args or "").split(maxsplit=1)
    note = ""
    if len(words) == 2 and words[0].lower() == TZ_ARGUMENT:  # noqa: PLR2004 - "tz <name>"
        name = await set_timezone(session, user.id, words[1])  # a city may be two words
        note = tr("settings-timezone-set", zone=escape(name)) + "\n\n"
        user = await UserRepository(session).get(user.id) or user
        zone = clock.zone(name)
    await message.answer(note + _render(user, tr, zone), reply_markup=_keyboard(user, tr))


async def choose_quiet_hours(
    query: CallbackQuery,
    callback_data: QuietHours,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Set quiet hours from a preset (or switch them off)."""
    off = callback_data.start < 0
    await set_quiet_hours(
        session, user.id, None if off else callback_data.start, None if off else callback_data.end
    )
    await session.refresh(user)
    await show(query, _render(user, tr, zone), _keyboard(user, tr))


async def choose_digest_hour(
    query: CallbackQuery,
    callback_data: DigestHour,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Set when the morning digest comes."""
    await set_digest_hour(session, user.id, callback_data.hour)
    await session.refresh(user)
    await show(query, _render(user, tr, zone), _keyboard(user, tr))


async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    session: AsyncSession,
    user: User,
    zone: tzinfo,
) -> None:
    """Speak another language from now on (this screen already)."""
    if callback_data.language not in SUPPORTED_LANGUAGES:  # a forged button
        tr = translator(user.language)
        await query.answer(tr("error-stale"), show_alert=True)
        return
    language = await set_language(session, user.id, callback_data.language)
    await session.refresh(user)
    tr = translator(language)
    await show(query, _render(user, tr, zone), _keyboard(user, tr))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="user_settings")
    router.message.register(show_settings, Command("settings"))
    router.callback_query.register(choose_quiet_hours, QuietHours.filter())
    router.callback_query.register(choose_digest_hour, DigestHour.filter())
    router.callback_query.register(choose_language, LanguageChoice.filter())
    return router
