"""The rollouts' job: every few seconds one instance moves every running rollout on
(`core.firmware.service.step`) and, once that is committed, publishes the orders; and
settles the Shelly updates under way (`core.firmware.shelly.sweep`)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core import clock
from core.firmware import shelly as shelly_updates
from core.firmware.service import StepOptions, StepResult, step
from core.history.repository import HistoryRepository
from drivers.generic.topics import topic

log = logging.getLogger(__name__)
ROLLOUT_STEP_SECONDS = 2.0
JOB = "firmware.rollouts"


class RolloutJob:
    """Steps rollouts; several instances may run it (one steps at a time)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        publish: Callable[[str, bytes], Awaitable[None]],
        options: StepOptions,
        changed: Callable[[set[int]], Awaitable[None]] | None = None,
        wake: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._publish = publish
        self._options = dataclasses.replace(options, awake_since=clock.now())
        self._changed = changed
        self._wake = wake  # the bots deliver what finished Shelly updates told their starters

    async def run(self) -> StepResult | None:
        """One step; None when another instance holds the job, or a device's report changed
        an update meanwhile (the step runs again at its next time, from what is there)."""
        try:
            async with self._sessions() as session, session.begin():
                if not await HistoryRepository(session).try_lock(JOB):
                    return None
                now = clock.now()
                result = await step(session, now, self._options)
                options = self._options
                settled = await shelly_updates.sweep(
                    session, now, options.step_timeout, options.awake_since
                )
        except StaleDataError:
            log.debug("a report changed an update during the step; stepping again next time")
            return None
        if settled and self._wake is not None:
            await self._wake()
        for order in result.orders:
            await self._publish(topic(order.uid, "ota"), order.payload)
        for rollout_id, reason in result.halted.items():
            log.warning("rollout %d halted: %s", rollout_id, reason)
        if result.changed and self._changed is not None:
            await self._changed(result.changed)
        return result


def step_options(
    public_url: str | None, port: int, timeout_seconds: float, watch_seconds: float
) -> StepOptions:
    """The rollouts' options from settings."""
    return StepOptions(
        public_url=public_url or f"http://127.0.0.1:{port}",
        step_timeout=timedelta(seconds=timeout_seconds),
        watch=timedelta(seconds=watch_seconds),
    )
