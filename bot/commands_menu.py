"""The command menu shown by Telegram next to the input field."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand

from bot.i18n import Translator

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


def build_commands(tr: Translator) -> list[BotCommand]:
    """Return the menu in the translator's language."""
    return [BotCommand(command=name, description=tr(f"cmd-{name}")) for name in COMMANDS]


async def set_commands(bot: Bot, tr: Translator) -> None:
    """Publish the menu (setMyCommands)."""
    await bot.set_my_commands(build_commands(tr))


async def set_description(bot: Bot, tr: Translator) -> None:
    """Publish what a person sees before the first /start, and on the bot's profile."""
    await bot.set_my_description(tr("bot-description"))
    await bot.set_my_short_description(tr("bot-short-description"))
