"""Use cases of sharing: invite, join, change a role, revoke, transfer ownership, remove.

Every use case re-reads the actor's role (core.access.service.require), writes the audit log
and stages notices to the people concerned in the same transaction. After a change of access
the device is announced on the events channel, so open live views re-check it at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.access.attempts import AttemptLimiter
from core.access.policy import Action, Role, may_invite_as
from core.access.repository import MembershipRepository
from core.access.service import require
from core.audit.repository import AuditRepository
from core.commands.bus import CommandBus
from core.commands.messages import StreamEntry
from core.confirmations import Confirmations, Intent, Pending
from core.devices import claim_codes
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.devices.service import ClaimCodeMalformedError, claim
from core.errors import DomainError, NotAllowed, StaleAction
from core.live.store import LiveStateStore
from core.outbox.notices import notify
from core.outbox.repository import OutboxRepository
from core.sharing import tokens
from core.sharing.models import Invite
from core.sharing.repository import InviteRepository
from core.users.models import User
from core.users.repository import UserRepository

DEFAULT_INVITE_TTL = timedelta(hours=24)


class InviteWrongError(DomainError):
    """No invite has this token or code."""

    key = "invite-wrong"


class InviteUsedError(DomainError):
    """The invite was used already."""

    key = "invite-used"


class InviteExpiredError(DomainError):
    """The invite is too old."""

    key = "invite-expired"


class AlreadyMemberError(DomainError):
    """The person following an invite is a member already (with `role`)."""

    key = "invite-already-member"


class MemberGoneError(StaleAction):
    """The member a button names is no longer a member (or is the owner now)."""

    key = "member-gone"


@dataclass(frozen=True, slots=True)
class NewInvite:
    """An invite as its creator sees it once: the secrets are not stored."""

    device: Device
    role: Role
    token: str
    code: str
    expires_at: datetime

    @property
    def start_payload(self) -> str:
        """The /start payload of the deep link."""
        return tokens.LINK_PREFIX + self.token


@dataclass(frozen=True, slots=True)
class Joined:
    """The device someone joined and their role on it."""

    device: Device
    role: Role


def _name(user: User | None) -> str:
    if user is None:
        return "?"
    return user.first_name or (f"@{user.username}" if user.username else str(user.id))


class SharingService:
    """Sharing use cases; each takes the caller's session and commits it."""

    def __init__(
        self,
        live: LiveStateStore,
        limiter: AttemptLimiter,
        wake: Callable[[], Awaitable[None]],
        bus: CommandBus,
        confirmations: Confirmations,
        invite_ttl: timedelta = DEFAULT_INVITE_TTL,
        pepper: SecretStr | None = None,
    ) -> None:
        self._pepper = pepper  # CODE_PEPPER: invite tokens and codes are stored keyed by it
        self._bus = bus
        self._confirmations = confirmations
        self._live = live
        self._limiter = limiter
        self._wake = wake
        self.invite_ttl = invite_ttl

    async def create_invite(
        self, session: AsyncSession, user_id: int, device_id: int, role: Role
    ) -> NewInvite:
        """Create a single-use invite as `role` (owners: admin or viewer; admins: viewer)."""
        grant = await require(session, user_id, device_id, Action.INVITE)
        if role is Role.OWNER:  # nobody is invited as owner: a forged button
            raise StaleAction
        if not may_invite_as(grant.role, role):
            raise NotAllowed(
                device_id=device_id,
                action=f"invite_{role.value}",
                device=grant.device.name,
                role=grant.role.value,
            )
        token, code = tokens.new_token(), tokens.new_code()
        expires_at = clock.now() + self.invite_ttl
        invite = Invite(
            device_id=device_id,
            role=role.value,
            created_by=user_id,
            token_hash=tokens.hash_token(token, self._pepper),
            code_hash=tokens.hash_code(claim_codes.normalize(code) or "", self._pepper),
            expires_at=expires_at,
        )
        InviteRepository(session).add(invite)
        await session.flush()
        AuditRepository(session).record(
            "invite.created",
            actor_user_id=user_id,
            device_id=device_id,
            after={
                "invite_id": invite.id,
                "role": role.value,
                "expires_at": expires_at.isoformat(timespec="minutes"),
            },
        )
        await session.commit()
        return NewInvite(grant.device, role, token, code, expires_at)

    async def accept(
        self, session: AsyncSession, user_id: int, *, token: str = "", code: str = ""
    ) -> Joined:
        """Join the device of an invite (deep-link token or typed code); tell the inviter."""
        await self._limiter.take(user_id)
        canonical = claim_codes.normalize(code) if code else None
        invite = await InviteRepository(session).find_for_use(
            claim_codes.lookup_hashes("invite", token, self._pepper) if token else [],
            claim_codes.lookup_hashes("invite-code", canonical, self._pepper) if canonical else [],
        )
        if invite is None or invite.used_at is not None:
            raise InviteWrongError if invite is None else InviteUsedError
        if invite.expires_at <= clock.now():
            await self._limiter.refund(user_id)
            raise InviteExpiredError
        role = await self._join(session, invite, user_id)
        device = await DeviceRepository(session).get(invite.device_id)
        assert device is not None  # noqa: S101 - the invite's foreign key holds the device
        await session.commit()
        await self._limiter.reset(user_id)
        await self._wake()
        return Joined(device, role)

    async def redeem_code(self, session: AsyncSession, user_id: int, typed: str) -> Joined:
        """Use a typed code: an invite's short code, or else a device's claim code."""
        canonical = claim_codes.normalize(typed)
        if canonical is None:
            raise ClaimCodeMalformedError
        found = await InviteRepository(session).find_for_use(
            [], claim_codes.lookup_hashes("invite-code", canonical, self._pepper)
        )
        if found is not None:
            return await self.accept(session, user_id, code=typed)
        device = await claim(session, self._limiter, user_id, typed, pepper=self._pepper)
        return Joined(device, Role.OWNER)

    async def _join(self, session: AsyncSession, invite: Invite, user_id: int) -> Role:
        members = MembershipRepository(session)
        role, current = Role(invite.role), await members.role_of(user_id, invite.device_id)
        if current is not None and (current is not Role.VIEWER or role is Role.VIEWER):
            # Nothing to gain; the invite stays unused for the person it was meant for.
            raise AlreadyMemberError(role=current.value)
        if current is None:
            members.add(user_id, invite.device_id, role)
        else:
            await members.set_role(user_id, invite.device_id, role)
        await InviteRepository(session).mark_used(invite.id, user_id, clock.now())
        AuditRepository(session).record(
            "member.joined",
            actor_user_id=user_id,
            device_id=invite.device_id,
            before={"role": current.value} if current else None,
            after={"role": role.value, "invite_id": invite.id, "invited_by": invite.created_by},
        )
        await self._tell_of_joining(session, invite, user_id, role)
        return role

    async def _tell_of_joining(
        self, session: AsyncSession, invite: Invite, user_id: int, role: Role
    ) -> None:
        """Tell the inviter (while still a member) and the owner, when someone else invited."""
        members = MembershipRepository(session)
        device = await DeviceRepository(session).get(invite.device_id)
        users = UserRepository(session)
        joiner, inviter = await users.get(user_id), await users.get(invite.created_by)
        name, where = _name(joiner), device.name if device else "?"
        if await members.role_of(invite.created_by, invite.device_id) is not None:
            await notify(
                session,
                invite.created_by,
                "notice-joined",
                name=name,
                device=where,
                role=role.value,
            )
        owners = [u.id for u, r in await members.members_of(invite.device_id) if r is Role.OWNER]
        for owner in owners:
            if owner not in {invite.created_by, user_id}:
                await notify(
                    session,
                    owner,
                    "notice-joined-by",
                    name=name,
                    device=where,
                    role=role.value,
                    by=_name(inviter),
                )

    async def members(
        self, session: AsyncSession, user_id: int, device_id: int
    ) -> tuple[Device, Sequence[tuple[User, Role]]]:
        """Return the device and its members (owners only)."""
        grant = await require(session, user_id, device_id, Action.MANAGE_MEMBERS)
        return grant.device, await MembershipRepository(session).members_of(device_id)

    async def member(
        self, session: AsyncSession, user_id: int, device_id: int, member_id: int
    ) -> tuple[Device, User, Role]:
        """Return one member of the device other than the owner (owners only)."""
        grant = await require(session, user_id, device_id, Action.MANAGE_MEMBERS)
        role = await MembershipRepository(session).role_of(member_id, device_id)
        member = await UserRepository(session).get(member_id)
        if role is None or role is Role.OWNER or member is None:
            raise MemberGoneError
        return grant.device, member, role

    async def change_role(
        self, session: AsyncSession, user_id: int, device_id: int, member_id: int, role: Role
    ) -> Role:
        """Make a member an admin or a viewer; tell them."""
        device, _, before = await self.member(session, user_id, device_id, member_id)
        if role is Role.OWNER:
            raise StaleAction
        if before is not role:
            await MembershipRepository(session).set_role(member_id, device_id, role)
            AuditRepository(session).record(
                "member.role",
                actor_user_id=user_id,
                device_id=device_id,
                before={"user_id": member_id, "role": before.value},
                after={"user_id": member_id, "role": role.value},
            )
            await notify(session, member_id, "notice-role", device=device.name, role=role.value)
        await session.commit()
        await self._after_access_change(device)
        return role

    async def ask(
        self, session: AsyncSession, user_id: int, device_id: int, intent: Intent, member_id: int
    ) -> tuple[Device, User | None, str]:
        """Check a revocation, a transfer or a removal and hold its question; return the
        device, the member it is about (None for a removal) and the nonce of the "yes"."""
        if intent is Intent.REMOVE:
            device, member = (
                (await require(session, user_id, device_id, Action.MANAGE_MEMBERS)).device,
                None,
            )
        elif intent in (Intent.REVOKE, Intent.TRANSFER):
            device, member, _ = await self.member(session, user_id, device_id, member_id)
        else:
            raise StaleAction
        subject = str(member.id) if member is not None else ""
        pending = Pending(intent, user_id, device.id, subject=subject)
        return device, member, await self._confirmations.ask(pending)

    async def _confirmed(
        self, user_id: int, device_id: int, intent: Intent, member_id: int, nonce: str
    ) -> None:
        subject = "" if intent is Intent.REMOVE else str(member_id)
        await self._confirmations.take(user_id, nonce, intent, device_id=device_id, subject=subject)

    async def revoke(
        self, session: AsyncSession, user_id: int, device_id: int, member_id: int, nonce: str
    ) -> User:
        """Take a member's access away at once (once confirmed); tell them. Returns who."""
        device, member, before = await self.member(session, user_id, device_id, member_id)
        await self._confirmed(user_id, device_id, Intent.REVOKE, member_id, nonce)
        await MembershipRepository(session).remove(member_id, device_id)
        await OutboxRepository(session).drop_for_member(member_id, device_id, "access revoked")
        AuditRepository(session).record(
            "member.revoked",
            actor_user_id=user_id,
            device_id=device_id,
            before={"user_id": member_id, "role": before.value},
        )
        await notify(session, member_id, "notice-revoked", device=device.name)
        await session.commit()
        await self._after_access_change(device)
        return member

    async def transfer(
        self, session: AsyncSession, user_id: int, device_id: int, member_id: int, nonce: str
    ) -> User:
        """Make a member the owner (once confirmed); the previous owner stays an admin.

        The device's memberships are locked first, so a second transfer started meanwhile
        reads the outcome of the first (its owner is no longer one) and is refused; the
        database allows one owner per device whatever happens."""
        await MembershipRepository(session).lock_device(device_id)
        device, member, before = await self.member(session, user_id, device_id, member_id)
        await self._confirmed(user_id, device_id, Intent.TRANSFER, member_id, nonce)
        members = MembershipRepository(session)
        await members.set_role(user_id, device_id, Role.ADMIN)
        await members.set_role(member_id, device_id, Role.OWNER)
        AuditRepository(session).record(
            "device.transferred",
            actor_user_id=user_id,
            device_id=device_id,
            before={"owner": user_id, "user_id": member_id, "role": before.value},
            after={"owner": member_id, "previous_owner_role": Role.ADMIN.value},
        )
        await notify(session, member_id, "notice-owner", device=device.name)
        await session.commit()
        await self._after_access_change(device)
        return member

    async def remove_device(
        self, session: AsyncSession, user_id: int, device_id: int, nonce: str
    ) -> str:
        """Delete the device with its data (once confirmed); tell every other member.
        Returns its name."""
        grant = await require(session, user_id, device_id, Action.MANAGE_MEMBERS)
        await self._confirmed(user_id, device_id, Intent.REMOVE, 0, nonce)
        device = grant.device
        owner = await UserRepository(session).get(user_id)
        for member, _ in await MembershipRepository(session).members_of(device_id):
            if member.id != user_id:
                await notify(
                    session, member.id, "notice-removed", device=device.name, name=_name(owner)
                )
        # The audit row keeps what the device was; its device_id becomes NULL with the row.
        AuditRepository(session).record(
            "device.removed",
            actor_user_id=user_id,
            device_id=device_id,
            before={"device_id": device_id, "uid": device.uid, "name": device.name},
        )
        await DeviceRepository(session).delete(device_id)
        await session.commit()
        await self._after_access_change(device)
        await self._bus.submit(StreamEntry("forget", device_id, device.uid))
        return device.name

    async def _after_access_change(self, device: Device) -> None:
        await self._live.announce(device.id, device.uid)
        await self._wake()
