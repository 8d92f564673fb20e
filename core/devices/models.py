"""The device_types, devices and device_configs tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class DeviceType(Base):
    """A kind of device: which metric matters most and how often it reports by default."""

    __tablename__ = "device_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(64))
    primary_metric: Mapped[str | None] = mapped_column(String(32))
    report_interval: Mapped[int] = mapped_column(Integer, default=30)


class Device(Base):
    """A device; `uid` is what it calls itself on MQTT."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("device_types.code"))
    name: Mapped[str] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(64))
    firmware_version: Mapped[str | None] = mapped_column(String(32))
    # A newer firmware the device itself says it can install (a Shelly's stable channel).
    available_firmware: Mapped[str | None] = mapped_column(String(32))
    last_ip: Mapped[str | None] = mapped_column(String(64))
    last_seen_at: Mapped[datetime | None]
    is_online: Mapped[bool] = mapped_column(default=False)
    online_changed_at: Mapped[datetime | None]
    # The time of the newest reading the alert rules have seen (older ones, delivered late
    # to another processor instance, are stored but not evaluated).
    rules_at: Mapped[datetime | None]
    claim_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    claim_code_expires_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # What the platform knows of the device beyond MQTT: a Shelly's HTTP host, channel names.
    attributes: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )


class DeviceConfig(Base):
    """The configuration pushed to a device, with its version."""

    __tablename__ = "device_configs"

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    applied_version: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
