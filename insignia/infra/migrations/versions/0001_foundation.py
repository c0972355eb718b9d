"""Foundation: tenants, audiences, people, API keys, under forced row-level security.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION insignia_current_tenant() RETURNS uuid
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$
        """
    )
    # The platform's registry of organisations: not tenant-owned (it *is* the tenant).
    op.execute(
        """
        CREATE TABLE tenants (
            id uuid PRIMARY KEY,
            slug text NOT NULL UNIQUE
                CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
            status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE audiences (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            kind text NOT NULL CHECK (kind IN ('employee', 'partner', 'customer')),
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
            partner_company text CHECK (char_length(partner_company) BETWEEN 1 AND 200),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, name),
            CHECK (partner_company IS NULL OR kind = 'partner')
        )
        """
    )
    op.execute(
        """
        CREATE TABLE people (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            email text NOT NULL CHECK (email = lower(email) AND char_length(email) <= 320),
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
            audience_id uuid NOT NULL,
            manager_id uuid,
            roles text[] NOT NULL DEFAULT '{learner}'
                CHECK (roles <@ ARRAY['admin', 'manager', 'issuer', 'learner']::text[]),
            active boolean NOT NULL DEFAULT true,
            deactivated_at timestamptz,
            -- Bumped when a person is deactivated: tokens carry it, so old tokens stop working.
            session_version integer NOT NULL DEFAULT 1,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, email),
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id),
            FOREIGN KEY (tenant_id, manager_id) REFERENCES people (tenant_id, id),
            CHECK (manager_id IS NULL OR manager_id <> id)
        )
        """
    )
    op.execute("CREATE INDEX people_manager_idx ON people (tenant_id, manager_id)")
    op.execute("CREATE INDEX people_audience_idx ON people (tenant_id, audience_id)")
    op.execute(
        """
        CREATE TABLE api_keys (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
            -- SHA-256 of the secret part: keys are 256-bit random, so a fast hash is enough.
            secret_hash bytea NOT NULL,
            scopes text[] NOT NULL,
            created_by_id uuid,
            created_at timestamptz NOT NULL DEFAULT now(),
            last_used_at timestamptz,
            revoked_at timestamptz,
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, created_by_id) REFERENCES people (tenant_id, id)
        )
        """
    )
    for table in ("audiences", "people", "api_keys"):
        enable_tenant_rls(table)


def downgrade() -> None:
    op.execute("DROP TABLE api_keys, people, audiences, tenants")
    op.execute("DROP FUNCTION insignia_current_tenant()")
