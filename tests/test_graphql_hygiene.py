"""Limits, production hardening, masking of unexpected errors, and SQL statement budgets."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from insignia.app import create_app
from insignia.infra.db import Database, count_statements
from insignia.infra.settings import Settings
from insignia.tenants import tenant as tenant_service
from tests.conftest import GraphQLClient, Seeder, gid

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
async def dev_client(settings: Settings, app_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(replace(settings, env="development"), app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_and_suggestions_off_in_production(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    body = (await gql.raw(t.tokens["admin"], INTROSPECTION)).json()
    assert "introspection" in body["errors"][0]["message"].lower()
    typo = (await gql.raw(t.tokens["admin"], "{ viewr { id } }")).json()
    assert "Did you mean" not in typo["errors"][0]["message"]


async def test_introspection_suggestions_and_graphiql_in_development(
    seeder: Seeder, dev_client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    headers = {"Authorization": f"Bearer {t.tokens['admin']}"}
    body = (await dev_client.post("/graphql", json={"query": INTROSPECTION}, headers=headers)).json()
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
    typo = (await dev_client.post("/graphql", json={"query": "{ viewr { id } }"}, headers=headers)).json()
    assert "Did you mean 'viewer'?" in typo["errors"][0]["message"]
    ide = await dev_client.get("/graphql", headers={"Accept": "text/html"})
    assert ide.status_code == 200 and "graphiql" in ide.text.lower()


async def test_graphiql_is_off_in_production(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 401


async def test_depth_limit(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    deep = "{ viewer { " + "manager { " * 14 + "id" + " }" * 14 + " } }"
    body = (await gql.raw(t.tokens["admin"], deep)).json()
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_alias_limit(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    many = "{ " + " ".join(f"a{i}: viewer {{ id }}" for i in range(40)) + " }"
    body = (await gql.raw(t.tokens["admin"], many)).json()
    assert "aliases" in body["errors"][0]["message"]
    assert body.get("data") is None


async def test_token_limit(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    body = (await gql.raw(t.tokens["admin"], "{ viewer { " + "id " * 2500 + "} }")).json()
    assert "token" in body["errors"][0]["message"].lower()


async def test_directive_limit(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    many = "{ viewer { " + " ".join("id @include(if: true)" for _ in range(25)) + " } }"
    body = (await gql.raw(t.tokens["admin"], many)).json()
    assert body["errors"][0]["message"] == "The document uses more than 20 directives."
    few = "{ viewer { id @include(if: true) } }"
    assert "errors" not in (await gql.raw(t.tokens["admin"], few)).json()


async def test_unexpected_errors_are_masked_and_logged_with_request_id(
    seeder: Seeder, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    t = await seeder.tenant()

    async def broken(*_args: object) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(tenant_service, "get_tenant", broken)
    with caplog.at_level(logging.ERROR, logger="insignia.graphql"):
        response = await gql.client.post(
            "/graphql",
            json={"query": "{ tenant { slug } }"},
            headers={"Authorization": f"Bearer {t.tokens['admin']}", "X-Request-ID": "req-123"},
        )
    body = response.json()
    assert "hunter2" not in response.text
    assert body["errors"][0]["message"] == "Unexpected error."
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-123"}
    assert response.headers["x-request-id"] == "req-123"
    assert any("hunter2" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


async def test_nested_people_list_issues_a_fixed_number_of_statements(seeder: Seeder, gql: GraphQLClient) -> None:
    """people -> audience, manager -> audience: batched by DataLoaders, not one query per row."""
    t = await seeder.tenant()
    query = "{ people(first: 100) { edges { node { email audience { name } manager { email audience { kind } manager { email } } } } } }"

    async def statements() -> int:
        async with count_statements() as counter:
            await gql(t.tokens["admin"], query)
        return counter[0]

    baseline = await statements()
    for i in range(10):
        await gql(
            t.tokens["admin"],
            'mutation($a: ID!, $m: ID!) { personInvite(input: {email: $e, name: "N", audienceId: $a, managerId: $m}) { errors { code } } }'.replace(
                "$e", f'"extra{i}@example.com"'
            ),
            {"a": gid("Audience", t.audiences["customers"]), "m": gid("Person", t.people["lead"].id)},
        )
    # Authentication (set tenant, person with tenant status) 2 + people page 1 + one batch per
    # loader: audiences (people's and managers' together), managers, managers' managers.
    assert baseline == 5
    assert await statements() == 5
