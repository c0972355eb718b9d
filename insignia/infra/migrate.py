"""Apply migrations as the owner role and keep the application role's grants in step.

The application role owns nothing, is not a superuser and cannot bypass row-level security;
it gets data privileges on tenant-owned tables and read access to the tenant registry.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from insignia.infra.db import asyncpg_url
from insignia.infra.settings import ConfigurationError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Tables the application may read and append to but never change or empty: history that must hold
# even against the application itself (the audit log, the points ledger).
APPEND_ONLY_TABLES = frozenset({"audit_events", "point_entries"})
# Serialises concurrent `insignia migrate` runs (several API processes starting at once).
_MIGRATION_LOCK_KEY = 0x1A51_61A0


def _quote_ident(name: str) -> str:
    if not name or not name.replace("_", "").isalnum() or not name.isascii():
        raise ConfigurationError(f"role name {name!r} may contain only letters, digits and _")
    return '"' + name + '"'


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def ensure_app_role(connection: Connection, role: str, password: str | None) -> None:
    """Create the application role if missing; refuse one that could bypass row-level security."""
    row = connection.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).one_or_none()
    if row is None:
        options = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT"
        statement = connection.execute(
            text(
                "SELECT format('CREATE ROLE %I ' || CAST(:options AS text) || ' PASSWORD %L', "
                "CAST(:role AS text), CAST(:password AS text))"
            ),
            {"options": options, "role": role, "password": password},
        ).scalar_one()
        try:
            connection.execute(text(statement))
        except Exception as exc:
            raise ConfigurationError(
                f"cannot create application role {role!r} ({exc.__class__.__name__}); "
                "create it (LOGIN NOSUPERUSER NOBYPASSRLS) or grant CREATEROLE to the migration role"
            ) from exc
    elif row.rolsuper or row.rolbypassrls:
        raise ConfigurationError(
            f"application role {role!r} is a superuser or bypasses row-level security; refusing to use it"
        )
    # The owner has platform policies (relay, sweeper, expiry) that see every tenant: the
    # application must never run as the owner or as a member of it.
    owner_like = connection.execute(
        text("SELECT :role = current_user OR pg_has_role(:role, current_user, 'MEMBER')"), {"role": role}
    ).scalar_one()
    if owner_like:
        raise ConfigurationError(
            f"application role {role!r} is the migration owner or a member of it; use a separate role"
        )


def _grant(connection: Connection, role: str) -> None:
    ident = _quote_ident(role)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {ident}"))
    connection.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ident}"))
    tenant_owned = connection.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
        )
    ).scalars()
    for table in tenant_owned:
        privileges = "SELECT, INSERT" if table in APPEND_ONLY_TABLES else "SELECT, INSERT, UPDATE, DELETE"
        connection.execute(text(f"GRANT {privileges} ON {table} TO {ident}"))
    connection.execute(text(f"GRANT SELECT ON tenants TO {ident}"))
    connection.execute(text(f"GRANT EXECUTE ON FUNCTION insignia_current_tenant() TO {ident}"))
    # The only cross-tenant entry points the application may use (see migration 0002).
    for function in (
        "insignia_outbox_claim(integer, double precision)",
        "insignia_housekeeping(integer)",
        "insignia_awards_due(integer, integer, timestamptz, uuid)",
        "insignia_portal_origin_known(text)",
        "insignia_sign_in_housekeeping()",
        "insignia_pathway_work()",
        "insignia_engagement_digest_due()",
        "insignia_rate_limit_take(text[], double precision[], double precision[], double precision, boolean)",
        "insignia_outbox_stats()",
        "insignia_tenant_limits()",
        "insignia_domain_activate(text)",
        "insignia_domain_release(text)",
        "insignia_domains_due(integer)",
    ):
        # A database migrated to an older revision does not have the newer functions yet.
        if connection.execute(text("SELECT to_regprocedure(:f)"), {"f": function}).scalar() is not None:
            connection.execute(text(f"GRANT EXECUTE ON FUNCTION {function} TO {ident}"))


def _upgrade(connection: Connection, role: str, password: str | None, revision: str) -> None:
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
    ensure_app_role(connection, role, password)
    command.upgrade(_alembic_config(connection), revision)
    _grant(connection, role)


async def migrate(
    owner_url: str | URL, *, app_role: str, app_role_password: str | None = None, revision: str = "head"
) -> None:
    """Upgrade the schema to ``revision`` (the newest by default), in one transaction, as the owner."""
    engine = create_async_engine(asyncpg_url(owner_url), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade, app_role, app_role_password, revision)
    finally:
        await engine.dispose()


async def downgrade(owner_url: str | URL, revision: str) -> None:
    """Downgrade the schema to ``revision``, in one transaction, as the owner (a migration whose
    data cannot be taken back refuses, and nothing changes)."""
    engine = create_async_engine(asyncpg_url(owner_url), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            await conn.run_sync(lambda sync: command.downgrade(_alembic_config(sync), revision))
    finally:
        await engine.dispose()
