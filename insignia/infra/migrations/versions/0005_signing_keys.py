"""Signing keys (each tenant's Ed25519 keys for Open Badges 3.0) and revocation status lists.

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
    # BitstringStatusLists per tenant: award n is bit n % 131072 of list n // 131072; revoking sets it.
    op.execute(
        """
        CREATE TABLE status_lists (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            purpose text NOT NULL CHECK (purpose IN ('revocation')),
            next_index integer NOT NULL DEFAULT 0,
            PRIMARY KEY (tenant_id, purpose)
        )
        """
    )
    enable_tenant_rls("status_lists")
    op.execute("ALTER TABLE awards ADD COLUMN status_index integer CHECK (status_index >= 0)")
    op.execute("CREATE UNIQUE INDEX awards_status_index_idx ON awards (tenant_id, status_index)")
    # Uploaded badge images (PNG or sanitised SVG), served from the platform.
    op.execute("ALTER TABLE badge_classes ADD COLUMN image_data bytea CHECK (octet_length(image_data) <= 524288)")
    op.execute(
        "ALTER TABLE badge_classes ADD COLUMN image_type text CHECK (image_type IN ('image/png', 'image/svg+xml'))"
    )
    # A tenant's own public origin (custom domain), set by the platform operator.
    op.execute(
        "ALTER TABLE tenants ADD COLUMN domain text UNIQUE "
        "CHECK (domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$')"
    )
    # Per-tenant settings a tenant admin controls (the tenants registry itself is platform-owned).
    op.execute(
        """
        CREATE TABLE tenant_settings (
            tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
            linkedin_organization_id text CHECK (linkedin_organization_id ~ '^[0-9]{1,20}$'),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    enable_tenant_rls("tenant_settings")
    # Learners opt in to a public profile (and to their name on public badge pages).
    op.execute("ALTER TABLE people ADD COLUMN profile_public boolean NOT NULL DEFAULT false")
    # A learner's own DID, used as the subject id of their Open Badges 3.0 credentials.
    op.execute(
        "ALTER TABLE people ADD COLUMN did text CHECK (did ~ '^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$' AND char_length(did) <= 500)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE people DROP COLUMN profile_public, DROP COLUMN did")
    op.execute("ALTER TABLE badge_classes DROP COLUMN image_data, DROP COLUMN image_type")
    op.execute("DROP INDEX awards_status_index_idx")
    op.execute("ALTER TABLE awards DROP COLUMN status_index")
    op.execute("DROP TABLE tenant_settings, status_lists, signing_keys")
    op.execute("ALTER TABLE tenants DROP COLUMN domain")
