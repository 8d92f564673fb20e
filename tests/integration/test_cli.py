"""`dozor device add` and `dozor device list` as an operator uses them."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import signal
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.access.attempts import AttemptLimiter
from core.devices import claim_codes
from core.devices.models import Device, DeviceConfig
from core.devices.service import ClaimCodeWrongError, claim
from core.firmware.models import FirmwareBlob, FirmwareRollout
from core.firmware.service import set_state
from core.panels.repository import PanelCodeRepository
from core.secrets import SecretBox
from core.settings import Settings
from core.users.repository import UserRepository
from tests.conftest import forget_mqtt_session, unique_uid


def dozor(
    settings: Settings, *args: str, secret_keys: str = "", stdin: str = "", pepper: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": settings.database_url,
        "SECRET_KEYS": secret_keys,
        "CODE_PEPPER": pepper,
    }
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_device_add_prints_a_one_time_code_stored_only_hashed(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = unique_uid("co2_")
    result = dozor(
        settings,
        "device",
        "add",
        uid,
        "--type",
        "co2",
        "--name",
        "Bedroom",
        "--location",
        "Home",
        "--ttl",
        "2",
    )
    assert result.returncode == 0, result.stderr
    code = re.search(r"Claim code: (\S+)", result.stdout)
    assert code is not None
    assert (
        f"devices/{uid}/telemetry" in result.stdout and "127.0.0.1:1883 (no TLS)" in result.stdout
    )
    assert "login:     none" in result.stdout  # this broker's accounts are not Dozor's to manage
    async with sessions() as session:
        device = await session.scalar(select(Device).where(Device.uid == uid))
        assert device is not None
        config = await session.get(DeviceConfig, device.id)
    assert (device.name, device.location, device.type_code) == ("Bedroom", "Home", "co2")
    canonical = claim_codes.normalize(code.group(1))
    assert canonical is not None
    assert device.claim_code_hash == claim_codes.hash_code(canonical)
    assert canonical not in (device.claim_code_hash or "")
    assert device.claim_code_expires_at is not None
    remaining = device.claim_code_expires_at - clock.now()
    assert timedelta(days=1, hours=23) < remaining <= timedelta(days=2)
    assert config is not None and config.config["report_interval"] == 30

    listing = dozor(settings, "device", "list")
    assert listing.returncode == 0
    assert uid in listing.stdout and "Bedroom" in listing.stdout and "never" in listing.stdout


async def test_device_add_registers_a_shelly_with_its_http_host_and_channel_names(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = f"shellypro3-{uuid.uuid4().hex[:12]}"
    result = dozor(
        settings,
        *("device", "add", uid, "--type", "shelly_pro3", "--http-host", "10.0.0.5"),
        *("--channel-names", "Pump, Heater,Light"),
    )
    assert result.returncode == 0, result.stderr
    assert f"topic prefix and client id {uid}" in result.stdout and "devices/" not in result.stdout
    async with sessions() as session:
        device = await session.scalar(select(Device).where(Device.uid == uid))
    assert device is not None and device.type_code == "shelly_pro3"
    assert device.attributes == {
        "http_host": "10.0.0.5",
        "channel_names": ["Pump", "Heater", "Light"],
    }


async def test_device_add_refuses_duplicates_bad_types_and_bad_uids(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = unique_uid()
    assert dozor(settings, "device", "add", uid, "--type", "co2").returncode == 0
    again = dozor(settings, "device", "add", uid, "--type", "co2")
    assert again.returncode == 2 and "exists already" in again.stdout
    wrong = dozor(settings, "device", "add", unique_uid(), "--type", "toaster")
    assert (
        wrong.returncode == 2
        and "known types: co2, dust, multi, satel_integra, shelly_pro3, shelly_pro3em, temp"
        in wrong.stdout
    )
    bad = dozor(settings, "device", "add", "bad uid/with slash", "--type", "co2")
    assert bad.returncode == 2 and "not a valid uid" in bad.stdout
    for result in (again, wrong, bad):
        assert "Traceback" not in result.stdout + result.stderr


async def test_expired_code_is_refused(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], redis: object
) -> None:
    from core.access.attempts import AttemptLimiter
    from core.devices.service import ClaimCodeExpiredError, claim, provision

    async with sessions() as session:
        provisioned = await provision(session, unique_uid(), "co2", ttl=timedelta(seconds=-1))
    limiter = AttemptLimiter(redis, f"{settings.redis_prefix}:claim")  # type: ignore[arg-type]
    async with sessions() as session:
        with pytest.raises(ClaimCodeExpiredError):
            await claim(session, limiter, 42, provisioned.claim_code)


async def test_without_a_bot_token_the_processor_runs_and_says_how_to_get_one(
    settings: Settings,
) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": settings.database_url,
        "REDIS_PREFIX": settings.redis_prefix,
        "MQTT_CLIENT_ID": settings.mqtt_client_id,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.main",
        "run",
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    lines: list[str] = []
    try:
        while not any("processor running" in line for line in lines):
            lines.append((await asyncio.wait_for(process.stderr.readline(), 30)).decode())
        process.send_signal(signal.SIGTERM)
        rest = (await asyncio.wait_for(process.stderr.read(), 30)).decode()
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await forget_mqtt_session(settings.mqtt_client_id)
    assert lines[0].startswith("BOT_TOKEN is not set: running the processor only.")
    assert "@BotFather" in lines[0]
    assert "Traceback" not in "".join(lines) + rest


async def test_device_set_changes_a_shelly_and_stores_its_password_encrypted(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = f"shellypro3-{uuid.uuid4().hex[:12]}"
    meter = f"shellypro3em-{uuid.uuid4().hex[:12]}"
    assert dozor(settings, "device", "add", uid, "--type", "shelly_pro3").returncode == 0
    # A password needs SECRET_KEYS; without them nothing is stored.
    refused = dozor(settings, "device", "set", uid, "--http-password", stdin="pw\n")
    assert refused.returncode == 2 and "SECRET_KEYS must be set" in refused.stdout
    key = settings.secret_keys[0].get_secret_value()
    result = dozor(
        settings,
        *("device", "set", uid, "--http-host", "10.0.0.7", "--http-password"),
        *("--critical", "1", "--link", f"0={meter}:a", "--channel-names", "Pump,Heater"),
        secret_keys=key,
        stdin="s3cret\n",  # never on the command line
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "s3cret" not in result.stdout and "(encrypted)" in result.stdout
    async with sessions() as session:
        device = await session.scalar(select(Device).where(Device.uid == uid))
    assert device is not None
    token = device.attributes.pop("http_password")
    assert "s3cret" not in token and SecretBox(settings.secret_keys).decrypt(token) == "s3cret"
    assert device.attributes == {
        "http_host": "10.0.0.7",
        "channel_names": ["Pump", "Heater"],
        "critical_channels": [1],
        "links": {"0": {"meter": meter, "phase": "a"}},
    }
    wrong = dozor(settings, "device", "set", uid, "--link", "0=meter")
    assert wrong.returncode == 2 and "--link takes CHANNEL=<3em-uid>:<a|b|c>" in wrong.stdout
    bad = dozor(settings, "device", "set", uid, "--critical", "one")
    assert bad.returncode == 2 and "channels are numbers from 0" in bad.stdout
    missing = dozor(settings, "device", "set", "nobody", "--critical", "0")
    assert missing.returncode == 2 and "no device with uid" in missing.stdout


async def test_panel_add_and_set_keep_the_integration_key_encrypted(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    uid = f"satel-{uuid.uuid4().hex[:8]}"
    key = settings.secret_keys[0].get_secret_value()
    added = dozor(
        settings,
        *("panel", "add", "Office", "--host", "10.0.0.20", "--uid", uid, "--key"),
        secret_keys=key,
        stdin="Klucz-2024\n",
    )
    assert added.returncode == 0, added.stdout + added.stderr
    assert "encrypted integration" in added.stdout and "Klucz-2024" not in added.stdout

    async def stored() -> dict[str, object]:
        async with sessions() as session:
            device = await session.scalar(select(Device).where(Device.uid == uid))
        assert device is not None
        return dict(device.attributes)

    token = (await stored())["integration_key"]
    assert isinstance(token, str) and "Klucz" not in token
    assert SecretBox(settings.secret_keys).decrypt(token) == "Klucz-2024"
    too_long = dozor(settings, "panel", "set", uid, "--key", secret_keys=key, stdin="x" * 13)
    assert too_long.returncode == 2 and "1 to 12 characters" in too_long.stdout
    # A secret on the command line (it would end up in `ps` and the shell's history) is refused.
    typed = dozor(settings, "panel", "set", uid, "--key", "Klucz-2024", secret_keys=key)
    assert typed.returncode == 2 and "unrecognized arguments: Klucz-2024" in typed.stderr
    both = dozor(
        settings, "panel", "set", uid, "--code", "--key", secret_keys=key, stdin="1234\nK2\n"
    )
    assert both.returncode == 0, both.stdout + both.stderr
    sealed = await stored()
    box = SecretBox(settings.secret_keys)
    assert box.decrypt(str(sealed["owner_code"])) == "1234"
    assert box.decrypt(str(sealed["integration_key"])) == "K2"
    plain = dozor(settings, "panel", "set", uid, "--no-key", secret_keys=key)
    assert plain.returncode == 0 and "integration_key" not in await stored()


async def test_secrets_rotate_re_encrypts_everything_with_the_newest_key(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """An old key can be retired: after `secrets rotate` the new key alone reads every stored
    secret (a Shelly's password, a panel's integration key and code, a member's code)."""
    old, new = settings.secret_keys[0].get_secret_value(), Fernet.generate_key().decode()
    uid = f"shellypro3-{uuid.uuid4().hex[:12]}"
    panel = f"satel-{uuid.uuid4().hex[:8]}"
    assert dozor(settings, "device", "add", uid, "--type", "shelly_pro3").returncode == 0
    done = dozor(settings, "device", "set", uid, "--http-password", secret_keys=old, stdin="pw\n")
    assert done.returncode == 0, done.stdout
    added = dozor(
        settings,
        *("panel", "add", "Office", "--host", "10.0.0.20", "--uid", panel, "--code", "--key"),
        secret_keys=old,
        stdin="1234\nKlucz\n",
    )
    assert added.returncode == 0, added.stdout
    async with sessions() as session:
        office = await session.scalar(select(Device).where(Device.uid == panel))
        assert office is not None
        await UserRepository(session).upsert(
            9401, first_name="Vera", last_name=None, username=None, language="en"
        )
        await PanelCodeRepository(session).put(
            9401, office.id, SecretBox(settings.secret_keys).encrypt("5678")
        )
        await session.commit()
    rotated = dozor(settings, "secrets", "rotate", secret_keys=f"{new},{old}")
    assert rotated.returncode == 0, rotated.stdout
    assert "4 secrets re-encrypted" in rotated.stdout
    only_new = SecretBox((SecretStr(new),))
    async with sessions() as session:
        shelly = await session.scalar(select(Device).where(Device.uid == uid))
        office = await session.scalar(select(Device).where(Device.uid == panel))
    assert shelly is not None and office is not None
    assert only_new.decrypt(shelly.attributes["http_password"]) == "pw"
    assert only_new.decrypt(office.attributes["owner_code"]) == "1234"
    assert only_new.decrypt(office.attributes["integration_key"]) == "Klucz"
    async with sessions() as session:
        member_code = await PanelCodeRepository(session).get(9401, office.id)
    assert member_code is not None and only_new.decrypt(member_code) == "5678"
    lost = dozor(settings, "secrets", "rotate", secret_keys=Fernet.generate_key().decode())
    assert lost.returncode == 1 and "4 could not be read" in lost.stdout


async def test_with_a_pepper_claim_codes_are_stored_keyed_and_still_claimed(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    """With CODE_PEPPER the stored hash is an HMAC: the database alone does not give the
    code away. The code claims the device where the pepper is known, not elsewhere."""
    uid = unique_uid("co2_")
    result = dozor(settings, "device", "add", uid, "--type", "co2", pepper="kept-apart")
    assert result.returncode == 0, result.stdout + result.stderr
    code = re.search(r"Claim code: (\S+)", result.stdout)
    assert code is not None
    canonical = claim_codes.normalize(code.group(1))
    assert canonical is not None
    async with sessions() as session:
        device = await session.scalar(select(Device).where(Device.uid == uid))
    assert device is not None and device.claim_code_hash != claim_codes.hash_code(canonical)
    limiter = AttemptLimiter(redis, f"{settings.redis_prefix}:claim")
    async with sessions() as session:
        await UserRepository(session).upsert(
            9402, first_name="O", last_name=None, username=None, language="en"
        )
        await session.commit()
        with pytest.raises(ClaimCodeWrongError):  # without the pepper: no such code
            await claim(session, limiter, 9402, code.group(1))
    async with sessions() as session:
        claimed = await claim(session, limiter, 9402, code.group(1), pepper=SecretStr("kept-apart"))
    assert claimed.uid == uid


async def test_firmware_images_are_added_listed_rolled_out_and_removed(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    image = tmp_path / "micropython.bin"
    data = os.urandom(30_000)
    image.write_bytes(data)
    added = dozor(settings, "firmware", "add", str(image), "--kind", "co2", "--version",
                  "2.0.2", "--notes", "Faster Wi-Fi")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert f"added co2 2.0.2: 30,000 bytes, sha256 {hashlib.sha256(data).hexdigest()}" in (
        added.stdout
    )
    again = dozor(settings, "firmware", "add", str(image), "--kind", "co2", "--version", "2.0.2")
    assert again.returncode == 2 and "co2 2.0.2 is there already" in again.stdout
    relay = dozor(
        settings, "firmware", "add", str(image), "--kind", "shelly_pro3", "--version", "1"
    )
    assert relay.returncode == 2 and "take no firmware updates" in relay.stdout
    bad = dozor(settings, "firmware", "add", str(image), "--kind", "co2", "--version", "2 beta")
    assert bad.returncode == 2 and "is not a version" in bad.stdout

    nothing = dozor(settings, "firmware", "rollout", "co2", "2.0.2")
    assert nothing.returncode == 2 and "no co2 device to update" in nothing.stdout
    uid = unique_uid("co2_")
    assert dozor(settings, "device", "add", uid, "--type", "co2").returncode == 0
    started = dozor(settings, "firmware", "rollout", "co2", "2.0.2", "--devices", uid)
    assert started.returncode == 0 and "rollout 1 started" in started.stdout
    listed = dozor(settings, "firmware", "list")
    assert "co2          2.0.2" in listed.stdout and "Faster Wi-Fi" in listed.stdout
    assert "rollout 1: co2 2.0.2 running: 1 queued" in listed.stdout
    busy = dozor(settings, "firmware", "remove", "co2", "2.0.2")
    assert busy.returncode == 2 and "halt it first" in busy.stdout
    async with sessions() as session, session.begin():
        await set_state(session, 1, "halted", clock.now())
    removed = dozor(settings, "firmware", "remove", "co2", "2.0.2")
    assert removed.returncode == 0, removed.stdout
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FirmwareBlob)) == 0
        rollout = await session.get(FirmwareRollout, 1)
        assert rollout is not None and rollout.image_id is None and rollout.version == "2.0.2"
