"""The silence sweep: a device quiet for 3 × its report interval is offline (but for the
kinds whose connection worker reports liveness, `DeviceKind.swept`)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.devices.kinds import all_kinds, kind_of, unswept
from core.devices.repository import DeviceRepository
from core.live.store import LiveStateStore, LiveUpdate
from processor.alerting import AlertEngine, Plan
from processor.ingest.directory import DeviceDirectory

log = logging.getLogger(__name__)
MAX_PER_RUN = 200
OFFLINE_AFTER_INTERVALS = 3  # silent this many report intervals: offline


class SilenceSweep:
    """Marks silent devices offline and opens their device_offline episodes."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        alerts: AlertEngine,
        live: LiveStateStore,
        directory: DeviceDirectory,
    ) -> None:
        self._sessions = sessions
        self._alerts = alerts
        self._live = live
        self._directory = directory

    async def run(self) -> int:
        """Run once; return how many devices went offline."""
        now = clock.now()
        intervals = {kind.code: float(kind.report_interval) for kind in all_kinds()}
        async with self._sessions() as session:
            # Many devices falling silent at once (a broker or network outage) are taken a
            # slice per run, so one sweep never holds up ingest for long. A connected panel
            # is never silent: its worker reports its connection.
            rows = await DeviceRepository(session).silent(
                now,
                OFFLINE_AFTER_INTERVALS,
                intervals,
                float(kind_of("").report_interval),  # a type code the registry lacks
                unswept(),
                MAX_PER_RUN,
            )
        if not rows:
            return 0
        silent = [device_id for device_id, _, _ in rows]
        await self._alerts.refresh_rules(silent)  # whether their alerts are on
        plan = Plan()
        async with self._sessions() as session, session.begin():
            await self._alerts.sync(session, silent)  # locked; what other instances recorded
            # Another instance may have flipped some already.
            flipped = await DeviceRepository(session).mark_offline(silent, now)
            for device_id in flipped:
                self._alerts.plan_offline(plan, device_id, now.timestamp())
            recorded = await self._alerts.write(session, plan)
        await self._alerts.settle(plan, recorded)
        uids = {device_id: uid for device_id, uid, _ in rows}
        self._directory.note_online(dict.fromkeys(flipped, False))
        await self._live.write(
            [
                LiveUpdate(d, uids[d], {}, now.timestamp(), online=False, online_changed=True)
                for d in flipped
            ]
        )
        log.info("%d silent devices marked offline", len(flipped))
        return len(flipped)
