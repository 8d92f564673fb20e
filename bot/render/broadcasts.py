"""Texts of broadcasts: whom a broadcast goes to, and its progress card."""

from __future__ import annotations

from html import escape

from bot.i18n import Translator
from core.broadcasts.service import Audience, AudienceKind, Progress


def audience_name(audience: Audience, tr: Translator) -> str:
    """Whom a broadcast goes to, e.g. "the owners of co2 devices"."""
    if audience.kind == AudienceKind.KIND:
        return tr("broadcast-audience-kind", kind=escape(audience.value or "?"))
    if audience.kind == AudienceKind.LANGUAGE:
        return tr("broadcast-audience-language", language=escape(audience.value or "?"))
    return tr("broadcast-audience-everyone")


def progress_card(progress: Progress, tr: Translator) -> str:
    """The card edited in place while a broadcast goes out, and once it has."""
    broadcast = progress.broadcast
    audience = audience_name(
        Audience(AudienceKind(broadcast.audience), broadcast.audience_value), tr
    )
    key = "broadcast-card-done" if progress.done else "broadcast-card"
    return tr(
        key,
        audience=audience,
        total=broadcast.total,
        sent=progress.sent,
        blocked=progress.blocked,
        failed=progress.failed,
        pending=progress.pending,
    )
