"""``Idempotency-Key`` on mutations: replay the first answer, refuse a different body, per caller."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from tests.conftest import GraphQLClient, Seeder, gid

pytestmark = pytest.mark.asyncio


INVITE = 'mutation($a: ID!, $e: String!) { personInvite(input: {email: $e, name: "Idem", audienceId: $a}) { person { id email } errors { code } } }'


async def _post(client: httpx.AsyncClient, token: str, body: dict[str, object], key: str) -> httpx.Response:
    return await client.post(
        "/graphql",
        content=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": "application/json"},
    )


async def _people_named(gql: GraphQLClient, token: str, email: str) -> int:
    data = await gql(
        token, "query($s: String) { people(filter: {search: $s}) { edges { node { id } } } }", {"s": email}
    )
    return len(data["people"]["edges"])


async def test_same_key_same_body_replays_the_first_result(
    client: httpx.AsyncClient, seeder: Seeder, gql: GraphQLClient
) -> None:
    t = await seeder.tenant()
    body = {"query": INVITE, "variables": {"a": gid("Audience", t.audiences["employees"]), "e": "once@example.com"}}
    first = await _post(client, t.tokens["admin"], body, "invite-once-1")
    second = await _post(client, t.tokens["admin"], body, "invite-once-1")
    assert first.status_code == second.status_code == 200
    assert first.json()["data"]["personInvite"]["errors"] == []
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert await _people_named(gql, t.tokens["admin"], "once@example.com") == 1


async def test_concurrent_requests_with_one_key_run_once(
    client: httpx.AsyncClient, seeder: Seeder, gql: GraphQLClient
) -> None:
    t = await seeder.tenant()
    body = {"query": INVITE, "variables": {"a": gid("Audience", t.audiences["employees"]), "e": "race@example.com"}}
    responses = await asyncio.gather(*[_post(client, t.tokens["admin"], body, "race-key") for _ in range(4)])
    assert {r.status_code for r in responses} == {200}
    assert len({json.dumps(r.json(), sort_keys=True) for r in responses}) == 1
    assert await _people_named(gql, t.tokens["admin"], "race@example.com") == 1


async def test_same_key_different_body_is_refused(
    client: httpx.AsyncClient, seeder: Seeder, gql: GraphQLClient
) -> None:
    t = await seeder.tenant()
    audience = gid("Audience", t.audiences["employees"])
    await _post(
        client, t.tokens["admin"], {"query": INVITE, "variables": {"a": audience, "e": "a1@example.com"}}, "k-1"
    )
    other = await _post(
        client, t.tokens["admin"], {"query": INVITE, "variables": {"a": audience, "e": "a2@example.com"}}, "k-1"
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await _people_named(gql, t.tokens["admin"], "a2@example.com") == 0


async def test_keys_belong_to_one_caller(client: httpx.AsyncClient, seeder: Seeder, gql: GraphQLClient) -> None:
    a, b = await seeder.tenant(), await seeder.tenant()
    body_a = {"query": INVITE, "variables": {"a": gid("Audience", a.audiences["employees"]), "e": "shared@example.com"}}
    body_b = {"query": INVITE, "variables": {"a": gid("Audience", b.audiences["employees"]), "e": "shared@example.com"}}
    ra = await _post(client, a.tokens["admin"], body_a, "shared-key")
    rb = await _post(client, b.tokens["admin"], body_b, "shared-key")
    assert ra.json()["data"]["personInvite"]["person"]["id"] != rb.json()["data"]["personInvite"]["person"]["id"]
    assert "idempotent-replayed" not in rb.headers


async def test_malformed_key_is_refused(client: httpx.AsyncClient, seeder: Seeder) -> None:
    t = await seeder.tenant()
    response = await _post(client, t.tokens["admin"], {"query": "{ viewer { id } }"}, "x" * 300)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID"
