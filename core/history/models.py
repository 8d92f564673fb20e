"""The per-minute rollups table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class MinuteRollup(Base):
    """Count, min, max, sum and last value of one metric of one device in one minute."""

    __tablename__ = "rollups_minute"

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    minute: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int]
    min: Mapped[float]
    max: Mapped[float]
    sum: Mapped[float]
    last: Mapped[float]
    last_at: Mapped[datetime]
