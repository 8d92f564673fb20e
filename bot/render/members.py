"""Member lists, one member, and a device's audit log, as Telegram HTML."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from html import escape
from typing import Any

from bot.i18n import Translator
from bot.render.time import clock_time
from core import clock
from core.access.policy import Role
from core.audit.models import AuditEntry
from core.audit.service import DeviceLog
from core.devices.models import Device
from core.users.models import User


def person(user: User | None) -> str:
    """A person's name as others see it (plain text)."""
    if user is None:
        return "?"
    name = " ".join(p for p in (user.first_name, user.last_name) if p) or str(user.id)
    return f"{name} (@{user.username})" if user.username else name


def member_list(device: Device, members: Sequence[tuple[User, Role]], tr: Translator) -> str:
    """The members of a device with their roles."""
    lines = [tr("members-title", name=escape(device.name))]
    lines += [f"• {escape(person(user))} — {tr(f'role-{role.value}')}" for user, role in members]
    lines += ["", tr("members-help")]
    return "\n".join(lines)


def member(device: Device, user: User, role: Role, tr: Translator) -> str:
    """One member and what can be done."""
    return tr(
        "member-title",
        member=escape(person(user)),
        name=escape(device.name),
        role=tr(f"role-{role.value}"),
    )


def _change(entry_side: dict[str, Any] | None) -> str:
    if not entry_side:
        return ""
    parts = [
        f"{key} {value}"
        for key, value in entry_side.items()
        if key not in {"id", "user_id", "version"}
    ]
    return escape(", ".join(parts))[:160]


def _sentence(entry: AuditEntry, log: DeviceLog, tr: Translator) -> str:
    """One entry as a sentence: "Ann invited Bob as viewer"."""
    before, after = entry.before or {}, entry.after or {}
    actor = log.people.get(entry.actor_user_id or 0)
    target_id = after.get("user_id") or before.get("user_id") or after.get("owner")
    if entry.action == "device.transferred":
        target_id = after.get("owner")
    target = log.people.get(target_id) if isinstance(target_id, int) else None
    role = after.get("role") or before.get("role")
    args: dict[str, Any] = {
        "who": escape(person(actor)) if actor else tr("log-someone"),
        "target": escape(person(target)) if target else tr("log-someone"),
        "role": tr(f"role-{role}") if isinstance(role, str) else "?",
        "command": escape(str(after.get("command", "?"))),
        "result": escape(str(after.get("result", "?"))),
        "on": "on" if after.get("notifications") else "off",
        "change": f"{_change(before) or '—'} → {_change(after) or '—'}",
    }
    key = "log-" + entry.action.replace(".", "-").replace("_", "-")
    text = tr(key, **args)
    return text if not text.startswith("log-") else f"{args['who']}: {escape(entry.action)}"


def audit_log(log: DeviceLog, tr: Translator, zone: tzinfo) -> str:
    """One page of the log, newest first: when, then what happened, as a sentence."""
    now = clock.now()
    title = tr("log-title", name=escape(log.device.name), page=log.page + 1, pages=log.pages)
    lines = [title]
    lines += [f"{clock_time(e.at, zone, now)} · {_sentence(e, log, tr)}" for e in log.entries]
    if not log.entries:
        lines.append(tr("log-empty"))
    return "\n".join(lines)
