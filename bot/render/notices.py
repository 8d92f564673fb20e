"""Notices to one person (someone joined, your role changed, …) from outbox payloads."""

from __future__ import annotations

from html import escape

from bot.i18n import Translator
from core.outbox.payloads import NoticePayload


def notice_text(payload: NoticePayload, tr: Translator) -> str:
    """Render a notice; names are escaped and a role is shown in the reader's words."""
    args = {k: escape(v) for k, v in payload.args.items()}
    if "role" in args:
        args["role"] = tr(f"role-{args['role']}")
    return tr(payload.key, **args)
