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
    parts = [f"{key}={value}" for key, value in entry_side.items() if key not in {"id", "user_id"}]
    return escape(", ".join(parts))[:120]


def audit_log(log: DeviceLog, tr: Translator, zone: tzinfo) -> str:
    """The latest entries, newest first: when, who, what, before → after."""
    now = clock.now()
    lines = [tr("log-title", name=escape(log.device.name))]
    for entry in log.entries:
        actor = log.people.get(entry.actor_user_id or 0)
        target_id = (entry.after or {}).get("user_id") or (entry.before or {}).get("user_id")
        target = log.people.get(target_id) if isinstance(target_id, int) else None
        what = tr(f"log-{entry.action.replace('.', '-')}")
        if what.startswith("log-"):
            what = entry.action
        who = escape(person(actor)) if actor else "—"
        line = f"{clock_time(entry.at, zone, now)} · {who}: {what}"
        if target is not None:
            line += f" ({escape(person(target))})"
        before, after = _change(entry.before), _change(entry.after)
        if before or after:
            line += f"\n   {before or '—'} → {after or '—'}"
        lines.append(line)
    if not log.entries:
        lines.append(tr("log-empty"))
    return "\n".join(lines)
