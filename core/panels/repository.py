"""All SQL for panel_codes, panel_events and panel_fences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.access.models import Membership
from core.db import delete_some
from core.devices.models import Device
from core.panels.models import PanelCode, PanelEvent, PanelFence


class PanelCodeRepository:
    """Members' stored panel codes (encrypted tokens only)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int, device_id: int) -> str | None:
        """The user's code token for a panel, if stored."""
        return await self._session.scalar(
            select(PanelCode.code_token).where(
                PanelCode.user_id == user_id, PanelCode.device_id == device_id
            )
        )

    async def put(self, user_id: int, device_id: int, token: str) -> None:
        """Store or replace the user's code token."""
        statement = insert(PanelCode).values(user_id=user_id, device_id=device_id, code_token=token)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id", "device_id"], set_={"code_token": token}
            )
        )

    async def hand_over_given_code(self, device: Device, owner_id: int) -> bool:
        """The code given for the owner at `panel add|set --code` becomes the owner's own
        stored code (a code belongs to a person: it does not pass to the next owner with the
        device); return whether there was one."""
        attributes = dict(device.attributes or {})
        token = attributes.pop("owner_code", None)
        if not isinstance(token, str) or not token:
            return False
        await self.put(owner_id, device.id, token)
        device.attributes = attributes
        return True

    async def hand_over_to_owner(self, device: Device) -> bool:
        """`hand_over_given_code` to the device's owner, if it has one yet."""
        owner = await self._session.scalar(
            select(Membership.user_id).where(
                Membership.device_id == device.id, Membership.role == "owner"
            )
        )
        return owner is not None and await self.hand_over_given_code(device, owner)

    async def all_locked(self) -> Sequence[PanelCode]:
        """Every stored code, locked for this transaction (re-encrypting them)."""
        query = select(PanelCode).order_by(PanelCode.device_id, PanelCode.user_id)
        return (await self._session.scalars(query.with_for_update())).all()

    async def remove(self, user_id: int, device_id: int) -> bool:
        """Forget the user's code; return whether there was one."""
        result = await self._session.execute(
            delete(PanelCode).where(PanelCode.user_id == user_id, PanelCode.device_id == device_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


LOG_KIND = "log"  # a record of the panel's own event log (`8C`)


class PanelEventRepository:
    """The panel event history and the fence of its writers."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def fence_tokens(self, device_ids: Sequence[int]) -> dict[int, int]:
        """The highest lease token that wrote for each of these panels."""
        if not device_ids:
            return {}
        rows = await self._session.execute(
            select(PanelFence.device_id, PanelFence.token).where(
                PanelFence.device_id.in_(list(device_ids))
            )
        )
        return {device_id: int(token) for device_id, token in rows.all()}

    async def fence(self, device_id: int, token: int) -> bool:
        """Admit a writer holding lease `token` unless a newer token has written already."""
        statement = insert(PanelFence).values(device_id=device_id, token=token)
        statement = statement.on_conflict_do_update(
            index_elements=["device_id"],
            set_={"token": statement.excluded.token},
            where=PanelFence.token <= statement.excluded.token,
        )
        result = await self._session.execute(statement.returning(PanelFence.token))
        return result.scalar_one_or_none() is not None

    def add(self, events: Sequence[PanelEvent]) -> None:
        """Stage events in the caller's transaction."""
        self._session.add_all(events)

    async def recent(self, device_id: int, limit: int = 10) -> Sequence[PanelEvent]:
        """A panel's latest events, newest first."""
        query = (
            select(PanelEvent)
            .where(PanelEvent.device_id == device_id)
            .order_by(PanelEvent.at.desc(), PanelEvent.id.desc())
            .limit(limit)
        )
        return (await self._session.scalars(query)).all()

    async def log_page(
        self, device_id: int, limit: int, offset: int = 0
    ) -> tuple[Sequence[PanelEvent], int]:
        """A page of the panel's own event log (newest first), and how many records there are."""
        where = (PanelEvent.device_id == device_id, PanelEvent.kind == LOG_KIND)
        query = (
            select(PanelEvent)
            .where(*where)
            .order_by(PanelEvent.at.desc(), PanelEvent.id.desc())
            .offset(offset)
            .limit(limit)
        )
        total = await self._session.scalar(
            select(func.count()).select_from(PanelEvent).where(*where)
        )
        return (await self._session.scalars(query)).all(), int(total or 0)

    async def last_log_index(self, device_id: int) -> int | None:
        """The panel's index of the newest log record kept (None: none kept yet)."""
        query = (
            select(PanelEvent.detail)
            .where(PanelEvent.device_id == device_id, PanelEvent.kind == LOG_KIND)
            .order_by(PanelEvent.id.desc())
            .limit(1)
        )
        detail = await self._session.scalar(query)
        index = (detail or {}).get("index")
        return index if isinstance(index, int) else None

    async def since(self, device_id: int, at: datetime) -> Sequence[PanelEvent]:
        """A panel's events from `at` on, oldest first."""
        query = (
            select(PanelEvent)
            .where(PanelEvent.device_id == device_id, PanelEvent.at >= at)
            .order_by(PanelEvent.id)
        )
        return (await self._session.scalars(query)).all()

    async def prune(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` events older than `before` (retention)."""
        return await delete_some(self._session, PanelEvent, PanelEvent.at < before, limit)
