"""What platform admins see of every device: metadata only, never readings or members' names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.devices.repository import DeviceRepository

PER_PAGE = 10


@dataclass(frozen=True, slots=True)
class DeviceMetadata:
    """A device as the platform sees it."""

    id: int
    uid: str
    name: str
    type_code: str
    online: bool
    claimed: bool
    members: int
    seen: bool = True  # it has ever connected
    last_seen_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeviceFilter:
    """Which devices a page lists: a uid or name containing `search`, a kind, online or not."""

    search: str | None = None
    kind: str | None = None
    online: bool | None = None


@dataclass(frozen=True, slots=True)
class InventoryPage:
    """One page of the platform's devices."""

    devices: list[DeviceMetadata]
    total: int
    page: int
    pages: int
    kinds: list[str]  # the kinds there are devices of, to filter by


def pages_of(total: int, per_page: int = PER_PAGE) -> int:
    """How many pages `total` items fill (at least one, even empty)."""
    return max(1, -(-total // per_page))


async def inventory(
    session: AsyncSession, wanted: DeviceFilter, page: int, per_page: int = PER_PAGE
) -> InventoryPage:
    """A page of the devices `wanted` (a page past the end shows the last one)."""
    repo = DeviceRepository(session)
    total, _ = await repo.catalogue(
        search=wanted.search, kind=wanted.kind, online=wanted.online, offset=0, limit=0
    )
    pages = pages_of(total, per_page)
    page = min(max(page, 0), pages - 1)
    _, rows = await repo.catalogue(
        search=wanted.search,
        kind=wanted.kind,
        online=wanted.online,
        offset=page * per_page,
        limit=per_page,
    )
    devices = [
        DeviceMetadata(
            d.id,
            d.uid,
            d.name,
            d.type_code,
            d.is_online,
            d.claimed_at is not None,
            n,
            seen=d.is_online or d.last_seen_at is not None,
            last_seen_at=d.last_seen_at,
        )
        for d, n in rows
    ]
    return InventoryPage(devices, total, page, pages, await repo.kinds_in_use())
