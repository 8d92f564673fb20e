"""Use cases of device settings: read them, change them (new version), push them to the device.

A change is checked (core.devices.config_rules), stored with the next version and audited in
one transaction; then a request goes on the command stream, and a processor publishes the
config retained at QoS 1 on `devices/{uid}/config`. The device reports the version it
applied (`config_version` in its telemetry), which the processor stores as `applied_version`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.access.policy import Action, Role
from core.access.service import require
from core.audit.repository import AuditRepository
from core.commands.bus import CommandBus
from core.commands.messages import StreamEntry
from core.devices import config_rules
from core.devices.kinds import alertable, kind_of
from core.devices.metrics import sort_key
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.errors import StaleAction
from core.live.store import LiveStateStore

Edit = Callable[[dict[str, Any]], dict[str, Any]]


class SettingsChangedError(StaleAction):
    """The settings message is older than the settings (someone changed them meanwhile)."""

    key = "settings-stale"


@dataclass(frozen=True, slots=True)
class ConfigView:
    """A device's settings as its owner or admin sees them."""

    device: Device
    role: Role
    version: int
    applied_version: int | None
    config: dict[str, Any]
    metrics: tuple[str, ...]  # those a threshold can be set for

    @property
    def applied(self) -> bool:
        """Say whether the device runs this version."""
        return self.applied_version is not None and self.applied_version >= self.version

    @property
    def as_provisioned(self) -> bool:
        """Say whether nobody has changed the settings since the device was provisioned."""
        return self.version <= 1 and self.applied_version is None

    @property
    def offline_since(self) -> datetime | None:
        """When the device went offline, when it is offline."""
        if self.device.is_online:
            return None
        return self.device.online_changed_at or self.device.last_seen_at


def wire_config(config: dict[str, Any], version: int) -> dict[str, Any]:
    """Return the payload a device receives (ARCHITECTURE.md `devices/{uid}/config`)."""
    return {**config, "version": version}


class ConfigService:
    """Reads and changes device settings."""

    def __init__(self, live: LiveStateStore, bus: CommandBus) -> None:
        self._live = live
        self._bus = bus

    async def view(self, session: AsyncSession, user_id: int, device_id: int) -> ConfigView:
        """Return the settings of a device the user may configure."""
        grant = await require(session, user_id, device_id, Action.CONFIGURE)
        row = await DeviceRepository(session).config(device_id)
        config = dict(row.config) if row else {}
        live = await self._live.read(device_id)
        thresholds = config.get("thresholds") or {}
        primary = kind_of(grant.device.type_code).primary_metric
        known = {*live.values, *thresholds}
        if primary:
            known.add(primary)
        known = alertable(grant.device.type_code, known)
        metrics = tuple(sorted(known, key=sort_key))
        return ConfigView(
            grant.device,
            grant.role,
            row.version if row else 0,
            row.applied_version if row else None,
            config,
            metrics,
        )

    async def change(
        self, session: AsyncSession, user_id: int, device_id: int, seen_version: int, edit: Edit
    ) -> ConfigView:
        """Apply `edit` to the settings the user saw (version `seen_version`) and push them."""
        grant = await require(session, user_id, device_id, Action.CONFIGURE)
        row = await DeviceRepository(session).config(device_id, for_update=True)
        if row is None or row.version != seen_version:
            raise SettingsChangedError
        before = dict(row.config)
        after = edit(before)
        if after != before:
            row.config, row.version = after, row.version + 1
            if kind_of(grant.device.type_code).settings_on_server:
                # A Shelly runs none of this: its limits and interval live on the server,
                # so the new version is in force at once.
                row.applied_version = row.version
            diff = config_rules.changed_keys(before, after)
            AuditRepository(session).record(
                "device.settings",
                actor_user_id=user_id,
                device_id=device_id,
                before={"version": seen_version, **diff["before"]},
                after={"version": row.version, **diff["after"]},
            )
        await session.commit()
        if after != before:
            await self._bus.submit(StreamEntry("config", device_id, grant.device.uid))
        return await self.view(session, user_id, device_id)
