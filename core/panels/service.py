"""Use cases of SATEL panels for people: the card, their own codes, arm, disarm, clear alarm.

An action goes to the processor instance that holds the panel's lease (its inbox list in
Redis) and the person waits for the result: the panel's answer, confirmed by the state the
panel then reports. Codes never travel or rest in the clear: stored codes are Fernet tokens,
and a code typed for one action crosses Redis encrypted as well. Every attempt, good or bad,
is audited without the code. Three wrong codes within five minutes lock that person out of
the panel's actions for five minutes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.access.attempts import AttemptLimiter
from core.access.policy import Action, Role, allows
from core.access.service import Grant, require
from core.audit.repository import AuditRepository
from core.commands.bus import CommandBus
from core.commands.messages import CommandResult, StreamEntry
from core.confirmations import (
    CONFIRM_SECONDS,
    ConfirmationExpiredError,
    Confirmations,
    Intent,
    Pending,
)
from core.devices.kinds import Executor, kind_of
from core.devices.models import Device
from core.errors import DomainError, InvalidInput, StaleAction
from core.panels.lease import PanelLeases
from core.panels.models import PanelEvent
from core.panels.profile import PanelProfile
from core.panels.repository import PanelCodeRepository, PanelEventRepository
from core.panels.requests import PANEL_COMMAND, PanelAction, PanelRequest
from core.panels.state import PanelSnapshot
from core.redis_keys import RedisKeys
from core.secrets import SecretBox

DEFAULT_TIMEOUT: Final = 10.0
WRONG_CODE: Final = frozenset({"user_code_not_found", "wrong_code"})
FAILURES_ALLOWED: Final = 3
FAILURE_WINDOW: Final = 300
LOCK_SECONDS: Final = 300
CARD_LOG_LINES: Final = 3  # the panel's newest log records on its card
LOG_PAGE: Final = 10
CODE_SECONDS: Final = 120  # and, once pressed, the code must be typed within this


class BadCodeError(InvalidInput):
    """A code that is not 4 to 16 digits."""

    key = "panel-bad-code"


class CodeNeededError(DomainError):
    """The person has no stored code: ask for one for this action."""

    key = "panel-code-needed"


class AlreadyArmedError(DomainError):
    """Every chosen partition is armed in that mode already."""

    key = "panel-already-armed"


class NotArmedError(DomainError):
    """Nothing to disarm in the chosen partitions."""

    key = "panel-not-armed"


class NoAlarmError(DomainError):
    """No alarm (or alarm memory) to clear in the chosen partitions."""

    key = "panel-no-alarm"


class NothingToClearError(DomainError):
    """The trouble memory holds nothing that is over."""

    key = "panel-no-trouble-memory"


@dataclass(frozen=True, slots=True)
class PanelView:
    """Everything a panel card shows to one person."""

    device: Device
    role: Role
    profile: PanelProfile
    snapshot: PanelSnapshot | None
    has_code: bool
    events: Sequence[PanelEvent]  # the newest records of the panel's own event log

    @property
    def can_control(self) -> bool:
        """Whether the person may arm, disarm and clear alarms."""
        return allows(self.role, Action.CONTROL)

    @property
    def partitions(self) -> list[int]:
        """The partitions to show."""
        seen = (
            frozenset().union(*self.snapshot.partitions.values()) if self.snapshot else frozenset()
        )
        return self.profile.partitions(frozenset(seen))


@dataclass(frozen=True, slots=True)
class Proposal:
    """An action ready to be confirmed: what it touches and what stands in its way."""

    device: Device
    action: PanelAction
    partitions: tuple[int, ...]
    mode: int
    violated: tuple[int, ...]  # zones violated (not bypassed) in those partitions
    needs_code: bool
    items: tuple[int, ...] = ()  # the outputs or zones of an output or bypass action
    force: bool = False  # forced arming (violated zones left out until they close)
    confirm: bool = True  # asked before it is done (outputs not marked critical are not)


@dataclass(frozen=True, slots=True)
class PanelOutcome:
    """What became of an action: `result` is `ok` or why not (see locales, panel-result-*)."""

    device: Device
    action: PanelAction
    partitions: tuple[int, ...]
    result: str
    seconds: float
    attempts_left: int | None = None  # after a wrong code
    items: tuple[int, ...] = ()


class PanelService:
    """Panels for the people who are their members."""

    def __init__(
        self,
        redis: Redis,
        keys: RedisKeys,
        secrets: SecretBox,
        confirmations: Confirmations,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._secrets = secrets
        self._bus = CommandBus(redis, keys)
        self._leases = PanelLeases(redis, keys)
        self._confirmations = confirmations
        self.timeout = timeout

    def _limiter(self, device_id: int) -> AttemptLimiter:
        return AttemptLimiter(
            self._redis,
            self._keys.panel_failures_prefix(device_id),
            limit=FAILURES_ALLOWED,
            window=FAILURE_WINDOW,
            lock=LOCK_SECONDS,
        )

    async def snapshot(self, device_id: int) -> PanelSnapshot | None:
        """The panel's last reported state."""
        return PanelSnapshot.decode(await self._redis.get(self._keys.panel_state(device_id)))

    async def view(
        self, session: AsyncSession, user_id: int, device_id: int, *, control: bool = False
    ) -> PanelView:
        """The card's content for a member; with `control`, only for one who may arm."""
        grant = await require(
            session, user_id, device_id, Action.CONTROL if control else Action.VIEW
        )
        if kind_of(grant.device.type_code).executor is not Executor.SATEL:
            raise StaleAction
        profile = PanelProfile.of(grant.device.attributes)
        has_code = await PanelCodeRepository(session).get(user_id, device_id) is not None
        return PanelView(
            grant.device,
            grant.role,
            profile,
            await self.snapshot(device_id),
            has_code,
            (await PanelEventRepository(session).log_page(device_id, CARD_LOG_LINES))[0],
        )

    async def log(
        self, session: AsyncSession, user_id: int, device_id: int, page: int
    ) -> tuple[PanelView, Sequence[PanelEvent], int]:
        """A page of the panel's event log (members only), and how many pages there are."""
        view = await self.view(session, user_id, device_id)
        page = max(page, 0)
        records, total = await PanelEventRepository(session).log_page(
            device_id, LOG_PAGE, page * LOG_PAGE
        )
        return view, records, max(1, -(-total // LOG_PAGE))

    async def store_code(
        self, session: AsyncSession, user_id: int, device_id: int, code: str
    ) -> Device:
        """Keep the person's own code for this panel (encrypted)."""
        grant = await require(session, user_id, device_id, Action.CONTROL)
        check_code(code)
        await PanelCodeRepository(session).put(user_id, device_id, self._secrets.encrypt(code))
        AuditRepository(session).record(
            "panel.code_stored", actor_user_id=user_id, device_id=device_id
        )
        await session.commit()
        return grant.device

    async def forget_code(self, session: AsyncSession, user_id: int, device_id: int) -> Device:
        """Delete the person's stored code."""
        grant = await require(session, user_id, device_id, Action.VIEW)
        forgot = await PanelCodeRepository(session).remove(user_id, device_id)
        if forgot:
            AuditRepository(session).record(
                "panel.code_forgotten", actor_user_id=user_id, device_id=device_id
            )
        await session.commit()
        return grant.device

    async def propose(
        self,
        session: AsyncSession,
        user_id: int,
        device_id: int,
        action: PanelAction,
        partitions: Sequence[int],
        mode: int = 0,
    ) -> Proposal:
        """Check an action before asking for confirmation; raise when it cannot be done."""
        view = await self.view(session, user_id, device_id, control=True)  # raises, audited
        if not action.on_partitions:
            raise StaleAction  # a forged button
        await self._limiter(device_id).check(user_id)
        chosen = tuple(sorted(set(partitions)))
        if not chosen or not set(chosen) <= set(view.partitions) or mode not in range(4):
            raise StaleAction
        state = view.snapshot or PanelSnapshot()
        if action is PanelAction.ARM and all(state.mode(p) == mode for p in chosen):
            raise AlreadyArmedError
        if action is PanelAction.DISARM and not state.arming & set(chosen):
            raise NotArmedError
        if action is PanelAction.CLEAR and not state.clearable & set(chosen):
            raise NoAlarmError
        violated: tuple[int, ...] = ()
        if action is PanelAction.ARM:
            zones = state.zone("violated") - state.zone("bypassed")
            violated = tuple(sorted(z for z in zones if _zone_in(view.profile, z, chosen)))
        return Proposal(view.device, action, chosen, mode, violated, not view.has_code)

    async def propose_output(
        self, session: AsyncSession, user_id: int, device_id: int, output: int, *, on: bool
    ) -> Proposal:
        """Switch one output on or off (a pulse output: on only); confirmed first when the
        owner marked it critical (a siren, a gate)."""
        view = await self.view(session, user_id, device_id, control=True)
        await self._limiter(device_id).check(user_id)
        profile = view.profile
        if output not in profile.switchable() or (profile.pulse(output) and not on):
            raise StaleAction
        action = PanelAction.OUTPUT_ON if on else PanelAction.OUTPUT_OFF
        critical = output in profile.critical_outputs
        return Proposal(
            view.device, action, (), 0, (), not view.has_code, (output,), confirm=critical
        )

    async def propose_bypass(
        self, session: AsyncSession, user_id: int, device_id: int, zone: int, *, on: bool
    ) -> Proposal:
        """Bypass a zone (it raises no alarm until unbypassed) or unbypass it; confirmed."""
        view = await self.view(session, user_id, device_id, control=True)
        await self._limiter(device_id).check(user_id)
        if zone not in bypassable(view):
            raise StaleAction
        state = view.snapshot or PanelSnapshot()
        if (zone in state.zone("bypassed")) == on:
            raise StaleAction  # already so (a stale button)
        action = PanelAction.BYPASS if on else PanelAction.UNBYPASS
        return Proposal(view.device, action, (), 0, (), not view.has_code, (zone,))

    async def propose_clear_troubles(
        self, session: AsyncSession, user_id: int, device_id: int
    ) -> Proposal:
        """Clear the panel's trouble memory (`8B`); confirmed first."""
        view = await self.view(session, user_id, device_id, control=True)
        await self._limiter(device_id).check(user_id)
        state = view.snapshot or PanelSnapshot()
        if not state.trouble_memory - state.troubles:
            raise NothingToClearError
        return Proposal(view.device, PanelAction.CLEAR_TROUBLES, (), 0, (), not view.has_code)

    async def hold(self, user_id: int, proposal: Proposal, seconds: int = CONFIRM_SECONDS) -> str:
        """Keep a proposal for its requester's confirmation; return the confirmation's nonce."""
        data = {
            "action": proposal.action.value,
            "partitions": list(proposal.partitions),
            "mode": proposal.mode,
            "violated": list(proposal.violated),
            "needs_code": proposal.needs_code,
            "items": list(proposal.items),
            "force": proposal.force,
        }
        pending = Pending(Intent.PANEL, user_id, proposal.device.id, data=data)
        return await self._confirmations.ask(pending, seconds)

    async def take(
        self, session: AsyncSession, user_id: int, nonce: str, *, keep_for: int | None = None
    ) -> Proposal:
        """The proposal behind a confirmation, for the person who asked for it only.

        It is used up, unless `keep_for` keeps it that many seconds more (for the code prompt).
        """
        pending = await self._confirmations.take(user_id, nonce, Intent.PANEL, keep_for=keep_for)
        grant = await require(session, user_id, pending.device_id, Action.CONTROL)
        body = pending.data
        try:
            return Proposal(
                grant.device,
                PanelAction(body["action"]),
                tuple(int(p) for p in body["partitions"]),
                int(body["mode"]),
                tuple(int(z) for z in body["violated"]),
                bool(body["needs_code"]),
                tuple(int(n) for n in body.get("items") or ()),
                body.get("force") is True,
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ConfirmationExpiredError from err

    async def execute(
        self,
        session: AsyncSession,
        user_id: int,
        proposal: Proposal,
        *,
        by: str,
        bypass: Sequence[int] = (),
        code: str | None = None,
    ) -> PanelOutcome:
        """Carry out a confirmed action and wait for the panel's confirmed result."""
        grant = await require(session, user_id, proposal.device.id, Action.CONTROL)
        limiter = self._limiter(grant.device.id)
        await limiter.check(user_id)
        code = code if code is not None else await self._stored_code(session, user_id, grant)
        if code is None:
            raise CodeNeededError
        check_code(code)
        left_after = await limiter.take(user_id)  # counted before the panel is asked
        # The wait for the panel (up to its timeout) holds no database connection: ten
        # pending actions would otherwise starve the bot's pool.
        await session.commit()
        started = clock.monotonic()
        result = await self._send(grant.device, proposal, user_id, by, tuple(bypass), code)
        name = result.error or "ok" if result is not None else "timeout"
        if result is not None and result.ok:
            name = "ok"
        left = None
        if name in WRONG_CODE:
            left = left_after
        elif name == "ok":
            await limiter.reset(user_id)
        else:
            await limiter.refund(user_id)
        AuditRepository(session).record(
            f"panel.{proposal.action.value}",
            actor_user_id=user_id,
            device_id=grant.device.id,
            after={
                "partitions": list(proposal.partitions),
                "mode": proposal.mode,
                "bypass": list(bypass),
                "items": list(proposal.items),
                "force": proposal.force,
                "result": name,
            },
        )
        await session.commit()
        seconds = clock.monotonic() - started
        return PanelOutcome(
            grant.device, proposal.action, proposal.partitions, name, seconds, left, proposal.items
        )

    async def _stored_code(self, session: AsyncSession, user_id: int, grant: Grant) -> str | None:
        token = await PanelCodeRepository(session).get(user_id, grant.device.id)
        return self._secrets.decrypt(token) if token else None

    async def _send(
        self,
        device: Device,
        proposal: Proposal,
        user_id: int,
        by: str,
        bypass: tuple[int, ...],
        code: str,
    ) -> CommandResult | None:
        holder = await self._leases.holder(device.id)
        command_id = uuid.uuid4().hex
        if holder is None:
            return CommandResult(command_id, False, "unreachable")
        request = PanelRequest(
            action=proposal.action,
            partitions=tuple(proposal.partitions),
            code_token=self._secrets.encrypt(code),
            user_id=user_id,
            by=by,
            mode=proposal.mode,
            bypass=bypass,
            items=proposal.items,
            force=proposal.force,
        )
        deadline = clock.now().timestamp() + self.timeout
        entry = StreamEntry(
            "command", device.id, device.uid, command_id, PANEL_COMMAND, request.params(), deadline
        )
        await self._redis.rpush(self._keys.panel_inbox(holder), entry.to_fields()["entry"])
        return await self._bus.wait_result(command_id, self.timeout)


def check_code(code: str) -> None:
    """Refuse anything that is not 4–16 digits before it is stored or sent."""
    if not (code.isascii() and code.isdigit() and 4 <= len(code) <= 16):  # noqa: PLR2004
        raise BadCodeError


def bypassable(view: PanelView) -> list[int]:
    """The zones a person may bypass or unbypass from the card: the named ones, those the
    panel lists as violated or bypassed now, and those of the zone map."""
    state = view.snapshot or PanelSnapshot()
    return sorted(
        set(view.profile.names.get("zones", {}))
        | set(view.profile.zone_partitions)
        | state.zone("violated")
        | state.zone("bypassed")
    )


def _zone_in(profile: PanelProfile, zone: int, partitions: Sequence[int]) -> bool:
    """Whether a zone belongs to one of the partitions (all zones when the map is unknown)."""
    owner = profile.zone_partitions.get(zone)
    return owner is None or owner in partitions
