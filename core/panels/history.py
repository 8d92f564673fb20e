"""Record what a panel did: events, alert episodes, info messages, online state (one transaction).

Every write is fenced: the transaction first claims `panel_fences` with the writer's lease
token and does nothing when a newer holder has written already.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.access.policy import Role
from core.access.repository import MembershipRepository
from core.alerts.rules import Kind, Severity
from core.alerts.service import Change, Recorded, record_changes
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.outbox.notices import notify
from core.outbox.payloads import ARMING_KIND, ArmingPayload, Event
from core.outbox.repository import OutboxRepository
from core.panels.models import PanelEvent
from core.panels.profile import PanelProfile
from core.panels.repository import LOG_KIND, PanelEventRepository
from core.panels.state import PanelChange

# change kind → (episode kind, metric prefix, severity)
ALERTS: Final[dict[str, tuple[Kind, str, Severity]]] = {
    "alarm": (Kind.PANEL_ALARM, "p", Severity.CRITICAL),
    "fire": (Kind.PANEL_FIRE, "p", Severity.CRITICAL),
    "tamper": (Kind.PANEL_TAMPER, "z", Severity.CRITICAL),
    "trouble": (Kind.PANEL_TROUBLE, "", Severity.WARNING),
}
ARMING_EVENT: Final = ARMING_KIND


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sent the control command that the panel is now reporting the effect of."""

    user_id: int
    name: str
    partitions: frozenset[int]


@dataclass(frozen=True, slots=True)
class Written:
    """What a recording did: None of it when the writer was fenced out."""

    admitted: bool
    recorded: list[Recorded]
    informed: int  # info messages queued (arming and disarming)

    @property
    def notified(self) -> int:
        """How many messages now wait for delivery."""
        return self.informed + sum(item.notified for item in self.recorded)


async def record_panel_changes(
    session: AsyncSession,
    device: Device,
    token: int,
    found: Sequence[PanelChange],
    at: float,
    *,
    credit: Callable[[PanelChange], Actor | None] | None = None,
    inform: bool = True,
) -> Written:
    """Store the changes as events, open/close their episodes, tell members of arming.

    `credit` names the person whose command a change is the effect of (None: the keypad, or
    nobody knows). `inform` is False for the first state after a start without any earlier
    state known: what is armed then was not "just armed".
    """
    events = PanelEventRepository(session)
    if not await events.fence(device.id, token):
        return Written(False, [], 0)
    when = clock.from_timestamp(at)
    profile = PanelProfile.of(device.attributes)
    rows = []
    bys = [credit(change) if credit is not None else None for change in found]
    for change, by in zip(found, bys, strict=True):
        rows.append(
            PanelEvent(
                device_id=device.id,
                at=when,
                kind=change.kind,
                number=change.number,
                on=change.on,
                mode=change.mode,
                actor_user_id=by.user_id if by else None,
                detail=_detail(change, profile),
            )
        )
    events.add(rows)
    await session.flush()
    alerts = [_alert(c, device.id, at, profile) for c in found if c.kind in ALERTS]
    recorded = await record_changes(session, alerts)
    informed = 0
    if inform:
        outbox = OutboxRepository(session)
        for change, row, by in zip(found, rows, bys, strict=True):
            if change.kind != "armed":
                continue
            payload = _arming_payload(device, profile, change, at, by)
            informed += await outbox.enqueue_for_members(
                device.id, None, ARMING_EVENT, Severity.INFO, payload, dedup=f"panel:{row.id}:"
            )
    return Written(True, recorded, informed)


def _alarm_zones(change: PanelChange, profile: PanelProfile) -> list[int]:
    """The zones in alarm that belong to the change's partition (all when the map is unknown)."""
    return sorted(
        z for z in change.zones if profile.zone_partitions.get(z, change.number) == change.number
    )


def _detail(change: PanelChange, profile: PanelProfile) -> dict[str, object]:
    if change.trouble:
        return {"trouble": change.trouble}
    zones = _alarm_zones(change, profile)
    return {"zones": zones} if zones else {}


def _alert(change: PanelChange, device_id: int, at: float, profile: PanelProfile) -> Change:
    kind, prefix, severity = ALERTS[change.kind]
    metric = change.trouble if change.kind == "trouble" else f"{prefix}{change.number}"
    zones = _alarm_zones(change, profile)
    detail = {"zones": zones} if zones else None
    return Change(device_id, kind, metric, change.on, severity, None, None, at, detail)


def _arming_payload(
    device: Device, profile: PanelProfile, change: PanelChange, at: float, by: Actor | None
) -> ArmingPayload:
    return ArmingPayload(
        event=Event.INFO,
        device_id=device.id,
        device_name=device.name,
        location=device.location,
        number=change.number,
        target_name=profile.name("partitions", change.number),
        armed=change.on,
        mode=change.mode or 0,
        by=by.name if by else None,
        at=at,
    )


async def record_panel_online(
    session: AsyncSession,
    device: Device,
    token: int,
    online: bool,
    at: float,
    reason: str | None = None,
) -> Written:
    """Mark the panel online or offline and open or close its device_offline episode (whose
    alert says why, when the worker knows: busy, refused, silent, key)."""
    if not await PanelEventRepository(session).fence(device.id, token):
        return Written(False, [], 0)
    when = clock.from_timestamp(at)
    if not await DeviceRepository(session).set_connection(device.id, online=online, at=when):
        return Written(True, [], 0)
    PanelEventRepository(session).add(
        [
            PanelEvent(
                device_id=device.id, at=when, kind="connection", number=0, on=online, detail={}
            )
        ]
    )
    detail = {"reason": reason} if reason and not online else None
    change = Change(
        device.id, Kind.OFFLINE, "", not online, Severity.WARNING, None, None, at, detail
    )
    return Written(True, await record_changes(session, [change]), 0)


async def tell_owners_unreachable(
    session: AsyncSession, device: Device, token: int, reason: str
) -> Written:
    """Tell the owners that Dozor cannot reach a panel that has never answered, and why
    (`reason`: refused, silent, busy); once per holder of the panel."""
    if not await PanelEventRepository(session).fence(device.id, token):
        return Written(False, [], 0)
    told = 0
    for user, role in await MembershipRepository(session).members_of(device.id):
        if role is Role.OWNER:
            told += await notify(
                session,
                user.id,
                "notice-panel-unreachable",
                dedup=f"panel-unreachable:{device.id}:{token}",
                severity="warning",
                device=device.name,
                reason=reason,
            )
    return Written(True, [], told)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A record of the panel's event log, with what Dozor knows of it."""

    index: int
    at: float  # Unix time (the panel's local time read in the deployment's zone)
    code: int
    restore: bool
    event_class: int
    partition: int
    source: int
    text: str  # the panel's own words for the event
    who: str | None  # the user or zone the source is, by name


async def record_panel_log(
    session: AsyncSession, device: Device, token: int, entries: Sequence[LogEntry]
) -> Written:
    """Keep records of the panel's event log (oldest first), fenced like every write."""
    events = PanelEventRepository(session)
    if not await events.fence(device.id, token):
        return Written(False, [], 0)
    events.add(
        [
            PanelEvent(
                device_id=device.id,
                at=clock.from_timestamp(entry.at),
                kind=LOG_KIND,
                number=entry.code,
                on=not entry.restore,
                detail={
                    "index": entry.index,
                    "text": entry.text,
                    "class": entry.event_class,
                    "partition": entry.partition,
                    "source": entry.source,
                    "who": entry.who,
                },
            )
            for entry in entries
        ]
    )
    return Written(True, [], 0)
