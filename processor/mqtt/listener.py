"""The MQTT subscription: MQTT 5 with a persistent session, acknowledged after commit.

aiomqtt (over paho-mqtt 2) carries the connection. paho-mqtt has manual acknowledgements but
aiomqtt does not expose them yet (aiomqtt issue #345), so this module reaches paho's client
under aiomqtt in one place: it turns manual acknowledgement on, takes paho's messages into an
inbox of its own (with the DUP flag, which aiomqtt's message drops) and acknowledges through
paho. The broker is told our Receive Maximum, the most unacknowledged QoS 1 messages it may
send us: that window, not a queue that discards, bounds what waits in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import aiomqtt
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
# The most QoS 1 messages the broker may send before we acknowledge (MQTT 5 Receive Maximum):
# a batch is acknowledged after its commit, so the window must hold what arrives meanwhile
# (about 0.2 s at 10,000 msg/s is 2,000; this leaves room for a slow commit).
RECEIVE_MAXIMUM = 20_000
# QoS 0 messages are not in that window (the broker never sends them again): beyond this many
# waiting, one is dropped and logged rather than growing without bound.
MAX_QOS0_WAITING = 20_000
# How long the broker keeps our session (and queues for it) while we are away.
SESSION_EXPIRY_SECONDS = 14 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message from the broker, with what it takes to acknowledge it."""

    topic: str
    payload: bytes
    retained: bool  # the broker kept it from before our subscription (it may be stale)
    duplicate: bool  # DUP: the broker sent it before and had no acknowledgement (a resend)
    packet_id: int  # its id in our session (0 for QoS 0); a resend keeps it
    # Tell the broker the message is ours: call once, after what it carried is committed, in
    # the order the messages came. A connection that is gone acknowledges nothing.
    ack: Callable[[], None]


class _Closed:
    """Put in the inbox to end the reader at a message boundary."""


_CLOSED: Any = _Closed()


class _Inbox(asyncio.Queue[Any]):
    """paho's received messages, in order; QoS 1 ones always fit (the window bounds them)."""

    received = 0  # how many came

    def offer(self, _client: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage) -> None:
        """The on_message callback of paho: keep the message for the reader."""
        self.received += 1
        if message.qos == 0 and self.qsize() >= MAX_QOS0_WAITING:
            log.warning("too many QoS 0 messages waiting; dropped one on %s", message.topic)
            return
        self.put_nowait(message)

    def next_now(self) -> Any:
        """The next message if one is waiting, else None."""
        try:
            return self.get_nowait()
        except asyncio.QueueEmpty:
            return None

    def close(self) -> None:
        """End the reader once it comes to this point."""
        self.put_nowait(_CLOSED)


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
    """Build a client for the broker (the publisher's: MQTT 3.1.1)."""
    return aiomqtt.Client(
        hostname=address.host,
        port=address.port,
        username=address.username,
        password=address.password,
        identifier=client_id,
        clean_session=clean_session,
        tls_context=ssl.create_default_context(cafile=address.ca_file) if address.tls else None,
        keepalive=30,
        logger=logging.getLogger("processor.mqtt.client"),  # every packet, at DEBUG
    )


def _check_granted(subscriptions: Sequence[str], granted: Sequence[object]) -> None:
    """Say loudly which subscriptions the broker refused (its ACL does not allow them):
    nothing on those topics would ever arrive."""
    for topic, code in zip(subscriptions, granted, strict=False):
        value = code.value if isinstance(code, ReasonCode) else code
        if isinstance(value, int) and value >= _REFUSED:
            log.error("the broker refused the subscription to %s (%s)", topic, code)


_REFUSED = 0x80  # SUBACK reason codes from 0x80 on are failures


def make_subscriber(
    address: BrokerAddress,
    client_id: str,
    inbox: list[_Inbox],
    expiry: int = SESSION_EXPIRY_SECONDS,
) -> aiomqtt.Client:
    """Build the ingest subscription's client: MQTT 5, the session kept while we are away
    (for `expiry` seconds; 0 ends it with the connection), our Receive Maximum, manual
    acknowledgement, paho's messages into a new inbox (appended to `inbox`; aiomqtt's message
    iterator reads it, so a lost connection still ends the read)."""
    box = _Inbox()
    inbox.append(box)
    properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    properties.SessionExpiryInterval = expiry
    properties.ReceiveMaximum = RECEIVE_MAXIMUM
    client = aiomqtt.Client(
        hostname=address.host,
        port=address.port,
        username=address.username,
        password=address.password,
        identifier=client_id,
        protocol=aiomqtt.ProtocolVersion.V5,
        clean_start=False,
        properties=properties,
        tls_context=ssl.create_default_context(cafile=address.ca_file) if address.tls else None,
        keepalive=30,
        queue_type=cast("type[asyncio.Queue[aiomqtt.Message]]", lambda **_: box),
        logger=logging.getLogger("processor.mqtt.client"),  # every packet, at DEBUG
    )
    paho = client._client  # noqa: SLF001 - see the module's docstring
    paho.manual_ack_set(True)
    paho.on_message = box.offer
    return client


async def listen(  # noqa: PLR0913 - the subscription and what it hands over to
    address: BrokerAddress,
    client_id: str,
    subscriptions: Sequence[str],
    on_message: Callable[[Incoming], Awaitable[None]],
    stop: asyncio.Event,
    ready: asyncio.Event | None = None,
    link: BrokerLink | None = None,
    drain: Callable[[], Awaitable[None]] | None = None,
    *,
    dropped: Sequence[str] = (),
) -> None:
    """Deliver every message to `on_message` until `stop`; reconnect with capped backoff.
    `dropped`: filters the session may hold from an earlier configuration, unsubscribed
    once `subscriptions` are in place.

    Nothing is acknowledged here: each `Incoming` carries its `ack`, which the taker calls
    once what the message carried is committed (in the order the messages came). The broker
    sends at most `RECEIVE_MAXIMUM` unacknowledged messages, so when the taker falls behind,
    reading stops and the rest waits in the broker.

    `ready` is set once the first subscription is in place; `link.up` says whether the
    connection stands. On `stop` the reader ends at the next message boundary (it is never
    cancelled while it hands a message over), `drain` writes and acknowledges what was taken
    while the connection still stands, and only then the client disconnects: what it had
    received but not handed over stays unacknowledged, and the broker sends it again to the
    next start of this client id.
    """
    link = link or BrokerLink()
    backoff = 1.0
    lost = False
    while not stop.is_set():
        inbox: list[_Inbox] = []
        try:
            async with make_subscriber(address, client_id, inbox) as client:
                link.up = True  # connected: the Shelly fallback need not poll
                granted = await client.subscribe([(topic, 1) for topic in subscriptions])
                _check_granted(subscriptions, granted)
                if dropped:
                    await client.unsubscribe(list(dropped))
                log.info("connected to MQTT broker %s:%s", address.host, address.port)
                lost, backoff = False, 1.0
                link.connections += 1
                if ready is not None:
                    ready.set()
                reader = asyncio.create_task(_read(client, inbox[0], on_message))
                await _until_stopped(reader, stop)
                inbox[0].close()  # the reader ends at the next message boundary
                handed = await reader
                if drain is not None:
                    await drain()  # written and acknowledged while still connected
                log.info("MQTT subscription closing; %d messages handed over", handed)
        except aiomqtt.MqttError as err:
            link.up = False
            if not lost:
                log.warning("MQTT broker unreachable (%s); reconnecting with backoff", err)
                lost = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)


async def retire(
    address: BrokerAddress,
    client_id: str,
    shared_filters: Sequence[str],
    on_message: Callable[[Incoming], Awaitable[None]],
    drain: Callable[[], Awaitable[None]],
    quiet_seconds: float = 1.0,
) -> int:
    """End the session `client_id` (an ingest slot no longer configured) without losing
    what it holds: take it up, leave its shared subscriptions (the broker deals their new
    messages to the other members), hand on what it kept until nothing has come for
    `quiet_seconds`, have it written and acknowledged (`drain`), and disconnect, which ends
    the session. Return how many messages it held."""
    inbox: list[_Inbox] = []
    async with make_subscriber(address, client_id, inbox, expiry=0) as client:
        box = inbox[0]
        await client.unsubscribe(list(shared_filters))
        reader = asyncio.create_task(_read(client, box, on_message))
        seen = -1
        while box.received != seen and not reader.done():
            seen = box.received
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(reader), quiet_seconds)
        box.close()
        handed = await reader
        await drain()
    return handed


async def _read(
    client: aiomqtt.Client, inbox: _Inbox, on_message: Callable[[Incoming], Awaitable[None]]
) -> int:
    """Hand every message on until the inbox is closed or the connection is lost; return how
    many. What is queued already is taken without a wait per message."""
    handed = 0
    paho = client._client  # noqa: SLF001 - see the module's docstring
    with contextlib.suppress(aiomqtt.MqttError):  # "disconnected during message iteration"
        async for first in client.messages:
            message: Any = first
            while message is not None:
                if message is _CLOSED:
                    return handed
                await on_message(_incoming(paho, message))
                handed += 1
                message = inbox.next_now()
    return handed


def _incoming(paho: mqtt.Client, message: mqtt.MQTTMessage) -> Incoming:
    mid, qos = message.mid, message.qos

    def ack() -> None:
        if qos:
            paho.ack(mid, qos)

    return Incoming(
        message.topic,
        bytes(message.payload),
        retained=bool(message.retain),
        duplicate=bool(message.dup),
        packet_id=mid if qos else 0,
        ack=ack,
    )


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
