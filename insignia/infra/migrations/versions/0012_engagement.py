"""Engagement: showcase profiles, points ledger, leaderboards, activity feed (issue 16).

- ``engagement_settings``: a tenant's point rules, levels, whether expired awards keep their points
  and the default leaderboard participation per audience kind.
- ``engagement_profiles``: a person's choices (participation, pinned awards, weekly digest), their
  stable pseudonym, and the highest level announced to them.
- ``point_entries``: the ledger; every change of points is a row with its reason and source.
- ``point_totals``: running sums of the ledger per person and period (all time, week, month,
  quarter), indexed for leaderboards; rebuilt from the ledger on request.
- ``feed_items`` and ``feed_congratulations``: the activity feed and its one reaction.

Leaderboards and the feed are read at the scale of a whole tenant, so ``point_totals`` and
``feed_items`` carry a copy of the person's audience: the visibility policy is applied to that
column and to small hashed sets (``visibility.visible_on``) instead of reading ``people`` row by
row. Triggers keep the copy exact: it is taken from ``people`` on insert, and follows a person who
moves to another audience. Deactivated people and participation choices are found through small
partial indexes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = (
    "engagement_settings",
    "engagement_profiles",
    "point_entries",
    "point_totals",
    "feed_items",
    "feed_congratulations",
)

SCHEMA = """
        CREATE TABLE engagement_settings (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            levels jsonb NOT NULL DEFAULT '[]'::jsonb,
            first_badge_points integer NOT NULL DEFAULT 0 CHECK (first_badge_points BETWEEN 0 AND 100000),
            pathway_points integer NOT NULL DEFAULT 0 CHECK (pathway_points BETWEEN 0 AND 100000),
            before_goal_points integer NOT NULL DEFAULT 0 CHECK (before_goal_points BETWEEN 0 AND 100000),
            expired_keep_points boolean NOT NULL DEFAULT true,
            default_participation jsonb NOT NULL DEFAULT '{}'::jsonb,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id)
        );
        CREATE TABLE engagement_profiles (
            tenant_id uuid NOT NULL,
            person_id uuid NOT NULL,
            participation text CHECK (participation IN ('visible', 'pseudonymous', 'hidden')),
            pseudonym text NOT NULL CHECK (char_length(pseudonym) BETWEEN 3 AND 60),
            pinned_award_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(pinned_award_ids) <= 12),
            weekly_digest boolean NOT NULL DEFAULT false,
            digest_sent_at timestamptz,
            level_points integer,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, person_id),
            UNIQUE (tenant_id, pseudonym),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
        );
        CREATE INDEX engagement_profiles_digest_idx ON engagement_profiles (tenant_id, digest_sent_at)
            WHERE weekly_digest;
        CREATE INDEX engagement_profiles_choice_idx ON engagement_profiles (tenant_id, participation, person_id)
            WHERE participation IS NOT NULL;
        CREATE INDEX people_inactive_idx ON people (tenant_id, id) WHERE NOT active;
        CREATE TABLE point_entries (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            person_id uuid NOT NULL,
            points integer NOT NULL CHECK (points <> 0),
            source text NOT NULL CHECK (source IN ('award', 'first_badge', 'pathway', 'before_goal', 'adjustment')),
            reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
            badge_class_id uuid,
            award_id uuid,
            pathway_id uuid,
            enrolment_id uuid,
            actor text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
            FOREIGN KEY (tenant_id, badge_class_id) REFERENCES badge_classes (tenant_id, id),
            FOREIGN KEY (tenant_id, award_id) REFERENCES awards (tenant_id, id),
            FOREIGN KEY (tenant_id, pathway_id) REFERENCES pathways (tenant_id, id),
            FOREIGN KEY (tenant_id, enrolment_id) REFERENCES enrolments (tenant_id, id)
        );
        CREATE INDEX point_entries_person_idx ON point_entries (tenant_id, person_id, id);
        CREATE TABLE point_totals (
            tenant_id uuid NOT NULL,
            period text NOT NULL CHECK (period IN ('all', 'week', 'month', 'quarter')),
            period_start date NOT NULL,
            person_id uuid NOT NULL,
            audience_id uuid NOT NULL,
            points integer NOT NULL,
            PRIMARY KEY (tenant_id, period, period_start, person_id),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id)
        );
        CREATE INDEX point_totals_rank_idx ON point_totals (tenant_id, period, period_start, points DESC, person_id)
            INCLUDE (audience_id);
        CREATE INDEX point_totals_person_idx ON point_totals (tenant_id, person_id);
        CREATE TABLE feed_items (
            tenant_id uuid NOT NULL,
            id uuid NOT NULL,
            person_id uuid NOT NULL,
            audience_id uuid NOT NULL,
            kind text NOT NULL CHECK (kind IN ('award', 'pathway', 'level')),
            award_id uuid,
            badge_class_id uuid,
            pathway_id uuid,
            enrolment_id uuid,
            level text CHECK (char_length(level) <= 50),
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id),
            CHECK ((kind = 'award') = (award_id IS NOT NULL)),
            CHECK ((kind = 'pathway') = (pathway_id IS NOT NULL)),
            CHECK ((kind = 'level') = (level IS NOT NULL)),
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
            FOREIGN KEY (tenant_id, audience_id) REFERENCES audiences (tenant_id, id),
            FOREIGN KEY (tenant_id, award_id) REFERENCES awards (tenant_id, id),
            FOREIGN KEY (tenant_id, badge_class_id) REFERENCES badge_classes (tenant_id, id),
            FOREIGN KEY (tenant_id, pathway_id) REFERENCES pathways (tenant_id, id),
            FOREIGN KEY (tenant_id, enrolment_id) REFERENCES enrolments (tenant_id, id)
        );
        CREATE UNIQUE INDEX feed_items_award_idx ON feed_items (tenant_id, award_id) WHERE award_id IS NOT NULL;
        CREATE INDEX feed_items_person_idx ON feed_items (tenant_id, person_id, id);
        CREATE TABLE feed_congratulations (
            tenant_id uuid NOT NULL,
            feed_item_id uuid NOT NULL,
            person_id uuid NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, feed_item_id, person_id),
            FOREIGN KEY (tenant_id, feed_item_id) REFERENCES feed_items (tenant_id, id) ON DELETE CASCADE,
            FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
        )
"""


# Each row's copy of its person's audience: taken on insert (unless given), and following the person.
TRIGGERS = (
    """
    CREATE FUNCTION insignia_engagement_audience() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.audience_id IS NULL THEN
            SELECT audience_id INTO NEW.audience_id FROM people WHERE tenant_id = NEW.tenant_id AND id = NEW.person_id;
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER point_totals_audience BEFORE INSERT ON point_totals FOR EACH ROW "
    "EXECUTE FUNCTION insignia_engagement_audience()",
    "CREATE TRIGGER feed_items_audience BEFORE INSERT ON feed_items FOR EACH ROW "
    "EXECUTE FUNCTION insignia_engagement_audience()",
    """
    CREATE FUNCTION insignia_engagement_person_moved() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE point_totals SET audience_id = NEW.audience_id WHERE tenant_id = NEW.tenant_id AND person_id = NEW.id;
        UPDATE feed_items SET audience_id = NEW.audience_id WHERE tenant_id = NEW.tenant_id AND person_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER people_engagement_audience AFTER UPDATE OF audience_id ON people FOR EACH ROW "
    "WHEN (OLD.audience_id IS DISTINCT FROM NEW.audience_id) EXECUTE FUNCTION insignia_engagement_person_moved()",
)


def upgrade() -> None:
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            op.execute(statement)
    for table in TABLES:
        enable_tenant_rls(table)
    for statement in TRIGGERS:
        op.execute(statement)
    # The scheduler's cross-tenant entry point: tenants with a weekly digest due. Row-level security
    # binds the owner too; this policy lets the owner (the function below runs as it) read profiles.
    op.execute("CREATE POLICY platform_digest ON engagement_profiles FOR SELECT TO CURRENT_USER USING (true)")
    op.execute(
        """
        CREATE FUNCTION insignia_engagement_digest_due()
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
            SELECT DISTINCT tenant_id FROM engagement_profiles
             WHERE weekly_digest AND (digest_sent_at IS NULL OR digest_sent_at < now() - interval '7 days')
        $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION insignia_engagement_digest_due() FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION insignia_engagement_digest_due()")
    op.execute("DROP TRIGGER people_engagement_audience ON people")
    op.execute("DROP FUNCTION insignia_engagement_person_moved()")
    op.execute("DROP INDEX people_inactive_idx")
    op.execute("DROP TABLE " + ", ".join(reversed(TABLES)))
    op.execute("DROP FUNCTION insignia_engagement_audience()")
