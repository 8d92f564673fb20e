"""One MQTT connection for everything the processor sends to devices (configs, commands)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import aiomqtt

from processor.mqtt.listener import MAX_BACKOFF, BrokerAddress, make_client

log = logging.getLogger(__name__)
PUBLISH_TIMEOUT = 10.0


@dataclass(slots=True)
class _Outgoing:
    topic: str
    payload: bytes
    retain: bool
    done: asyncio.Future[None]


class Publisher:
    """Publishes at QoS 1 over a connection of its own; waits for the broker's PUBACK."""

    def __init__(self, address: BrokerAddress, client_id: str) -> None:
        self._address = address
        self._client_id = client_id
        self._queue: asyncio.Queue[_Outgoing] = asyncio.Queue()

    async def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish and wait until the broker has it; raise TimeoutError when it cannot."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Outgoing(topic, payload, retain, done))
        try:
            await asyncio.wait_for(asyncio.shield(done), PUBLISH_TIMEOUT)
        except TimeoutError:
            done.cancel()  # not sent later behind the caller's back
            raise

    async def run(self) -> None:
        """Keep the connection and send what is queued, until cancelled; reconnect with backoff."""
        backoff, lost = 1.0, False
        while True:
            try:
                # A clean session: nothing is subscribed here, nothing should be kept.
                async with make_client(self._address, self._client_id, clean_session=True) as c:
                    backoff, lost = 1.0, False
                    await self._send_forever(c)
            except aiomqtt.MqttError as err:
                if not lost:
                    log.warning("MQTT publisher lost the broker (%s); reconnecting", err)
                    lost = True
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    async def _send_forever(self, client: aiomqtt.Client) -> None:
        while True:
            item = await self._queue.get()
            if item.done.done():  # the caller gave up waiting
                continue
            try:
                await client.publish(item.topic, item.payload, qos=1, retain=item.retain)
            except aiomqtt.MqttError:
                self._queue.put_nowait(item)  # first again after the reconnect
                raise
            with contextlib.suppress(asyncio.InvalidStateError):
                item.done.set_result(None)
