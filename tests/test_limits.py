"""Limits that protect the platform and each tenant: the GraphQL cost limit, token-bucket rate
limits per person, API key, tenant and address, and the stores that share buckets between
API processes (PostgreSQL, Redis)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from insignia.app import create_app
from insignia.infra.db import Database, create_engine
from insignia.infra.ratelimit import Bucket, Limit, PostgresStore, RateLimiter, RedisStore
from insignia.infra.settings import Settings
from tests.conftest import APP_ROLE, SECRET, DatabaseInfo, GraphQLClient, Seeder, gid

pytestmark = pytest.mark.asyncio

VIEWER = "{ viewer { email } }"
# 100 people x 100 awards each: 10,100 objects, 11 points.
WIDE = "{ people(first: 100) { edges { node { awards(first: 100) { edges { node { id } } } } } } }"
# Nested connections of 100 x 100 x 100: a million objects.
HUGE = (
    "{ people(first: 100) { edges { node { awards(first: 100) { edges { node { recipient {"
    " awards(first: 100) { edges { node { id } } } } } } } } } } }"
)


@contextlib.asynccontextmanager
async def limited_client(settings: Settings, app_db: Database, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app of its own (its own buckets and limits cache) with ``changes``."""
    app = create_app(dataclasses.replace(settings, **changes), app_db, dispose_on_shutdown=False)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            yield c
    finally:
        await app.state.rate_limiter.close()


async def post(client: httpx.AsyncClient, token: str, query: str) -> httpx.Response:
    return await client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})


async def test_cost_is_reported_and_an_operation_over_the_limit_is_refused(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    admin = t.tokens["admin"]
    query = "{ people(first: 100) { totalCount edges { node { email awards(first: 10) { edges { node { id } } } } } } }"
    body = (await gql.raw(admin, query)).json()
    assert "errors" not in body
    # 100 people + 100 x 10 awards + one count; two points (one per started 1,000).
    assert body["extensions"]["cost"] == {"requested": 1101, "limit": 25000, "points": 2}
    assert body["data"]["people"]["totalCount"] == len(t.people)

    refused = await gql.raw(admin, HUGE)
    assert refused.status_code == 200
    body = refused.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "COST_LIMIT_EXCEEDED", "cost": 1_020_100, "limit": 25_000}
    assert "costs 1020100, over the limit of 25000" in error["message"]
    assert "first/last" in error["message"]

    # Variables count like literals; fragments count where they are spread.
    fragment = "fragment A on Person { awards(first: $n) { edges { node { id } } } }"
    body = (
        await gql.client.post(
            "/graphql",
            json={
                "query": f"query($n: Int) {{ people(first: 50) {{ edges {{ node {{ ...A }} }} }} }} {fragment}",
                "variables": {"n": 40},
            },
            headers={"Authorization": f"Bearer {admin}"},
        )
    ).json()
    assert body["extensions"]["cost"]["requested"] == 50 + 50 * 40


async def test_a_persons_rate_limit_answers_429_with_headers_and_recovers(
    seeder: Seeder, settings: Settings, app_db: Database
) -> None:
    t = await seeder.tenant()
    token = t.tokens["learner"]
    async with limited_client(settings, app_db, rate_limit_person=Limit(5, 2), rate_limit_tenant=None) as client:
        remaining = []
        for _ in range(5):
            response = await post(client, token, VIEWER)
            assert response.status_code == 200, response.text
            assert response.headers["RateLimit-Policy"] == '"person";q=5;w=3'
            remaining.append(response.headers["RateLimit"])
        assert remaining[0] == '"person";r=4;t=1' and remaining[-1].startswith('"person";r=0;')
        refused = await post(client, token, VIEWER)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "1"
        assert refused.headers["RateLimit"].startswith('"person";r=0;')
        assert refused.headers["RateLimit-Policy"] == '"person";q=5;w=3'
        [error] = refused.json()["errors"]
        assert error["extensions"] == {"code": "RATE_LIMITED", "policy": "person", "retryAfter": 1}
        # Another person of the same tenant is not affected.
        assert (await post(client, t.tokens["admin"], VIEWER)).status_code == 200
        await asyncio.sleep(0.6)  # two points a second: one request's worth is back
        recovered = await post(client, token, VIEWER)
        assert recovered.status_code == 200
        assert recovered.json()["data"]["viewer"]["email"] == t.people["learner"].email


async def test_costly_operations_take_more_points(seeder: Seeder, settings: Settings, app_db: Database) -> None:
    t = await seeder.tenant()
    token = t.tokens["admin"]
    async with limited_client(settings, app_db, rate_limit_person=Limit(30, 0.01), rate_limit_tenant=None) as client:
        first = await post(client, token, WIDE)
        assert first.json()["extensions"]["cost"]["points"] == 11
        assert first.headers["RateLimit"].startswith('"person";r=19;')
        assert (await post(client, token, WIDE)).headers["RateLimit"].startswith('"person";r=8;')
        # 8 points left: a small query passes, a wide one does not (and takes nothing).
        refused = await post(client, token, WIDE)
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        small = await post(client, token, VIEWER)
        assert small.status_code == 200
        assert small.headers["RateLimit"].startswith('"person";r=7;')


async def test_limits_are_per_tenant_a_flood_does_not_spend_another_tenants_budget(
    seeder: Seeder, settings: Settings, app_db: Database
) -> None:
    noisy, quiet = await seeder.tenant("noisy"), await seeder.tenant("quiet")
    async with limited_client(settings, app_db, rate_limit_person=None, rate_limit_tenant=Limit(10, 0.01)) as client:
        people = ["admin", "manager", "learner", "issuer", "report"]
        statuses = [(await post(client, noisy.tokens[people[i % len(people)]], VIEWER)).status_code for i in range(14)]
        assert statuses[:10] == [200] * 10
        assert statuses[10:] == [429] * 4
        refused = await post(client, noisy.tokens["customer"], VIEWER)
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"]["policy"] == "tenant"
        # The quiet tenant still has its whole budget.
        calm = await post(client, quiet.tokens["learner"], VIEWER)
        assert calm.status_code == 200
        assert calm.headers["RateLimit"].startswith('"tenant";r=9;')


async def test_api_keys_have_their_own_bucket_also_for_xapi(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database
) -> None:
    t = await seeder.tenant()
    created = await gql(
        t.tokens["admin"],
        'mutation { apiKeyCreate(input: {name: "lms", scopes: [PEOPLE_READ, LEARNING_RECORD]}) { secret } }',
    )
    key = created["apiKeyCreate"]["secret"]
    async with limited_client(settings, app_db, rate_limit_api_key=Limit(3, 0.01), rate_limit_tenant=None) as client:
        for _ in range(3):
            response = await post(client, key, "{ people(first: 1) { edges { node { email } } } }")
            assert response.status_code == 200
            assert response.headers["RateLimit-Policy"] == '"api_key";q=3;w=300'
        assert (await post(client, key, VIEWER)).status_code == 429
        statement = {
            "actor": {"mbox": f"mailto:{t.people['learner'].email}"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": "https://lms.example/unknown"},
        }
        xapi = await client.post(
            "/xapi/statements",
            json=statement,
            headers={"Authorization": f"Bearer {key}", "X-Experience-API-Version": "1.0.3"},
        )
        assert xapi.status_code == 429
        assert xapi.headers["Retry-After"]


async def test_public_pages_are_limited_per_address(seeder: Seeder, settings: Settings, app_db: Database) -> None:
    t = await seeder.tenant()
    app = create_app(dataclasses.replace(settings, rate_limit_ip=Limit(3, 0.01)), app_db, dispose_on_shutdown=False)

    def client_from(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 4000))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async with client_from("198.51.100.4") as client, client_from("192.0.2.7") as other:
        for _ in range(3):
            page = await client.get(f"/t/{t.slug}/sharing")
            assert page.status_code == 200
            assert page.headers["RateLimit-Policy"] == '"ip";q=3;w=300'
        refused = await client.get(f"/t/{t.slug}/sharing")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        # Another address has its own bucket; health checks and the API are not limited by address.
        assert (await other.get(f"/t/{t.slug}/sharing")).status_code == 200
        assert (await client.get("/healthz")).status_code == 200
        assert (await post(client, t.tokens["learner"], VIEWER)).status_code == 200
    await app.state.rate_limiter.close()


async def test_the_operator_sets_a_tenants_limits(
    seeder: Seeder, settings: Settings, app_db: Database, database_info: DatabaseInfo
) -> None:
    t = await seeder.tenant()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGNIA_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=database_info.owner_url.set(drivername="postgresql").render_as_string(hide_password=False),
        INSIGNIA_APP_ROLE=APP_ROLE,
        INSIGNIA_SECRET_KEY=SECRET,
        INSIGNIA_ENV="test",
    )

    def limits(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "insignia", "tenant", "limits", "--slug", t.slug, *args],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    shown = limits("--person", "2/0.01", "--max-cost", "500")
    assert "person:   2/0.01\n" in shown
    assert "api key:  1000/100 (platform default)" in shown
    assert "max cost: 500\n" in shown
    async with limited_client(settings, app_db) as client:
        wide = await post(client, t.tokens["admin"], "{ people(first: 100) { edges { node { email } } } }")
        assert wide.status_code == 200
        assert wide.json()["extensions"]["cost"] == {"requested": 100, "limit": 500, "points": 1}
        assert (await post(client, t.tokens["admin"], VIEWER)).status_code == 200
        assert (await post(client, t.tokens["admin"], VIEWER)).status_code == 429
    assert "person:   100/10 (platform default)" in limits("--person", "default", "--max-cost", "default")


def _buckets(limit: Limit) -> list[Bucket]:
    tenant = uuid.uuid4()
    return [Bucket("person", f"{{{tenant}}}:p:{uuid.uuid4()}", limit), Bucket("tenant", f"{{{tenant}}}:t", limit)]


async def _shared_between_processes(first: RateLimiter, second: RateLimiter) -> None:
    buckets = _buckets(Limit(3, 20))
    assert (await first.take(buckets)).allowed
    assert (await second.take(buckets)).allowed
    assert (await first.take(buckets)).allowed
    refused = await second.take(buckets)
    assert not refused.allowed and refused.refused_by is not None
    assert 0 < refused.retry_after <= 0.05 + 1e-6
    assert not (await first.peek(buckets)).allowed
    await asyncio.sleep(0.1)  # 20 points a second
    assert (await second.take(buckets)).allowed
    # A take is all or nothing: a bucket short of points leaves the others untouched.
    tenant = uuid.uuid4()
    roomy, short = (
        Bucket("person", f"{{{tenant}}}:p:1", Limit(5, 0.01)),
        Bucket("tenant", f"{{{tenant}}}:t", Limit(1, 0.01)),
    )
    assert (await first.take([roomy, short])).allowed
    assert not (await second.take([roomy, short])).allowed
    assert (await first.peek([roomy], 0)).levels[0] == pytest.approx(4.0, abs=0.01)


async def test_postgres_store_shares_buckets_between_processes(database_info: DatabaseInfo) -> None:
    engines = [create_engine(database_info.app_url, pool_size=1, pre_ping=False) for _ in range(2)]
    first, second = (RateLimiter(PostgresStore(e)) for e in engines)
    try:
        await _shared_between_processes(first, second)
    finally:
        await first.close()
        await second.close()


async def test_redis_store_shares_buckets_between_processes() -> None:
    first, second = (
        RateLimiter(RedisStore("redis://127.0.0.1:6379/0")),
        RateLimiter(RedisStore("redis://127.0.0.1:6379/0")),
    )
    try:
        await _shared_between_processes(first, second)
    finally:
        await first.close()
        await second.close()


async def test_a_store_outage_lets_requests_through(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RateLimiter(RedisStore("redis://127.0.0.1:1/0"))
    try:
        decision = await limiter.take(_buckets(Limit(1, 1)))
        assert decision.allowed
        assert any("rate limit store unavailable" in r.getMessage() for r in caplog.records)
    finally:
        await limiter.close()


async def test_skipped_fields_cost_nothing(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    body = (
        await gql.client.post(
            "/graphql",
            json={
                "query": "query($id: ID!, $skip: Boolean!) { node(id: $id) { id } people(first: 30) @skip(if: $skip) { edges { node { email } } } }",
                "variables": {"id": gid("Person", t.people["admin"].id), "skip": True},
            },
            headers={"Authorization": f"Bearer {t.tokens['admin']}"},
        )
    ).json()
    assert body["extensions"]["cost"]["requested"] == 1
