"""Broker accounts against a private Mosquitto started with the production configuration.

Tried as an attacker on the same network would: no login, another device's login, a removed
device's login, TLS without the CA.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import sys
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import aiomqtt
import pytest
from paho.mqtt.reasoncodes import ReasonCode
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.commands.bus import CommandBus
from core.commands.messages import StreamEntry
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.live.store import LiveStateStore
from core.redis_keys import RedisKeys
from core.settings import Settings
from tests.conftest import eventually, unique_uid
from tests.emulators.shelly import ShellyEmulator
from tests.integration.broker import ROOT, SecureBroker, cli_env, dozor_cli, secure_broker
from tests.integration.helpers import processor_running, rollup_count


@pytest.fixture
async def broker(settings: Settings) -> AsyncIterator[SecureBroker]:
    async with secure_broker(settings) as running:
        yield running


def added(broker: SecureBroker, uid: str, type_code: str = "co2") -> str:
    """`dozor device add` as the operator runs it; returns the password it printed once."""
    done = dozor_cli(broker.settings, "device", "add", uid, "--type", type_code)
    assert done.returncode == 0, done.stdout + done.stderr
    found = re.search(r"password:\s+(\S+)", done.stdout)
    assert found is not None, done.stdout
    assert f"username:  {uid}" in done.stdout
    assert f"127.0.0.1:{broker.port} (no TLS)" in done.stdout
    assert f"localhost:{broker.tls_port} (TLS" in done.stdout
    return found.group(1)


def client(
    broker: SecureBroker,
    username: str | None = None,
    password: str | None = None,
    *,
    identifier: str | None = None,
) -> aiomqtt.Client:
    return aiomqtt.Client(
        "127.0.0.1",
        broker.port,
        username=username,
        password=password,
        identifier=identifier or username,
        timeout=5,
    )


async def refused(attempt: aiomqtt.Client) -> bool:
    try:
        async with attempt:
            return False
    except aiomqtt.MqttError as err:
        return "not authori" in str(err).lower() or "refused" in str(err).lower()


async def logs_in(attempt: aiomqtt.Client) -> bool:
    """Say whether the broker accepts this login (its CONNACK says so)."""
    async with attempt:
        return True


async def test_nobody_gets_in_without_an_account_or_with_anothers_client_id(
    broker: SecureBroker, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = unique_uid("co2_")
    password = added(broker, uid)
    assert await refused(client(broker))  # anonymous
    assert await refused(client(broker, uid, "wrong-password"))
    assert await refused(client(broker, uid, password, identifier="someone-else"))
    assert await refused(client(broker, uid, password, identifier=broker.settings.mqtt_client_id))
    assert await logs_in(client(broker, uid, password))  # its own login works


async def test_a_device_reaches_its_own_topics_only(
    broker: SecureBroker, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A's login can neither write B's topics nor read B's commands or config."""
    a, b = unique_uid("co2_"), unique_uid("co2_")
    password_a, _ = added(broker, a), added(broker, b)
    seen: list[str] = []
    async with processor_login(broker) as observer, client(broker, a, password_a) as device:
        await observer.subscribe(
            [(f"devices/{uid}/{kind}", 1) for uid in (a, b) for kind in ("telemetry", "events")]
        )
        granted = await device.subscribe(
            [(f"devices/{b}/commands", 1), (f"devices/{b}/config", 1), ("devices/+/commands", 1)]
        )
        assert all(_code(code) >= 0x80 for code in granted), granted  # 0x80: refused
        assert _code((await device.subscribe(f"devices/{a}/commands", qos=1))[0]) == 1
        await device.publish(f"devices/{b}/telemetry", b'{"co2": 9999}', qos=1)  # spoofing B
        await device.publish(f"devices/{b}/events", b'{"id": "x", "ok": true}', qos=1)
        await device.publish(f"devices/{a}/telemetry", b'{"co2": 500}', qos=1)  # its own
        async with asyncio.timeout(10):
            async for message in observer.messages:
                seen.append(message.topic.value)
                if message.topic.value == f"devices/{a}/telemetry":
                    break
    assert seen == [f"devices/{a}/telemetry"]  # B's topics got nothing from A


def _code(granted: int | ReasonCode) -> int:
    return granted if isinstance(granted, int) else granted.value


def processor_login(broker: SecureBroker) -> aiomqtt.Client:
    """A client logged in with the processor's account (it reads every device's reports)."""
    parts = urlsplit(broker.settings.mqtt_url)
    return aiomqtt.Client(
        "127.0.0.1",
        broker.port,
        username=parts.username,
        password=parts.password,
        identifier=f"{broker.settings.mqtt_client_id}-observer",
        timeout=5,
    )


async def _held(connection: aiomqtt.Client, lost: asyncio.Event) -> None:
    """Stay connected (subscribed to nothing, so nothing comes) until the broker drops us."""
    try:
        async with connection:
            async for message in connection.messages:
                raise AssertionError(f"nothing was subscribed, yet {message.topic} came")
    except aiomqtt.MqttError:
        lost.set()


async def test_a_removed_device_is_dropped_at_once_and_cannot_log_in_again(
    broker: SecureBroker, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = unique_uid("co2_")
    password = added(broker, uid)
    lost = asyncio.Event()
    holder = asyncio.create_task(_held(client(broker, uid, password), lost))
    await eventually(lambda: f"as {uid} " in broker.log)  # connected
    done = await asyncio.to_thread(dozor_cli, broker.settings, "device", "remove", uid)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "removed with its data and broker account" in done.stdout
    await asyncio.wait_for(lost.wait(), 5)  # its connection is dropped within 5 s
    await holder
    assert await refused(client(broker, uid, password))


async def test_a_rotated_password_replaces_the_old_one(
    broker: SecureBroker, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = unique_uid("co2_")
    old = added(broker, uid)
    done = await asyncio.to_thread(
        dozor_cli, broker.settings, "device", "credentials", uid, "--rotate"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = re.search(r"password:\s+(\S+)", done.stdout)
    assert found is not None and found.group(1) != old
    assert await refused(client(broker, uid, old))
    assert await logs_in(client(broker, uid, found.group(1)))


async def test_tls_works_with_the_generated_ca_and_fails_without(
    broker: SecureBroker, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = unique_uid("co2_")
    password = added(broker, uid)

    def over_tls(context: ssl.SSLContext) -> aiomqtt.Client:
        return aiomqtt.Client(
            "localhost",
            broker.tls_port,
            username=uid,
            password=password,
            identifier=uid,
            tls_context=context,
            timeout=5,
        )

    async with over_tls(ssl.create_default_context(cafile=broker.ca_file)) as secure:
        await secure.publish(f"devices/{uid}/telemetry", b'{"co2": 600}', qos=1)
    with pytest.raises(ssl.SSLCertVerificationError):  # the system's CAs only
        await asyncio.open_connection(
            "localhost", broker.tls_port, ssl=ssl.create_default_context()
        )


@pytest.mark.parametrize("slots", [1, 2], ids=["one-slot", "shared"])
async def test_the_processor_and_the_simulator_work_with_their_accounts(
    broker: SecureBroker, sessions: async_sessionmaker[AsyncSession], slots: int
) -> None:
    """The simulator logs in as its device (password on standard input, over TLS with the
    generated CA); the processor, with its own account, stores what it sends — also through
    a shared subscription (the broker checks the `$share/…` name against the account)."""
    uid = unique_uid("co2_")
    password = added(broker, uid)
    device_id = (await device_row_by_uid(sessions, uid)).id
    async with processor_running(broker.settings.model_copy(update={"processor_slots": slots})):
        simulator = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "cli.main", "simulate", "--uid", uid, "--interval", "0.2",
            "--count", "3", "--broker", f"mqtts://localhost:{broker.tls_port}",
            "--password-stdin",
            cwd=ROOT, env={**cli_env(broker.settings)}, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await asyncio.wait_for(simulator.communicate(f"{password}\n".encode()), 30)
        assert simulator.returncode == 0, err.decode()
        await eventually(lambda: _count(sessions, device_id, 3), timeout=15)
    assert (await device_row_by_uid(sessions, uid)).last_seen_at is not None


async def _count(sessions: async_sessionmaker[AsyncSession], device_id: int, count: int) -> bool:
    return await rollup_count(sessions, device_id, "co2") >= count


async def device_row_by_uid(sessions: async_sessionmaker[AsyncSession], uid: str) -> Device:
    async with sessions() as session:
        device = await DeviceRepository(session).get_by_uid(uid)
    assert device is not None
    return device


async def test_a_shelly_answers_on_its_own_topic_and_cannot_answer_for_another(
    broker: SecureBroker, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    """Shelly A with its account answers the processor's Shelly.GetStatus (its relays are
    known); Shelly B's forged answer on A's topic never reaches the processor."""
    a = f"shellypro3-{uuid.uuid4().hex[:12]}"
    b = f"shellypro3-{uuid.uuid4().hex[:12]}"
    password_a, password_b = added(broker, a, "shelly_pro3"), added(broker, b, "shelly_pro3")
    device_id = (await device_row_by_uid(sessions, a)).id
    host = f"127.0.0.1:{broker.port}"
    shelly = ShellyEmulator(a, "pro3", f"mqtt://{a}:{password_a}@{host}")
    shelly.components["switch:2"]["output"] = True
    answer_topic = f"{broker.settings.mqtt_client_id}/{a}/rpc"
    try:
        async with processor_login(broker) as observer, client(broker, b, password_b) as forger:
            await observer.subscribe(answer_topic, qos=1)
            await forger.publish(answer_topic, b'{"id": 1, "src": "' + a.encode() + b'"}', qos=1)
            await forger.publish(f"{a}/online", b"false", qos=1)  # nor speak for it
            async with processor_running(broker.settings):
                await shelly.start_mqtt()

                async def outputs() -> dict[str, float]:
                    values = (
                        await LiveStateStore(redis, RedisKeys(broker.settings.redis_prefix)).read(
                            device_id
                        )
                    ).values
                    return {k: v for k, v in values.items() if k.endswith("_output")}

                known = await eventually(outputs, timeout=15)
                assert known["switch2_output"] == 1.0
            async with asyncio.timeout(10):
                async for message in observer.messages:  # the first that came is A's own
                    assert isinstance(message.payload, bytes)
                    assert b'"result"' in message.payload
                    break
    finally:
        await shelly.close()


async def test_removing_a_device_in_the_bot_deletes_its_account_through_the_processor(
    broker: SecureBroker, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    """🗑 Remove device hands the processor a "forget" entry; the processor deletes the
    account, and the device's connection drops within 5 s."""
    uid = unique_uid("co2_")
    password = added(broker, uid)
    device_id = (await device_row_by_uid(sessions, uid)).id
    lost = asyncio.Event()
    holder = asyncio.create_task(_held(client(broker, uid, password), lost))
    await eventually(lambda: f"as {uid} " in broker.log)
    async with processor_running(broker.settings):
        bus = CommandBus(redis, RedisKeys(broker.settings.redis_prefix))
        await bus.submit(StreamEntry("forget", device_id, uid))
        await asyncio.wait_for(lost.wait(), 5)
    await holder
    assert await refused(client(broker, uid, password))
