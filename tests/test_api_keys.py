"""API keys: shown once, stored hashed, scoped, revocable; they authenticate like tokens."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from insignia.infra.db import Database, set_tenant
from insignia.tenants.models import ApiKey
from tests.conftest import GraphQLClient, Seeder

pytestmark = pytest.mark.asyncio

CREATE = "mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey { id name scopes revokedAt } secret errors { code field } } }"


async def test_key_is_shown_once_and_stored_hashed(seeder: Seeder, gql: GraphQLClient, owner_db: Database) -> None:
    t = await seeder.tenant()
    data = await gql(t.tokens["admin"], CREATE, {"input": {"name": "Partner portal", "scopes": ["PEOPLE_READ"]}})
    secret = data["apiKeyCreate"]["secret"]
    assert secret.startswith("insk_")
    listed = await gql(t.tokens["admin"], "{ apiKeys { edges { node { name scopes lastUsedAt } } } }")
    assert listed["apiKeys"]["edges"] == [
        {"node": {"name": "Partner portal", "scopes": ["PEOPLE_READ"], "lastUsedAt": None}}
    ]
    assert secret not in str(listed)
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        stored_hash = (await s.scalars(select(ApiKey))).one().secret_hash
    raw_secret = secret.split("_", 3)[3]
    assert stored_hash == hashlib.sha256(raw_secret.encode()).digest()
    assert raw_secret.encode() not in stored_hash


async def test_key_authenticates_within_its_scopes(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    key = (await gql(t.tokens["admin"], CREATE, {"input": {"name": "Reader", "scopes": ["PEOPLE_READ"]}}))[
        "apiKeyCreate"
    ]["secret"]
    data = await gql(key, "{ viewer { id } tenant { slug } people(first: 100) { edges { node { email } } } }")
    assert data["viewer"] is None
    assert data["tenant"]["slug"] == t.slug
    assert len(data["people"]["edges"]) == len(t.people)
    invite = await gql(
        key,
        'mutation($a: ID!) { personInvite(input: {email: "k@x.example", name: "K", audienceId: $a}) { errors { code } } }',
        {"a": "QXVkaWVuY2U6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"},
    )
    assert invite["personInvite"]["errors"] == [{"code": "FORBIDDEN"}]
    # A key can never mint another key, whatever its scopes.
    minted = await gql(key, CREATE, {"input": {"name": "Child", "scopes": ["PEOPLE_READ"]}})
    assert minted["apiKeyCreate"] == {"apiKey": None, "secret": None, "errors": [{"code": "FORBIDDEN", "field": None}]}


async def test_revoked_key_is_refused(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    created = (await gql(t.tokens["admin"], CREATE, {"input": {"name": "Temp", "scopes": ["PEOPLE_READ"]}}))[
        "apiKeyCreate"
    ]
    assert (await gql.raw(created["secret"], "{ tenant { slug } }")).status_code == 200
    revoked = await gql(
        t.tokens["admin"],
        "mutation($id: ID!) { apiKeyRevoke(id: $id) { apiKey { revokedAt } errors { code } } }",
        {"id": created["apiKey"]["id"]},
    )
    assert revoked["apiKeyRevoke"]["apiKey"]["revokedAt"] is not None
    response = await gql.raw(created["secret"], "{ tenant { slug } }")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The API key has been revoked."


async def test_bad_key_inputs_are_refused(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    empty = await gql(t.tokens["admin"], CREATE, {"input": {"name": "None", "scopes": []}})
    assert empty["apiKeyCreate"]["errors"] == [{"code": "INVALID", "field": "scopes"}]
    blank = await gql(t.tokens["admin"], CREATE, {"input": {"name": "   ", "scopes": ["PEOPLE_READ"]}})
    assert blank["apiKeyCreate"]["errors"] == [{"code": "INVALID", "field": "name"}]
    assert (await gql(t.tokens["admin"], "{ apiKeys { edges { node { id } } } }"))["apiKeys"]["edges"] == []
    wrong_secret = (await gql(t.tokens["admin"], CREATE, {"input": {"name": "Real", "scopes": ["PEOPLE_READ"]}}))[
        "apiKeyCreate"
    ]["secret"]
    tampered = wrong_secret[:-4] + ("0000" if not wrong_secret.endswith("0000") else "1111")
    assert (await gql.raw(tampered, "{ tenant { slug } }")).status_code == 401
    assert (await gql.raw("insk_garbage", "{ tenant { slug } }")).status_code == 401
