"""The rollup tables: per minute (kept 7 days), per hour (2 years), energy per day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class _Figures:
    """What a rollup knows of the readings in its bucket."""

    count: Mapped[int]
    min: Mapped[float]
    max: Mapped[float]
    sum: Mapped[float]
    last: Mapped[float]
    last_at: Mapped[datetime]


class MinuteRollup(_Figures, Base):
    """Count, min, max, sum and last value of one metric of one device in one minute."""

    __tablename__ = "rollups_minute"
    __table_args__ = (Index("ix_rollups_minute_minute", "minute"),)

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    minute: Mapped[datetime] = mapped_column(primary_key=True)


class HourRollup(_Figures, Base):
    """The same figures per hour, computed from the minute rollups; kept two years."""

    __tablename__ = "rollups_hour"
    __table_args__ = (Index("ix_rollups_hour_hour", "hour"),)

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)


class DailyEnergy(Base):
    """An energy meter's energy per day (in the platform's timezone `TZ`), per metric, in Wh."""

    __tablename__ = "energy_daily"

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    value: Mapped[float]


class JobMark(Base):
    """How far a periodic job got (e.g. the hour up to which rollups are compacted)."""

    __tablename__ = "job_marks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime]
