"""Buttons of composing a broadcast: the audience, then Send."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import BroadcastAction, BroadcastOp
from bot.i18n import Translator
from core.broadcasts.service import AudienceKind, Choices

MAX_CHOICES = 24  # kinds or languages offered


def audiences(draft: str, choices: Choices, tr: Translator) -> InlineKeyboardMarkup:
    """Everyone, the owners of a kind, the readers of a language; and Cancel."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("broadcast-everyone", count=choices.everyone),
        callback_data=BroadcastAction(
            op=BroadcastOp.AUDIENCE, draft=draft, audience=AudienceKind.EVERYONE
        ),
    )
    builder.button(
        text=tr("broadcast-by-kind"),
        callback_data=BroadcastAction(op=BroadcastOp.KINDS, draft=draft),
    )
    builder.button(
        text=tr("broadcast-by-language"),
        callback_data=BroadcastAction(op=BroadcastOp.LANGUAGES, draft=draft),
    )
    builder.button(
        text=tr("broadcast-cancel"),
        callback_data=BroadcastAction(op=BroadcastOp.CANCEL, draft=draft),
    )
    builder.adjust(1)
    return builder.as_markup()


def options(
    draft: str, audience: AudienceKind, found: list[tuple[str, int]], tr: Translator
) -> InlineKeyboardMarkup:
    """One button per device kind (or language) with how many people it reaches; Back."""
    builder = InlineKeyboardBuilder()
    key = "broadcast-kind" if audience == AudienceKind.KIND else "broadcast-language"
    field = "kind" if audience == AudienceKind.KIND else "language"
    for value, count in found[:MAX_CHOICES]:
        builder.button(
            text=tr(key, count=count, **{field: value}),
            callback_data=BroadcastAction(
                op=BroadcastOp.AUDIENCE, draft=draft, audience=audience, value=value
            ),
        )
    builder.button(
        text=tr("broadcast-back"), callback_data=BroadcastAction(op=BroadcastOp.BACK, draft=draft)
    )
    builder.adjust(2)
    return builder.as_markup()


def confirm(draft: str, audience: AudienceKind, value: str, tr: Translator) -> InlineKeyboardMarkup:
    """Send, Back, Cancel."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("broadcast-send"),
        callback_data=BroadcastAction(
            op=BroadcastOp.SEND, draft=draft, audience=audience, value=value
        ),
    )
    builder.button(
        text=tr("broadcast-back"), callback_data=BroadcastAction(op=BroadcastOp.BACK, draft=draft)
    )
    builder.button(
        text=tr("broadcast-cancel"),
        callback_data=BroadcastAction(op=BroadcastOp.CANCEL, draft=draft),
    )
    builder.adjust(1, 2)
    return builder.as_markup()
