"""At most one owner per device, held by the database.

Two concurrent ownership transfers could leave two owners. Where that already happened, the
member who has been owner longest stays owner and the others become admins.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("""
        UPDATE memberships AS m SET role = 'admin'
        WHERE m.role = 'owner' AND EXISTS (
            SELECT 1 FROM memberships AS first
            WHERE first.device_id = m.device_id AND first.role = 'owner' AND first.id < m.id
        )
    """)
    op.create_index(
        "memberships_one_owner",
        "memberships",
        ["device_id"],
        unique=True,
        postgresql_where=sa.text("role = 'owner'"),
    )


def downgrade() -> None:
    op.drop_index("memberships_one_owner", table_name="memberships")
