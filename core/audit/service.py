"""Reading a device's audit log (owners only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.access.policy import Action
from core.access.service import require
from core.audit.models import AuditEntry
from core.audit.repository import AuditRepository
from core.devices.models import Device
from core.users.models import User
from core.users.repository import UserRepository


@dataclass(frozen=True, slots=True)
class DeviceLog:
    """A device's latest audit entries and the people they name."""

    device: Device
    entries: Sequence[AuditEntry]
    people: dict[int, User]
    page: int = 0
    pages: int = 1


async def device_log(
    session: AsyncSession, user_id: int, device_id: int, limit: int = 15, page: int = 0
) -> DeviceLog:
    """Return one page of a device's log, newest first."""
    grant = await require(session, user_id, device_id, Action.READ_AUDIT)
    audit = AuditRepository(session)
    pages = max(1, -(-await audit.count_for_device(device_id) // limit))
    page = min(max(0, page), pages - 1)
    entries = await audit.for_device(device_id, limit, page * limit)
    ids: set[int] = set()
    for entry in entries:
        if entry.actor_user_id is not None:
            ids.add(entry.actor_user_id)
        for side in (entry.before, entry.after):
            if side and isinstance(side.get("user_id"), int):
                ids.add(side["user_id"])
    people = await UserRepository(session).get_many(ids)
    return DeviceLog(grant.device, entries, people, page, pages)
