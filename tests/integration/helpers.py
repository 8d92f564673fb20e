"""Helpers of integration tests: provisioning and reading back what landed."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.access.models import Membership
from core.cancellation import cancel_and_wait
from core.devices.models import Device, DeviceConfig
from core.devices.service import Provisioned, provision
from core.history.models import MinuteRollup
from core.settings import Settings
from core.users.repository import UserRepository
from device_firmware.simulator.device import SimulatedDevice
from tests.conftest import eventually, forget_mqtt_session, publish

if TYPE_CHECKING:
    from processor.app import ProcessorOptions


async def add_device(
    sessions: async_sessionmaker[AsyncSession],
    uid: str,
    type_code: str = "co2",
    *,
    name: str | None = None,
    location: str | None = None,
) -> Provisioned:
    """Provision a device the way `dozor device add` does."""
    async with sessions() as session:
        return await provision(session, uid, type_code, name=name, location=location)


async def rollup_count(
    sessions: async_sessionmaker[AsyncSession], device_id: int, metric: str
) -> int:
    """How many readings of a metric the rollups hold for a device."""
    async with sessions() as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(MinuteRollup.count), 0)).where(
                MinuteRollup.device_id == device_id, MinuteRollup.metric == metric
            )
        )
        return int(total or 0)


async def device_row(sessions: async_sessionmaker[AsyncSession], device_id: int) -> Device:
    """Read a device row afresh."""
    async with sessions() as session:
        device = await session.get(Device, device_id)
        assert device is not None
        return device


async def set_config(
    sessions: async_sessionmaker[AsyncSession], device_id: int, **config: object
) -> None:
    """Merge keys into a device's config (the settings UI comes with a later issue)."""
    async with sessions() as session:
        row = await session.get(DeviceConfig, device_id)
        assert row is not None
        row.config = {**row.config, **config}
        row.version += 1
        await session.commit()


async def add_member(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    device_id: int,
    role: str,
    *,
    notifications: bool = True,
    name: str = "Member",
) -> None:
    """Make a user a member of a device (sharing comes with a later issue)."""
    async with sessions() as session:
        await UserRepository(session).upsert(
            user_id, first_name=name, last_name=None, username=None, language="en"
        )
        session.add(
            Membership(user_id=user_id, device_id=device_id, role=role, notifications=notifications)
        )
        await session.commit()


@contextlib.asynccontextmanager
async def simulator_running(
    uid: str, mqtt_url: str, device: SimulatedDevice | None = None
) -> AsyncIterator[SimulatedDevice]:
    """Run a simulated CO2 monitor (a new one, or `device` again) once it has reported, so it
    is connected and listening for its config and commands."""
    device = device or SimulatedDevice(uid, "co2", interval=60, mqtt_url=mqtt_url)
    sent = device.sent
    task = asyncio.create_task(device.run())
    try:
        await eventually(lambda: device.sent > sent)
        yield device
    finally:
        await cancel_and_wait(task)


@contextlib.asynccontextmanager
async def processor_running(
    settings: Settings,
    *,
    subscribed: bool = True,
    options: ProcessorOptions | None = None,
    forget: bool = True,
) -> AsyncIterator[None]:
    """Run a processor for a block of a test (for tests that prepare things while it is down);
    the block starts once it is subscribed (`subscribed=False`: at once, for a processor
    that cannot reach the broker). Its MQTT session is ended afterwards unless `forget` is
    False (a restart: the next processor takes up what the broker kept meanwhile)."""
    from processor.app import run_processor

    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_processor(settings, stop, ready, options))
    if subscribed:
        await asyncio.wait_for(ready.wait(), 15)  # what is published now arrives
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        if forget:
            await forget_mqtt_session(settings.mqtt_client_id)


async def forget_retained(uid: str) -> None:
    """Leave no retained status or config behind on the shared broker."""
    for kind in ("status", "config"):
        await publish(f"devices/{uid}/{kind}", b"", retain=True)


async def start_processor_process(settings: Settings) -> asyncio.subprocess.Process:
    """`dozor processor` as its own process (so that it can be killed for real).

    Its MQTT client id ends in "-killed": call `forget_mqtt_session` on it afterwards.
    """
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "REDIS_PREFIX": settings.redis_prefix,
        "MQTT_URL": settings.mqtt_url,
        "MQTT_CLIENT_ID": settings.mqtt_client_id + "-killed",
        "SECRET_KEYS": ",".join(k.get_secret_value() for k in settings.secret_keys),
        "SATEL_POLL_SECONDS": "0.2",
        "SATEL_LEASE_SECONDS": str(settings.satel_lease_seconds),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.main",
        "processor",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
