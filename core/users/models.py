"""The users table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, SmallInteger, String, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class User(Base):
    """A person known to the bot; the primary key is their Telegram id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Quiet hours as local hours [start, end); None means off. Critical alerts ignore them.
    quiet_start: Mapped[int | None] = mapped_column(SmallInteger)
    quiet_end: Mapped[int | None] = mapped_column(SmallInteger)
    digest_hour: Mapped[int] = mapped_column(SmallInteger, server_default="8")
    selected_device_id: Mapped[int | None] = mapped_column(
        ForeignKey("devices.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_seen_at: Mapped[datetime | None]  # last used the bot (to a few minutes)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
