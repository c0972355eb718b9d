"""Side effects: the outbox, webhook endpoints and deliveries, idempotency keys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE outbox_events (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            kind text NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 100),
            payload jsonb NOT NULL DEFAULT '{}',
            status text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'dispatched', 'done', 'dead')),
            attempts integer NOT NULL DEFAULT 0,
            max_attempts integer CHECK (max_attempts >= 1),  -- NULL: the configured default
            -- Retries stop at whichever comes first: max_attempts or this moment.
            give_up_at timestamptz,
            available_at timestamptz NOT NULL DEFAULT now(),
            dispatched_at timestamptz,
            last_error text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            done_at timestamptz,
            PRIMARY KEY (tenant_id, id)
        )
        """
    )
    op.execute("CREATE INDEX outbox_due_idx ON outbox_events (available_at) WHERE status IN ('pending', 'dispatched')")
    op.execute("CREATE INDEX outbox_status_idx ON outbox_events (tenant_id, status, id)")
    op.execute(
        """
        CREATE TABLE webhook_endpoints (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            url text NOT NULL CHECK (char_length(url) BETWEEN 8 AND 2000),
            description text CHECK (char_length(description) <= 500),
            event_types text[] NOT NULL,
            secret_encrypted bytea NOT NULL,
            enabled boolean NOT NULL DEFAULT true,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE webhook_deliveries (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            endpoint_id uuid NOT NULL,
            event_id uuid NOT NULL,
            event_type text NOT NULL,
            payload jsonb NOT NULL,
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
            attempts integer NOT NULL DEFAULT 0,
            response_status integer,
            latency_ms integer,
            last_error text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            delivered_at timestamptz,
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, endpoint_id, event_id),
            FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
        )
        """
    )
    op.execute(
        """
        CREATE TABLE webhook_delivery_attempts (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            id uuid NOT NULL,
            delivery_id uuid NOT NULL,
            attempted_at timestamptz NOT NULL DEFAULT now(),
            response_status integer,
            latency_ms integer NOT NULL,
            error text,
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
        )
        """
    )
    op.execute("CREATE INDEX webhook_attempts_delivery_idx ON webhook_delivery_attempts (tenant_id, delivery_id)")
    op.execute(
        """
        CREATE TABLE idempotency_keys (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            principal text NOT NULL,
            key text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
            request_hash bytea NOT NULL,
            status_code integer,
            response bytea,
            created_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (tenant_id, principal, key)
        )
        """
    )
    op.execute("CREATE INDEX idempotency_expiry_idx ON idempotency_keys (expires_at)")
    for table in (
        "outbox_events",
        "webhook_endpoints",
        "webhook_deliveries",
        "webhook_delivery_attempts",
        "idempotency_keys",
    ):
        enable_tenant_rls(table)

    # The relay and the sweeper work across tenants, through these two functions only. They run as
    # the owner, which gets a policy on just these tables; the application role can call them but
    # still reads every row under its tenant policy.
    op.execute("CREATE POLICY platform_jobs ON outbox_events TO CURRENT_USER USING (true) WITH CHECK (true)")
    op.execute("CREATE POLICY platform_sweep ON idempotency_keys TO CURRENT_USER USING (true) WITH CHECK (true)")
    op.execute(
        """
        CREATE FUNCTION insignia_outbox_claim(batch integer, visibility_seconds double precision)
        RETURNS TABLE (tenant_id uuid, id uuid, kind text)
        LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
            WITH due AS (
                SELECT o.tenant_id, o.id FROM outbox_events o
                 WHERE o.status IN ('pending', 'dispatched') AND o.available_at <= clock_timestamp()
                 ORDER BY o.available_at
                 LIMIT batch
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE outbox_events o
               SET status = 'dispatched',
                   dispatched_at = clock_timestamp(),
                   available_at = clock_timestamp() + make_interval(secs => visibility_seconds)
              FROM due
             WHERE o.tenant_id = due.tenant_id AND o.id = due.id
            RETURNING o.tenant_id, o.id, o.kind
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION insignia_housekeeping(done_retention_days integer)
        RETURNS TABLE (idempotency_keys_removed bigint, events_removed bigint)
        LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
            WITH k AS (DELETE FROM idempotency_keys WHERE expires_at < now() RETURNING 1),
                 e AS (DELETE FROM outbox_events
                        WHERE status = 'done' AND done_at < now() - make_interval(days => done_retention_days)
                       RETURNING 1)
            SELECT (SELECT count(*) FROM k), (SELECT count(*) FROM e)
        $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION insignia_outbox_claim(integer, double precision) FROM PUBLIC")
    op.execute("REVOKE ALL ON FUNCTION insignia_housekeeping(integer) FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION insignia_housekeeping(integer)")
    op.execute("DROP FUNCTION insignia_outbox_claim(integer, double precision)")
    op.execute(
        "DROP TABLE idempotency_keys, webhook_delivery_attempts, webhook_deliveries, webhook_endpoints, outbox_events"
    )
