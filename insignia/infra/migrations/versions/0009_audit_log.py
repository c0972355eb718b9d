"""The tenant-wide audit log: request ids, a newest-first index, append-only for the application.

- ``audit_events.request_id``: the id of the HTTP request that made the change (the
  ``X-Request-ID`` the API answered with); null for jobs, the scheduler and the command line.
- ``audit_events_newest_idx``: admins list a tenant's events newest first, narrowed by time
  (``insignia.tenants.audit_log``); the primary key (tenant_id, id) keeps serving one subject's trail.
- Append-only: ``insignia migrate`` grants the application role only SELECT and INSERT on
  ``audit_events`` (``insignia.infra.migrate._grant``), so a compromised or buggy application cannot
  rewrite or erase history. The owner keeps its rights (deleting a tenant cascades).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE audit_events ADD COLUMN request_id text CHECK (char_length(request_id) <= 200)")
    op.execute("CREATE INDEX audit_events_newest_idx ON audit_events (tenant_id, created_at DESC, id DESC)")


def downgrade() -> None:
    op.execute("DROP INDEX audit_events_newest_idx")
    op.execute("ALTER TABLE audit_events DROP COLUMN request_id")
