"""The alert_episodes table, and the thresholds waiting out their minimum duration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class AlertEpisode(Base):
    """A stretch of time during which something was wrong with a device."""

    __tablename__ = "alert_episodes"
    __table_args__ = (
        # At most one open episode per device, kind and metric: a restart cannot open a second.
        Index(
            "uq_alert_episodes_open",
            "device_id",
            "kind",
            "metric",
            unique=True,
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    metric: Mapped[str] = mapped_column(String(32), default="")
    severity: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None]
    threshold: Mapped[float | None]
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    close_value: Mapped[float | None]
    reminders_sent: Mapped[int] = mapped_column(server_default="0")
    acknowledged_by: Mapped[int | None] = mapped_column(BigInteger)
    acknowledged_at: Mapped[datetime | None]
    # what else the opening knew: a panel alarm's zones (`{"zones": [3, 5]}`)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class AlertWatch(Base):
    """A threshold passed and waiting out its rule's minimum duration ("for 10 min"): since
    when, and the value that passed it. Kept in PostgreSQL so that a processor restarted in
    the window opens the episode on time, not a whole duration after the next reading."""

    __tablename__ = "alert_watches"

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    pending_since: Mapped[datetime]
    value: Mapped[float]
