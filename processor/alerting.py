"""The alert engine: runs the rules over each batch and records what opens and closes.

Where each rule of a device stands lives in PostgreSQL: its open episodes, and the thresholds
waiting out their minimum duration (`alert_watches`, written with each batch). A batch locks
its devices' rows (in id order) and reads that state in its own transaction before the rules
run, so several processor instances sharing the ingest see one state, and a restart inside a
"for 10 min" window still opens the episode on time. The rules see one device's readings in
the order of the device's clock: a reading stamped by the device older than the newest such
one they saw (`devices.rules_at` — it reached another instance first, or late) is stored and
counted, and may open an episode of a limit it passed, but never closes one nor moves a
minimum duration. Readings stamped by the server (no clock of the device's, an HTTP poll)
are taken as they come.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.alerts.repository import EpisodeRepository, Watch, WatchRepository
from core.alerts.rules import (
    Kind,
    Severity,
    Threshold,
    WatchState,
    relay_draw_rule,
    step,
    thresholds_from_config,
)
from core.alerts.service import Change, Recorded, record_changes
from core.devices.config_rules import report_interval
from core.devices.kinds import kind_of, kinds_with_channels
from core.devices.repository import DeviceRepository, Standing
from core.devices.shelly import ShellyProfile, off_power_metric, output_metric, phase_power_metric
from processor.ingest.batch import RawPoint

log = logging.getLogger(__name__)

RULES_RECHECK_SECONDS = 10.0
# How long a device that went offline during a firmware update may take to come back before
# its offline episode opens (a Shelly restarts in under a minute, an ESP32 in seconds).
UPDATE_GRACE_SECONDS = 300.0
_Key = tuple[int, Kind, str]


@dataclass(slots=True)
class DeviceRules:
    """What the engine knows of one device's alert settings."""

    enabled: bool
    thresholds: list[Threshold]
    report_interval: float
    loaded_at: float


@dataclass(frozen=True, slots=True)
class RelayLink:
    """A Pro 3 channel whose circuit a Pro 3EM phase measures, with its alert rule."""

    relay_id: int
    channel: int
    meter_id: int
    phase: str
    rule: Threshold


@dataclass(slots=True)
class Plan:
    """Changes decided for one batch and the watch states they lead to."""

    changes: list[Change] = field(default_factory=list)
    states: dict[_Key, WatchState] = field(default_factory=dict)
    started: dict[_Key, tuple[float, float]] = field(default_factory=dict)  # since, value
    ended: set[_Key] = field(default_factory=set)  # no longer waiting out a duration
    seen: dict[int, float] = field(default_factory=dict)  # newest reading evaluated, by device

    @property
    def writes(self) -> bool:
        """Whether the plan has anything to record."""
        return bool(self.changes or self.started or self.ended)

    def note(self, key: _Key, before: WatchState, after: WatchState, value: float) -> None:
        """Keep track of thresholds that start or stop waiting out their duration."""
        if after.pending_since is not None and before.pending_since is None:
            self.started[key] = (after.pending_since, value)
            self.ended.discard(key)
        elif after.pending_since is None and before.pending_since is not None:
            self.started.pop(key, None)
            self.ended.add(key)


class AlertEngine:
    """Threshold and offline rules over the readings of every device."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        wake: Callable[[], Awaitable[None]] | None = None,
        *,
        recheck_seconds: float = RULES_RECHECK_SECONDS,
        update_grace_seconds: float = UPDATE_GRACE_SECONDS,
    ) -> None:
        self._sessions = sessions
        self._wake = wake
        self._recheck = recheck_seconds
        self._update_grace = update_grace_seconds
        self._states: dict[_Key, WatchState] = {}
        self._rules: dict[int, DeviceRules] = {}
        self._links: dict[int, list[RelayLink]] = {}  # relay or meter id → its links
        self._links_at = -recheck_seconds
        self._last: dict[tuple[int, str], float] = {}  # latest relay outputs and phase powers

    async def load(self) -> None:
        """Learn which episodes are open and which thresholds wait (after a restart)."""
        async with self._sessions() as session:
            for episode in await EpisodeRepository(session).open_episodes():
                self._states[(episode.device_id, Kind(episode.kind), episode.metric)] = WatchState(
                    open=True
                )
            for watch in await WatchRepository(session).all():
                key = (watch.device_id, Kind(watch.kind), watch.metric)
                self._states[key] = WatchState(pending_since=watch.since.timestamp())

    async def sync(self, session: AsyncSession, device_ids: Iterable[int]) -> dict[int, Standing]:
        """In the caller's transaction: lock these devices (and the relays linked to them) in
        id order, read where their rules stand — what another instance may have changed —
        and return where each device stands (its rules' newest reading, its online flag)."""
        ids = set(device_ids)
        for device_id in list(ids):
            ids.update(link.relay_id for link in self._links.get(device_id, ()))
        if not ids:
            return {}
        marks = await DeviceRepository(session).lock_for_rules(ids)
        opened = await EpisodeRepository(session).open_keys(ids)
        waiting = await WatchRepository(session).of(ids)
        states = {key: state for key, state in self._states.items() if key[0] not in ids}
        for device_id, kind, metric in opened:
            states[(device_id, Kind(kind), metric)] = WatchState(open=True)
        for watch in waiting:
            key = (watch.device_id, Kind(watch.kind), watch.metric)
            if key not in states:
                states[key] = WatchState(pending_since=watch.since.timestamp())
        self._states = states
        return marks

    def forget_rules(self, device_id: int) -> None:
        """Re-read a device's alert settings at its next reading (they were just changed)."""
        self._rules.pop(device_id, None)

    async def refresh_rules(self, device_ids: Iterable[int]) -> None:
        """Read the alert settings of devices not looked at recently."""
        now = clock.monotonic()
        stale = [
            d
            for d in set(device_ids)
            if d not in self._rules or now - self._rules[d].loaded_at > self._recheck
        ]
        if not stale:
            return
        async with self._sessions() as session:
            rows = await DeviceRepository(session).configs_of(stale)
        for device_id, type_code, config in rows:
            interval = report_interval(config, kind_of(type_code).report_interval)
            self._rules[device_id] = DeviceRules(
                enabled=config.get("alerts_enabled") is not False,
                thresholds=thresholds_from_config(config),
                report_interval=float(interval),
                loaded_at=now,
            )

    async def refresh_links(self) -> None:
        """Read which relay channels are linked to meter phases (every few seconds at most)."""
        now = clock.monotonic()
        if now - self._links_at < self._recheck:
            return
        async with self._sessions() as session:
            devices = DeviceRepository(session)
            relays = await devices.relay_links(kinds_with_channels())
            profiles = [(rid, ShellyProfile.of(attrs), config) for rid, attrs, config in relays]
            uids = sorted({link.meter_uid for _, p, _ in profiles for link in p.links.values()})
            meters = await devices.ids_by_uid(uids)
        links: dict[int, list[RelayLink]] = {}
        for relay_id, profile, config in profiles:
            for channel, link in profile.links.items():
                rule = relay_draw_rule(off_power_metric(channel), config)
                meter_id = meters.get(link.meter_uid)
                if rule is None or meter_id is None:
                    continue
                relay_link = RelayLink(relay_id, channel, meter_id, link.phase, rule)
                links.setdefault(relay_id, []).append(relay_link)
                links.setdefault(meter_id, []).append(relay_link)
        self._links, self._links_at = links, now

    def _watch_relays(self, plan: Plan, point: RawPoint) -> None:
        """Open or close "off but drawing power" for the links this reading touches."""
        for link in self._links.get(point.device_id, ()):
            output_key = (link.relay_id, output_metric(link.channel))
            power_key = (link.meter_id, phase_power_metric(link.phase))
            for key in (output_key, power_key):
                if key[0] == point.device_id and key[1] in point.metrics:
                    self._last[key] = point.metrics[key[1]]
            output, power = self._last.get(output_key), self._last.get(power_key)
            if output is None or power is None:
                continue  # not both known yet (after a restart, until the relay reports)
            value = power if output < 0.5 else 0.0  # noqa: PLR2004 - 1 on, 0 off
            self._apply(plan, link.relay_id, link.rule, value, point.at, True)

    def plan(
        self,
        points: Sequence[RawPoint],
        statuses: Iterable[tuple[int, bool | None, float]],
        standing: Mapping[int, Standing] | None = None,
        stale: set[int] | frozenset[int] = frozenset(),
    ) -> Plan:
        """Run the rules over a batch's readings (in arrival order) and status changes;
        `standing`: where each device stood before, with the time of the newest reading
        stamped by the device that its rules saw. Only such readings are compared: a
        device's clock and ours may differ, and one stamped by us (an HTTP poll, a device
        before NTP) is as new as its arrival. The readings of `stale` devices were heard
        before the device went offline: they do not bring it back."""
        plan = Plan()
        newest = {
            device_id: now.rules_at
            for device_id, now in (standing or {}).items()
            if now.rules_at is not None
        }
        for point in points:
            if not self._in_order(plan, point, newest):
                self._late(plan, point)
                continue
            self._evaluate(plan, point, brings_back=point.device_id not in stale)
        for device_id, online, at in statuses:
            if online is True:
                self._close_offline(plan, device_id, at)
            elif online is False and standing is not None and _updating(standing, device_id):
                self._hold_offline(plan, device_id, at)
            elif online is False:
                self.plan_offline(plan, device_id, at)
        return plan

    def _hold_offline(self, plan: Plan, device_id: int, at: float) -> None:
        """A device at a firmware update went offline: it is restarting, most likely. Its
        offline episode waits `update_grace` (an `alert_watches` row, so any instance and a
        restart keep the time), and nobody hears of a restart it comes back from."""
        key = (device_id, Kind.OFFLINE, "")
        before = self._state(plan, key)
        if before.open or before.pending_since is not None:
            return
        after = WatchState(pending_since=at)
        plan.states[key] = after
        plan.note(key, before, after, 0.0)
        log.info("device %s went offline during a firmware update; waiting for it", device_id)

    def _evaluate(self, plan: Plan, point: RawPoint, *, brings_back: bool) -> None:
        """Run the rules over a reading that is in order (`brings_back`: it closes the
        device's offline episode)."""
        if self._links:
            self._watch_relays(plan, point)
        rules = self._rules.get(point.device_id)
        if rules is None:
            return
        if brings_back:
            self._close_offline(plan, point.device_id, point.at)
        for rule in rules.thresholds:
            value = point.metrics.get(rule.metric)
            if value is not None:
                self._apply(plan, point.device_id, rule, value, point.at, rules.enabled)

    @staticmethod
    def _in_order(plan: Plan, point: RawPoint, newest: dict[int, float]) -> bool:
        """Whether a reading is no older, by its device's clock, than the newest one the
        rules saw (noting it as the newest when it is)."""
        if not point.device_time:
            return True
        if point.at < newest.get(point.device_id, point.at):
            return False
        newest[point.device_id] = plan.seen[point.device_id] = point.at
        return True

    def _late(self, plan: Plan, point: RawPoint) -> None:
        """A reading older than one the rules saw already (it came late, or to another
        instance first): it may tell of a limit passed that nobody was told of — an episode
        opens at its time, and the newer readings close it — but it never closes an episode
        or starts or ends a minimum duration: the newer readings decide where a rule stands."""
        rules = self._rules.get(point.device_id)
        if rules is None or not rules.enabled:
            return
        for rule in rules.thresholds:
            value = point.metrics.get(rule.metric)
            if value is None or rule.min_duration > 0:
                continue
            before = self._state(plan, (point.device_id, rule.kind, rule.metric))
            if before.open or before.pending_since is not None:
                continue
            if step(rule, before, value, point.at)[1] == "open":
                self._apply(plan, point.device_id, rule, value, point.at, True)

    def _state(self, plan: Plan, key: _Key) -> WatchState:
        return plan.states.get(key) or self._states.get(key) or WatchState()

    def _apply(
        self, plan: Plan, device_id: int, rule: Threshold, value: float, at: float, enabled: bool
    ) -> None:
        key = (device_id, rule.kind, rule.metric)
        before = self._state(plan, key)
        state, transition = step(rule, before, value, at)
        if transition == "open" and not enabled:
            state = WatchState()  # alerts switched off: watch, but open nothing
            transition = None
        plan.states[key] = state
        plan.note(key, before, state, value)
        if transition is not None:
            plan.changes.append(
                Change(
                    device_id,
                    rule.kind,
                    rule.metric,
                    transition == "open",
                    rule.severity,
                    value,
                    rule.limit,
                    at,
                )
            )

    async def fire_due(self) -> int:
        """Open the episodes whose value has stayed past its limit for the rule's minimum
        duration without a new reading (devices that report only on change send nothing
        while the value holds, so the timer decides); return how many opened. The waiting
        thresholds are read from PostgreSQL: any instance may have started them."""
        async with self._sessions() as session:
            waiting = await WatchRepository(session).all()
        if not waiting:
            return 0
        await self.refresh_rules({watch.device_id for watch in waiting})
        now = clock.now().timestamp()
        due = self._due(waiting, now)
        gone = {  # went offline during an update and did not come back within the grace
            watch.device_id
            for watch in waiting
            if watch.kind == Kind.OFFLINE.value
            and now - watch.since.timestamp() >= self._update_grace
        }
        if not due and not gone:
            return 0
        plan = Plan()
        async with self._sessions() as session, session.begin():
            await self.sync(session, {key[0] for key in due} | gone)
            for key, (rule, value, enabled) in due.items():
                state = self._states.get(key)
                if state is None or state.open or state.pending_since is None:
                    continue  # another instance settled it meanwhile
                if now - state.pending_since >= rule.min_duration:
                    self._apply(plan, key[0], rule, value, now, enabled)
            for device_id in gone:
                self._offline_after_update(plan, device_id)
            recorded = await self.write(session, plan)
        await self.settle(plan, recorded)
        return len(plan.changes)

    def _due(
        self, waiting: Iterable[Watch], now: float
    ) -> dict[_Key, tuple[Threshold, float, bool]]:
        """The waiting thresholds whose minimum duration is over: rule, value, alerts on."""
        due: dict[_Key, tuple[Threshold, float, bool]] = {}
        for watch in waiting:
            rules = self._rules.get(watch.device_id)
            if rules is None:
                continue
            for rule in rules.thresholds:
                same = (rule.kind.value, rule.metric) == (watch.kind, watch.metric)
                if same and now - watch.since.timestamp() >= rule.min_duration:
                    due[(watch.device_id, rule.kind, rule.metric)] = (
                        rule,
                        watch.value,
                        rules.enabled,
                    )
        return due

    def _offline_after_update(self, plan: Plan, device_id: int) -> None:
        """The grace of a device that went offline during an update is over: its offline
        episode opens, at the time it went offline."""
        key = (device_id, Kind.OFFLINE, "")
        state = self._states.get(key)
        if state is None or state.open or state.pending_since is None:
            return  # it came back, or another instance settled it meanwhile
        plan.states[key] = WatchState()
        plan.note(key, state, WatchState(), 0.0)
        log.info("device %s did not come back from its update's restart", device_id)
        self.plan_offline(plan, device_id, state.pending_since)

    def plan_offline(self, plan: Plan, device_id: int, at: float) -> None:
        """Open a device_offline episode unless one is open or alerts are off."""
        key = (device_id, Kind.OFFLINE, "")
        rules = self._rules.get(device_id)
        if self._state(plan, key).open or (rules is not None and not rules.enabled):
            return
        plan.states[key] = WatchState(open=True)
        plan.changes.append(
            Change(device_id, Kind.OFFLINE, "", True, Severity.WARNING, None, None, at)
        )

    def _close_offline(self, plan: Plan, device_id: int, at: float) -> None:
        key = (device_id, Kind.OFFLINE, "")
        before = self._state(plan, key)
        if before.open:
            plan.states[key] = WatchState()
            plan.changes.append(
                Change(device_id, Kind.OFFLINE, "", False, Severity.INFO, None, None, at)
            )
        elif before.pending_since is not None:  # back from an update's restart: nothing to say
            plan.states[key] = WatchState()
            plan.note(key, before, WatchState(), 0.0)

    async def write(self, session: AsyncSession, plan: Plan) -> list[Recorded]:
        """Record the plan's changes and waiting thresholds in the caller's transaction."""
        if plan.started or plan.ended:
            started = [
                Watch(key[0], key[1].value, key[2], clock.from_timestamp(since), value)
                for key, (since, value) in plan.started.items()
            ]
            ended = [(key[0], key[1].value, key[2]) for key in plan.ended]
            await WatchRepository(session).apply(started, ended)
        return await record_changes(session, plan.changes) if plan.changes else []

    async def settle(self, plan: Plan, recorded: Sequence[Recorded]) -> None:
        """After the transaction committed: adopt the states, wake the bots if anyone is told."""
        self.commit(plan)
        for item in recorded:
            log.info(
                "alert %s %s on device %s (%s): %d to notify",
                item.change.kind,
                "opened" if item.change.opens else "closed",
                item.change.device_id,
                item.change.metric or "-",
                item.notified,
            )
        if self._wake is not None and any(item.notified for item in recorded):
            await self._wake()

    def commit(self, plan: Plan) -> None:
        """Adopt the plan's states once its transaction committed."""
        self._states.update(plan.states)
        for key, state in plan.states.items():
            if not state.open and state.pending_since is None:
                self._states.pop(key, None)


def _updating(standing: Mapping[int, Standing], device_id: int) -> bool:
    found = standing.get(device_id)
    return found is not None and found.updating
