"""Ownership stays with one person, whatever runs at the same time."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.access.attempts import AttemptLimiter
from core.access.models import Membership
from core.commands.bus import CommandBus
from core.confirmations import Confirmations, Intent
from core.errors import DomainError
from core.live.store import LiveStateStore
from core.redis_keys import RedisKeys
from core.settings import Settings
from core.sharing.service import SharingService
from tests.conftest import unique_uid
from tests.integration.helpers import add_device, add_member

OWNER, FIRST, SECOND = 8001, 8002, 8003


async def _nothing() -> None:
    return None


async def test_two_concurrent_transfers_leave_one_owner(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings
) -> None:
    """The owner confirms a transfer to one admin and, at the same time, to another: both
    used to go through, leaving two owners."""
    keys = RedisKeys(settings.redis_prefix)
    sharing = SharingService(
        LiveStateStore(redis, keys),
        AttemptLimiter(redis, f"{settings.redis_prefix}:claim"),
        _nothing,
        CommandBus(redis, keys),
        Confirmations(redis, keys),
    )
    device_id = (await add_device(sessions, unique_uid())).device.id
    await add_member(sessions, OWNER, device_id, "owner")
    await add_member(sessions, FIRST, device_id, "admin")
    await add_member(sessions, SECOND, device_id, "admin")
    nonces = {}
    for member in (FIRST, SECOND):
        async with sessions() as session:
            nonces[member] = (
                await sharing.ask(session, OWNER, device_id, Intent.TRANSFER, member)
            )[2]

    async def transfer(member: int) -> object:
        async with sessions() as session:
            return await sharing.transfer(session, OWNER, device_id, member, nonces[member])

    outcomes = await asyncio.gather(*(transfer(m) for m in (FIRST, SECOND)), return_exceptions=True)
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], DomainError), outcomes
    async with sessions() as session:
        owners = await session.scalar(
            select(func.count()).where(
                Membership.device_id == device_id, Membership.role == "owner"
            )
        )
    assert owners == 1


async def test_the_database_refuses_a_second_owner(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    device_id = (await add_device(sessions, unique_uid())).device.id
    await add_member(sessions, OWNER, device_id, "owner")
    with pytest.raises(IntegrityError, match="memberships_one_owner"):
        await add_member(sessions, FIRST, device_id, "owner")
