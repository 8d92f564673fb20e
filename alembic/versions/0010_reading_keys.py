"""What the ingest counted lately, so that a message sent again is not counted twice.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reading_keys",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "key", name=op.f("pk_reading_keys")),
    )
    op.create_index("ix_reading_keys_seen_at", "reading_keys", ["seen_at"])
    op.create_table(
        "mqtt_receipts",
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "packet_id", name=op.f("pk_mqtt_receipts")),
    )


def downgrade() -> None:
    op.drop_table("mqtt_receipts")
    op.drop_index("ix_reading_keys_seen_at", table_name="reading_keys")
    op.drop_table("reading_keys")
