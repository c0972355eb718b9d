"""Row-level security for tenant-owned tables, shared by every migration.

The policy compares ``tenant_id`` with the transaction-local ``app.tenant_id`` setting. When no
tenant is set the comparison is NULL, so a query that forgot the tenant sees and writes nothing.
RLS is also *forced*, so the owner role is bound by it too.
"""

from alembic import op


def enable_tenant_rls(table: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} "
        "USING (tenant_id = insignia_current_tenant()) "
        "WITH CHECK (tenant_id = insignia_current_tenant())"
    )
