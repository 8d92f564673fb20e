"""Use cases of devices: provisioning with a claim code, and claiming by a user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.access.attempts import AttemptLimiter
from core.access.policy import Role
from core.access.repository import MembershipRepository
from core.audit.repository import AuditRepository
from core.devices import claim_codes, kinds
from core.devices.models import Device, DeviceConfig
from core.devices.repository import DeviceRepository
from core.errors import DomainError, InvalidInput
from core.outbox.notices import notify
from core.panels.repository import PanelCodeRepository

DEFAULT_CLAIM_TTL = timedelta(days=7)
UID_MAX = 64

SECRET_ATTRIBUTES = frozenset(
    {"http_password", "owner_code", "integration_key"}
)  # never copied to the audit log


class UnknownDeviceTypeError(InvalidInput):
    """No device type has this code."""

    key = "device-unknown-type"


class DeviceExistsError(InvalidInput):
    """A device with this uid exists already."""

    key = "device-exists"


class ClaimCodeWrongError(DomainError):
    """No device has this code (`left`: tries before the lock-out)."""

    key = "claim-wrong"


class ClaimCodeMalformedError(DomainError):
    """What was typed cannot be a code at all (not 10 letters and digits): not a try."""

    key = "claim-malformed"


class ClaimCodeUsedError(DomainError):
    """The code was used already."""

    key = "claim-used"


class ClaimCodeExpiredError(DomainError):
    """The code is too old."""

    key = "claim-expired"


@dataclass(frozen=True, slots=True)
class Provisioned:
    """A new device and its claim code, shown once."""

    device: Device
    claim_code: str
    expires_at: datetime


async def provision(
    session: AsyncSession,
    uid: str,
    type_code: str,
    *,
    name: str | None = None,
    location: str | None = None,
    ttl: timedelta = DEFAULT_CLAIM_TTL,
    attributes: dict[str, Any] | None = None,
    pepper: SecretStr | None = None,
) -> Provisioned:
    """Create a device with a fresh one-time claim code (stored hashed, keyed by `pepper`,
    CODE_PEPPER)."""
    devices = DeviceRepository(session)
    if not kinds.known(type_code):
        raise UnknownDeviceTypeError(known=", ".join(k.code for k in kinds.all_kinds()))
    kind = kinds.kind_of(type_code)
    if await devices.get_by_uid(uid) is not None:
        raise DeviceExistsError(uid=uid)
    code = claim_codes.generate()
    expires_at = clock.now() + ttl
    device = Device(
        uid=uid,
        type_code=type_code,
        name=(name or uid)[:64],
        location=location[:64] if location else None,
        is_online=False,
        claim_code_hash=claim_codes.hash_code(claim_codes.normalize(code) or "", pepper),
        claim_code_expires_at=expires_at,
        attributes=attributes or {},
    )
    devices.add(device)
    await session.flush()
    session.add(
        DeviceConfig(
            device_id=device.id,
            version=1,
            config={"report_interval": kind.report_interval, "alerts_enabled": True},
        )
    )
    AuditRepository(session).record(
        "device.provisioned",
        actor_user_id=None,
        device_id=device.id,
        after={
            "uid": uid,
            "type": type_code,
            "name": device.name,
            **{k: v for k, v in (attributes or {}).items() if k not in SECRET_ATTRIBUTES},
        },
    )
    try:
        await session.commit()
    except IntegrityError as err:  # another provisioning of the same uid won the race
        await session.rollback()
        raise DeviceExistsError(uid=uid) from err
    return Provisioned(device, code, expires_at)


async def claim(
    session: AsyncSession,
    limiter: AttemptLimiter,
    user_id: int,
    typed_code: str,
    *,
    pepper: SecretStr | None = None,
) -> Device:
    """Make the user the owner of the device whose claim code they typed (`pepper`:
    CODE_PEPPER, which its hash is keyed by)."""
    left = await limiter.take(user_id)
    canonical = claim_codes.normalize(typed_code)
    devices = DeviceRepository(session)
    device = (
        await devices.get_by_claim_hash(claim_codes.lookup_hashes("claim", canonical, pepper))
        if canonical
        else None
    )
    if device is None:
        raise ClaimCodeWrongError(left=left)
    if device.claimed_at is not None:
        raise ClaimCodeUsedError
    if device.claim_code_expires_at is None or device.claim_code_expires_at <= clock.now():
        await limiter.refund(user_id)
        raise ClaimCodeExpiredError
    device.claimed_at = clock.now()
    MembershipRepository(session).add(user_id, device.id, Role.OWNER)
    await PanelCodeRepository(session).hand_over_given_code(device, user_id)
    AuditRepository(session).record(
        "device.claimed", actor_user_id=user_id, device_id=device.id, after={"role": "owner"}
    )
    await session.commit()
    await limiter.reset(user_id)
    return device


async def remove_device(session: AsyncSession, uid: str) -> Device | None:
    """Delete a device with its data, by the platform's operator (`dozor device remove`);
    its members are told. Returns what it was, or None when there is no such device."""
    devices = DeviceRepository(session)
    device = await devices.get_by_uid(uid)
    if device is None:
        return None
    for member, _ in await MembershipRepository(session).members_of(device.id):
        await notify(session, member.id, "notice-removed-by-operator", device=device.name)
    AuditRepository(session).record(
        "device.removed",
        actor_user_id=None,
        device_id=device.id,
        before={"device_id": device.id, "uid": device.uid, "name": device.name},
    )
    await devices.delete(device.id)
    await session.commit()
    return device


async def set_attributes(
    session: AsyncSession, uid: str, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any] | None:
    """Replace a device's attributes with `change(current)`; None when there is no such device."""
    device = await DeviceRepository(session).get_by_uid(uid)
    if device is None:
        return None
    before = dict(device.attributes or {})
    device.attributes = change(before)
    AuditRepository(session).record(
        "device.attributes",
        actor_user_id=None,
        device_id=device.id,
        before={k: v for k, v in before.items() if k not in SECRET_ATTRIBUTES},
        after={k: v for k, v in device.attributes.items() if k not in SECRET_ATTRIBUTES},
    )
    await session.commit()
    return dict(device.attributes)
