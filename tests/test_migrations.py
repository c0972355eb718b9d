"""Migrations that move data, run on a database of their own holding rows from before them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

from insignia.infra.migrate import downgrade, migrate
from tests.conftest import ADMIN_URL, APP_ROLE, OWNER_ROLE

pytestmark = pytest.mark.asyncio


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
async def scratch_url(database_info: object) -> AsyncIterator[URL]:
    """An empty database owned by the migration role (the session database made the roles)."""
    admin = make_url(ADMIN_URL)
    name = f"insignia_migration_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(_dsn(admin))
    try:
        await conn.execute(f"CREATE DATABASE {name} OWNER {OWNER_ROLE}")
    finally:
        await conn.close()
    yield admin.set(drivername="postgresql+asyncpg", username=OWNER_ROLE, password=None, database=name)
    conn = await asyncpg.connect(_dsn(admin))
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await conn.close()


async def test_0007_keeps_awards_issued_before_it_on_their_revocation_entries(scratch_url: URL) -> None:
    await migrate(scratch_url, app_role=APP_ROLE, revision="0006")
    tenant, audience, person, badge = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    kept, revoked = uuid.uuid4(), uuid.uuid4()
    revoked_at = datetime(2026, 5, 1, 12, tzinfo=UTC)
    conn = await asyncpg.connect(_dsn(scratch_url))
    try:
        async with conn.transaction():
            await conn.execute("INSERT INTO tenants (id, slug, name) VALUES ($1, 'before-0007', 'Before')", tenant)
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            await conn.execute(
                "INSERT INTO audiences (tenant_id, id, kind, name) VALUES ($1, $2, 'employee', 'Staff')",
                tenant,
                audience,
            )
            await conn.execute(
                "INSERT INTO people (tenant_id, id, email, name, audience_id) VALUES ($1, $2, 'a@x.example', 'A', $3)",
                tenant,
                person,
                audience,
            )
            await conn.execute(
                "INSERT INTO badge_classes (tenant_id, id, name, description, status) "
                "VALUES ($1, $2, 'B', 'D', 'published')",
                tenant,
                badge,
            )
            for index, (award, when) in enumerate(((kept, None), (revoked, revoked_at))):
                await conn.execute(
                    "INSERT INTO awards (tenant_id, id, badge_class_id, recipient_id, criteria_version, issued_at, "
                    "issuer_kind, status_index, revoked_at, revocation_reason) "
                    "VALUES ($1, $2, $3, $4, 1, now(), 'operator', $5, $6, $7)",
                    tenant,
                    award,
                    badge,
                    person,
                    index,
                    when,
                    "Withdrawn" if when else None,
                )
            await conn.execute(
                "INSERT INTO status_lists (tenant_id, purpose, next_index) VALUES ($1, 'revocation', 2)", tenant
            )
    finally:
        await conn.close()

    await migrate(scratch_url, app_role=APP_ROLE)

    async def awards() -> list[tuple[uuid.UUID, str | None, int | None, datetime | None]]:
        conn = await asyncpg.connect(_dsn(scratch_url))
        try:
            async with conn.transaction():
                await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
                rows = await conn.fetch(
                    "SELECT id, status_purpose, status_index, status_changed_at FROM awards ORDER BY status_index"
                )
        finally:
            await conn.close()
        return [(r["id"], r["status_purpose"], r["status_index"], r["status_changed_at"]) for r in rows]

    # Their signed credentials name the revocation list: they stay on it, at the same positions, and
    # the revoked one's list is dated by its revocation.
    assert await awards() == [(kept, "revocation", 0, None), (revoked, "revocation", 1, revoked_at)]

    # A process from before 0007, still running during a rolling deploy, issues and revokes the
    # way it always did: the award lands on the revocation list it allocated from.
    late = uuid.uuid4()
    conn = await asyncpg.connect(_dsn(scratch_url))
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            await conn.execute(
                "INSERT INTO awards (tenant_id, id, badge_class_id, recipient_id, criteria_version, issued_at, "
                "issuer_kind, status_index, revoked_at, revocation_reason) "
                "VALUES ($1, $2, $3, $4, 1, now(), 'operator', 2, now(), 'x')",
                tenant,
                late,
                badge,
                person,
            )
    finally:
        await conn.close()
    assert (await awards())[2][:3] == (late, "revocation", 2)

    # Back to 0006 while no award has a message entry; then forward again.
    await downgrade(scratch_url, "0006")
    await migrate(scratch_url, app_role=APP_ROLE)
    assert [a[1] for a in await awards()] == ["revocation", "revocation", "revocation"]

    # Once a credential with a message entry exists, the downgrade refuses and changes nothing.
    conn = await asyncpg.connect(_dsn(scratch_url))
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            await conn.execute(
                "UPDATE awards SET status_purpose = 'message', status_index = 0 WHERE id = $1 AND revoked_at IS NULL",
                kept,
            )
    finally:
        await conn.close()
    with pytest.raises(Exception, match="cannot be downgraded"):
        await downgrade(scratch_url, "0006")
    assert [a[1] for a in await awards()] == ["message", "revocation", "revocation"]


async def test_0009_adds_request_ids_and_an_index_to_the_audit_log_and_goes_back(scratch_url: URL) -> None:
    await migrate(scratch_url, app_role=APP_ROLE, revision="0008")
    tenant, event = uuid.uuid4(), uuid.uuid4()
    conn = await asyncpg.connect(_dsn(scratch_url))
    try:
        async with conn.transaction():
            await conn.execute("INSERT INTO tenants (id, slug, name) VALUES ($1, 'before-0009', 'Before')", tenant)
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            await conn.execute(
                "INSERT INTO audit_events (tenant_id, id, actor, action, subject_type, subject_id) "
                "VALUES ($1, $2, 'operator', 'tenant.created', 'Tenant', $1)",
                tenant,
                event,
            )
    finally:
        await conn.close()

    async def shape() -> tuple[bool, bool]:
        conn = await asyncpg.connect(_dsn(scratch_url))
        try:
            column = await conn.fetchval(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'audit_events' AND column_name = 'request_id'"
            )
            index = await conn.fetchval("SELECT to_regclass('audit_events_newest_idx') IS NOT NULL")
        finally:
            await conn.close()
        return bool(column), bool(index)

    assert await shape() == (False, False)
    await migrate(scratch_url, app_role=APP_ROLE)
    assert await shape() == (True, True)
    conn = await asyncpg.connect(_dsn(scratch_url))
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            assert await conn.fetchval("SELECT request_id FROM audit_events WHERE id = $1", event) is None
    finally:
        await conn.close()
    await downgrade(scratch_url, "0008")
    assert await shape() == (False, False)
    await migrate(scratch_url, app_role=APP_ROLE)
    assert await shape() == (True, True)
