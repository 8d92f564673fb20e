"""The one place that decides whether a user may do something to a device."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.access.policy import Action, Role, allows
from core.access.repository import MembershipRepository
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.errors import AccessDenied


@dataclass(frozen=True, slots=True)
class Grant:
    """Proof that a user may act on a device, with their role."""

    device: Device
    role: Role


async def require(session: AsyncSession, user_id: int, device_id: int, action: Action) -> Grant:
    """Return the device and role, or raise AccessDenied (same answer as for a missing device)."""
    role = await MembershipRepository(session).role_of(user_id, device_id)
    device = await DeviceRepository(session).get(device_id) if role else None
    if device is None or not allows(role, action):
        raise AccessDenied
    assert role is not None  # noqa: S101 - allows() is False for None
    return Grant(device, role)
