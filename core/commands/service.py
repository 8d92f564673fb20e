"""Use case of device commands: check, audit, send through the stream, wait for the answer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.access.policy import Action
from core.access.service import require
from core.audit.repository import AuditRepository
from core.commands.bus import CommandBus
from core.commands.messages import CommandResult, StreamEntry
from core.devices import shelly
from core.devices.kinds import kind_of
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.errors import StaleAction

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    """What the person who pressed the button learns: the answer, or silence and why."""

    device: Device
    command: str
    result: CommandResult | None  # None: no answer within the timeout
    seconds: float
    params: dict[str, Any] = field(default_factory=dict)


class ControlService:
    """Sends commands to devices for people allowed to control them."""

    def __init__(self, bus: CommandBus, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._bus = bus
        self.timeout = timeout

    async def check(self, session: AsyncSession, user_id: int, device_id: int, name: str) -> Device:
        """Return the device when the user may send it this command (to ask for confirmation)."""
        grant = await require(session, user_id, device_id, Action.CONTROL)
        if kind_of(grant.device.type_code).command(name) is None:
            raise StaleAction
        return grant.device

    async def run(
        self, session: AsyncSession, user_id: int, device_id: int, name: str
    ) -> CommandOutcome:
        """Send a declared command and wait for the device's answer (at most `timeout`)."""
        device = await self.check(session, user_id, device_id, name)
        command = kind_of(device.type_code).command(name)
        assert command is not None  # noqa: S101 - checked above
        return await self._send(session, user_id, device, name, command.params)

    async def check_switch(
        self, session: AsyncSession, user_id: int, device_id: int, channel: int
    ) -> Device:
        """Return the device when the user may switch its relay `channel`."""
        grant = await require(session, user_id, device_id, Action.CONTROL)
        shelly.check_channel(kind_of(grant.device.type_code).channels, channel)
        return grant.device

    async def switch(
        self, session: AsyncSession, user_id: int, device_id: int, channel: int, on: bool
    ) -> CommandOutcome:
        """Switch a relay and wait until the device itself reports the new state.

        The result comes from the device's own status (not from the answer to Switch.Set);
        None after `timeout` means no confirmation.
        """
        device = await self.check_switch(session, user_id, device_id, channel)
        params = {"channel": channel, "on": on}
        return await self._send(session, user_id, device, shelly.SWITCH_COMMAND, params)

    async def _send(
        self,
        session: AsyncSession,
        user_id: int,
        device: Device,
        name: str,
        params: dict[str, Any],
    ) -> CommandOutcome:
        command_id = uuid.uuid4().hex
        AuditRepository(session).record(
            "device.command",
            actor_user_id=user_id,
            device_id=device.id,
            after={"command": name, "params": params, "id": command_id},
        )
        await session.commit()
        started = clock.monotonic()
        deadline = clock.now().timestamp() + self.timeout
        entry = StreamEntry("command", device.id, device.uid, command_id, name, params, deadline)
        await self._bus.submit(entry)
        result = await self._bus.wait_result(command_id, self.timeout)
        if result is None:  # the card says whether the device is online now
            device = await DeviceRepository(session).get(device.id) or device
            await session.refresh(device)
        return CommandOutcome(device, name, result, clock.monotonic() - started, params)
