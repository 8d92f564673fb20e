"""Firmware images, rollouts and what devices report of their updates.

A rollout sends an image to the devices of one kind (or chosen ones): first a canary of N
devices alone; once every canary reports `done`, the rest in waves at a pace (devices per
minute). A device that is offline keeps its place and is sent the update when it is back.
Every state has a timeout (`step_timeout`): an update sent and never answered is sent again
(up to `MAX_ATTEMPTS`), one that stalls later is `timed_out`. The rollout halts by itself
when a canary fails, when the failures pass `failure_limit` percent of the devices that
finished, or when a device goes silent or opens a new alert within `watch` of its `done`.
A device that comes back after `rebooting` still on its old version is `rolled_back`.

Each step is one transaction with the rollout and its updates locked (several processor
instances may run the job; one steps a rollout at a time). The orders to publish are
returned, to be sent after the commit: an order lost on the way is sent again at its timeout.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.repository import AuditRepository
from core.devices.kinds import kind_of
from core.devices.models import Device, DeviceType
from core.devices.repository import DeviceRepository
from core.errors import InvalidInput, NotFound
from core.firmware.models import FirmwareImage, FirmwareRollout, FirmwareUpdate
from core.firmware.repository import (
    FAILED,
    OPEN,
    UNDER_WAY,
    ImageRepository,
    RolloutRepository,
    Tally,
    UpdateRepository,
)

VERSION: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}")
MAX_IMAGE_BYTES: Final = 16 * 1024 * 1024  # an ESP32 app partition is at most a few MiB
MAX_ATTEMPTS: Final = 3  # an order never answered is sent this many times in all
# A failure the device reports with this reason (its download was cut: the network, or the
# image server restarting) is not final: the update is sent again, up to MAX_ATTEMPTS.
INTERRUPTED: Final = "download interrupted"
REBOOT_GRACE: Final = timedelta(seconds=10)  # a reading from before the reboot may still come
_RANK: Final = {s: i for i, s in enumerate(("queued", *UNDER_WAY, "done"))}


class ImageRefusedError(InvalidInput):
    """An image that cannot be added (`reason`: empty, too_large, bad_version, exists)."""

    key = "firmware-image-refused"


class ImageInUseError(InvalidInput):
    """An image a running or paused rollout uses."""

    key = "firmware-image-in-use"


class NothingToUpdateError(InvalidInput):
    """A rollout with no device to update."""

    key = "firmware-nothing-to-update"


def digest(data: bytes) -> str:
    """The SHA-256 of an image, as devices check it."""
    return hashlib.sha256(data).hexdigest()


def token_hash(token: str) -> str:
    """What is kept of a download token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def add_image(
    session: AsyncSession,
    kind: str,
    version: str,
    data: bytes,
    *,
    notes: str = "",
    added_by: int | None = None,
) -> FirmwareImage:
    """Store an image of `kind` and `version`, with its size and SHA-256, in the session's
    transaction. Audited."""
    if await session.get(DeviceType, kind) is None:
        raise ImageRefusedError(reason="unknown_kind", kind=kind)
    if not kind_of(kind).ota:
        raise ImageRefusedError(reason="no_updates", kind=kind)
    if not VERSION.fullmatch(version):
        raise ImageRefusedError(reason="bad_version", version=version)
    if not data:
        raise ImageRefusedError(reason="empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefusedError(reason="too_large", size=len(data))
    images = ImageRepository(session)
    if await images.find(kind, version) is not None:
        raise ImageRefusedError(reason="exists", kind=kind, version=version)
    image = FirmwareImage(
        kind=kind,
        version=version,
        size=len(data),
        sha256=digest(data),
        notes=notes.strip(),
        added_by=added_by,
    )
    await images.add(image, data)
    AuditRepository(session).record(
        "firmware.image.added",
        actor_user_id=added_by,
        device_id=None,
        after={"kind": kind, "version": version, "size": image.size, "sha256": image.sha256},
    )
    return image


async def to_update(
    session: AsyncSession, image: FirmwareImage, device_ids: Sequence[int] | None = None
) -> list[Device]:
    """The devices of the image's kind (of `device_ids`, when given) not running it yet."""
    devices = await DeviceRepository(session).of_kind(image.kind, device_ids)
    return [d for d in devices if d.firmware_version != image.version]


async def remove_image(
    session: AsyncSession, image_id: int, by: int | None = None
) -> FirmwareImage:
    """Remove an image no running or paused rollout uses. Audited."""
    images = ImageRepository(session)
    image = await images.get(image_id)
    if image is None:
        raise NotFound
    if await images.in_use(image_id):
        raise ImageInUseError(kind=image.kind, version=image.version)
    await images.delete(image_id)
    AuditRepository(session).record(
        "firmware.image.removed",
        actor_user_id=by,
        device_id=None,
        before={"kind": image.kind, "version": image.version},
    )
    return image


async def start_rollout(  # noqa: PLR0913 - what a rollout is
    session: AsyncSession,
    image_id: int,
    *,
    device_ids: Sequence[int] | None = None,
    canary: int = 1,
    pace: int = 100,
    failure_limit: int = 10,
    created_by: int | None = None,
    not_before: datetime | None = None,
    now: datetime,
) -> FirmwareRollout:
    """Roll an image out to every device of its kind (or to `device_ids` of them) that does
    not run its version yet, from `not_before` on. The canary is the first `canary` of them,
    online ones first. Audited."""
    image = await ImageRepository(session).get(image_id)
    if image is None:
        raise NotFound
    targets = await to_update(session, image, device_ids)
    if not targets:
        raise NothingToUpdateError(kind=image.kind, version=image.version)
    rollout = FirmwareRollout(
        image_id=image.id,
        kind=image.kind,
        version=image.version,
        state="running",
        canary=max(0, canary),
        pace=max(1, pace),
        failure_limit=min(100, max(0, failure_limit)),
        created_by=created_by,
        created_at=now,
        waves_at=None if canary > 0 else now,
    )
    RolloutRepository(session).add(rollout)
    await session.flush()
    first = sorted(targets, key=lambda d: (not d.is_online, d.id))[: rollout.canary]
    chosen = {d.id for d in first}
    updates = UpdateRepository(session)
    for device in targets:
        updates.add(
            FirmwareUpdate(
                rollout_id=rollout.id,
                device_id=device.id,
                canary=device.id in chosen,
                state="queued",
                from_version=device.firmware_version,
                attempts=0,
                state_at=now,
                not_before=not_before,
            )
        )
    await session.flush()
    AuditRepository(session).record(
        "firmware.rollout",
        actor_user_id=created_by,
        device_id=targets[0].id if len(targets) == 1 else None,
        after={
            "rollout": rollout.id,
            "kind": image.kind,
            "version": image.version,
            "devices": len(targets),
            "canary": rollout.canary,
            "pace": rollout.pace,
        },
    )
    return rollout


async def set_state(
    session: AsyncSession, rollout_id: int, state: str, now: datetime, by: int | None = None
) -> str:
    """Pause, resume or halt a rollout; return its state after (a finished one stays).
    Audited when it changed."""
    rollout = await RolloutRepository(session).get(rollout_id, for_update=True)
    if rollout is None:
        raise NotFound
    moves = {("running", "paused"), ("paused", "running"), ("running", "halted")}
    moves.add(("paused", "halted"))
    if (rollout.state, state) in moves:
        before = rollout.state
        rollout.state = state
        if state == "halted":
            rollout.halt_reason = rollout.halt_reason or "halted by an admin"
            rollout.finished_at = now
        AuditRepository(session).record(
            f"firmware.rollout.{state}",
            actor_user_id=by,
            device_id=None,
            before={"rollout": rollout.id, "state": before},
            after={"rollout": rollout.id, "state": state},
        )
    return rollout.state


@dataclass(frozen=True, slots=True)
class Report:
    """What a device said on `ota/status`."""

    version: str
    state: str
    progress: int | None = None
    error: str | None = None


async def record_report(
    session: AsyncSession, device_id: int, report: Report, now: datetime
) -> FirmwareUpdate | None:
    """Move the device's update to `report.version` to the state it reported; states only
    move forward, and a finished update takes nothing more; a download that was cut is sent
    again. None when it had no update to that version under way (a report of an update
    nobody ordered is only logged)."""
    row = await UpdateRepository(session).current(device_id, report.version)
    if row is None:
        return None
    state = report.state
    interrupted = (report.error or "").startswith(INTERRUPTED)
    if state == "failed" and interrupted and row.attempts < MAX_ATTEMPTS:
        row.state, row.state_at, row.error = "queued", now, report.error  # sent again
        row.token_hash = row.token_expires_at = None
    elif state in ("failed", "rolled_back"):
        _finish(row, state, now, report.error or state)
    elif state in _RANK and _RANK[state] >= _RANK[row.state]:
        if state != row.state:
            row.state, row.state_at = state, now
        elif report.progress is not None and report.progress != row.progress:
            row.state_at = now  # progress is news: the timeout starts again
        row.progress = report.progress if state == "downloading" else row.progress
        if state == "done":
            _finish(row, "done", now, None)
    return row


def _finish(row: FirmwareUpdate, state: str, now: datetime, error: str | None) -> None:
    row.state, row.state_at, row.finished_at, row.error = state, now, now, error
    row.token_hash = row.token_expires_at = None


@dataclass(frozen=True, slots=True)
class Order:
    """An `ota` message to publish once the step is committed."""

    uid: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class StepOptions:
    """The timings of rollouts (settings)."""

    public_url: str  # where devices download from, e.g. http://dozor.example.org:8380
    step_timeout: timedelta = timedelta(minutes=10)
    watch: timedelta = timedelta(minutes=10)
    token_lifetime: timedelta = timedelta(hours=1)
    # When the stepping began (a processor start): what devices reported while no processor
    # ran is still on its way, so no update times out sooner than `step_timeout` after this.
    awake_since: datetime | None = None


@dataclass(slots=True)
class StepResult:
    """What a step did: orders to publish, rollouts whose card changed, halts."""

    orders: list[Order] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)
    halted: dict[int, str] = field(default_factory=dict)


async def step(session: AsyncSession, now: datetime, options: StepOptions) -> StepResult:
    """Move every running rollout on by one step (the caller commits, then publishes)."""
    result = StepResult()
    for rollout in await RolloutRepository(session).running():
        image = await ImageRepository(session).get(rollout.image_id or 0)
        rows = await _working_set(session, rollout, now)
        before = [(u.state, u.progress) for u, _ in rows]
        reason, still_open = await _advance(session, rollout, image, rows, now, options, result)
        if reason is not None:
            rollout.state, rollout.halt_reason, rollout.finished_at = "halted", reason, now
            result.halted[rollout.id] = reason
        elif not still_open:
            rollout.state, rollout.finished_at = "done", now
        if (
            reason is not None
            or rollout.state == "done"
            or before != [(u.state, u.progress) for u, _ in rows]
        ):
            result.changed.add(rollout.id)
    return result


async def _working_set(
    session: AsyncSession, rollout: FirmwareRollout, now: datetime
) -> list[tuple[FirmwareUpdate, Device]]:
    """The canaries, the updates under way, and as many waiting ones as the pace lets go
    now (every other update is only counted)."""
    updates = UpdateRepository(session)
    if rollout.waves_at is None:
        return await updates.working_set(rollout.id, queued=0, now=now)
    sent = (await updates.tally(rollout.id, [])).waves_sent
    return await updates.working_set(rollout.id, queued=_allowed(rollout, now) - sent, now=now)


def _allowed(rollout: FirmwareRollout, now: datetime) -> int:
    """How many devices after the canary the pace lets have been sent the update by now."""
    if rollout.waves_at is None:
        return 0
    minutes = (now - rollout.waves_at).total_seconds() / 60
    return max(1, int(rollout.pace * minutes) + 1)  # the first at once, then the pace


async def _advance(
    session: AsyncSession,
    rollout: FirmwareRollout,
    image: FirmwareImage | None,
    rows: list[tuple[FirmwareUpdate, Device]],
    now: datetime,
    options: StepOptions,
    result: StepResult,
) -> tuple[str | None, bool]:
    """Time out, notice rollbacks, decide whether to halt, send what is due; the reason to
    halt (or None), and whether any update is still open."""
    if image is None:
        return "the image was removed", True
    for row, device in rows:
        _expire(row, device, now, options)
    others = await UpdateRepository(session).tally(rollout.id, [u.id for u, _ in rows])
    still_open = others.open > 0 or any(u.state in OPEN for u, _ in rows)
    reason = await _halt_reason(session, rollout, rows, others, now, options)
    if reason is not None:
        return reason, still_open
    canaries = [(u, d) for u, d in rows if u.canary]
    if rollout.waves_at is None:
        if not all(u.state == "done" for u, _ in canaries):
            _send(canaries, len(canaries), image, now, options, result)
            return None, still_open
        rollout.waves_at = now  # the canaries are through: the first wave goes now
        held = {u.id for u, _ in rows}
        first = await UpdateRepository(session).working_set(
            rollout.id, queued=_allowed(rollout, now), now=now
        )
        rows.extend(row for row in first if row[0].id not in held)
    waves = [(u, d) for u, d in rows if not u.canary]
    sent = others.waves_sent + sum(1 for u, _ in waves if u.sent_at is not None)
    _send(waves, _allowed(rollout, now) - sent, image, now, options, result)
    return None, still_open


def _expire(row: FirmwareUpdate, device: Device, now: datetime, options: StepOptions) -> None:
    if row.state == "rebooting" and (
        device.firmware_version == row.from_version
        and device.last_seen_at is not None
        and device.last_seen_at > row.state_at + REBOOT_GRACE
    ):
        _finish(row, "rolled_back", now, f"came back with {row.from_version}")
        return
    news = row.state_at
    if options.awake_since is not None and options.awake_since > news:
        news = options.awake_since
    if row.state not in UNDER_WAY or now - news < options.step_timeout:
        return
    if row.state == "sent" and row.attempts < MAX_ATTEMPTS:
        row.state, row.state_at = "queued", now  # never answered: sent again
        row.token_hash = row.token_expires_at = None
        return
    _finish(row, "timed_out", now, f"no news while {row.state}")


async def _halt_reason(
    session: AsyncSession,
    rollout: FirmwareRollout,
    rows: list[tuple[FirmwareUpdate, Device]],
    others: Tally,
    now: datetime,
    options: StepOptions,
) -> str | None:
    for row, device in rows:
        if row.canary and row.state in FAILED:
            return f"the canary {device.name} {row.state.replace('_', ' ')}: {row.error}"
    finished = others.finished + sum(1 for u, _ in rows if u.state in (*FAILED, "done"))
    failed = others.failed + sum(1 for u, _ in rows if u.state in FAILED)
    if finished and failed * 100 > rollout.failure_limit * finished:
        return f"{failed} of {finished} devices failed"
    unwell = await UpdateRepository(session).unwell_after(rollout.id, now - options.watch)
    if unwell is None:
        return None
    name, silent = unwell
    if silent:
        return f"{name} went silent after the update"
    return f"{name} raised an alert after the update"


def _send(
    rows: list[tuple[FirmwareUpdate, Device]],
    budget: int,
    image: FirmwareImage,
    now: datetime,
    options: StepOptions,
    result: StepResult,
) -> None:
    """Send the update to up to `budget` queued devices that are online and due."""
    for row, device in rows:
        if budget <= 0:
            return
        if row.state != "queued" or not device.is_online:
            continue
        if row.not_before is not None and row.not_before > now:
            continue
        token = secrets.token_urlsafe(24)
        row.token_hash, row.token_expires_at = token_hash(token), now + options.token_lifetime
        row.state, row.state_at, row.progress = "sent", now, None
        row.attempts += 1
        if row.sent_at is None:
            row.sent_at = now
            budget -= 1
        result.orders.append(
            Order(
                device.uid,
                orjson.dumps(
                    {
                        "version": image.version,
                        "url": f"{options.public_url.rstrip('/')}/firmware/{token}",
                        "sha256": image.sha256,
                        "size": image.size,
                    }
                ),
            )
        )
