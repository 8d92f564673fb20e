"""A panel code given at `panel add --code` belongs to the person who owned the panel then.

It was kept in the panel's attributes and used for whoever was owner, so after a transfer the
new owner armed with the previous owner's personal code. It becomes the current owner's own
stored code (unless they stored one already); unclaimed panels keep it until they are
claimed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("""
        INSERT INTO panel_codes (user_id, device_id, code_token)
        SELECT m.user_id, d.id, d.attributes ->> 'owner_code'
        FROM devices AS d JOIN memberships AS m ON m.device_id = d.id AND m.role = 'owner'
        WHERE d.attributes ? 'owner_code'
        ON CONFLICT (user_id, device_id) DO NOTHING
    """)
    op.execute("""
        UPDATE devices AS d SET attributes = d.attributes - 'owner_code'
        WHERE d.attributes ? 'owner_code'
          AND EXISTS (SELECT 1 FROM memberships AS m WHERE m.device_id = d.id AND m.role = 'owner')
    """)


def downgrade() -> None:
    """The codes stay the people's own (nothing to undo safely)."""
