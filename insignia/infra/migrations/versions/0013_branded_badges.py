"""Branded badges: badge designs, audience branding, locales, verified domains (issue 17).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # filled in by its issue's change


def downgrade() -> None:
    op.execute("SELECT 1")
