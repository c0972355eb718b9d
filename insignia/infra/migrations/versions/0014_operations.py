"""Operations: rate limits and other operational state (issue 19).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # filled in by its issue's change


def downgrade() -> None:
    op.execute("SELECT 1")
