"""Skills intelligence: skill levels, skill profiles, role profiles, insights (issue 15).

- ``badge_class_skills.level`` (1-5): the level a badge class grants a skill at;
  ``skills.framework_group`` (a tenant framework group such as "Cloud").
- ``person_skills``: each person's skill profile, derived only from active awards and kept current
  in the same transaction as every award change.
- ``role_profiles`` with ``role_skills`` (required levels); ``people.job_role_id`` is the current
  role (set by admins, managers, or a group mapping's ``role_profile_id`` from SSO/SCIM);
  ``person_target_roles`` are goals (the person's own, or set by their manager).
- ``insight_daily``: counters per day and subject (badge class, course, pathway, skill, audience),
  maintained as the data changes; ``earn_times``: how long each award or pathway completion took;
  ``award_views``: page views and share clicks per award and day (nothing about the viewer).
- ``report_exports``: CSV reports produced by a job, downloadable through a short-lived link.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = (
    "person_skills",
    "role_profiles",
    "role_skills",
    "person_target_roles",
    "insight_daily",
    "earn_times",
    "award_views",
    "report_exports",
)

SCHEMA = """
        ALTER TABLE badge_class_skills ADD COLUMN level smallint NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 5);
        ALTER TABLE skills ADD COLUMN framework_group text CHECK (char_length(framework_group) BETWEEN 1 AND 100);
        CREATE TABLE person_skills (
            tenant_id uuid NOT NULL,
            person_id uuid NOT NULL,
            skill_id uuid NOT NULL,
            level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
            lapses_at timestamptz,
            award_ids uuid[] NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, person_id, skill_id),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, skill_id) REFERENCES skills (tenant_id, id) ON DELETE CASCADE
        );
        CREATE INDEX person_skills_skill_idx ON person_skills (tenant_id, skill_id, level);
        CREATE INDEX person_skills_lapse_idx ON person_skills (tenant_id, lapses_at) WHERE lapses_at IS NOT NULL;
        CREATE TABLE role_profiles (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
            description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
            audience_id uuid,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, name),
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id)
        );
        CREATE TABLE role_skills (
            tenant_id uuid NOT NULL,
            role_id uuid NOT NULL,
            skill_id uuid NOT NULL,
            level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
            PRIMARY KEY (tenant_id, role_id, skill_id),
            FOREIGN KEY (tenant_id, role_id) REFERENCES role_profiles (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, skill_id) REFERENCES skills (tenant_id, id)
        );
        ALTER TABLE people ADD COLUMN job_role_id uuid;
        ALTER TABLE people ADD CONSTRAINT people_job_role_fk
            FOREIGN KEY (tenant_id, job_role_id) REFERENCES role_profiles (tenant_id, id) ON DELETE SET NULL (job_role_id);
        ALTER TABLE group_mappings ADD COLUMN role_profile_id uuid;
        ALTER TABLE group_mappings ADD CONSTRAINT group_mappings_role_profile_fk
            FOREIGN KEY (tenant_id, role_profile_id) REFERENCES role_profiles (tenant_id, id) ON DELETE CASCADE;
        ALTER TABLE group_mappings DROP CONSTRAINT group_mappings_check;
        ALTER TABLE group_mappings ADD CONSTRAINT group_mappings_grants_check
            CHECK (role IS NOT NULL OR audience_id IS NOT NULL OR role_profile_id IS NOT NULL);
        CREATE TABLE person_target_roles (
            tenant_id uuid NOT NULL,
            person_id uuid NOT NULL,
            role_id uuid NOT NULL,
            set_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, person_id, role_id),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, role_id) REFERENCES role_profiles (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE insight_daily (
            tenant_id uuid NOT NULL,
            day date NOT NULL,
            subject_kind text NOT NULL CHECK (subject_kind IN ('badge_class', 'course', 'pathway', 'skill')),
            subject_id uuid NOT NULL,
            audience_id uuid NOT NULL,
            metric text NOT NULL CHECK (char_length(metric) BETWEEN 1 AND 40),
            value bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (tenant_id, subject_kind, metric, day, subject_id, audience_id)
        );
        CREATE TABLE earn_times (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            subject_kind text NOT NULL CHECK (subject_kind IN ('badge_class', 'pathway')),
            subject_id uuid NOT NULL,
            audience_id uuid NOT NULL,
            day date NOT NULL,
            seconds double precision NOT NULL CHECK (seconds >= 0),
            PRIMARY KEY (tenant_id, id)
        );
        CREATE INDEX earn_times_subject_idx ON earn_times (tenant_id, subject_kind, subject_id, day);
        CREATE TABLE award_views (
            tenant_id uuid NOT NULL,
            award_id uuid NOT NULL,
            day date NOT NULL,
            views bigint NOT NULL DEFAULT 0,
            share_clicks bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (tenant_id, award_id, day)
        );
        CREATE TABLE report_exports (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            report text NOT NULL,
            parameters jsonb NOT NULL,
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
            rows integer,
            content text,
            error text,
            requested_by text NOT NULL,
            requested_by_person_id uuid,
            created_at timestamptz NOT NULL DEFAULT now(),
            finished_at timestamptz,
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (tenant_id, id)
        )
"""


def upgrade() -> None:
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            op.execute(statement)
    for table in TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    op.execute("DROP TABLE report_exports, award_views, earn_times, insight_daily, person_target_roles")
    # Mappings that only named a role profile mean nothing without it (forced RLS lifted to remove them).
    op.execute("ALTER TABLE group_mappings NO FORCE ROW LEVEL SECURITY")
    op.execute("DELETE FROM group_mappings WHERE role IS NULL AND audience_id IS NULL")
    op.execute("ALTER TABLE group_mappings FORCE ROW LEVEL SECURITY")
    op.execute(
        "ALTER TABLE group_mappings DROP CONSTRAINT group_mappings_grants_check, "
        "DROP CONSTRAINT group_mappings_role_profile_fk, DROP COLUMN role_profile_id, "
        "ADD CONSTRAINT group_mappings_check CHECK (role IS NOT NULL OR audience_id IS NOT NULL)"
    )
    op.execute("ALTER TABLE people DROP CONSTRAINT people_job_role_fk, DROP COLUMN job_role_id")
    op.execute("DROP TABLE role_skills, role_profiles, person_skills")
    op.execute("ALTER TABLE skills DROP COLUMN framework_group")
    op.execute("ALTER TABLE badge_class_skills DROP COLUMN level")
