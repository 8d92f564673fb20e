"""Firmware images (and their bytes), rollouts, each device's update in a rollout, and the
updates Shelly devices install from their maker's stable channel.

The bytes of an image live in PostgreSQL (`firmware_blobs`, a `bytea` stored uncompressed
out of line, so that a range of it is read without the rest): every processor instance on
any machine serves it without a shared volume, a backup of the database holds it, and adding
or removing one is a transaction. Images are a few megabytes; a fleet has a handful.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class FirmwareImage(Base):
    """A firmware image of one device kind and version."""

    __tablename__ = "firmware_images"
    __table_args__ = (Index("uq_firmware_images_kind_version", "kind", "version", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(ForeignKey("device_types.code"))
    version: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[int | None] = mapped_column(BigInteger)  # a Telegram user; None: the CLI
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class FirmwareBlob(Base):
    """The bytes of an image, apart from it (listing images never reads megabytes)."""

    __tablename__ = "firmware_blobs"

    image_id: Mapped[int] = mapped_column(
        ForeignKey("firmware_images.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)


class FirmwareRollout(Base):
    """An image rolled out to devices: a canary first, then waves at a pace."""

    __tablename__ = "firmware_rollouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The image, while it exists (a finished rollout keeps its kind and version).
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("firmware_images.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))  # running | paused | halted | done
    canary: Mapped[int]  # devices updated first, alone
    pace: Mapped[int]  # devices sent the update per minute after the canary
    failure_limit: Mapped[int]  # percent of failed devices that halts the rollout
    halt_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    waves_at: Mapped[datetime | None]  # when the canary was through
    finished_at: Mapped[datetime | None]
    # The rollout card, edited in place as the rollout goes.
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)


class FirmwareUpdate(Base):
    """One device's update in a rollout, and where it is."""

    __tablename__ = "firmware_updates"
    __table_args__ = (
        Index("uq_firmware_updates_rollout_device", "rollout_id", "device_id", unique=True),
        Index("ix_firmware_updates_device", "device_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rollout_id: Mapped[int] = mapped_column(ForeignKey("firmware_rollouts.id", ondelete="CASCADE"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    canary: Mapped[bool] = mapped_column(default=False)
    # queued | sent | downloading | verifying | rebooting | done | failed | rolled_back |
    # timed_out
    state: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    from_version: Mapped[str | None] = mapped_column(String(32))
    # sha256 of the download token in the URL the device was sent (the token itself is not
    # kept), and until when it opens the image.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    not_before: Mapped[datetime | None]  # an owner's "tonight"
    attempts: Mapped[int] = mapped_column(default=0)
    state_at: Mapped[datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Bumped by every change: the rollouts' step reads without locking (a device's report is
    # never kept waiting behind it, nor the ingest behind the report), and a change made
    # meanwhile by a report makes the step's own write fail and the step run again.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy's mapping


class ShellyUpdate(Base):
    """An update a Shelly was told to install from its maker (`Shelly.Update`, stable)."""

    __tablename__ = "shelly_updates"
    __table_args__ = (
        Index("ix_shelly_updates_device", "device_id"),
        Index(
            "uq_shelly_updates_under_way",
            "device_id",
            unique=True,
            postgresql_where=text("finished_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(32))  # what the device offered
    from_version: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))  # sent | downloading | rebooting | done |
    # failed | timed_out
    progress: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    started_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    state_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
