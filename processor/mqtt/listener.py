"""The MQTT subscription: connect, subscribe at QoS 1 with a persistent session, reconnect."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import aiomqtt

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
MAX_QUEUED_INCOMING = 100_000


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    """Where the broker is and how to log in, parsed from MQTT_URL."""

    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool
    ca_file: str | None = None  # the CA that signed the broker's certificate (mqtts://)

    @classmethod
    def from_url(cls, url: str, ca_file: str | None = None) -> BrokerAddress:
        """Parse `mqtt://user:pass@host:port` (or `mqtts://`, trusting `ca_file`)."""
        parts = urlsplit(url)
        tls = parts.scheme == "mqtts"
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (8883 if tls else 1883),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
            ca_file=ca_file,
        )


@dataclass(slots=True)
class BrokerLink:
    """Whether the subscription is connected right now (the Shelly HTTP fallback asks)."""

    up: bool = False
    connections: int = 0  # how many times the subscription has connected (each reconnect +1)


def make_client(
    address: BrokerAddress, client_id: str, *, clean_session: bool = False
) -> aiomqtt.Client:
    """Build a client for the broker; a fixed id plus clean_session=False keeps QoS 1 messages
    queued at the broker while we are away."""
    return aiomqtt.Client(
        hostname=address.host,
        port=address.port,
        username=address.username,
        password=address.password,
        identifier=client_id,
        clean_session=clean_session,
        tls_context=ssl.create_default_context(cafile=address.ca_file) if address.tls else None,
        keepalive=30,
        max_queued_incoming_messages=MAX_QUEUED_INCOMING,
        logger=logging.getLogger("processor.mqtt.client"),  # every packet, at DEBUG
    )


async def listen(
    address: BrokerAddress,
    client_id: str,
    subscriptions: Sequence[str],
    on_message: Callable[[str, bytes, bool], Awaitable[None]],
    stop: asyncio.Event,
    ready: asyncio.Event | None = None,
    link: BrokerLink | None = None,
) -> None:
    """Deliver every message to `on_message(topic, payload, retained)` until `stop`;
    reconnect with capped backoff. `retained` is the broker's word that the message was kept
    from before the subscription (not sent live).

    `ready` is set once the first subscription is in place; `link.up` says whether the
    connection stands. On `stop` the client disconnects first (the broker keeps the session
    and queues what comes next for the next start), then every message it had already
    received (and acknowledged) is handed over: waiting for the receive queue to empty while
    still connected never ended under load, and what it held was dropped.
    """
    link = link or BrokerLink()
    backoff = 1.0
    lost = False
    while not stop.is_set():
        try:
            async with make_client(address, client_id) as client:
                await client.subscribe([(topic, 1) for topic in subscriptions])
                log.info("connected to MQTT broker %s:%s", address.host, address.port)
                lost, backoff, link.up = False, 1.0, True
                link.connections += 1
                if ready is not None:
                    ready.set()
                reader = asyncio.create_task(_read(client, on_message))
                await _until_stopped(reader, stop)
            # Disconnected now (the broker keeps the session): the reader hands over what
            # had come, then ends. It is never cancelled while it reads: a message it had
            # taken from the queue would be lost with it.
            await _handed_over(reader)
        except aiomqtt.MqttError as err:
            link.up = False
            if not lost:
                log.warning("MQTT broker unreachable (%s); reconnecting with backoff", err)
                lost = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)


async def _read(
    client: aiomqtt.Client, on_message: Callable[[str, bytes, bool], Awaitable[None]]
) -> int:
    """Hand every message on, until the client is disconnected and its queue is empty;
    return how many."""
    handed = 0
    with contextlib.suppress(aiomqtt.MqttError):  # "disconnected during message iteration"
        async for message in client.messages:
            await on_message(message.topic.value, _as_bytes(message.payload), message.retain)
            handed += 1
    return handed


async def _until_stopped(reader: asyncio.Task[int], stop: asyncio.Event) -> None:
    """Wait for `stop`; raise when the connection was lost first."""
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([reader, stopper], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    if reader.done() and not stop.is_set():
        if reader.exception() is not None:
            raise reader.exception()  # type: ignore[misc]
        msg = "the connection to the broker was lost"
        raise aiomqtt.MqttError(msg)


async def _handed_over(reader: asyncio.Task[int]) -> None:
    """Let the reader hand over what the disconnected client had received (acknowledged to
    the broker already, so it must not be lost on the way out)."""
    handed = await reader
    log.info("MQTT subscription closed; %d messages handed over", handed)


def _as_bytes(payload: object) -> bytes:
    if isinstance(payload, bytes | bytearray):
        return bytes(payload)
    if payload is None:
        return b""
    return str(payload).encode()
