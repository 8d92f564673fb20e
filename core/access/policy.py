"""The access table of ARCHITECTURE.md as pure rules."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Role(StrEnum):
    """A member's role on a device."""

    OWNER = "owner"
    ADMIN = "admin"
    VIEWER = "viewer"


class Action(StrEnum):
    """Something a person may want to do to a device."""

    VIEW = "view"
    RECEIVE_ALERTS = "receive_alerts"
    CONTROL = "control"
    CONFIGURE = "configure"
    INVITE = "invite"
    MANAGE_MEMBERS = "manage_members"  # see members, change roles, revoke, transfer, remove
    READ_AUDIT = "read_audit"
    UPDATE_FIRMWARE = "update_firmware"  # update now, tonight, or skip a version


_ALLOWED: Final[dict[Role, frozenset[Action]]] = {
    Role.OWNER: frozenset(Action),
    Role.ADMIN: frozenset(
        {
            Action.VIEW,
            Action.RECEIVE_ALERTS,
            Action.CONTROL,
            Action.CONFIGURE,
            Action.INVITE,
            Action.UPDATE_FIRMWARE,
        }
    ),
    Role.VIEWER: frozenset({Action.VIEW, Action.RECEIVE_ALERTS}),
}
# Roles a member may hand out, by their own role (ARCHITECTURE.md: admins invite viewers only).
_MAY_GRANT: Final[dict[Role, frozenset[Role]]] = {
    Role.OWNER: frozenset({Role.ADMIN, Role.VIEWER}),
    Role.ADMIN: frozenset({Role.VIEWER}),
    Role.VIEWER: frozenset(),
}


def allows(role: Role | None, action: Action) -> bool:
    """Say whether a member with `role` (None: not a member) may do `action`."""
    return role is not None and action in _ALLOWED[role]


def may_invite_as(role: Role | None, invited: Role) -> bool:
    """Say whether a member with `role` may invite someone as `invited` (admins: viewers only)."""
    return role is not None and invited in _MAY_GRANT[role]


def grantable_roles(role: Role | None) -> list[Role]:
    """Return the roles a member with `role` may invite as, highest first."""
    if role is None:
        return []
    return [r for r in (Role.ADMIN, Role.VIEWER) if r in _MAY_GRANT[role]]
