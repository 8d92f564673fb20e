"""A panel code belongs to the person who gave it, not to whoever owns the panel."""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.access.attempts import AttemptLimiter
from core.access.policy import Role
from core.access.repository import MembershipRepository
from core.devices.models import Device
from core.devices.service import claim, provision
from core.panels.profile import SATEL
from core.panels.repository import PanelCodeRepository
from core.secrets import SecretBox
from core.settings import Settings
from core.users.repository import UserRepository
from tests.conftest import unique_uid

FIRST, NEXT = 9301, 9302


async def test_the_code_given_at_panel_add_is_the_claimers_and_stays_theirs(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings
) -> None:
    """After a transfer the new owner armed with the previous owner's personal code."""
    token = SecretBox(settings.secret_keys).encrypt("1234")
    async with sessions() as session:
        for user in (FIRST, NEXT):
            await UserRepository(session).upsert(
                user, first_name="P", last_name=None, username=None, language="en"
            )
        await session.commit()
        created = await provision(
            session,
            unique_uid("satel-"),
            SATEL,
            attributes={"host": "10.0.0.9", "owner_code": token},
        )
        device_id = created.device.id
        limiter = AttemptLimiter(redis, f"{settings.redis_prefix}:claim")
        await claim(session, limiter, FIRST, created.claim_code)
    async with sessions() as session:
        codes = PanelCodeRepository(session)
        assert await codes.get(FIRST, device_id) == token  # the claimer's own now
        device = await session.get(Device, device_id)
        assert device is not None and "owner_code" not in device.attributes
        members = MembershipRepository(session)
        await members.set_role(FIRST, device_id, Role.ADMIN)  # hands the panel over
        members.add(NEXT, device_id, Role.OWNER)
        await session.commit()
    async with sessions() as session:
        codes = PanelCodeRepository(session)
        assert await codes.get(NEXT, device_id) is None  # the new owner has no code of theirs
        assert await codes.get(FIRST, device_id) == token  # the first keeps theirs
