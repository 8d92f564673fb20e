"""The rollup tables: per minute (kept 7 days), per hour (2 years), energy per day; and the
identities of the readings counted lately (so a message sent again is not counted twice)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
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


class ReadingKey(Base):
    """The identity of a reading stamped by its device's clock, kept for a day.

    `key` is 64 bits of a hash of the message (topic and payload): a message sent again (by the
    broker after a crash, or by the device itself) is byte for byte the same, and two different
    readings of one device differ at least in their time. No foreign key: the insert is on the
    ingest's hot path, and a removed device's keys age out."""

    __tablename__ = "reading_keys"
    __table_args__ = (Index("ix_reading_keys_seen_at", "seen_at"),)

    device_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seen_at: Mapped[datetime]


class IngestSlot(Base):
    """An ingest slot's MQTT session that the broker keeps (processor/lease.py): known so
    that a slot no longer configured is ended, not left holding its share of the telemetry
    (the broker goes on dealing messages to a shared subscription whose client is away)."""

    __tablename__ = "ingest_slots"

    client_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    deployment: Mapped[str] = mapped_column(String(128))  # MQTT_CLIENT_ID
    slot: Mapped[int]
    taken_at: Mapped[datetime]


class MqttReceipt(Base):
    """Which message the ingest committed under each packet id of its MQTT session.

    The broker sends a message it had no acknowledgement for again, after a reconnect, with the
    same packet id and DUP set; a reading without a time of its own is recognised by that: the
    packet id holds the same message (`key`, a hash of topic and payload). A packet id is
    reused only after its acknowledgement, so the table holds at most 65,535 rows a client."""

    __tablename__ = "mqtt_receipts"

    client_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    packet_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    key: Mapped[int] = mapped_column(BigInteger)
