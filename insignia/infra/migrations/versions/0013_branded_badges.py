"""Branded badges: badge designs, audience branding, locales, verified domains (issue 17).

- ``tenant_settings``: the rest of the tenant's brand (accent, text and background colours,
  typography, light and dark logo variants, email sender name and reply-to, support URL, footer)
  and the default locale of its people.
- ``audience_brandings``: a partner or customer audience's overrides of any of it (null: the
  tenant's value).
- ``badge_designs``: a badge class's design (data) and its rendered SVG, 600 px PNG and Open
  Graph card; ``follows_brand`` marks the designs redrawn when their brand changes.
- ``people.locale``: the language of a person's emails (null: the tenant's default).
- ``tenant_domains``: domains a tenant admin added, with the DNS TXT token that proves control.
  ``insignia_domain_activate`` makes a verified domain the tenant's public origin (it writes the
  platform-owned ``tenants.domain``, one tenant per domain); ``insignia_domains_due`` lists every
  tenant's domains awaiting a check, for the scheduler.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_COLOUR = "CHECK ({} ~ '^#[0-9a-f]{{6}}$')"


def _logo(name: str) -> list[str]:
    """A logo: its bytes (512 KB at most) and their type."""
    return [
        f"{name}_data bytea CHECK (octet_length({name}_data) <= 524288)",
        f"{name}_type text CHECK ({name}_type IN ('image/png', 'image/svg+xml'))",
    ]


_TYPOGRAPHY = "CHECK ({} IN ('open_sans', 'source_sans_3', 'ibm_plex_sans'))"
DOMAIN_RE = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"


def _brand_columns(prefix: str) -> list[str]:
    """The brand fields, as columns of ``tenant_settings`` (prefixed) or ``audience_brandings``."""
    p = prefix
    return [
        f"{p}accent_color text {_COLOUR.format(p + 'accent_color')}",
        f"{p}text_color text {_COLOUR.format(p + 'text_color')}",
        f"{p}background_color text {_COLOUR.format(p + 'background_color')}",
        f"{p}typography text {_TYPOGRAPHY.format(p + 'typography')}",
        *_logo(p + "logo_light"),
        *_logo(p + "logo_dark"),
        "email_sender_name text CHECK (char_length(email_sender_name) BETWEEN 1 AND 100)",
        "email_reply_to text CHECK (char_length(email_reply_to) BETWEEN 3 AND 320)",
        "support_url text CHECK (char_length(support_url) <= 2000)",
        "footer_text text CHECK (char_length(footer_text) <= 500)",
    ]


def upgrade() -> None:
    settings_columns = _brand_columns("brand_")
    settings_columns.append("default_locale text NOT NULL DEFAULT 'en' CHECK (default_locale ~ '^[a-z]{2}$')")
    op.execute("ALTER TABLE tenant_settings " + ", ".join(f"ADD COLUMN {c}" for c in settings_columns))
    op.execute(
        f"""
        CREATE TABLE audience_brandings (
            tenant_id uuid NOT NULL,
            audience_id uuid NOT NULL,
            color text {_COLOUR.format("color")},
            {", ".join(_brand_columns(""))},
            {", ".join(_logo("logo"))},
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, audience_id),
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id) ON DELETE CASCADE
        )
        """
    )
    op.execute(
        """
        CREATE TABLE badge_designs (
            tenant_id uuid NOT NULL,
            badge_class_id uuid NOT NULL,
            design jsonb NOT NULL,
            follows_brand boolean NOT NULL,
            audience_id uuid,
            svg text NOT NULL CHECK (octet_length(svg) <= 262144),
            png bytea NOT NULL,
            og_png bytea NOT NULL,
            brand_key text NOT NULL,
            rendered_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, badge_class_id),
            FOREIGN KEY (tenant_id, badge_class_id) REFERENCES badge_classes (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id)
        )
        """
    )
    op.execute("CREATE INDEX badge_designs_brand_idx ON badge_designs (tenant_id, audience_id) WHERE follows_brand")
    op.execute("ALTER TABLE people ADD COLUMN locale text CHECK (locale ~ '^[a-z]{2}$')")
    op.execute(
        f"""
        CREATE TABLE tenant_domains (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            domain text NOT NULL CHECK (char_length(domain) <= 253 AND domain ~ '{DOMAIN_RE}'),
            token text NOT NULL,
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'inactive')),
            created_at timestamptz NOT NULL DEFAULT now(),
            verified_at timestamptz,
            last_checked_at timestamptz,
            last_error text,
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, domain)
        )
        """
    )
    for table in ("audience_brandings", "badge_designs", "tenant_domains"):
        enable_tenant_rls(table)
    # The scheduler's look across tenants goes through insignia_domains_due (owner-run, read only).
    op.execute("CREATE POLICY platform_domains ON tenant_domains FOR SELECT TO CURRENT_USER USING (true)")
    # The only writes of the application to the platform's tenants registry: its own tenant's
    # domain, and only one it has verified (tenants.domain is UNIQUE: one tenant per domain).
    op.execute(
        """
        CREATE FUNCTION insignia_domain_activate(candidate text)
        RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
        DECLARE
            current uuid := insignia_current_tenant();
        BEGIN
            IF current IS NULL OR NOT EXISTS (
                SELECT 1 FROM tenant_domains
                WHERE tenant_id = current AND domain = candidate AND verified_at IS NOT NULL
            ) THEN
                RETURN false;
            END IF;
            IF EXISTS (SELECT 1 FROM tenants WHERE domain = candidate AND id <> current) THEN
                RETURN false;
            END IF;
            UPDATE tenants SET domain = candidate WHERE id = current;
            RETURN true;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION insignia_domain_release(candidate text)
        RETURNS void
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$ UPDATE tenants SET domain = NULL WHERE id = insignia_current_tenant() AND domain = candidate $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION insignia_domains_due(max_age_days integer)
        RETURNS TABLE (tenant_id uuid, id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
            SELECT d.tenant_id, d.id FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id
            WHERE d.status = 'pending' AND t.status = 'active'
              AND d.created_at > now() - make_interval(days => max_age_days)
            ORDER BY d.last_checked_at NULLS FIRST
            LIMIT 500
        $$
        """
    )
    for function in (
        "insignia_domain_activate(text)",
        "insignia_domain_release(text)",
        "insignia_domains_due(integer)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION insignia_domains_due(integer)")
    op.execute("DROP FUNCTION insignia_domain_release(text)")
    op.execute("DROP FUNCTION insignia_domain_activate(text)")
    op.execute("DROP TABLE tenant_domains, badge_designs, audience_brandings")
    op.execute("ALTER TABLE people DROP COLUMN locale")
    columns = [c.split(" ", 1)[0] for c in _brand_columns("brand_")] + ["default_locale"]
    op.execute("ALTER TABLE tenant_settings " + ", ".join(f"DROP COLUMN {c}" for c in columns))
