"""Bad input gets a clear error and writes nothing."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from datetime import timedelta

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from insignia.tenants.auth import issue_token
from tests.conftest import SECRET, GraphQLClient, Seeder, gid

pytestmark = pytest.mark.asyncio


INVITE = "mutation($input: PersonInviteInput!) { personInvite(input: $input) { person { id } errors { code field message } } }"


async def _count_people(gql: GraphQLClient, token: str) -> int:
    data = await gql(token, "{ people(first: 100) { edges { node { id } } } }")
    return len(data["people"]["edges"])


async def test_malformed_json(client: httpx.AsyncClient, seeder: Seeder) -> None:
    t = await seeder.tenant()
    response = await client.post(
        "/graphql",
        content=b'{"query": "{ viewer { id } ',
        headers={"Authorization": f"Bearer {t.tokens['admin']}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Unable to parse request body as JSON"


async def test_unknown_field_is_a_validation_error(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    body = (await gql.raw(t.tokens["admin"], "{ viewer { shoeSize } }")).json()
    assert body["errors"][0]["message"] == "Cannot query field 'shoeSize' on type 'Person'."
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    unknown_input = await gql.raw(
        t.tokens["admin"], INVITE, {"input": {"email": "a@b.example", "name": "A", "audienceId": "x", "isRoot": True}}
    )
    assert "isRoot" in unknown_input.json()["errors"][0]["message"]
    assert await _count_people(gql, t.tokens["admin"]) == len(t.people)


@pytest.mark.parametrize(
    ("override", "field", "fragment"),
    [
        ({"email": "not-an-email"}, "email", "not a valid email address"),
        ({"email": "a" * 330 + "@example.com"}, "email", "at most 320 characters"),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"name": "   "}, "name", "must not be empty"),
        ({"name": "bad\x00name"}, "name", "control characters"),
        ({"audienceId": "bm90LWFuLWlk"}, "audienceId", "not the id of a Audience"),
        ({"roles": []}, "roles", "at least one role"),
    ],
)
async def test_invalid_person_fields(
    seeder: Seeder, gql: GraphQLClient, override: dict[str, object], field: str, fragment: str
) -> None:
    t = await seeder.tenant()
    data = {"email": "fine@example.com", "name": "Fine", "audienceId": gid("Audience", t.audiences["employees"])}
    data.update(override)
    result = await gql(t.tokens["admin"], INVITE, {"input": data})
    payload = result["personInvite"]
    assert payload["person"] is None
    [error] = payload["errors"]
    assert error["field"] == field
    assert fragment in error["message"]
    assert await _count_people(gql, t.tokens["admin"]) == len(t.people)


async def test_missing_and_malformed_credentials(client: httpx.AsyncClient) -> None:
    query = {"query": "{ viewer { id } }"}
    for headers in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer x.y.z"},
    ):
        response = await client.post("/graphql", json=query, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_expired_and_tampered_tokens(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    person = t.people["admin"]
    expired = jwt.encode(
        {"alg": "HS256"},
        {
            "iss": "insignia",
            "sub": str(person.id),
            "tid": str(t.id),
            "ver": 1,
            "iat": int(time.time()) - 100,
            "exp": int(time.time()) - 10,
        },
        OctKey.import_key(b"wrong-key" * 4),
    )
    response = await gql.raw(expired, "{ viewer { id } }")
    assert response.status_code == 401
    really_expired = issue_token(SECRET, "insignia", person, timedelta(seconds=1))
    await asyncio.sleep(2.1)
    response = await gql.raw(really_expired, "{ viewer { id } }")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The bearer token is expired."
    header, payload, signature = t.tokens["admin"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["exp"] += 10_000
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    response = await gql.raw(f"{header}.{forged}.{signature}", "{ viewer { id } }")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The bearer token is invalid."
    other_secret = issue_token("another-secret-" + "y" * 40, "insignia", person, timedelta(hours=1))
    assert (await gql.raw(other_secret, "{ viewer { id } }")).status_code == 401


async def test_mutation_over_get_is_refused(client: httpx.AsyncClient, seeder: Seeder) -> None:
    t = await seeder.tenant()
    response = await client.get(
        "/graphql",
        params={"query": 'mutation { audienceCreate(input: {kind: CUSTOMER, name: "ViaGet"}) { errors { code } } }'},
        headers={"Authorization": f"Bearer {t.tokens['admin']}"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "mutations are not allowed when using GET"
    names = (
        await client.get(
            "/graphql",
            params={"query": "{ audiences { name } }"},
            headers={"Authorization": f"Bearer {t.tokens['admin']}"},
        )
    ).json()
    assert "ViaGet" not in json.dumps(names)
    assert names["data"]["audiences"]


async def test_oversized_body_is_refused(client: httpx.AsyncClient, seeder: Seeder) -> None:
    t = await seeder.tenant()
    huge = {"query": "{ viewer { id } }", "variables": {"pad": "x" * 17_000_000}}
    response = await client.post("/graphql", json=huge, headers={"Authorization": f"Bearer {t.tokens['admin']}"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_bad_pagination_arguments(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    too_many = (await gql.raw(t.tokens["admin"], "{ people(first: 1000) { edges { cursor } } }")).json()
    assert too_many["errors"][0]["extensions"] == {"code": "INVALID", "field": "first"}
    bad_cursor = (await gql.raw(t.tokens["admin"], '{ people(after: "%%%") { edges { cursor } } }')).json()
    assert bad_cursor["errors"][0]["extensions"] == {"code": "INVALID", "field": "after"}
