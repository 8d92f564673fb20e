"""Broadcasts: a message to many people, delivered in an outbox lane below alerts.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 21:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft", sa.String(32), nullable=False, unique=True),
        sa.Column(
            "author_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="SET NULL")
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("photo", sa.String(256)),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("audience_value", sa.String(32)),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("card_chat_id", sa.BigInteger()),
        sa.Column("card_message_id", sa.BigInteger()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.add_column(
        "outbox", sa.Column("lane", sa.SmallInteger(), server_default="0", nullable=False)
    )
    op.add_column(
        "outbox",
        sa.Column(
            "broadcast_id", sa.Integer(), sa.ForeignKey("broadcasts.id", ondelete="CASCADE")
        ),
    )
    op.create_index("ix_outbox_broadcast_id", "outbox", ["broadcast_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_broadcast_id", "outbox")
    op.drop_column("outbox", "broadcast_id")
    op.drop_column("outbox", "lane")
    op.drop_table("broadcasts")
