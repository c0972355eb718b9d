"""Credentials: skills, courses, assessments, completions, results, badge classes, awards, audit.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = (
    "skills",
    "courses",
    "course_skills",
    "course_audiences",
    "assessments",
    "completions",
    "assessment_results",
    "badge_classes",
    "badge_class_criteria_versions",
    "badge_class_skills",
    "badge_class_audiences",
    "badge_class_alignments",
    "awards",
    "audit_events",
)


def upgrade() -> None:
    # asyncpg runs one statement per call.
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            op.execute(statement)
    for table in TABLES:
        enable_tenant_rls(table)
    _expiry_function()


SCHEMA = """
        CREATE TABLE skills (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
            description text CHECK (char_length(description) <= 2000),
            framework_url text CHECK (char_length(framework_url) <= 2000),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, name)
        );
        CREATE TABLE courses (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
            description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
            estimated_minutes integer CHECK (estimated_minutes BETWEEN 1 AND 100000),
            -- The xAPI activity id (an IRI) statements about this course carry.
            activity_id text CHECK (char_length(activity_id) <= 2000),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, activity_id)
        );
        CREATE TABLE course_skills (
            tenant_id uuid NOT NULL,
            course_id uuid NOT NULL,
            skill_id uuid NOT NULL,
            PRIMARY KEY (tenant_id, course_id, skill_id),
            FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, skill_id) REFERENCES skills (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE course_audiences (
            tenant_id uuid NOT NULL,
            course_id uuid NOT NULL,
            audience_id uuid NOT NULL,
            PRIMARY KEY (tenant_id, course_id, audience_id),
            FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE assessments (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            course_id uuid NOT NULL,
            title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
            kind text NOT NULL CHECK (kind IN ('quiz', 'exam', 'practical', 'assignment')),
            passing_score numeric(5, 2) CHECK (passing_score BETWEEN 0 AND 100),
            activity_id text CHECK (char_length(activity_id) <= 2000),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, activity_id),
            FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE completions (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            person_id uuid NOT NULL,
            course_id uuid NOT NULL,
            completed_at timestamptz NOT NULL,
            source text NOT NULL CHECK (source IN ('manual', 'api', 'import', 'xapi')),
            recorded_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            -- Recording the same completion twice (a re-imported file, a resent statement) changes nothing.
            UNIQUE (tenant_id, person_id, course_id, completed_at),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
            FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id) ON DELETE CASCADE
        );
        CREATE INDEX completions_course_idx ON completions (tenant_id, course_id);
        CREATE TABLE assessment_results (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            person_id uuid NOT NULL,
            assessment_id uuid NOT NULL,
            score numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
            passed boolean NOT NULL,
            taken_at timestamptz NOT NULL,
            source text NOT NULL CHECK (source IN ('manual', 'api', 'import', 'xapi')),
            recorded_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, person_id, assessment_id, taken_at),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
            FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE badge_classes (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
            description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 5000),
            image_url text NOT NULL DEFAULT '' CHECK (char_length(image_url) <= 2000),
            criteria_narrative text NOT NULL DEFAULT '' CHECK (char_length(criteria_narrative) <= 10000),
            status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
            validity_days integer CHECK (validity_days BETWEEN 1 AND 36500),
            points integer NOT NULL DEFAULT 0 CHECK (points BETWEEN 0 AND 100000),
            evidence_required boolean NOT NULL DEFAULT false,
            -- The criteria in force (the newest version) and the ids it refers to, for lookups.
            criteria jsonb NOT NULL DEFAULT '{"mode": "all_of", "requirements": []}',
            criteria_version integer NOT NULL DEFAULT 0,
            criteria_refs uuid[] NOT NULL DEFAULT '{}',
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            published_at timestamptz,
            archived_at timestamptz,
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, name)
        );
        CREATE INDEX badge_classes_refs_idx ON badge_classes USING gin (criteria_refs);
        CREATE TABLE badge_class_criteria_versions (
            tenant_id uuid NOT NULL,
            badge_class_id uuid NOT NULL,
            version integer NOT NULL CHECK (version >= 1),
            criteria jsonb NOT NULL,
            narrative text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            created_by text NOT NULL,
            PRIMARY KEY (tenant_id, badge_class_id, version),
            FOREIGN KEY (tenant_id, badge_class_id) REFERENCES badge_classes (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE badge_class_skills (
            tenant_id uuid NOT NULL,
            badge_class_id uuid NOT NULL,
            skill_id uuid NOT NULL,
            PRIMARY KEY (tenant_id, badge_class_id, skill_id),
            FOREIGN KEY (tenant_id, badge_class_id) REFERENCES badge_classes (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, skill_id) REFERENCES skills (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE badge_class_audiences (
            tenant_id uuid NOT NULL,
            badge_class_id uuid NOT NULL,
            audience_id uuid NOT NULL,
            PRIMARY KEY (tenant_id, badge_class_id, audience_id),
            FOREIGN KEY (tenant_id, badge_class_id) REFERENCES badge_classes (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE badge_class_alignments (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            badge_class_id uuid NOT NULL,
            target_name text NOT NULL CHECK (char_length(target_name) BETWEEN 1 AND 200),
            target_url text NOT NULL CHECK (char_length(target_url) BETWEEN 1 AND 2000),
            framework text CHECK (char_length(framework) <= 200),
            code text CHECK (char_length(code) <= 100),
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, badge_class_id) REFERENCES badge_classes (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE awards (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            badge_class_id uuid NOT NULL,
            recipient_id uuid NOT NULL,
            criteria_version integer NOT NULL,
            issued_at timestamptz NOT NULL,
            expires_at timestamptz,
            expired_at timestamptz,
            revoked_at timestamptz,
            revocation_reason text CHECK (char_length(revocation_reason) <= 1000),
            superseded_at timestamptz,
            replaces_award_id uuid,
            evidence_url text CHECK (char_length(evidence_url) <= 2000),
            evidence_narrative text CHECK (char_length(evidence_narrative) <= 5000),
            issuer_kind text NOT NULL CHECK (issuer_kind IN ('person', 'api_key', 'rule', 'operator')),
            issuer_id uuid,
            idempotency_key text CHECK (char_length(idempotency_key) <= 255),
            visibility text NOT NULL DEFAULT 'tenant' CHECK (visibility IN ('public', 'tenant', 'private')),
            reminders_sent integer[] NOT NULL DEFAULT '{}',
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, badge_class_id) REFERENCES badge_classes (tenant_id, id),
            FOREIGN KEY (tenant_id, recipient_id) REFERENCES people (tenant_id, id),
            FOREIGN KEY (tenant_id, replaces_award_id) REFERENCES awards (tenant_id, id)
        );
        -- One current award per badge class and person: issuing again returns it.
        CREATE UNIQUE INDEX awards_current_idx ON awards (tenant_id, badge_class_id, recipient_id)
            WHERE revoked_at IS NULL AND superseded_at IS NULL;
        CREATE UNIQUE INDEX awards_idempotency_idx ON awards (tenant_id, idempotency_key)
            WHERE idempotency_key IS NOT NULL;
        CREATE INDEX awards_recipient_idx ON awards (tenant_id, recipient_id, id);
        CREATE INDEX awards_badge_class_idx ON awards (tenant_id, badge_class_id, id);
        CREATE INDEX awards_expiry_idx ON awards (expires_at)
            WHERE revoked_at IS NULL AND superseded_at IS NULL AND expired_at IS NULL AND expires_at IS NOT NULL;
        CREATE TABLE audit_events (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            actor text NOT NULL,
            action text NOT NULL,
            subject_type text NOT NULL,
            subject_id uuid NOT NULL,
            before jsonb,
            after jsonb,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id)
        );
        CREATE INDEX audit_subject_idx ON audit_events (tenant_id, subject_type, subject_id, id);
"""


def _expiry_function() -> None:
    # The scheduler finds expiring awards of every tenant through this function only.
    op.execute("CREATE POLICY platform_expiry ON awards FOR SELECT TO CURRENT_USER USING (true)")
    op.execute(
        """
        CREATE FUNCTION insignia_awards_due(
            horizon_days integer, batch integer, after_expires timestamptz, after_id uuid
        )
        RETURNS TABLE (tenant_id uuid, id uuid, expires_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
            SELECT a.tenant_id, a.id, a.expires_at FROM awards a
             WHERE a.revoked_at IS NULL AND a.superseded_at IS NULL AND a.expired_at IS NULL
               AND a.expires_at IS NOT NULL AND a.expires_at <= now() + make_interval(days => horizon_days)
               AND (a.expires_at, a.id) > (after_expires, after_id)
             ORDER BY a.expires_at, a.id
             LIMIT batch
        $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION insignia_awards_due(integer, integer, timestamptz, uuid) FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION insignia_awards_due(integer, integer, timestamptz, uuid)")
    op.execute("DROP TABLE " + ", ".join(reversed(TABLES)))
