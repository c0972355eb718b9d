"""Operations: rate limits and other operational state (issue 19).

- ``tenant_limits``: the operator's per-tenant rate limits and GraphQL cost limit (a NULL column
  keeps the platform default; a burst of 0 turns that limit off for the tenant), which API
  processes read all at once through ``insignia_tenant_limits()``.
- ``rate_limit_buckets`` (unlogged: buckets are cheap to lose on a crash, and a write-ahead log
  of every request's points would cost more than it protects) and ``insignia_rate_limit_take``,
  the token bucket shared by every API process when ``INSIGNIA_RATE_LIMIT_STORE=postgres``. Keys
  are opaque strings (``t:<tenant>:p:<person>``), so the table is platform state, not tenant data:
  the application reaches it only through the function.
- ``outbox_events.trace_context``: the W3C ``traceparent`` of the request that enqueued a job,
  so the job's trace continues it.
- ``insignia_outbox_stats()``: queue depth and age of every tenant's jobs, for ``/metrics``.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from alembic import op

from insignia.infra.migrations.rls import enable_tenant_rls

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE tenant_limits (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            person_burst double precision CHECK (person_burst >= 0),
            person_rate double precision CHECK (person_rate > 0),
            api_key_burst double precision CHECK (api_key_burst >= 0),
            api_key_rate double precision CHECK (api_key_rate > 0),
            tenant_burst double precision CHECK (tenant_burst >= 0),
            tenant_rate double precision CHECK (tenant_rate > 0),
            max_cost integer CHECK (max_cost >= 0),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id)
        )
        """
    )
    enable_tenant_rls("tenant_limits")
    # API processes keep every tenant's overrides in memory (a handful of rows), read through this
    # function only: the owner's policy lets it see them all, the application role never does.
    op.execute("CREATE POLICY platform_limits ON tenant_limits TO CURRENT_USER USING (true) WITH CHECK (true)")
    op.execute(
        """
        CREATE FUNCTION insignia_tenant_limits()
        RETURNS SETOF tenant_limits
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$ SELECT * FROM tenant_limits $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION insignia_tenant_limits() FROM PUBLIC")

    op.execute(
        """
        CREATE UNLOGGED TABLE rate_limit_buckets (
            bucket text PRIMARY KEY CHECK (char_length(bucket) <= 200),
            tokens double precision NOT NULL,
            updated_at timestamptz NOT NULL
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION insignia_rate_limit_take(
            keys text[], bursts double precision[], rates double precision[], cost double precision, peek boolean
        )
        RETURNS double precision[]
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
        DECLARE
            now_at timestamptz := clock_timestamp();
            levels double precision[] := '{}';
            allowed boolean := true;
            found_tokens double precision;
            found_at timestamptz;
            level double precision;
        BEGIN
            -- The caller passes the keys sorted, so concurrent takes lock rows in one order.
            FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
                IF peek THEN
                    SELECT b.tokens, b.updated_at INTO found_tokens, found_at
                      FROM rate_limit_buckets b WHERE b.bucket = keys[i];
                ELSE
                    INSERT INTO rate_limit_buckets AS b (bucket, tokens, updated_at)
                         VALUES (keys[i], bursts[i], now_at)
                    ON CONFLICT (bucket) DO UPDATE SET bucket = excluded.bucket
                    RETURNING b.tokens, b.updated_at INTO found_tokens, found_at;
                END IF;
                IF found_tokens IS NULL THEN
                    level := bursts[i];
                ELSE
                    level := least(bursts[i], found_tokens
                                   + greatest(0, extract(epoch FROM now_at - found_at)) * rates[i]);
                END IF;
                levels := levels || level;
                IF level < least(cost, bursts[i]) THEN
                    allowed := false;
                END IF;
            END LOOP;
            IF allowed AND NOT peek THEN
                FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
                    levels[i] := levels[i] - least(cost, bursts[i]);
                    UPDATE rate_limit_buckets SET tokens = levels[i], updated_at = now_at WHERE bucket = keys[i];
                END LOOP;
            END IF;
            -- Now and then forget buckets idle for an hour (full again for any sane limit).
            IF NOT peek AND random() < 0.0005 THEN
                DELETE FROM rate_limit_buckets WHERE updated_at < now_at - interval '1 hour';
            END IF;
            RETURN ARRAY[CASE WHEN allowed THEN 1 ELSE 0 END]::double precision[] || levels;
        END
        $$
        """
    )
    op.execute(
        "REVOKE ALL ON FUNCTION insignia_rate_limit_take(text[], double precision[], double precision[], "
        "double precision, boolean) FROM PUBLIC"
    )

    op.execute("ALTER TABLE outbox_events ADD COLUMN trace_context text CHECK (char_length(trace_context) <= 512)")
    op.execute(
        """
        CREATE FUNCTION insignia_outbox_stats()
        RETURNS TABLE (status text, kind text, events bigint, oldest timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
            SELECT o.status, o.kind, count(*), min(o.created_at)
              FROM outbox_events o
             WHERE o.status IN ('pending', 'dispatched', 'dead')
             GROUP BY o.status, o.kind
        $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION insignia_outbox_stats() FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION insignia_outbox_stats()")
    op.execute("ALTER TABLE outbox_events DROP COLUMN trace_context")
    op.execute(
        "DROP FUNCTION insignia_rate_limit_take(text[], double precision[], double precision[], "
        "double precision, boolean)"
    )
    op.execute("DROP TABLE rate_limit_buckets")
    op.execute("DROP FUNCTION insignia_tenant_limits()")
    op.execute("DROP TABLE tenant_limits")
