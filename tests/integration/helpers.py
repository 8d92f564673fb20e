"""Helpers of integration tests: provisioning and reading back what landed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.access.models import Membership
from core.devices.models import Device, DeviceConfig
from core.devices.service import Provisioned, provision
from core.history.models import MinuteRollup
from core.users.repository import UserRepository


async def add_device(
    sessions: async_sessionmaker[AsyncSession],
    uid: str,
    type_code: str = "co2",
    *,
    name: str | None = None,
    location: str | None = None,
) -> Provisioned:
    """Provision a device the way `dozor device add` does."""
    async with sessions() as session:
        return await provision(session, uid, type_code, name=name, location=location)


async def rollup_count(
    sessions: async_sessionmaker[AsyncSession], device_id: int, metric: str
) -> int:
    """How many readings of a metric the rollups hold for a device."""
    async with sessions() as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(MinuteRollup.count), 0)).where(
                MinuteRollup.device_id == device_id, MinuteRollup.metric == metric
            )
        )
        return int(total or 0)


async def device_row(sessions: async_sessionmaker[AsyncSession], device_id: int) -> Device:
    """Read a device row afresh."""
    async with sessions() as session:
        device = await session.get(Device, device_id)
        assert device is not None
        return device


async def set_config(
    sessions: async_sessionmaker[AsyncSession], device_id: int, **config: object
) -> None:
    """Merge keys into a device's config (the settings UI comes with a later issue)."""
    async with sessions() as session:
        row = await session.get(DeviceConfig, device_id)
        assert row is not None
        row.config = {**row.config, **config}
        row.version += 1
        await session.commit()


async def add_member(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    device_id: int,
    role: str,
    *,
    notifications: bool = True,
    name: str = "Member",
) -> None:
    """Make a user a member of a device (sharing comes with a later issue)."""
    async with sessions() as session:
        await UserRepository(session).upsert(
            user_id, first_name=name, last_name=None, username=None, language="en"
        )
        session.add(
            Membership(user_id=user_id, device_id=device_id, role=role, notifications=notifications)
        )
        await session.commit()
