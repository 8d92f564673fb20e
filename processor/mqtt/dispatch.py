"""Topic routing in one place: topic → codec → decoded values → who takes them.

A topic is parsed once here. Our firmware's topics (`devices/…`) go through the generic
codec; anything else is a Shelly prefix and goes through the Shelly codec (answers to our own
RPC requests go to the relay switcher). Command results skip the batch (someone waits for
them); update reports are written once the batch they came with is (before its
acknowledgements); everything else is accepted into the ingest pipeline's next batch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from core import clock
from drivers.generic import codec
from drivers.readings import CommandAck, Decoded, OtaReport, StatusChange, Telemetry
from drivers.shelly import topics as shelly_topics
from drivers.shelly.codec import ShellyCodec
from processor.ingest.pipeline import IngestPipeline
from processor.mqtt.listener import Incoming
from processor.ota.reports import UpdateReports
from processor.shelly.counters import CounterKeeper

OUR_TOPICS = "devices/"  # our firmware's contract; anything else is a Shelly prefix


class ShellyHooks(Protocol):
    """What the Shelly side of the processor wants to hear of each Shelly message."""

    def on_rpc(self, device: str, payload: bytes) -> None:
        """An answer on our RPC topic of `device`."""

    def heard(self, uid: str, online: bool | None, *, retained: bool = False) -> bool:
        """An MQTT message of a Shelly (`online`: what `<id>/online` said, `retained`: kept
        by the broker from before); True when that online state is not to be taken as said."""

    def observe(self, reading: Telemetry) -> None:
        """A Shelly status reached ingest (relay presses wait for it)."""


class Dispatch:
    """Decodes each MQTT message by its topic and hands the values to whoever takes them."""

    def __init__(
        self,
        pipeline: IngestPipeline,
        shelly_codec: ShellyCodec,
        shelly: ShellyHooks | None = None,
        on_ack: Callable[[CommandAck], Awaitable[None]] | None = None,
        counters: CounterKeeper | None = None,
        reports: UpdateReports | None = None,
    ) -> None:
        self._pipeline = pipeline
        self._shelly_codec = shelly_codec
        self._counters = counters
        self._shelly = shelly
        self._on_ack = on_ack
        self._reports = reports

    async def submit(self, message: Incoming) -> None:
        """Decode one message and pass it on; waits only when the sinks fall behind. The
        message is acknowledged once the batch that holds what it carried is written."""
        topic, payload = message.topic, message.payload
        now = clock.now().timestamp()
        if topic.startswith(OUR_TOPICS):
            decoded = codec.decode(topic, payload, now)
            items = [] if decoded is None else [decoded]
        else:
            items = await self._from_shelly(topic, payload, now, message.retained)
        for part, item in enumerate(items):
            if isinstance(item, CommandAck):
                if self._on_ack is not None:
                    await self._on_ack(item)
            elif isinstance(item, OtaReport):
                if self._reports is not None and self._reports.take(item):
                    self._pipeline.after_write(self._reports.write_pending)
            else:
                self._pipeline.accept(
                    topic,
                    payload,
                    item,
                    duplicate=message.duplicate,
                    packet_id=message.packet_id,
                    part=part,
                )
        self._pipeline.hold(message.ack)
        await self._pipeline.wait_for_room()

    async def _from_shelly(
        self, topic: str, payload: bytes, now: float, retained: bool
    ) -> list[Decoded]:
        parsed = shelly_topics.parse_topic(topic)
        if parsed is not None and parsed[1] == "answer":
            if self._shelly is not None:  # an answer to one of our RPC requests
                self._shelly.on_rpc(parsed[2], payload)
            return []
        if self._counters is not None and parsed is not None:
            items = await self._counters.decode(
                parsed[0], lambda: self._shelly_codec.decode(topic, payload, now)
            )
        else:
            items = self._shelly_codec.decode(topic, payload, now)
        if self._shelly is None or parsed is None:
            return items
        kept: list[Decoded] = []
        for item in items:
            if isinstance(item, StatusChange):
                doubtful = retained and parsed[1] == "online"
                if self._shelly.heard(item.uid, item.online, retained=doubtful):
                    continue  # not taken as it says: the device is asked, or HTTP decides
            elif isinstance(item, Telemetry):
                self._shelly.heard(item.uid, None)
                self._shelly.observe(item)
            kept.append(item)
        return kept
