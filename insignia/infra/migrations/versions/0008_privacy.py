"""Who sees what: visibility rules per audience pair, learner-controlled sharing, award acceptance,
partner delegation.

- ``tenant_settings.visibility_rules``: what people of one audience kind see of another
  (``{"partner:employee": "all"}``); keys absent from it take the safe defaults in
  ``insignia.tenants.visibility``.
- ``tenant_settings.default_award_visibility`` (the default of defaults), ``award_acceptance``
  (new awards wait for the recipient to accept them) and ``portal_url`` (where emails send people
  to sign in).
- ``badge_classes.default_visibility`` (null: the tenant's) and ``delegated`` (partner admins may
  issue it to people of their own company).
- Customer audiences may name their company (``partner_company``), like partner audiences.
- The ``partner_admin`` role.
- ``people.headline``: a line a person writes about themselves, shown to colleagues.
- ``awards.acceptance`` (``accepted`` | ``pending`` | ``declined``) and ``delegated_issuer`` (the
  partner company that issued it, shown in the credential and on its page).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE tenant_settings
            ADD COLUMN visibility_rules jsonb NOT NULL DEFAULT '{}'::jsonb
                CHECK (jsonb_typeof(visibility_rules) = 'object'),
            ADD COLUMN default_award_visibility text NOT NULL DEFAULT 'tenant'
                CHECK (default_award_visibility IN ('public', 'tenant', 'private')),
            ADD COLUMN award_acceptance boolean NOT NULL DEFAULT false,
            ADD COLUMN portal_url text CHECK (char_length(portal_url) <= 500)
        """
    )
    # Customer audiences name their company too (people of one company see each other by default).
    op.execute("ALTER TABLE audiences DROP CONSTRAINT audiences_check")
    op.execute(
        "ALTER TABLE audiences ADD CONSTRAINT audiences_company_check CHECK (partner_company IS NULL OR kind <> 'employee')"
    )
    # Partner admins manage the people of their own partner company (scoped by the visibility policy).
    op.execute("ALTER TABLE people DROP CONSTRAINT people_roles_check")
    op.execute(
        "ALTER TABLE people ADD CONSTRAINT people_roles_check "
        "CHECK (roles <@ ARRAY['admin', 'manager', 'issuer', 'learner', 'partner_admin']::text[])"
    )
    # A line a person writes about themselves, shown to the colleagues who may see them.
    op.execute("ALTER TABLE people ADD COLUMN headline text CHECK (char_length(headline) <= 200)")
    op.execute(
        """
        ALTER TABLE badge_classes
            ADD COLUMN default_visibility text CHECK (default_visibility IN ('public', 'tenant', 'private')),
            ADD COLUMN delegated boolean NOT NULL DEFAULT false
        """
    )
    op.execute(
        """
        ALTER TABLE awards
            ADD COLUMN acceptance text NOT NULL DEFAULT 'accepted'
                CHECK (acceptance IN ('accepted', 'pending', 'declined')),
            ADD COLUMN delegated_issuer text CHECK (char_length(delegated_issuer) <= 200)
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE awards DROP COLUMN delegated_issuer, DROP COLUMN acceptance")
    op.execute("ALTER TABLE people DROP COLUMN headline")
    # The owner is bound by the forced row-level security: lifted for this transaction's rewrites.
    op.execute("ALTER TABLE people NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE audiences NO FORCE ROW LEVEL SECURITY")
    op.execute("UPDATE people SET roles = array_remove(roles, 'partner_admin')")
    op.execute("ALTER TABLE people DROP CONSTRAINT people_roles_check")
    op.execute(
        "ALTER TABLE people ADD CONSTRAINT people_roles_check "
        "CHECK (roles <@ ARRAY['admin', 'manager', 'issuer', 'learner']::text[])"
    )
    op.execute("UPDATE audiences SET partner_company = NULL WHERE kind = 'customer'")
    op.execute("ALTER TABLE people FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE audiences FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE audiences DROP CONSTRAINT audiences_company_check")
    op.execute(
        "ALTER TABLE audiences ADD CONSTRAINT audiences_check CHECK (partner_company IS NULL OR kind = 'partner')"
    )
    op.execute("ALTER TABLE badge_classes DROP COLUMN delegated, DROP COLUMN default_visibility")
    op.execute(
        "ALTER TABLE tenant_settings DROP COLUMN portal_url, DROP COLUMN award_acceptance, "
        "DROP COLUMN default_award_visibility, DROP COLUMN visibility_rules"
    )
