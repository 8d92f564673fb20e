"""All SQL for firmware_images, firmware_blobs, firmware_rollouts, firmware_updates and
shelly_updates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.devices.models import Device
from core.firmware.models import (
    FirmwareBlob,
    FirmwareImage,
    FirmwareRollout,
    FirmwareUpdate,
    ShellyUpdate,
)

UNDER_WAY = ("sent", "downloading", "verifying", "rebooting")  # the device is at it
OPEN = ("queued", *UNDER_WAY)  # not finished
FAILED = ("failed", "rolled_back", "timed_out")
LIVE_ROLLOUTS = ("running", "paused")

_RANGE = text(
    "SELECT substring(data FROM CAST(:start AS integer) + 1 FOR CAST(:length AS integer)) "
    "FROM firmware_blobs WHERE image_id = :image"
)


_TALLY = text("""
SELECT count(*) FILTER (WHERE state IN ('done', 'failed', 'rolled_back', 'timed_out')),
       count(*) FILTER (WHERE state IN ('failed', 'rolled_back', 'timed_out')),
       count(*) FILTER (WHERE state IN ('queued', 'sent', 'downloading', 'verifying', 'rebooting')),
       count(*) FILTER (WHERE NOT canary AND sent_at IS NOT NULL)
FROM firmware_updates
WHERE rollout_id = :rollout AND id <> ALL(CAST(:held AS integer[]))
""")

# The first device updated after :since that went offline, or opened an alert, after its own
# update was done (offline first: an offline episode is an alert too).
_UNWELL = text("""
SELECT d.name,
       (NOT d.is_online AND d.online_changed_at > u.finished_at)
       OR EXISTS (SELECT 1 FROM alert_episodes AS e
                  WHERE e.device_id = d.id AND e.opened_at > u.finished_at
                    AND e.kind = 'device_offline') AS silent
FROM firmware_updates AS u JOIN devices AS d ON d.id = u.device_id
WHERE u.rollout_id = :rollout AND u.state = 'done' AND u.finished_at > :since
  AND ((NOT d.is_online AND d.online_changed_at > u.finished_at)
       OR EXISTS (SELECT 1 FROM alert_episodes AS e
                  WHERE e.device_id = d.id AND e.opened_at > u.finished_at))
ORDER BY u.finished_at, d.id
LIMIT 1
""")


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts over some of a rollout's updates."""

    finished: int  # done or failed
    failed: int  # failed, rolled back, timed out
    open: int  # waiting or under way
    waves_sent: int  # not canaries, sent at least once


class ImageRepository:
    """Firmware images and their bytes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, image: FirmwareImage, data: bytes) -> FirmwareImage:
        """Store an image and its bytes."""
        self._session.add(image)
        await self._session.flush()
        self._session.add(FirmwareBlob(image_id=image.id, data=data))
        await self._session.flush()
        return image

    async def get(self, image_id: int) -> FirmwareImage | None:
        """An image by id."""
        return await self._session.get(FirmwareImage, image_id)

    async def find(self, kind: str, version: str) -> FirmwareImage | None:
        """An image by kind and version."""
        return await self._session.scalar(
            select(FirmwareImage).where(
                FirmwareImage.kind == kind, FirmwareImage.version == version
            )
        )

    async def newest(self, kind: str) -> FirmwareImage | None:
        """The image of a kind added last."""
        return await self._session.scalar(
            select(FirmwareImage)
            .where(FirmwareImage.kind == kind)
            .order_by(FirmwareImage.created_at.desc(), FirmwareImage.id.desc())
            .limit(1)
        )

    async def listed(self, kind: str | None = None) -> Sequence[FirmwareImage]:
        """Images, newest first (of one kind when given)."""
        query = select(FirmwareImage).order_by(FirmwareImage.created_at.desc(), FirmwareImage.id)
        if kind is not None:
            query = query.where(FirmwareImage.kind == kind)
        return (await self._session.scalars(query)).all()

    async def read(self, image_id: int, start: int, length: int) -> bytes:
        """`length` bytes of an image from `start` (fewer at its end)."""
        data = await self._session.scalar(
            _RANGE, {"image": image_id, "start": start, "length": length}
        )
        return bytes(data or b"")

    async def in_use(self, image_id: int) -> bool:
        """Whether a rollout that is running or paused uses the image."""
        found = await self._session.scalar(
            select(func.count())
            .select_from(FirmwareRollout)
            .where(FirmwareRollout.image_id == image_id, FirmwareRollout.state.in_(LIVE_ROLLOUTS))
        )
        return bool(found)

    async def delete(self, image_id: int) -> None:
        """Remove an image and its bytes (finished rollouts keep its kind and version)."""
        await self._session.execute(delete(FirmwareImage).where(FirmwareImage.id == image_id))


class RolloutRepository:
    """Rollouts."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, rollout: FirmwareRollout) -> None:
        """Stage a new rollout."""
        self._session.add(rollout)

    async def get(self, rollout_id: int, *, for_update: bool = False) -> FirmwareRollout | None:
        """A rollout (locked for a change when `for_update`)."""
        query = select(FirmwareRollout).where(FirmwareRollout.id == rollout_id)
        if for_update:
            query = query.with_for_update()
        return await self._session.scalar(query)

    async def running(self) -> Sequence[FirmwareRollout]:
        """Rollouts that go on, oldest first, locked for this transaction."""
        return (
            await self._session.scalars(
                select(FirmwareRollout)
                .where(FirmwareRollout.state == "running")
                .order_by(FirmwareRollout.id)
                .with_for_update()
            )
        ).all()

    async def set_card(self, rollout_id: int, chat_id: int, message_id: int) -> None:
        """Remember the message that shows the rollout (edited in place as it goes)."""
        await self._session.execute(
            update(FirmwareRollout)
            .where(FirmwareRollout.id == rollout_id)
            .values(card_chat_id=chat_id, card_message_id=message_id)
        )

    async def with_cards(self, finished_since: datetime) -> Sequence[FirmwareRollout]:
        """Rollouts with a card that go on, or finished after `finished_since`."""
        return (
            await self._session.scalars(
                select(FirmwareRollout)
                .where(
                    FirmwareRollout.card_message_id.is_not(None),
                    (FirmwareRollout.state.in_(LIVE_ROLLOUTS))
                    | (FirmwareRollout.finished_at > finished_since),
                )
                .order_by(FirmwareRollout.id)
            )
        ).all()

    async def recent(self, limit: int = 10) -> Sequence[FirmwareRollout]:
        """The newest rollouts."""
        return (
            await self._session.scalars(
                select(FirmwareRollout).order_by(FirmwareRollout.id.desc()).limit(limit)
            )
        ).all()


class UpdateRepository:
    """Each device's update in a rollout."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, update_row: FirmwareUpdate) -> None:
        """Stage a device's update."""
        self._session.add(update_row)

    async def working_set(
        self, rollout_id: int, *, queued: int, now: datetime
    ) -> list[tuple[FirmwareUpdate, Device]]:
        """What a step of a rollout works on, with the devices: its canaries, the updates
        under way, and the first `queued` updates waiting that may go now (the device
        online, the update due), canaries first, then by device id. The rest — finished, or
        waiting their turn — is counted (`tally`), not loaded: a step of a rollout of
        thousands reads tens of rows (not locked: a change made meanwhile fails the write,
        by the rows' revision)."""
        base = (
            select(FirmwareUpdate, Device)
            .join(Device, Device.id == FirmwareUpdate.device_id)
            .where(FirmwareUpdate.rollout_id == rollout_id)
        )
        working = await self._session.execute(
            base.where(FirmwareUpdate.canary | FirmwareUpdate.state.in_(UNDER_WAY))
        )
        rows = [(u, d) for u, d in working.all()]
        if queued > 0:
            waiting = await self._session.execute(
                base.where(
                    FirmwareUpdate.state == "queued",
                    ~FirmwareUpdate.canary,
                    Device.is_online,
                    FirmwareUpdate.not_before.is_(None) | (FirmwareUpdate.not_before <= now),
                )
                .order_by(FirmwareUpdate.device_id)
                .limit(queued)
            )
            rows += [(u, d) for u, d in waiting.all()]
        return sorted(rows, key=lambda row: (not row[0].canary, row[0].device_id))

    async def tally(self, rollout_id: int, leaving_out: Sequence[int]) -> Tally:
        """Counts over a rollout's updates but `leaving_out` (ids the caller holds)."""
        row = (
            await self._session.execute(_TALLY, {"rollout": rollout_id, "held": list(leaving_out)})
        ).one()
        return Tally(*(int(n or 0) for n in row))

    async def unwell_after(self, rollout_id: int, since: datetime) -> tuple[str, bool] | None:
        """A device of the rollout updated (`done`) after `since` that since its own update
        went offline or opened an alert: its name, and whether it went silent; None when
        every one is well."""
        found = (
            await self._session.execute(_UNWELL, {"rollout": rollout_id, "since": since})
        ).first()
        return (str(found[0]), bool(found[1])) if found is not None else None

    async def counts(self, rollout_id: int) -> dict[str, int]:
        """How many of a rollout's updates are in each state."""
        rows = await self._session.execute(
            select(FirmwareUpdate.state, func.count())
            .where(FirmwareUpdate.rollout_id == rollout_id)
            .group_by(FirmwareUpdate.state)
        )
        return {state: int(n) for state, n in rows.all()}

    async def failures(self, rollout_id: int, limit: int) -> Sequence[tuple[str, str, str]]:
        """The newest failures of a rollout: device name, state, reason."""
        rows = await self._session.execute(
            select(Device.name, FirmwareUpdate.state, FirmwareUpdate.error)
            .join(Device, Device.id == FirmwareUpdate.device_id)
            .where(FirmwareUpdate.rollout_id == rollout_id, FirmwareUpdate.state.in_(FAILED))
            .order_by(FirmwareUpdate.finished_at.desc())
            .limit(limit)
        )
        return [(name, state, error or "") for name, state, error in rows.all()]

    async def by_token(self, token_hash: str) -> tuple[FirmwareUpdate, FirmwareRollout] | None:
        """The update a download token was issued for, with its rollout."""
        row = await self._session.execute(
            select(FirmwareUpdate, FirmwareRollout)
            .join(FirmwareRollout, FirmwareRollout.id == FirmwareUpdate.rollout_id)
            .where(FirmwareUpdate.token_hash == token_hash)
        )
        found = row.first()
        return (found[0], found[1]) if found is not None else None

    async def under_way(self, device_id: int) -> tuple[FirmwareUpdate, FirmwareRollout] | None:
        """The device's newest unfinished update in a running or paused rollout."""
        row = await self._session.execute(
            select(FirmwareUpdate, FirmwareRollout)
            .join(FirmwareRollout, FirmwareRollout.id == FirmwareUpdate.rollout_id)
            .where(
                FirmwareUpdate.device_id == device_id,
                FirmwareUpdate.state.in_(OPEN),
                FirmwareRollout.state.in_(LIVE_ROLLOUTS),
            )
            .order_by(FirmwareUpdate.id.desc())
            .limit(1)
        )
        found = row.first()
        return (found[0], found[1]) if found is not None else None

    async def current(self, device_id: int, version: str) -> FirmwareUpdate | None:
        """The device's newest update to `version` that is not finished, locked."""
        return await self._session.scalar(
            select(FirmwareUpdate)
            .join(FirmwareRollout, FirmwareRollout.id == FirmwareUpdate.rollout_id)
            .where(
                FirmwareUpdate.device_id == device_id,
                FirmwareRollout.version == version,
                FirmwareUpdate.state.in_(OPEN),
            )
            .order_by(FirmwareUpdate.id.desc())
            .limit(1)
        )


class ShellyUpdateRepository:
    """The updates Shelly devices were told to install from their maker's channel."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, row: ShellyUpdate) -> None:
        """Stage a new update."""
        self._session.add(row)

    async def latest(self, device_id: int) -> ShellyUpdate | None:
        """The device's newest update, finished or not."""
        return await self._session.scalar(
            select(ShellyUpdate)
            .where(ShellyUpdate.device_id == device_id)
            .order_by(ShellyUpdate.id.desc())
            .limit(1)
        )

    async def current(self, device_id: int) -> ShellyUpdate | None:
        """The device's update under way, locked for this transaction."""
        return await self._session.scalar(
            select(ShellyUpdate)
            .where(ShellyUpdate.device_id == device_id, ShellyUpdate.finished_at.is_(None))
            .with_for_update()
        )

    async def under_way(self) -> Sequence[tuple[ShellyUpdate, Device]]:
        """Every update not finished, with its device, locked for this transaction (a few:
        each was started by a person)."""
        rows = await self._session.execute(
            select(ShellyUpdate, Device)
            .join(Device, Device.id == ShellyUpdate.device_id)
            .where(ShellyUpdate.finished_at.is_(None))
            .order_by(ShellyUpdate.id)
            .with_for_update(of=ShellyUpdate, skip_locked=True)
        )
        return [(update, device) for update, device in rows]
