"""The one place that decides whether a user may do something to a device."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.access.attempts import AttemptLimiter, TooManyAttemptsError
from core.access.policy import Action, Role, allows
from core.access.repository import MembershipRepository
from core.audit.repository import AuditRepository
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.errors import AccessDenied, NotAllowed

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Grant:
    """Proof that a user may act on a device, with their role."""

    device: Device
    role: Role
    notifications: bool = True
    muted_until: datetime | None = None  # the member muted the device's alerts until then

    @property
    def muted(self) -> bool:
        """Whether the member's alerts of the device are muted now."""
        return self.muted_until is not None and self.muted_until > clock.now()


async def require(session: AsyncSession, user_id: int, device_id: int, action: Action) -> Grant:
    """Return the device and role, or raise AccessDenied (same answer as for a missing device).

    Membership and role are read afresh on every call: a button or a prompt never carries
    authority, so a revoked member or a removed device is refused at the next press.
    """
    membership = await MembershipRepository(session).get(user_id, device_id)
    role = Role(membership.role) if membership else None
    device = await DeviceRepository(session).get(device_id) if membership else None
    if device is None or membership is None or role is None:
        raise AccessDenied(device_id=device_id, action=action.value)
    if not allows(role, action):
        raise NotAllowed(
            device_id=device_id, action=action.value, device=device.name, role=role.value
        )
    return Grant(device, role, membership.notifications, membership.muted_until)


SECURITY_DENIED = "security.denied"  # a stranger's refused attempt: the platform's log


async def record_refusal(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    err: AccessDenied,
    limiter: AttemptLimiter | None = None,
) -> None:
    """Write a refused attempt down.

    A member whose role does not allow the action goes to the device's log (its owner reads
    it). A stranger's attempt (a forged or stale button, a command on a device they are not
    a member of) goes to the platform's security log, which platform admins read, never to
    the device's: twenty forged presses filled the owner's 📜 Log. At most `limiter.limit`
    of one person's refusals per window are written; the rest are only logged.
    """
    device_id = err.args_for_text.get("device_id")
    action = err.args_for_text.get("action")
    after = {"action": action, "device_id": device_id}
    if isinstance(err, NotAllowed):
        async with sessions() as session:
            exists = isinstance(device_id, int) and await DeviceRepository(session).get(device_id)
            AuditRepository(session).record(
                "access.denied",
                actor_user_id=user_id,
                device_id=device_id if exists and isinstance(device_id, int) else None,
                after=after,
            )
            await session.commit()
        log.info("member %s refused %s on device %s", user_id, action, device_id)
        return
    if limiter is not None:
        try:
            await limiter.take(user_id)
        except TooManyAttemptsError:
            log.info(
                "stranger %s refused %s on %s (not recorded: too many)", user_id, action, device_id
            )
            return
    async with sessions() as session:
        AuditRepository(session).record(
            SECURITY_DENIED, actor_user_id=user_id, device_id=None, after=after
        )
        await session.commit()
    log.info("stranger %s refused %s on device %s", user_id, action, device_id)


async def toggle_notifications(session: AsyncSession, user_id: int, device_id: int) -> Grant:
    """Switch the member's alerts of a device on or off; return the new state."""
    grant = await require(session, user_id, device_id, Action.RECEIVE_ALERTS)
    on = not grant.notifications
    await MembershipRepository(session).set_notifications(user_id, device_id, on=on)
    AuditRepository(session).record(
        "member.notifications",
        actor_user_id=user_id,
        device_id=device_id,
        before={"notifications": grant.notifications},
        after={"notifications": on},
    )
    await session.commit()
    return Grant(grant.device, grant.role, on, grant.muted_until)
