"""The database enforces isolation by itself: a catalog check and fail-closed behaviour."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from insignia.infra.db import Database, set_tenant
from tests.conftest import APP_ROLE, Seeder

pytestmark = pytest.mark.asyncio


async def test_every_tenant_table_has_forced_rls_and_tenant_leading_keys(owner_db: Database) -> None:
    async with owner_db.session() as s:
        tables = (
            await s.execute(
                text(
                    """
                    SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                           (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
                           (SELECT a.attname FROM pg_index i
                              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
                             WHERE i.indrelid = c.oid AND i.indisprimary) AS pk_first
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
                    """
                )
            )
        ).all()
        assert {t.relname for t in tables} >= {"audiences", "people", "api_keys"}
        for t in tables:
            assert t.relrowsecurity, f"{t.relname}: RLS not enabled"
            assert t.relforcerowsecurity, f"{t.relname}: RLS not forced"
            assert t.policies >= 1, f"{t.relname}: no policy"
            assert t.pk_first == "tenant_id", f"{t.relname}: primary key does not lead with tenant_id"

        # Every foreign key between tenant-owned tables carries tenant_id.
        fks = (
            await s.execute(
                text(
                    """
                    SELECT con.conname, src.relname AS src, dst.relname AS dst,
                           ARRAY(SELECT a.attname FROM unnest(con.conkey) k
                                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k)::text[] AS cols
                      FROM pg_constraint con
                      JOIN pg_class src ON src.oid = con.conrelid
                      JOIN pg_class dst ON dst.oid = con.confrelid
                     WHERE con.contype = 'f' AND dst.relname <> 'tenants'
                    """
                )
            )
        ).all()
        assert fks, "expected foreign keys between tenant-owned tables"
        for fk in fks:
            assert fk.cols[0] == "tenant_id", f"{fk.conname} ({fk.src} -> {fk.dst}) does not include tenant_id first"


async def test_policies_bind_the_app_role_to_its_tenant_only(owner_db: Database) -> None:
    async with owner_db.session() as s:
        policies = (
            await s.execute(
                text(
                    """
                    SELECT c.relname, p.polname, p.polroles = '{0}' AS for_public,
                           ARRAY(SELECT rolname FROM pg_roles WHERE oid = ANY (p.polroles))::text[] AS roles,
                           pg_get_expr(p.polqual, p.polrelid) AS using_expr,
                           pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr
                      FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
                    """
                )
            )
        ).all()
    for p in policies:
        if p.polname == "tenant_isolation":
            assert "insignia_current_tenant()" in p.using_expr and "insignia_current_tenant()" in p.check_expr
        else:
            # Extra policies (the relay's and the sweeper's) belong to the owner, never the app role.
            assert not p.for_public, f"{p.relname}.{p.polname} applies to everyone"
            assert APP_ROLE not in p.roles, f"{p.relname}.{p.polname} applies to the app role"


async def test_app_role_cannot_bypass_rls_and_owns_nothing(app_db: Database) -> None:
    async with app_db.session() as s:
        role = (
            await s.execute(
                text("SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            )
        ).one()
        assert role.name == APP_ROLE
        assert not role.rolsuper and not role.rolbypassrls
        owned = await s.scalar(
            text("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = current_user")
        )
        assert owned == 0


async def test_without_a_tenant_nothing_is_visible_or_writable(app_db: Database, seeder: Seeder) -> None:
    seeded = await seeder.tenant()
    async with app_db.session() as s:
        assert await s.scalar(text("SELECT count(*) FROM people")) == 0
        assert await s.scalar(text("SELECT count(*) FROM audiences")) == 0
        with pytest.raises(DBAPIError, match="row-level security"):
            await s.execute(
                text("INSERT INTO audiences (tenant_id, id, kind, name) VALUES (:t, :i, 'customer', 'x')"),
                {"t": seeded.id, "i": uuid.uuid4()},
            )


async def test_tenant_setting_does_not_survive_the_transaction(app_db: Database, seeder: Seeder) -> None:
    seeded = await seeder.tenant()
    async with app_db.session() as s:
        await set_tenant(s, seeded.id)
        assert await s.scalar(text("SELECT count(*) FROM people")) == len(seeded.people)
        await s.commit()
        # Same session, same pooled connection, next transaction: the tenant is gone.
        assert await s.scalar(text("SELECT count(*) FROM people")) == 0


async def test_owner_is_bound_by_forced_rls_too(owner_db: Database, seeder: Seeder) -> None:
    await seeder.tenant()
    async with owner_db.session() as s:
        assert await s.scalar(text("SELECT count(*) FROM people")) == 0


async def test_writing_into_another_tenant_is_refused(app_db: Database, seeder: Seeder) -> None:
    a = await seeder.tenant()
    b = await seeder.tenant()
    async with app_db.session() as s:
        await set_tenant(s, a.id)
        with pytest.raises(DBAPIError, match="row-level security"):
            await s.execute(
                text("INSERT INTO audiences (tenant_id, id, kind, name) VALUES (:t, :i, 'customer', 'x')"),
                {"t": b.id, "i": uuid.uuid4()},
            )


async def test_app_role_grants_are_data_only_and_the_audit_log_append_only(owner_db: Database) -> None:
    async with owner_db.session() as s:
        rows = (
            await s.execute(
                text(
                    """
                    SELECT c.relname,
                           ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE',
                                                             'REFERENCES', 'TRIGGER']) AS p
                                  WHERE has_table_privilege(:role, c.oid, p))::text[] AS privileges
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
                    """
                ),
                {"role": APP_ROLE},
            )
        ).all()
    grants = {r.relname: r.privileges for r in rows}
    # History is appended to and read, never rewritten or erased by the application.
    assert grants.pop("audit_events") == ["SELECT", "INSERT"]
    assert grants.pop("point_entries") == ["SELECT", "INSERT"]  # the points ledger
    for table, privileges in grants.items():
        assert privileges == ["SELECT", "INSERT", "UPDATE", "DELETE"], f"{table}: {privileges}"
