"""The one place that decides whether a user may do something to a device."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.access.policy import Action, Role, allows
from core.access.repository import MembershipRepository
from core.audit.repository import AuditRepository
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.errors import AccessDenied


@dataclass(frozen=True, slots=True)
class Grant:
    """Proof that a user may act on a device, with their role."""

    device: Device
    role: Role
    notifications: bool = True


async def require(session: AsyncSession, user_id: int, device_id: int, action: Action) -> Grant:
    """Return the device and role, or raise AccessDenied (same answer as for a missing device)."""
    membership = await MembershipRepository(session).get(user_id, device_id)
    role = Role(membership.role) if membership else None
    device = await DeviceRepository(session).get(device_id) if membership else None
    if device is None or membership is None or role is None or not allows(role, action):
        raise AccessDenied
    return Grant(device, role, membership.notifications)


async def toggle_notifications(session: AsyncSession, user_id: int, device_id: int) -> Grant:
    """Switch the member's alerts of a device on or off; return the new state."""
    grant = await require(session, user_id, device_id, Action.RECEIVE_ALERTS)
    on = not grant.notifications
    await MembershipRepository(session).set_notifications(user_id, device_id, on=on)
    AuditRepository(session).record(
        "member.notifications",
        actor_user_id=user_id,
        device_id=device_id,
        before={"notifications": grant.notifications},
        after={"notifications": on},
    )
    await session.commit()
    return Grant(grant.device, grant.role, on)
