"""Alert episodes, the outbox, a per-member mute, and quiet hours.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:34:56.686552
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alert_episodes',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('threshold', sa.Double(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_value', sa.Double(), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), server_default='0', nullable=False),
    sa.Column('acknowledged_by', sa.BigInteger(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_alert_episodes_device_id_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_episodes'))
    )
    op.create_index(op.f('ix_alert_episodes_device_id'), 'alert_episodes', ['device_id'], unique=False)
    op.create_index('uq_alert_episodes_open', 'alert_episodes', ['device_id', 'kind', 'metric'], unique=True, postgresql_where=sa.text('closed_at IS NULL'))
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('episode_id', sa.BigInteger(), nullable=True),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('dedup_key', sa.String(length=128), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('held', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('last_error', sa.String(length=256), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_outbox_device_id_devices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['episode_id'], ['alert_episodes.id'], name=op.f('fk_outbox_episode_id_alert_episodes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbox_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_outbox_dedup_key'))
    )
    op.create_index(op.f('ix_outbox_episode_id'), 'outbox', ['episode_id'], unique=False)
    op.create_index('ix_outbox_pending', 'outbox', ['due_at'], unique=False, postgresql_where=sa.text("status = 'pending'"))
    op.create_index(op.f('ix_outbox_user_id'), 'outbox', ['user_id'], unique=False)
    op.add_column('memberships', sa.Column('muted_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('quiet_start', sa.SmallInteger(), nullable=True))
    op.add_column('users', sa.Column('quiet_end', sa.SmallInteger(), nullable=True))
    op.add_column('users', sa.Column('digest_hour', sa.SmallInteger(), server_default='8', nullable=False))


def downgrade() -> None:
    op.drop_column('users', 'digest_hour')
    op.drop_column('users', 'quiet_end')
    op.drop_column('users', 'quiet_start')
    op.drop_column('memberships', 'muted_until')
    op.drop_index(op.f('ix_outbox_user_id'), table_name='outbox')
    op.drop_index('ix_outbox_pending', table_name='outbox', postgresql_where=sa.text("status = 'pending'"))
    op.drop_index(op.f('ix_outbox_episode_id'), table_name='outbox')
    op.drop_table('outbox')
    op.drop_index('uq_alert_episodes_open', table_name='alert_episodes', postgresql_where=sa.text('closed_at IS NULL'))
    op.drop_index(op.f('ix_alert_episodes_device_id'), table_name='alert_episodes')
    op.drop_table('alert_episodes')
