"""Write a batch's device contacts, rollups and alert changes to PostgreSQL atomically."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.alerts.service import Recorded
from core.devices.repository import ContactRow, DeviceRepository, RefusedVersion, Standing
from core.history.repository import (
    MqttReceiptRepository,
    ReadingKeyRepository,
    RollupDelta,
    RollupRepository,
)
from processor.alerting import AlertEngine, Plan


@dataclass(slots=True)
class Writes:
    """What one batch writes, composed once it is known which readings are new."""

    contacts: list[ContactRow] = field(default_factory=list)
    deltas: list[RollupDelta] = field(default_factory=list)
    plan: Plan | None = None
    config_versions: dict[int, int] = field(default_factory=dict)


class PostgresSink:
    """A few statements per batch, whatever its size, in one transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client_id: str,
        alerts: AlertEngine | None = None,
        on_config_applied: Callable[[list[int]], Awaitable[None]] | None = None,
        on_config_refused: Callable[[list[RefusedVersion]], None] | None = None,
        fence: Callable[[AsyncSession], Awaitable[None]] | None = None,
    ) -> None:
        self._sessions = sessions
        # Raises, inside each batch's transaction, when this instance lost its ingest slot
        # (ended as frozen): a woken instance writes nothing the one that took over has.
        self._fence = fence
        self._client_id = client_id  # the MQTT session whose packet ids are recorded
        self._alerts = alerts
        # Told, after the commit, which devices reported a newly applied config version (the
        # bot edits "waiting for the device" messages); it must not raise.
        self.on_config_applied = on_config_applied
        # Told which reported a version the server never sent (not taken); must not raise.
        self.on_config_refused = on_config_refused

    async def write(
        self,
        device_ids: Iterable[int],
        keys: Sequence[tuple[int, int]],
        receipts: Sequence[tuple[int, int, bool]],
        compose: Callable[[set[tuple[int, int]], set[int], dict[int, Standing]], Writes],
    ) -> tuple[Writes, list[Recorded]]:
        """In one transaction: lock the batch's devices and read where their alert rules
        stand; record the keys (device id, key) of readings stamped by their device and the
        receipts (packet id, message key, resent) of the others; `compose` what to write from
        the keys that were new, the resent packets that were counted before and where each
        device stands (its online flag, the newest reading its rules saw); apply its
        contacts, rollup deltas, applied config versions and alert changes (with their
        outbox rows). A batch sent again after a crash counts nothing twice."""
        recorded: list[Recorded] = []
        async with self._sessions() as session, session.begin():
            if self._fence is not None:
                await self._fence(session)
            standing = await self._alerts.sync(session, device_ids) if self._alerts else {}
            fresh = await ReadingKeyRepository(session).claim(keys, clock.now())
            resent = await MqttReceiptRepository(session).record(self._client_id, receipts)
            writes = compose(fresh, resent, standing)
            devices = DeviceRepository(session)
            if writes.contacts:
                rules_at = writes.plan.seen if writes.plan is not None else {}
                await devices.apply_contacts(
                    writes.contacts, {d: clock.from_timestamp(t) for d, t in rules_at.items()}
                )
            reports = await devices.apply_config_versions(writes.config_versions)
            await RollupRepository(session).add_deltas(writes.deltas)
            plan = writes.plan
            if self._alerts is not None and plan is not None and plan.writes:
                recorded = await self._alerts.write(session, plan)
        if reports.refused and self.on_config_refused is not None:
            self.on_config_refused(reports.refused)
        if reports.applied and self.on_config_applied is not None:
            await self.on_config_applied(reports.applied)
        return writes, recorded
