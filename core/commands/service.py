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
from core.confirmations import Confirmations, Intent, Pending
from core.devices import shelly
from core.devices.commands import DeviceCommand
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


@dataclass(frozen=True, slots=True)
class Prepared:
    """A command checked (and, when critical, confirmed) for one person: ready to send."""

    user_id: int
    device: Device
    command: DeviceCommand


def _asks_first(device: Device, channel: int, *, on: bool) -> bool:
    """Say whether a press needs a "yes" first: a channel marked critical going off."""
    return not on and channel in shelly.ShellyProfile.of(device.attributes).critical


class ControlService:
    """Sends commands to devices for people allowed to control them.

    A critical command (restart, calibrate) and switching a critical relay channel off go
    only with a "yes" held by `Confirmations`: `ask`/`ask_switch` return the nonce the "yes"
    button carries (None: no question needed), and the nonce is taken when the action runs.
    """

    def __init__(
        self, bus: CommandBus, confirmations: Confirmations, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self._bus = bus
        self._confirmations = confirmations
        self.timeout = timeout

    async def _command(
        self, session: AsyncSession, user_id: int, device_id: int, name: str
    ) -> tuple[Device, DeviceCommand]:
        grant = await require(session, user_id, device_id, Action.CONTROL)
        command = kind_of(grant.device.type_code).command(name)
        if command is None:
            raise StaleAction
        return grant.device, command

    async def ask(
        self, session: AsyncSession, user_id: int, device_id: int, name: str
    ) -> tuple[Device, str | None]:
        """Check a command; for a critical one, hold the question and return its nonce."""
        device, command = await self._command(session, user_id, device_id, name)
        if not command.critical:
            return device, None
        pending = Pending(Intent.COMMAND, user_id, device.id, subject=name)
        return device, await self._confirmations.ask(pending)

    async def prepare(
        self, session: AsyncSession, user_id: int, device_id: int, name: str, nonce: str = ""
    ) -> Prepared:
        """Check a command before it goes; a critical one needs the nonce of its "yes"."""
        device, command = await self._command(session, user_id, device_id, name)
        if command.critical:
            await self._confirmations.take(
                user_id, nonce, Intent.COMMAND, device_id=device.id, subject=name
            )
        return Prepared(user_id, device, command)

    async def run(self, session: AsyncSession, prepared: Prepared) -> CommandOutcome:
        """Send a prepared command and wait for the device's answer (at most `timeout`)."""
        command = prepared.command
        return await self._send(
            session, prepared.user_id, prepared.device, command.name, command.params
        )

    async def check_switch(
        self, session: AsyncSession, user_id: int, device_id: int, channel: int
    ) -> Device:
        """Return the device when the user may switch its relay `channel`."""
        grant = await require(session, user_id, device_id, Action.CONTROL)
        shelly.check_channel(kind_of(grant.device.type_code).channels, channel)
        return grant.device

    async def ask_switch(
        self, session: AsyncSession, user_id: int, device_id: int, channel: int, *, on: bool
    ) -> tuple[Device, str | None]:
        """Check a press; switching a critical channel off holds a question (its nonce)."""
        device = await self.check_switch(session, user_id, device_id, channel)
        if not _asks_first(device, channel, on=on):
            return device, None
        pending = Pending(Intent.RELAY_OFF, user_id, device.id, subject=str(channel))
        return device, await self._confirmations.ask(pending)

    async def prepare_switch(
        self,
        session: AsyncSession,
        user_id: int,
        device_id: int,
        channel: int,
        *,
        on: bool,
        nonce: str = "",
    ) -> Prepared:
        """Check a relay press before it goes; a critical channel goes off only with the
        nonce of its "yes"."""
        device = await self.check_switch(session, user_id, device_id, channel)
        if _asks_first(device, channel, on=on):
            await self._confirmations.take(
                user_id, nonce, Intent.RELAY_OFF, device_id=device.id, subject=str(channel)
            )
        command = DeviceCommand(shelly.SWITCH_COMMAND, shelly.RelayPress(channel, on).params())
        return Prepared(user_id, device, command)

    async def switch(
        self,
        session: AsyncSession,
        user_id: int,
        device_id: int,
        channel: int,
        *,
        on: bool,
        nonce: str = "",
    ) -> CommandOutcome:
        """Switch a relay and wait until the device itself reports the new state.

        The result comes from the device's own status (not from the answer to Switch.Set);
        None after `timeout` means no confirmation.
        """
        prepared = await self.prepare_switch(
            session, user_id, device_id, channel, on=on, nonce=nonce
        )
        return await self.run(session, prepared)

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
