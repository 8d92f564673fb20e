"""All SQL for memberships."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.access.models import Membership
from core.access.policy import Role
from core.devices.models import Device
from core.users.models import User


class MembershipRepository:
    """Queries and writes of memberships."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int, device_id: int) -> Membership | None:
        """Return the user's membership of the device."""
        return await self._session.scalar(
            select(Membership).where(
                Membership.user_id == user_id, Membership.device_id == device_id
            )
        )

    async def set_notifications(self, user_id: int, device_id: int, *, on: bool) -> None:
        """Switch a member's alerts of a device on or off."""
        await self._session.execute(
            update(Membership)
            .where(Membership.user_id == user_id, Membership.device_id == device_id)
            .values(notifications=on)
        )

    async def role_of(self, user_id: int, device_id: int) -> Role | None:
        """Return the user's role on the device, or None when they are not a member."""
        role = await self._session.scalar(
            select(Membership.role).where(
                Membership.user_id == user_id, Membership.device_id == device_id
            )
        )
        return Role(role) if role else None

    async def devices_of(self, user_id: int) -> Sequence[tuple[Device, Role]]:
        """Return the user's devices with their role, by name."""
        query = (
            select(Device, Membership.role)
            .join(Membership, Membership.device_id == Device.id)
            .where(Membership.user_id == user_id)
            .order_by(Device.name, Device.id)
        )
        rows = await self._session.execute(query)
        return [(device, Role(role)) for device, role in rows.all()]

    async def members_of(self, device_id: int) -> Sequence[tuple[User, Role]]:
        """Return a device's members with their role: owner first, then by name."""
        order = {Role.OWNER: 0, Role.ADMIN: 1, Role.VIEWER: 2}
        query = (
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.device_id == device_id)
            .order_by(User.first_name, User.id)
        )
        rows = [(user, Role(role)) for user, role in (await self._session.execute(query)).all()]
        return sorted(rows, key=lambda pair: order[pair[1]])

    async def has_owner(self, device_id: int) -> bool:
        """Say whether the device has an owner."""
        found = await self._session.scalar(
            select(Membership.id).where(
                Membership.device_id == device_id, Membership.role == Role.OWNER.value
            )
        )
        return found is not None

    async def set_muted_until(self, user_id: int, device_id: int, until: datetime | None) -> None:
        """Silence a member's alerts of a device until `until`."""
        await self._session.execute(
            update(Membership)
            .where(Membership.user_id == user_id, Membership.device_id == device_id)
            .values(muted_until=until)
        )

    async def lock_device(self, device_id: int) -> None:
        """Lock the device's memberships until the transaction ends (one change at a time)."""
        await self._session.execute(
            select(Membership.id).where(Membership.device_id == device_id).with_for_update()
        )

    async def set_role(self, user_id: int, device_id: int, role: Role) -> None:
        """Change a member's role."""
        await self._session.execute(
            update(Membership)
            .where(Membership.user_id == user_id, Membership.device_id == device_id)
            .values(role=role.value)
        )

    async def remove(self, user_id: int, device_id: int) -> bool:
        """Delete a membership; return whether there was one."""
        result = await self._session.execute(
            delete(Membership).where(
                Membership.user_id == user_id, Membership.device_id == device_id
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def add(self, user_id: int, device_id: int, role: Role) -> None:
        """Stage a membership."""
        self._session.add(Membership(user_id=user_id, device_id=device_id, role=role.value))
