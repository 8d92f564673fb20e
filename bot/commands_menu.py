"""The command menu shown by Telegram next to the input field.

Everyone gets the same menu (the default scope); each platform admin gets it with the admin
commands added, in a scope of their own chat, in their language (setMyCommands with
BotCommandScopeChat). Telegram keeps a chat's menu until it is set again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat
from aiohttp import ClientError

from bot.i18n import Translator, translator

log = logging.getLogger(__name__)

COMMANDS = (
    "devices",
    "status",
    "alerts",
    "history",
    "select",
    "live",
    "stop",
    "add",
    "share",
    "settings",
    "cancel",
    "help",
)
ADMIN_COMMANDS = (
    "admin",
    "health",
    "users",
    "all_devices",
    "broadcast",
    "firmware",
    "security",
)


def build_commands(tr: Translator, *, admin: bool = False) -> list[BotCommand]:
    """Return the menu in the translator's language (with the admin commands for admins)."""
    names = (*COMMANDS, *ADMIN_COMMANDS) if admin else COMMANDS
    return [BotCommand(command=name, description=tr(f"cmd-{name}")) for name in names]


# Telegram names languages by two letters: Brazilian Portuguese is "pt" to it.
TELEGRAM_CODES = {"pl": "pl", "ru": "ru", "pt-BR": "pt"}


async def set_commands(bot: Bot, tr: Translator) -> None:
    """Publish the menu everyone sees (setMyCommands): in English for anyone, and in each
    other language for the people whose Telegram speaks it."""
    await bot.set_my_commands(build_commands(tr))
    for locale, code in TELEGRAM_CODES.items():
        await bot.set_my_commands(build_commands(translator(locale)), language_code=code)


async def set_admin_commands(bot: Bot, admins: Iterable[tuple[int, str | None]]) -> None:
    """Publish the admins' menu in each admin's chat, in their language ((id, language)
    pairs). An admin who never opened a chat with the bot cannot have one yet (Telegram
    answers "chat not found"): they get it when they first write to the bot."""
    for chat_id, language in admins:
        try:
            await bot.set_my_commands(
                build_commands(translator(language), admin=True),
                scope=BotCommandScopeChat(chat_id=chat_id),
            )
        except (TelegramAPIError, ClientError, TimeoutError) as err:
            log.info("no admin menu for chat %s yet (%s)", chat_id, err)


async def set_description(bot: Bot, tr: Translator) -> None:
    """Publish what a person sees before the first /start, and on the bot's profile."""
    await bot.set_my_description(tr("bot-description"))
    await bot.set_my_short_description(tr("bot-short-description"))
