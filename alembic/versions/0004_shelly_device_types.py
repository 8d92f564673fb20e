"""Shelly Pro 3 and Pro 3EM device types; per-device attributes (HTTP host, channel names).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('devices', sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False))
    device_types = sa.table(
        'device_types',
        sa.column('code', sa.String),
        sa.column('title', sa.String),
        sa.column('primary_metric', sa.String),
        sa.column('report_interval', sa.Integer),
    )
    # Shelly devices notify on change, not on a schedule: a Pro 3 may stay silent for days, so
    # its offline detection rests on the `<id>/online` Last Will (protocols/shelly.md).
    op.bulk_insert(device_types, [
        {'code': 'shelly_pro3', 'title': 'Shelly Pro 3', 'primary_metric': None, 'report_interval': 86400},
        {'code': 'shelly_pro3em', 'title': 'Shelly Pro 3EM', 'primary_metric': 'total_act_power', 'report_interval': 600},
    ])


def downgrade() -> None:
    op.execute("DELETE FROM device_types WHERE code IN ('shelly_pro3', 'shelly_pro3em')")
    op.drop_column('devices', 'attributes')
