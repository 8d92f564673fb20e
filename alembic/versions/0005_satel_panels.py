"""SATEL INTEGRA panels: device type, members' panel codes, panel event history, lease fences.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    device_types = sa.table(
        'device_types',
        sa.column('code', sa.String),
        sa.column('title', sa.String),
        sa.column('primary_metric', sa.String),
        sa.column('report_interval', sa.Integer),
    )
    # A panel's online state is decided by the processor holding its connection, not by the
    # silence sweep, so its report interval is long.
    op.bulk_insert(device_types, [
        {'code': 'satel_integra', 'title': 'SATEL INTEGRA', 'primary_metric': None, 'report_interval': 86400},
    ])
    op.create_table('panel_codes',
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('code_token', sa.String(length=512), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_panel_codes_device_id_devices'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_codes_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'device_id', name=op.f('pk_panel_codes')),
    )
    op.create_table('panel_events',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('number', sa.SmallInteger(), nullable=False),
        sa.Column('on', sa.Boolean(), nullable=False),
        sa.Column('mode', sa.SmallInteger(), nullable=True),
        sa.Column('actor_user_id', sa.BigInteger(), nullable=True),
        sa.Column('detail', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_panel_events_device_id_devices'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_events')),
    )
    op.create_index('ix_panel_events_device_at', 'panel_events', ['device_id', 'at'], unique=False)
    op.create_table('panel_fences',
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_panel_fences_device_id_devices'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('device_id', name=op.f('pk_panel_fences')),
    )


def downgrade() -> None:
    op.drop_table('panel_fences')
    op.drop_index('ix_panel_events_device_at', table_name='panel_events')
    op.drop_table('panel_events')
    op.drop_table('panel_codes')
    op.execute("DELETE FROM device_types WHERE code = 'satel_integra'")
