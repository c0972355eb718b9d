"""Signing keys: each tenant's Ed25519 keys for Open Badges 3.0 credentials.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE signing_keys (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            public_key_multibase text NOT NULL,
            private_key_encrypted bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            retired_at timestamptz,
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, public_key_multibase)
        )
        """
    )
    # At most one key signs new credentials at a time.
    op.execute("CREATE UNIQUE INDEX signing_keys_active_idx ON signing_keys (tenant_id) WHERE retired_at IS NULL")
    enable_tenant_rls("signing_keys")


def downgrade() -> None:
    op.execute("DROP TABLE signing_keys")
