"""What a member sees of their devices: stored facts joined with live state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.access.policy import Action, Role, allows
from core.access.repository import MembershipRepository
from core.access.service import require, toggle_notifications
from core.alerts.service import unmute
from core.devices.kinds import Executor, kind_of
from core.devices.models import Device
from core.errors import DomainError
from core.live.store import LiveState, LiveStateStore
from core.users.repository import UserRepository


class NoDevicesError(DomainError):
    """The user has no devices yet."""

    key = "devices-empty"


class DeviceNotChosenError(DomainError):
    """The user has several devices and has not chosen one."""

    key = "live-choose-device"


@dataclass(frozen=True, slots=True)
class DeviceView:
    """A device as its member sees it."""

    device: Device
    role: Role
    primary_metric: str | None
    live: LiveState
    notifications: bool = True
    user_id: int = 0  # whose view this is
    muted_until: datetime | None = None  # this member muted the device's alerts until then
    unrefreshed: bool = False  # a panel nobody holds: its online flag is old news


class DeviceOverview:
    """Read-only views of devices for their members."""

    def __init__(self, live: LiveStateStore) -> None:
        self._live = live

    async def my_devices(
        self, session: AsyncSession, user_id: int, able_to: Action = Action.VIEW
    ) -> list[DeviceView]:
        """Return the user's devices with their live state (those their role lets them
        `able_to`: every device of theirs by default)."""
        pairs = [
            (device, role)
            for device, role in await MembershipRepository(session).devices_of(user_id)
            if allows(role, able_to)
        ]
        live = await self._live.read_many(device.id for device, _ in pairs)
        panels = [d.id for d, _ in pairs if kind_of(d.type_code).executor is Executor.SATEL]
        unrefreshed = await self._live.unrefreshed_panels(panels)
        return [
            DeviceView(
                device,
                role,
                kind_of(device.type_code).primary_metric,
                live[device.id],
                user_id=user_id,
                unrefreshed=device.id in unrefreshed,
            )
            for device, role in pairs
        ]

    async def device(self, session: AsyncSession, user_id: int, device_id: int) -> DeviceView:
        """Return one device the user may see, or raise AccessDenied."""
        grant = await require(session, user_id, device_id, Action.VIEW)
        live = await self._live.read(device_id)
        kind = kind_of(grant.device.type_code)
        panel = [device_id] if kind.executor is Executor.SATEL else []
        return DeviceView(
            grant.device,
            grant.role,
            kind.primary_metric,
            live,
            grant.notifications,
            user_id=user_id,
            muted_until=grant.muted_until if grant.muted else None,
            unrefreshed=bool(await self._live.unrefreshed_panels(panel)),
        )

    async def toggle_notifications(
        self, session: AsyncSession, user_id: int, device_id: int
    ) -> DeviceView:
        """Switch the member's alerts of a device and return the refreshed view."""
        await toggle_notifications(session, user_id, device_id)
        return await self.device(session, user_id, device_id)

    async def unmute(self, session: AsyncSession, user_id: int, device_id: int) -> DeviceView:
        """End the member's mute of a device's alerts and return the refreshed view."""
        await unmute(session, user_id, device_id)
        return await self.device(session, user_id, device_id)

    async def select(self, session: AsyncSession, user_id: int, device_id: int) -> DeviceView:
        """Make a device the user's current one."""
        view = await self.device(session, user_id, device_id)
        await UserRepository(session).set_selected_device(user_id, device_id)
        await session.commit()
        return view

    async def selected(self, session: AsyncSession, user_id: int) -> DeviceView:
        """Return the user's current device: the selected one, or their only one."""
        user = await UserRepository(session).get(user_id)
        if user is not None and user.selected_device_id is not None:
            role = await MembershipRepository(session).role_of(user_id, user.selected_device_id)
            if role is not None:
                return await self.device(session, user_id, user.selected_device_id)
        views = await self.my_devices(session, user_id)
        if not views:
            raise NoDevicesError
        if len(views) > 1:
            raise DeviceNotChosenError
        return views[0]
