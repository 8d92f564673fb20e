"""Shelly devices updating themselves from their maker's stable channel.

A Shelly says which newer firmware it could install in its `sys` status
(`available_updates.stable.version`, refreshed by the device every 24 hours); the ingest
keeps that on the device (`devices.available_firmware`) and the card offers it to those who
may update the device (owners, platform admins). After a "yes", the processor asks the
device for `Shelly.Update {"stage": "stable"}`; the device downloads from its maker, says
how far it is in its `sys` OTA events (`ota_begin`, `ota_progress`, `ota_success`,
`ota_error`) and restarts. The update is `done` once the device itself reports the new
version (`Shelly.GetDeviceInfo` after it reconnects), `failed` when it says so or refuses,
and `timed_out` when nothing moves for `step_timeout`. The person who started it is told
how it ended. docs/protocols/shelly.md has the facts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.access.policy import Action
from core.access.service import require
from core.audit.repository import AuditRepository
from core.commands.bus import CommandBus
from core.commands.messages import CommandResult, StreamEntry
from core.confirmations import Confirmations, Intent, Pending
from core.devices.kinds import kind_of
from core.devices.models import Device
from core.devices.shelly import UPDATE_COMMAND, UPDATE_STAGE
from core.errors import StaleAction
from core.firmware.models import ShellyUpdate
from core.firmware.repository import ShellyUpdateRepository
from core.outbox.notices import notify

UNDER_WAY: Final = ("sent", "downloading", "rebooting")
_RANK: Final = {state: i for i, state in enumerate(UNDER_WAY)}
ANSWER_SECONDS: Final = 10.0  # how long the person waits for the device to take the request
CONFIRM_SECONDS: Final = 120  # reading "update from … to …?" takes a moment
FAILURE_SHOWN: Final = timedelta(days=1)  # the card says why the last attempt failed


@dataclass(frozen=True, slots=True)
class ShellyNews:
    """What a Shelly's card says of its firmware: an update under way (`state`), or one on
    offer (`state` None), with why the last attempt at it failed (`failure`)."""

    version: str
    state: str | None = None
    progress: int | None = None
    failure: str | None = None


async def news(session: AsyncSession, device: Device) -> ShellyNews | None:
    """The update under way on the device, else the newer firmware it offers; None for
    kinds that do not update themselves, or when it runs the newest."""
    if not kind_of(device.type_code).self_update:
        return None
    last = await ShellyUpdateRepository(session).latest(device.id)
    if last is not None and last.finished_at is None:
        return ShellyNews(last.version, last.state, last.progress)
    offered = device.available_firmware
    if not offered or offered == device.firmware_version:
        return None
    failure = None
    if (
        last is not None
        and last.version == offered
        and last.state != "done"
        and last.finished_at is not None
        and clock.now() - last.finished_at < FAILURE_SHOWN
    ):
        failure = last.error or last.state
    return ShellyNews(offered, failure=failure)


async def _offered(session: AsyncSession, user_id: int, device_id: int, version: str) -> Device:
    """The device, when the user may update it and it still offers `version`."""
    grant = await require(session, user_id, device_id, Action.UPDATE_FIRMWARE)
    found = await news(session, grant.device)
    if found is None or found.state is not None or found.version != version:
        raise StaleAction
    return grant.device


@dataclass(frozen=True, slots=True)
class Prepared:
    """An update recorded after its "yes", to send to the device."""

    device: Device
    version: str
    update_id: int
    command_id: str


@dataclass(frozen=True, slots=True)
class Started:
    """What became of a "yes": the device, the version, and the device's answer (None: no
    answer in time; the update stays `sent` until it says more or times out)."""

    device: Device
    version: str
    result: CommandResult | None


class ShellyUpdates:
    """Starts Shelly updates for people allowed to, after their "yes"."""

    def __init__(
        self, bus: CommandBus, confirmations: Confirmations, timeout: float = ANSWER_SECONDS
    ) -> None:
        self._bus = bus
        self._confirmations = confirmations
        self.timeout = timeout

    async def ask(
        self, session: AsyncSession, user_id: int, device_id: int, version: str
    ) -> tuple[Device, str]:
        """Check the offer and hold the question; return the device and the "yes" nonce."""
        device = await _offered(session, user_id, device_id, version)
        pending = Pending(Intent.FIRMWARE, user_id, device.id, subject=version)
        return device, await self._confirmations.ask(pending, CONFIRM_SECONDS)

    async def prepare(
        self, session: AsyncSession, user_id: int, device_id: int, version: str, nonce: str
    ) -> Prepared:
        """Take the "yes", then record and audit the update (committed): ready to send."""
        await self._confirmations.take(
            user_id, nonce, Intent.FIRMWARE, device_id=device_id, subject=version
        )
        device = await _offered(session, user_id, device_id, version)
        row = ShellyUpdate(
            device_id=device.id,
            version=version,
            from_version=device.firmware_version,
            state="sent",
            started_by=user_id,
        )
        ShellyUpdateRepository(session).add(row)
        command_id = uuid.uuid4().hex
        AuditRepository(session).record(
            "firmware.shelly_update",
            actor_user_id=user_id,
            device_id=device.id,
            before={"version": device.firmware_version},
            after={"stage": UPDATE_STAGE, "version": version, "id": command_id},
        )
        await session.commit()
        return Prepared(device, version, row.id, command_id)

    async def send(self, session: AsyncSession, prepared: Prepared) -> Started:
        """Ask the device to install the update, and wait (at most `timeout`) for it to take
        the request; a refusal ends the update."""
        device = prepared.device
        deadline = clock.now().timestamp() + self.timeout
        params = {"stage": UPDATE_STAGE, "version": prepared.version}
        entry = StreamEntry(
            "command", device.id, device.uid, prepared.command_id, UPDATE_COMMAND, params, deadline
        )
        await self._bus.submit(entry)
        result = await self._bus.wait_result(prepared.command_id, self.timeout)
        if result is not None and not result.ok:
            refused = await ShellyUpdateRepository(session).current(device.id)
            if refused is not None and refused.id == prepared.update_id:
                await finish(session, refused, device, "failed", clock.now(), result.error)
            await session.commit()
        return Started(device, prepared.version, result)


@dataclass(frozen=True, slots=True)
class ShellyReport:
    """What a Shelly's OTA event said (states of `UNDER_WAY`, or `failed`)."""

    state: str
    progress: int | None = None
    error: str | None = None


async def record(
    session: AsyncSession, device: Device, report: ShellyReport, now: datetime
) -> ShellyUpdate | None:
    """Move the device's update under way to what it reported (forward only); None when it
    had none (an update started at the device itself, or in Shelly's app, is not ours)."""
    row = await ShellyUpdateRepository(session).current(device.id)
    if row is None:
        return None
    if report.state == "failed":
        await finish(session, row, device, "failed", now, report.error)
    elif report.state in _RANK and _RANK[report.state] >= _RANK.get(row.state, 0):
        if report.state != row.state or report.progress != row.progress:
            row.state_at = now  # news: the timeout starts again
        row.state = report.state
        if report.progress is not None:
            row.progress = report.progress
    return row


async def sweep(
    session: AsyncSession, now: datetime, step_timeout: timedelta, awake_since: datetime | None
) -> int:
    """Settle the updates under way from what their devices say: `done` once a device runs
    the version, `timed_out` after `step_timeout` without news (counted from `awake_since`
    at the earliest: reports sent while no processor ran are on their way). Returns how many
    finished."""
    finished = 0
    for row, device in await ShellyUpdateRepository(session).under_way():
        if device.firmware_version == row.version:
            await finish(session, row, device, "done", now, None)
            finished += 1
            continue
        news_at = max(row.state_at, awake_since) if awake_since is not None else row.state_at
        if now - news_at >= step_timeout:
            back = row.state == "rebooting" and device.firmware_version == row.from_version
            reason = f"came back with {row.from_version}" if back else f"no news while {row.state}"
            await finish(session, row, device, "timed_out", now, reason)
            finished += 1
    return finished


async def finish(
    session: AsyncSession,
    row: ShellyUpdate,
    device: Device,
    state: str,
    now: datetime,
    error: str | None,
) -> None:
    """End an update, and tell the person who started it how it ended (once)."""
    row.state, row.state_at, row.finished_at, row.error = state, now, now, error
    if state == "done":
        device.available_firmware = None  # it runs what it offered
    if row.started_by is None:
        return
    key = "notice-shelly-update-done" if state == "done" else "notice-shelly-update-failed"
    await notify(
        session,
        row.started_by,
        key,
        dedup=f"shelly-update:{row.id}",
        severity="info" if state == "done" else "warning",
        name=device.name,
        version=row.version,
        reason=error or state,
    )
