"""What platform admins see of every device: metadata only, never readings or members' names."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.devices.repository import DeviceRepository


@dataclass(frozen=True, slots=True)
class DeviceMetadata:
    """A device as the platform sees it."""

    uid: str
    name: str
    type_code: str
    online: bool
    claimed: bool
    members: int
    seen: bool = True  # it has ever connected


async def all_devices(session: AsyncSession, limit: int = 50) -> list[DeviceMetadata]:
    """Return the devices by uid with their member counts (the first `limit`)."""
    rows = await DeviceRepository(session).with_member_counts(limit)
    return [
        DeviceMetadata(
            d.uid,
            d.name,
            d.type_code,
            d.is_online,
            d.claimed_at is not None,
            n,
            seen=d.is_online or d.last_seen_at is not None,
        )
        for d, n in rows
    ]
