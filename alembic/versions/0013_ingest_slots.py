"""The ingest slots' MQTT sessions, so that one no longer configured is ended.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 02:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ingest_slots",
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("deployment", sa.String(length=128), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_ingest_slots")),
    )


def downgrade() -> None:
    op.drop_table("ingest_slots")
