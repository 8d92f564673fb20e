"""History: hourly rollups (kept 2 years) and daily energy of energy meters.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rollups_hour",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("min", sa.Double(), nullable=False),
        sa.Column("max", sa.Double(), nullable=False),
        sa.Column("sum", sa.Double(), nullable=False),
        sa.Column("last", sa.Double(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_rollups_hour_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("device_id", "metric", "hour", name=op.f("pk_rollups_hour")),
    )
    op.create_table(
        "energy_daily",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_energy_daily_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("device_id", "metric", "day", name=op.f("pk_energy_daily")),
    )
    op.create_table(
        "job_marks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_marks")),
    )
    # retention deletes by time across all devices
    op.create_index("ix_rollups_minute_minute", "rollups_minute", ["minute"])
    op.create_index("ix_rollups_hour_hour", "rollups_hour", ["hour"])


def downgrade() -> None:
    op.drop_index("ix_rollups_hour_hour", table_name="rollups_hour")
    op.drop_index("ix_rollups_minute_minute", table_name="rollups_minute")
    op.drop_table("job_marks")
    op.drop_table("energy_daily")
    op.drop_table("rollups_hour")
