"""What a device's card says of firmware: an update under way, or one to offer its owner;
and the owner's answers to it (update now, tonight, skip this version)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from core.access.policy import Action
from core.access.service import require
from core.audit.repository import AuditRepository
from core.devices.kinds import kind_of
from core.devices.models import Device
from core.errors import StaleAction
from core.firmware.repository import ImageRepository, UpdateRepository
from core.firmware.service import start_rollout

SKIPPED = "firmware_skipped"  # the device attribute holding the version its owner skipped
TONIGHT = time(3, 0)  # when "tonight" is, in the person's timezone
When = Literal["now", "tonight", "skip"]


@dataclass(frozen=True, slots=True)
class FirmwareNews:
    """What the card shows: an update under way (`state`, `progress`), or one offered."""

    image_id: int
    version: str
    notes: str
    state: str | None = None  # None: offered, not started
    progress: int | None = None
    not_before: datetime | None = None


async def news(session: AsyncSession, device: Device) -> FirmwareNews | None:
    """The update under way on the device, else the newest image of its kind that it does
    not run and its owner did not skip; None for kinds without updates."""
    if not kind_of(device.type_code).ota:
        return None
    found = await UpdateRepository(session).under_way(device.id)
    if found is not None:
        update, rollout = found
        return FirmwareNews(
            rollout.image_id or 0,
            rollout.version,
            "",
            update.state,
            update.progress,
            update.not_before,
        )
    image = await ImageRepository(session).newest(device.type_code)
    if image is None or image.version == device.firmware_version:
        return None
    if (device.attributes or {}).get(SKIPPED) == image.version:
        return None
    return FirmwareNews(image.id, image.version, image.notes)


@dataclass(frozen=True, slots=True)
class Answered:
    """What an answer did: the device, the version, and when the update goes (None: now,
    or skipped)."""

    device: Device
    version: str
    at: datetime | None = None


def tonight(now: datetime, zone: tzinfo) -> datetime:
    """The next 03:00 in `zone` after `now`."""
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), TONIGHT, zone)
    return at if at > local else datetime.combine(local.date() + timedelta(days=1), TONIGHT, zone)


async def answer(
    session: AsyncSession,
    user_id: int,
    device_id: int,
    image_id: int,
    when: When,
    now: datetime,
    zone: tzinfo,
) -> Answered:
    """An owner's (or admin's) answer to an offered update: a rollout of this one device now
    or tonight, or the version skipped. Refused when the offer is no longer the card's."""
    grant = await require(session, user_id, device_id, Action.UPDATE_FIRMWARE)
    device = grant.device
    offered = await news(session, device)
    if offered is None or offered.state is not None or offered.image_id != image_id:
        raise StaleAction
    if when == "skip":
        device.attributes = {**(device.attributes or {}), SKIPPED: offered.version}
        AuditRepository(session).record(
            "firmware.skipped",
            actor_user_id=user_id,
            device_id=device.id,
            after={"version": offered.version},
        )
        return Answered(device, offered.version)
    at = tonight(now, zone) if when == "tonight" else None
    await start_rollout(
        session,
        image_id,
        device_ids=[device.id],
        canary=0,
        pace=1,
        failure_limit=100,  # one device: its own failure is its own
        created_by=user_id,
        not_before=at,
        now=now,
    )
    return Answered(device, offered.version, at)
