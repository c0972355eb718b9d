"""Pathways: versioned requirement trees toward larger goals, enrolments with their progress, goals.

- ``pathways`` holds the editable draft tree; publishing freezes it into ``pathway_versions``
  (with the badge classes and courses it refers to, indexed so an award or a completion finds
  exactly the enrolments it touches).
- ``enrolments``: one current enrolment per (pathway, person); unenrolling keeps it (history).
- ``goals``: a learner's own target (a pathway or a badge class) with an optional date.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("pathways", "pathway_audiences", "pathway_versions", "enrolments", "goals")

SCHEMA = """
        CREATE TABLE pathways (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
            description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
            image_url text CHECK (char_length(image_url) <= 2000),
            status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
            draft jsonb NOT NULL,
            capstone_badge_class_id uuid,
            version integer NOT NULL DEFAULT 0 CHECK (version >= 0),
            auto_enrol boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            published_at timestamptz,
            archived_at timestamptz,
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, name),
            FOREIGN KEY (tenant_id, capstone_badge_class_id) REFERENCES badge_classes (tenant_id, id)
        );
        CREATE TABLE pathway_audiences (
            tenant_id uuid NOT NULL,
            pathway_id uuid NOT NULL,
            audience_id uuid NOT NULL,
            PRIMARY KEY (tenant_id, pathway_id, audience_id),
            FOREIGN KEY (tenant_id, pathway_id) REFERENCES pathways (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id)
        );
        CREATE TABLE pathway_versions (
            tenant_id uuid NOT NULL,
            pathway_id uuid NOT NULL,
            version integer NOT NULL CHECK (version >= 1),
            tree jsonb NOT NULL,
            capstone_badge_class_id uuid,
            refs uuid[] NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, pathway_id, version),
            FOREIGN KEY (tenant_id, pathway_id) REFERENCES pathways (tenant_id, id) ON DELETE CASCADE
        );
        CREATE INDEX pathway_versions_refs_idx ON pathway_versions USING gin (refs);
        CREATE TABLE enrolments (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            pathway_id uuid NOT NULL,
            person_id uuid NOT NULL,
            version integer NOT NULL,
            enrolled_at timestamptz NOT NULL DEFAULT now(),
            enrolled_by text NOT NULL,
            started_at timestamptz,
            completed_at timestamptz,
            unenrolled_at timestamptz,
            percent double precision NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
            met_nodes jsonb NOT NULL DEFAULT '[]'::jsonb,
            evaluated_at timestamptz,
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, pathway_id, version) REFERENCES pathway_versions (tenant_id, pathway_id, version),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
        );
        CREATE UNIQUE INDEX enrolments_current_idx ON enrolments (tenant_id, pathway_id, person_id)
            WHERE unenrolled_at IS NULL;
        CREATE INDEX enrolments_person_idx ON enrolments (tenant_id, person_id) WHERE unenrolled_at IS NULL;
        CREATE TABLE goals (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            person_id uuid NOT NULL,
            pathway_id uuid,
            badge_class_id uuid,
            title text CHECK (char_length(title) <= 200),
            target_date date,
            status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'achieved', 'abandoned')),
            created_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            achieved_at timestamptz,
            reminded_at timestamptz,
            PRIMARY KEY (tenant_id, id),
            CHECK ((pathway_id IS NULL) <> (badge_class_id IS NULL)),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
            FOREIGN KEY (tenant_id, pathway_id) REFERENCES pathways (tenant_id, id),
            FOREIGN KEY (tenant_id, badge_class_id) REFERENCES badge_classes (tenant_id, id)
        );
        CREATE INDEX goals_person_idx ON goals (tenant_id, person_id)
"""


def upgrade() -> None:
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            op.execute(statement)
    for table in TABLES:
        enable_tenant_rls(table)
    # The scheduler's cross-tenant entry point: tenants with pathway work (auto-enrolment, dated goals).
    op.execute(
        """
        CREATE FUNCTION insignia_pathway_work()
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
            SELECT tenant_id FROM pathways WHERE auto_enrol AND status = 'published'
            UNION
            SELECT tenant_id FROM goals WHERE status = 'active' AND target_date IS NOT NULL
        $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION insignia_pathway_work() FROM PUBLIC")
    # Milestone and capstone badges: revoked when their pathway requirements are lost (else kept).
    op.execute("ALTER TABLE badge_classes ADD COLUMN revoke_with_requirements boolean NOT NULL DEFAULT false")


def downgrade() -> None:
    op.execute("DROP FUNCTION insignia_pathway_work()")
    op.execute("ALTER TABLE badge_classes DROP COLUMN revoke_with_requirements")
    op.execute("DROP TABLE goals, enrolments, pathway_versions, pathway_audiences, pathways")
