"""Engagement: showcase profiles, points ledger, leaderboards, activity feed (issue 16).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # filled in by its issue's change


def downgrade() -> None:
    op.execute("SELECT 1")
