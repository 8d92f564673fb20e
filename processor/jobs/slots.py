"""Ingest slots: record the one taken, end those no longer configured.

A broker keeps dealing a shared subscription's messages to a member whose client is away
(Mosquitto queues them in its session), so a slot dropped from `PROCESSOR_SLOTS` would hold
its share of the telemetry for the 14 days its session lasts. Every slot taken is recorded in
`ingest_slots`; the instance in slot 1 looks for recorded slots above `PROCESSOR_SLOTS`,
takes each one's lease (none is held while an instance still runs it), takes up its session,
has what it kept written, and ends it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.history.repository import IngestSlotRepository
from core.settings import Settings
from drivers.generic.topics import TELEMETRY_FILTER, shared
from processor.lease import ProcessorLease, slot_client_id
from processor.mqtt.listener import BrokerAddress, Incoming, retire

log = logging.getLogger(__name__)
RETIRE_CHECK_SECONDS = 30.0


class IngestSlots:
    """The record of ingest slots, and the retirement of those beyond the configured."""

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        address: BrokerAddress,
        submit: Callable[[Incoming], Awaitable[None]],
        drain: Callable[[], Awaitable[None]],
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._address = address
        self._submit = submit
        self._drain = drain

    async def taken(self, slot: int) -> None:
        """Record that this instance took slot `slot`."""
        deployment = self._settings.mqtt_client_id
        async with self._sessions() as session, session.begin():
            await IngestSlotRepository(session).taken(
                deployment, slot, slot_client_id(deployment, slot), clock.now()
            )

    async def retire_extra(self) -> int:
        """End the sessions of recorded slots above `PROCESSOR_SLOTS` that nobody holds;
        return how many were ended."""
        settings = self._settings
        async with self._sessions() as session:
            extra = await IngestSlotRepository(session).beyond(
                settings.mqtt_client_id, settings.processor_slots
            )
        ended = 0
        for slot, client_id in extra:
            lease = ProcessorLease(settings.database_url, settings.mqtt_client_id)
            try:
                if not await lease.take(slot):
                    continue  # an instance still runs it (configured with more slots)
                held = await retire(
                    self._address,
                    client_id,
                    [shared(TELEMETRY_FILTER, settings.mqtt_client_id)],
                    self._taken_over,
                    self._drain,
                )
                async with self._sessions() as session, session.begin():
                    await IngestSlotRepository(session).forget(client_id)
            finally:
                await lease.release()
            log.info("ingest slot %d ended; %d messages it held were taken over", slot, held)
            ended += 1
        return ended

    async def _taken_over(self, message: Incoming) -> None:
        # Its packet ids are another session's: none is recorded with ours.
        await self._submit(dataclasses.replace(message, packet_id=0, duplicate=False))
