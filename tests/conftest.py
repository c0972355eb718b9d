"""Test fixtures: a fresh database on the machine's PostgreSQL, migrated once per session.

Tests connect as the application role (not a superuser), so row-level security is really in
force. Each test creates its own tenants with unique slugs and commits for real: requests go
through the same pooled connections and transaction boundaries as in production, which is
what the isolation tests need to prove.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import URL, make_url

from insignia.app import create_app
from insignia.infra import global_ids
from insignia.infra.db import Database, create_engine, set_tenant
from insignia.infra.migrate import migrate
from insignia.infra.settings import Settings
from insignia.tenants import audience as audience_service
from insignia.tenants import person as person_service
from insignia.tenants.auth import issue_token, operator_principal
from insignia.tenants.models import Person
from insignia.tenants.tenant import create_tenant

ADMIN_URL = os.environ.get("INSIGNIA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
OWNER_ROLE = "insignia_test_owner"
APP_ROLE = "insignia_test_app"
SECRET = "test-secret-" + "x" * 40


def gid(type_name: str, value: object) -> str:
    """The Relay global id of an object, as a portal would hold it."""
    return global_ids.encode(type_name, value)  # type: ignore[arg-type]


@dataclass
class DatabaseInfo:
    name: str
    owner_url: URL
    app_url: URL


@pytest.fixture(scope="session")
async def database_info() -> AsyncIterator[DatabaseInfo]:
    admin = make_url(ADMIN_URL)
    name = f"insignia_test_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", OWNER_ROLE)
        if not exists:
            await conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE")
        await conn.execute(f"CREATE DATABASE {name} OWNER {OWNER_ROLE}")
    finally:
        await conn.close()
    owner_url = admin.set(drivername="postgresql+asyncpg", username=OWNER_ROLE, password=None, database=name)
    await migrate(owner_url, app_role=APP_ROLE)
    yield DatabaseInfo(name=name, owner_url=owner_url, app_url=owner_url.set(username=APP_ROLE))
    conn = await asyncpg.connect(admin.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings(database_info: DatabaseInfo, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        env="test",
        database_url=database_info.owner_url.render_as_string(hide_password=False),
        app_role=APP_ROLE,
        secret_key=SECRET,
        # Fast retries so tests see backoff, dead jobs and redelivery within seconds.
        job_max_attempts=4,
        job_retry_base_seconds=0.1,
        job_retry_max_seconds=0.4,
        job_visibility_seconds=3.0,
        webhook_max_attempts=4,
        webhook_timeout_seconds=5.0,
        webhook_allow_private=True,
        sso_allow_private=True,
        email_dir=tmp_path_factory.mktemp("mail"),
    )


@pytest.fixture(scope="session")
async def app_db(database_info: DatabaseInfo) -> AsyncIterator[Database]:
    db = Database(create_engine(database_info.app_url, pool_size=5))
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
async def owner_db(database_info: DatabaseInfo) -> AsyncIterator[Database]:
    db = Database(create_engine(database_info.owner_url, pool_size=2))
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
async def client(settings: Settings, app_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


@dataclass
class SeededTenant:
    """A tenant made for one test: ids, people and tokens."""

    id: uuid.UUID
    slug: str
    audiences: dict[str, uuid.UUID] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


class Seeder:
    def __init__(self, owner_db: Database) -> None:
        self.owner_db = owner_db

    async def tenant(self, prefix: str = "t") -> SeededTenant:
        """A tenant with three audiences, an admin, a manager with two reports (one indirect), an issuer, learners."""
        slug = f"{prefix}-{secrets.token_hex(4)}"
        async with self.owner_db.session() as s:
            tenant, admin = await create_tenant(s, slug=slug, name=f"Org {slug}", admin_email=f"admin@{slug}.example")
            await set_tenant(s, tenant.id)
            op = operator_principal(tenant.id)
            seeded = SeededTenant(id=tenant.id, slug=slug)
            aud = await audience_service.list_audiences(s)
            seeded.audiences["employees"] = aud[0].id
            partner = await audience_service.create_audience(
                s, op, kind="partner", name="Partners", partner_company="Initech"
            )
            customer = await audience_service.create_audience(s, op, kind="customer", name="Customers")
            seeded.audiences["partners"] = partner.id
            seeded.audiences["customers"] = customer.id
            people = seeded.people
            people["admin"] = admin

            async def add(key: str, roles: list[str], audience: str = "employees", manager: str | None = None) -> None:
                people[key] = await person_service.invite_person(
                    s,
                    op,
                    email=f"{key}@{slug}.example",
                    name=key.title(),
                    audience_id=seeded.audiences[audience],
                    manager_id=people[manager].id if manager else None,
                    roles=roles,
                )

            await add("manager", ["manager", "learner"])
            await add("lead", ["manager", "learner"], manager="manager")
            await add("report", ["learner"], manager="lead")
            await add("issuer", ["issuer", "learner"])
            await add("learner", ["learner"])
            await add("partner", ["learner"], audience="partners")
            await add("customer", ["learner"], audience="customers")
            await s.commit()
        for key, person in people.items():
            seeded.tokens[key] = issue_token(SECRET, "insignia", person, timedelta(hours=1))
        return seeded


@pytest.fixture(scope="session")
def seeder(owner_db: Database) -> Seeder:
    return Seeder(owner_db)


class GraphQLClient:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def raw(self, token: str | None, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def __call__(self, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run an operation that must succeed at the GraphQL level; returns ``data``."""
        response = await self.raw(token, query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture(scope="session")
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)
