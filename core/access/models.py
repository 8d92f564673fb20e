"""The memberships table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class Membership(Base):
    """A user's role on a device and whether they want its alerts."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "device_id"),
        CheckConstraint("role IN ('owner', 'admin', 'viewer')", name="role"),
        # At most one owner per device (migration 0008).
        Index(
            "memberships_one_owner",
            "device_id",
            unique=True,
            postgresql_where=text("role = 'owner'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    notifications: Mapped[bool] = mapped_column(default=True)
    muted_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
