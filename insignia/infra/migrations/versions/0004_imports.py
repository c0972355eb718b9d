"""Imports: CSV files of completions, assessment results or awards, processed as jobs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE imports (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            kind text NOT NULL CHECK (kind IN ('completions', 'results', 'awards')),
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done')),
            filename text CHECK (char_length(filename) <= 255),
            content text NOT NULL,
            options jsonb NOT NULL DEFAULT '{}',
            created_by_person_id uuid,
            created_by_api_key_id uuid,
            actor text NOT NULL,
            total_rows integer NOT NULL,
            processed_rows integer NOT NULL DEFAULT 0,
            succeeded_rows integer NOT NULL DEFAULT 0,
            unchanged_rows integer NOT NULL DEFAULT 0,
            failed_rows integer NOT NULL DEFAULT 0,
            row_errors jsonb NOT NULL DEFAULT '[]',
            created_at timestamptz NOT NULL DEFAULT now(),
            started_at timestamptz,
            finished_at timestamptz,
            PRIMARY KEY (tenant_id, id)
        )
        """
    )
    enable_tenant_rls("imports")


def downgrade() -> None:
    op.execute("DROP TABLE imports")
