"""Notices to one person (someone joined, your role changed, …) from outbox payloads."""

from __future__ import annotations

from html import escape
from typing import Any

from bot.i18n import Translator


def notice_text(payload: dict[str, Any], tr: Translator) -> str:
    """Render a notice; names are escaped and a role is shown in the reader's words."""
    args = {k: escape(str(v)) for k, v in (payload.get("args") or {}).items()}
    if "role" in args:
        args["role"] = tr(f"role-{args['role']}")
    return tr(str(payload.get("key", "error-generic")), **args)
