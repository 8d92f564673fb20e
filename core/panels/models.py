"""The panel_codes, panel_events and panel_fences tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, SmallInteger, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class PanelCode(Base):
    """A member's own panel code, Fernet-encrypted with SECRET_KEYS."""

    __tablename__ = "panel_codes"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    code_token: Mapped[str] = mapped_column(String(512))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class PanelEvent(Base):
    """Something that happened on a panel: armed, alarm, tamper, trouble, connection."""

    __tablename__ = "panel_events"
    __table_args__ = (Index("ix_panel_events_device_at", "device_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(SmallInteger, default=0)
    on: Mapped[bool]
    mode: Mapped[int | None] = mapped_column(SmallInteger)
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class PanelFence(Base):
    """The highest lease token that wrote for a panel: older holders are refused."""

    __tablename__ = "panel_fences"

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[int] = mapped_column(BigInteger)
