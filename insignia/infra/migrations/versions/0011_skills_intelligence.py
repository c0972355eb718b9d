"""Skills intelligence: skill levels, skill profiles, role profiles, insights (issue 15).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # filled in by its issue's change


def downgrade() -> None:
    op.execute("SELECT 1")
