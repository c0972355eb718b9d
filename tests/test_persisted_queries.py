"""Persisted queries (insignia.graphql.persisted): the standard protocol, and the allow-list mode."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from insignia.app import create_app
from insignia.infra.db import Database
from insignia.infra.settings import Settings
from tests.conftest import Seeder

QUERY = "query Me { viewer { email } }"
OTHER = "query Mine { viewer { name } }"
PORTAL_MANIFEST = Path(__file__).resolve().parent.parent / "portal" / "src" / "gql" / "persisted-documents.json"


def _sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def _body(query: str | None, sha: str | None) -> dict[str, object]:
    body: dict[str, object] = {}
    if query is not None:
        body["query"] = query
    if sha is not None:
        body["extensions"] = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    return body


async def _post(client: httpx.AsyncClient, token: str, body: dict[str, object]) -> httpx.Response:
    return await client.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})


async def test_unknown_hash_is_not_found_then_registered_with_its_document(
    client: httpx.AsyncClient, seeder: Seeder
) -> None:
    t = await seeder.tenant()
    token = t.tokens["admin"]
    document = f"query Fresh{t.slug.replace('-', '')} {{ viewer {{ email }} }}"
    miss = await _post(client, token, _body(None, _sha(document)))
    assert miss.status_code == 200
    error = miss.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    # The client's retry with the document runs it, and the hash alone works from then on.
    first = await _post(client, token, _body(document, _sha(document)))
    assert first.json()["data"] == {"viewer": {"email": t.people["admin"].email}}
    again = await _post(client, token, _body(None, "sha256:" + _sha(document)))
    assert again.json()["data"] == first.json()["data"]


async def test_a_document_is_never_remembered_under_another_hash(client: httpx.AsyncClient, seeder: Seeder) -> None:
    t = await seeder.tenant()
    token = t.tokens["admin"]
    planted = f"query Planted{t.slug.replace('-', '')} {{ viewer {{ email }} }}"
    victim_hash = _sha(f"query Victim{t.slug.replace('-', '')} {{ viewer {{ name }} }}")
    # The text runs (it was sent), but the hash stays unknown.
    await _post(client, token, _body(planted, victim_hash))
    miss = await _post(client, token, _body(None, victim_hash))
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_plain_documents_still_run(client: httpx.AsyncClient, seeder: Seeder) -> None:
    t = await seeder.tenant()
    response = await _post(client, t.tokens["admin"], _body(QUERY, None))
    assert response.json()["data"] == {"viewer": {"email": t.people["admin"].email}}


@pytest.fixture
async def allow_list_client(settings: Settings, app_db: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    manifest = tmp_path / "persisted-operations.json"
    manifest.write_text(json.dumps({_sha(QUERY): QUERY}))
    strict = dataclasses.replace(settings, persisted_queries="allow-list", persisted_queries_file=manifest)
    app = create_app(strict, app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


async def test_allow_list_runs_only_its_documents(allow_list_client: httpx.AsyncClient, seeder: Seeder) -> None:
    t = await seeder.tenant()
    token = t.tokens["admin"]
    expected = {"viewer": {"email": t.people["admin"].email}}
    assert (await _post(allow_list_client, token, _body(None, _sha(QUERY)))).json()["data"] == expected
    # As the portal sends: hash and document together.
    assert (await _post(allow_list_client, token, _body(QUERY, _sha(QUERY)))).json()["data"] == expected
    # The listed document without its hash is the same operation.
    assert (await _post(allow_list_client, token, _body(QUERY, None))).json()["data"] == expected
    # A listed hash runs the listed document, whatever text came along.
    assert (await _post(allow_list_client, token, _body(OTHER, _sha(QUERY)))).json()["data"] == expected
    for refused in (_body(OTHER, None), _body(OTHER, _sha(OTHER)), _body(None, _sha(OTHER))):
        response = await _post(allow_list_client, token, refused)
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"


def test_the_portals_manifest_loads_as_an_allow_list() -> None:
    from insignia.graphql.persisted import document_hash, load_manifest

    manifest = load_manifest(PORTAL_MANIFEST)
    assert manifest
    for key, document in manifest.items():
        assert document_hash(document) == key
