"""The broadcasts table: one row per message an admin sent to many people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class Broadcast(Base):
    """What was sent (Telegram HTML, and a photo's file id), to whom, and its progress card.
    Each recipient's copy is an outbox row (`outbox.broadcast_id`) in the broadcast lane."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft: Mapped[str] = mapped_column(String(32), unique=True)  # a second "send" adds nothing
    author_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[str | None] = mapped_column(String(256))  # Telegram file id
    audience: Mapped[str] = mapped_column(String(16))  # everyone, kind, language
    audience_value: Mapped[str | None] = mapped_column(String(32))
    total: Mapped[int] = mapped_column(default=0)
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
