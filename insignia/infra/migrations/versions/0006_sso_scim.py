"""Sign-in through each tenant's identity providers (OIDC, SAML 2.0), sessions, SCIM provisioning,
portal origins and branding.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE sso_connections (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
            protocol text NOT NULL CHECK (protocol IN ('oidc', 'saml')),
            enabled boolean NOT NULL DEFAULT true,
            jit_provisioning boolean NOT NULL DEFAULT true,
            -- Where people created just in time land, unless a group mapping says otherwise.
            audience_id uuid NOT NULL,
            allowed_domains text[] NOT NULL DEFAULT '{}',
            -- Which claim or SAML attribute carries the email, the name and the groups.
            attribute_mapping jsonb NOT NULL,
            oidc_issuer text,
            oidc_client_id text,
            oidc_client_secret_encrypted bytea,
            oidc_scopes text[],
            saml_idp_entity_id text,
            saml_idp_sso_url text,
            saml_idp_slo_url text,
            saml_idp_certificates text[],
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, name),
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id),
            CHECK (
                (protocol = 'oidc' AND oidc_issuer IS NOT NULL AND oidc_client_id IS NOT NULL
                    AND oidc_client_secret_encrypted IS NOT NULL)
                OR (protocol = 'saml' AND saml_idp_entity_id IS NOT NULL AND saml_idp_sso_url IS NOT NULL
                    AND cardinality(saml_idp_certificates) > 0)
            )
        )
        """
    )
    # Who a person is at an identity provider: (connection, subject) finds them on every sign-in.
    op.execute(
        """
        CREATE TABLE sso_identities (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            connection_id uuid NOT NULL,
            subject text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 500),
            person_id uuid NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            last_sign_in_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, connection_id, subject),
            FOREIGN KEY (tenant_id, connection_id) REFERENCES sso_connections (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE
        )
        """
    )
    op.execute("CREATE INDEX sso_identities_person_idx ON sso_identities (tenant_id, person_id)")
    # A sign-in in flight: state (the id), nonce and PKCE verifier (OIDC) or the AuthnRequest id
    # (SAML), and the portal URL to return to. Used once: the callback deletes it.
    op.execute(
        """
        CREATE TABLE sso_login_requests (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            connection_id uuid NOT NULL,
            kind text NOT NULL DEFAULT 'login' CHECK (kind IN ('login', 'logout')),
            nonce text,
            code_verifier text,
            saml_request_id text,
            return_url text,
            -- The portal's PKCE challenge (S256) for the hand-over code it will exchange.
            portal_code_challenge text,
            created_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, connection_id) REFERENCES sso_connections (tenant_id, id) ON DELETE CASCADE
        )
        """
    )
    # SAML assertion ids already used, kept until the assertion itself would have expired.
    op.execute(
        """
        CREATE TABLE saml_assertions_used (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            connection_id uuid NOT NULL,
            assertion_id text NOT NULL,
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (tenant_id, connection_id, assertion_id),
            FOREIGN KEY (tenant_id, connection_id) REFERENCES sso_connections (tenant_id, id) ON DELETE CASCADE
        )
        """
    )
    # Signed-in browser sessions. The cookie holds the id and a secret (only its hash is kept);
    # a rotating refresh token and one-time hand-over codes are hashed the same way.
    op.execute(
        """
        CREATE TABLE sessions (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            person_id uuid NOT NULL,
            connection_id uuid,
            secret_hash bytea NOT NULL,
            refresh_hash bytea,
            -- The refresh secret before the last rotation: presenting it again means a copy exists.
            previous_refresh_hash bytea,
            handover_hash bytea,
            handover_challenge text,
            handover_expires_at timestamptz,
            saml_name_id text,
            saml_session_index text,
            created_at timestamptz NOT NULL DEFAULT now(),
            last_used_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL,
            ended_at timestamptz,
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, connection_id) REFERENCES sso_connections (tenant_id, id) ON DELETE SET NULL (connection_id)
        )
        """
    )
    op.execute("CREATE INDEX sessions_person_idx ON sessions (tenant_id, person_id) WHERE ended_at IS NULL")
    # What a directory group (an SSO groups claim or a SCIM group) means here: a role, an audience, or both.
    op.execute(
        """
        CREATE TABLE group_mappings (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            -- Whose groups: an SSO connection's groups claim, or (NULL) the SCIM directory's groups.
            connection_id uuid,
            group_name text NOT NULL CHECK (char_length(group_name) BETWEEN 1 AND 200),
            role text CHECK (role IN ('admin', 'manager', 'issuer', 'learner')),
            audience_id uuid,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id),
            FOREIGN KEY (tenant_id, connection_id) REFERENCES sso_connections (tenant_id, id) ON DELETE CASCADE,
            CHECK (role IS NOT NULL OR audience_id IS NOT NULL)
        )
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX group_mappings_name_idx ON group_mappings "
        "(tenant_id, coalesce(connection_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(group_name))"
    )
    # SCIM 2.0: directory attributes of people, and the directory's groups.
    op.execute(
        """
        ALTER TABLE people
            ADD COLUMN user_name text CHECK (char_length(user_name) BETWEEN 1 AND 320),
            ADD COLUMN external_id text CHECK (char_length(external_id) BETWEEN 1 AND 500),
            ADD COLUMN given_name text CHECK (char_length(given_name) <= 200),
            ADD COLUMN family_name text CHECK (char_length(family_name) <= 200),
            -- Who deactivated them: an admin in Insignia, or the directory (SCIM). The directory
            -- may only undo its own deactivations.
            ADD COLUMN deactivated_by text CHECK (deactivated_by IN ('admin', 'directory'))
        """
    )
    # Case-insensitive keys as plain columns: under forced RLS an index on lower(...) is not used
    # (lower() is not leakproof), while equality on a stored column is.
    op.execute("ALTER TABLE people ADD COLUMN user_name_key text GENERATED ALWAYS AS (lower(user_name)) STORED")
    op.execute("CREATE UNIQUE INDEX people_user_name_idx ON people (tenant_id, user_name_key)")
    op.execute(
        """
        CREATE TABLE scim_groups (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 200),
            external_id text CHECK (char_length(external_id) BETWEEN 1 AND 500),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id)
        )
        """
    )
    op.execute(
        "ALTER TABLE scim_groups ADD COLUMN display_name_key text GENERATED ALWAYS AS (lower(display_name)) STORED"
    )
    op.execute("CREATE UNIQUE INDEX scim_groups_name_idx ON scim_groups (tenant_id, display_name_key)")
    op.execute(
        """
        CREATE TABLE scim_group_members (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            group_id uuid NOT NULL,
            person_id uuid NOT NULL,
            PRIMARY KEY (tenant_id, group_id, person_id),
            FOREIGN KEY (tenant_id, group_id) REFERENCES scim_groups (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE
        )
        """
    )
    op.execute("CREATE INDEX scim_group_members_person_idx ON scim_group_members (tenant_id, person_id)")
    for table in (
        "sso_connections",
        "sso_identities",
        "sso_login_requests",
        "saml_assertions_used",
        "sessions",
        "group_mappings",
        "scim_groups",
        "scim_group_members",
    ):
        enable_tenant_rls(table)
    # Portals of a tenant (their origins may call GraphQL from a browser and receive sign-in
    # redirects) and branding for public pages.
    op.execute(
        """
        ALTER TABLE tenant_settings
            ADD COLUMN portal_origins text[] NOT NULL DEFAULT '{}',
            ADD COLUMN brand_color text CHECK (brand_color ~ '^#[0-9a-f]{6}$'),
            ADD COLUMN brand_logo_data bytea CHECK (octet_length(brand_logo_data) <= 524288),
            ADD COLUMN brand_logo_type text CHECK (brand_logo_type IN ('image/png', 'image/svg+xml'))
        """
    )
    # A CORS preflight carries no credential, so it cannot be bound to a tenant: this answers only
    # whether some tenant registered the origin (the real request is then checked against its own).
    op.execute(
        """
        CREATE FUNCTION insignia_portal_origin_known(candidate text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$ SELECT EXISTS (SELECT 1 FROM tenant_settings WHERE candidate = ANY (portal_origins)) $$
        """
    )
    op.execute("CREATE POLICY platform_origins ON tenant_settings FOR SELECT TO CURRENT_USER USING (true)")
    # The scheduler forgets abandoned sign-ins and expired assertion ids of every tenant, through
    # this function only (the owner gets a policy on just these two tables).
    op.execute("CREATE POLICY platform_sweep ON sso_login_requests TO CURRENT_USER USING (true) WITH CHECK (true)")
    op.execute("CREATE POLICY platform_sweep ON saml_assertions_used TO CURRENT_USER USING (true) WITH CHECK (true)")
    op.execute(
        """
        CREATE FUNCTION insignia_sign_in_housekeeping() RETURNS bigint
        LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
            WITH r AS (DELETE FROM sso_login_requests WHERE expires_at < now() RETURNING 1),
                 a AS (DELETE FROM saml_assertions_used WHERE expires_at < now() RETURNING 1)
            SELECT (SELECT count(*) FROM r) + (SELECT count(*) FROM a)
        $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION insignia_sign_in_housekeeping() FROM PUBLIC")
    op.execute("REVOKE ALL ON FUNCTION insignia_portal_origin_known(text) FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION insignia_portal_origin_known(text)")
    op.execute("DROP FUNCTION insignia_sign_in_housekeeping()")
    op.execute("DROP POLICY platform_origins ON tenant_settings")
    op.execute(
        "ALTER TABLE tenant_settings DROP COLUMN portal_origins, DROP COLUMN brand_color, "
        "DROP COLUMN brand_logo_data, DROP COLUMN brand_logo_type"
    )
    op.execute(
        "DROP TABLE scim_group_members, scim_groups, group_mappings, sessions, saml_assertions_used, "
        "sso_login_requests, sso_identities, sso_connections"
    )
    op.execute("DROP INDEX people_user_name_idx")
    op.execute(
        "ALTER TABLE people DROP COLUMN user_name_key, DROP COLUMN user_name, DROP COLUMN external_id, "
        "DROP COLUMN given_name, DROP COLUMN family_name, DROP COLUMN deactivated_by"
    )
