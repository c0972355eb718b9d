"""Open Badges 3.0 credentials: signed by the tenant's did:web key, schema-valid, rotation-safe."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import jsonschema
import pytest
from sqlalchemy import update

from insignia.infra import global_ids
from insignia.infra.db import Database, set_tenant
from insignia.platform.credentials.models import Award
from insignia.platform.openbadges import dataintegrity, ob3
from insignia.platform.openbadges.baking import unbake_png
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.test_credentials import ISSUE, Catalog, ok

pytestmark = pytest.mark.asyncio

SCHEMA = json.loads((Path(__file__).parent / "vectors" / "ob_v3p0_achievementcredential_schema.json").read_text())
LINKS = "query($id: ID!) { node(id: $id) { ... on Award { openBadge3Url png: bakedImageUrl(format: PNG, version: V3) svg: bakedImageUrl(format: SVG, version: V3) } } }"
ROTATE = "mutation { signingKeyRotate { signingKey { publicKeyMultibase verificationMethod } errors { code } } }"


def path(url: str) -> str:
    return urlsplit(url).path


async def resolve_and_verify(client: httpx.AsyncClient, credential: dict[str, Any]) -> bool:
    """Resolve the proof's did:web verification method like a verifier, then check the proof."""
    method = credential["proof"][0]["verificationMethod"]
    did, _, fragment = method.partition("#")
    parts = did.split(":")
    assert parts[:2] == ["did", "web"]
    document_path = "/" + "/".join(parts[3:]) + "/did.json"
    assert unquote(parts[2]) == "127.0.0.1:8000"  # the public origin (INSIGNIA_PUBLIC_URL)
    did_document = (await client.get(document_path)).json()
    assert did_document["id"] == did
    [vm] = [m for m in did_document["verificationMethod"] if m["id"] == method]
    assert method in did_document["assertionMethod"] and vm["publicKeyMultibase"] == fragment
    return dataintegrity.verify(credential, dataintegrity.public_key_from_multibase(vm["publicKeyMultibase"]))


async def _rewrite_award(owner_db: Database, t: SeededTenant, award: str, **values: Any) -> None:
    """Change an award's row directly (its past, or what an older version of the code wrote)."""
    decoded = global_ids.decode(award)
    assert decoded is not None
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        await s.execute(update(Award).where(Award.id == decoded[1]).values(**values))
        await s.commit()


async def _issue(gql: GraphQLClient, c: Catalog, t: SeededTenant, who: str) -> dict[str, Any]:
    award = (
        await ok(
            gql,
            c.issuer,
            ISSUE,
            {
                "input": {
                    "badgeClassId": c.badge,
                    "recipientId": gid("Person", t.people[who].id),
                    "visibility": "PUBLIC",
                }
            },
        )
    )["award"]["id"]
    links = (await gql(c.issuer, LINKS, {"id": award}))["node"]
    links["award"] = award
    return links  # type: ignore[no-any-return]


async def test_credential_is_signed_schema_valid_and_verifies(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    links = await _issue(gql, c, t, "learner")
    response = await client.get(path(links["openBadge3Url"]))
    assert response.status_code == 200 and response.headers["content-type"] == "application/ld+json"
    credential = response.json()
    jsonschema.Draft201909Validator(SCHEMA).validate(credential)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == links["openBadge3Url"]
    assert credential["issuer"]["id"].startswith("did:web:127.0.0.1%3A8000:t:")
    assert credential["credentialSubject"]["achievement"]["name"] == "Certified Forklift Operator"
    [identity] = credential["credentialSubject"]["identifier"]
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    [proof] = credential["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert await resolve_and_verify(client, credential)
    # The same credential again: deterministic (Ed25519, created = issue time).
    assert (await client.get(path(links["openBadge3Url"]))).json() == credential

    tampered = {**credential, "name": "Something else"}
    assert not await resolve_and_verify(client, tampered)
    other_key = (await ok(gql, (await seeder.tenant()).tokens["admin"], ROTATE))["signingKey"]["publicKeyMultibase"]
    assert not dataintegrity.verify(credential, dataintegrity.public_key_from_multibase(other_key))


async def test_rotation_keeps_old_credentials_verifying(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    before = await _issue(gql, c, t, "learner")
    old = (await client.get(path(before["openBadge3Url"]))).json()
    learner_try = await gql(t.tokens["learner"], ROTATE)
    assert learner_try["signingKeyRotate"]["errors"] == [{"code": "FORBIDDEN"}]
    rotated = (await ok(gql, t.tokens["admin"], ROTATE))["signingKey"]
    after = await _issue(gql, c, t, "customer")
    new = (await client.get(path(after["openBadge3Url"]))).json()
    assert new["proof"][0]["verificationMethod"] == rotated["verificationMethod"]
    assert old["proof"][0]["verificationMethod"] != rotated["verificationMethod"]
    assert (await client.get(path(before["openBadge3Url"]))).json() == old  # still signed by the old key
    assert await resolve_and_verify(client, old)
    assert await resolve_and_verify(client, new)


async def test_baked_ob3_images_and_revocation(seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    links = await _issue(gql, c, t, "learner")
    png = (await client.get(path(links["png"]))).content
    baked = json.loads(unbake_png(png, keyword="openbadgecredential") or "{}")
    assert await resolve_and_verify(client, baked)
    assert unbake_png(png) is None  # not an OB 2.0 bake
    svg = (await client.get(path(links["svg"]))).text
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg and svg.count("<openbadges:credential>") == 1
    inner = json.loads(svg.split("<![CDATA[", 1)[1].split("]]>", 1)[0])
    assert await resolve_and_verify(client, inner)
    await ok(
        gql,
        c.issuer,
        'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Withdrawn"}) { errors { code } } }',
        {"id": links["award"]},
    )
    gone = await client.get(path(links["openBadge3Url"]))
    assert gone.status_code == 410 and gone.json()["revocationReason"] == "Withdrawn"


async def _list_value(client: httpx.AsyncClient, entry: dict[str, Any]) -> int:
    """The award's value in its (signed) status list, read like a verifier reads it."""
    listing = (await client.get(path(entry["statusListCredential"]))).json()
    assert listing["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listing["credentialSubject"]["statusPurpose"] == entry["statusPurpose"]
    assert await resolve_and_verify(client, listing)  # the list itself is signed
    encoded = listing["credentialSubject"]["encodedList"]
    return ob3.decode_status(encoded, int(entry["statusListIndex"]), entry.get("statusSize", 1))


async def test_the_status_list_entry_tracks_suspension_and_revocation(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    first = await _issue(gql, c, t, "learner")
    second = await _issue(gql, c, t, "customer")
    credential = (await client.get(path(first["openBadge3Url"]))).json()  # the holder's copy
    jsonschema.Draft201909Validator(SCHEMA).validate(credential)  # one credentialStatus object
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "message"
    assert status["statusSize"] == 2
    assert [m["message"] for m in status["statusMessage"]] == ["valid", "suspended", "revoked", "revoked"]
    assert path(status["statusListCredential"]) == f"/t/{t.slug}/ob3/status/message/0"
    other = (await client.get(path(second["openBadge3Url"]))).json()["credentialStatus"]
    assert status["statusListIndex"] != other["statusListIndex"]

    async def both_verifiers() -> tuple[str | None, str | None]:
        ours = await verify_ours(client, credential)
        theirs = await verify_independently(client, credential)
        assert ours.verified is (ours.problem is None) and theirs["verified"] is (theirs["error"] is None)
        return ours.problem, theirs["error"]

    assert (await _list_value(client, status), await both_verifiers()) == (0, (None, None))
    change = "mutation($id: ID!) { %s { award { status } errors { code } } }"
    suspend = change % 'awardSuspend(input: {id: $id, reason: "Investigation"})'
    await ok(gql, c.issuer, suspend, {"id": first["award"]})
    assert await _list_value(client, status) == 1 and await _list_value(client, other) == 0
    assert await both_verifiers() == ("suspended", "credential suspended")
    await ok(gql, c.issuer, change % "awardReinstate(id: $id)", {"id": first["award"]})
    assert await _list_value(client, status) == 0
    assert await both_verifiers() == (None, None)
    await ok(gql, c.issuer, suspend, {"id": first["award"]})
    await ok(gql, c.issuer, change % 'awardRevoke(input: {id: $id, reason: "Withdrawn"})', {"id": first["award"]})
    assert await _list_value(client, status) == 2 and await _list_value(client, other) == 0
    assert await both_verifiers() == ("revoked", "credential revoked")
    # The holder's copy still verifies cryptographically; the status list is what says revoked.
    assert await resolve_and_verify(client, credential)
    # Pointing the copy at another award's entry breaks its proof.
    forged = {**credential, "credentialStatus": {**status, "statusListIndex": other["statusListIndex"]}}
    assert not await resolve_and_verify(client, forged)


async def test_awards_issued_before_suspension_keep_their_revocation_entry(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, owner_db: Database
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    legacy = await _issue(gql, c, t, "learner")
    # As migration 0007 left an award issued before it:
    await _rewrite_award(owner_db, t, legacy["award"], status_purpose="revocation", status_index=0)
    credential = (await client.get(path(legacy["openBadge3Url"]))).json()
    status = credential["credentialStatus"]
    assert status["statusPurpose"] == "revocation" and "statusSize" not in status
    assert path(status["statusListCredential"]) == f"/t/{t.slug}/ob3/status/revocation/0"
    assert (await verify_ours(client, credential)).verified is True
    assert (await verify_independently(client, credential))["verified"] is True

    refused = await gql(
        c.issuer,
        'mutation($id: ID!) { awardSuspend(input: {id: $id, reason: "x"}) { award { id } errors { code field message } } }',
        {"id": legacy["award"]},
    )
    [error] = refused["awardSuspend"]["errors"]
    assert (error["code"], error["field"]) == ("INVALID", "id") and "before suspension existed" in error["message"]
    assert await _list_value(client, status) == 0
    await ok(
        gql,
        c.issuer,
        'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Withdrawn"}) { errors { code } } }',
        {"id": legacy["award"]},
    )
    assert await _list_value(client, status) == 1
    assert (await verify_ours(client, credential)).problem == "revoked"
    assert (await verify_independently(client, credential))["error"] == "credential revoked"
    assert (await client.get(f"/t/{t.slug}/ob3/status/suspension/0")).status_code == 404

    # A revocation written the old way (no status_changed_at: a process from before 0007 during a
    # rolling deploy) is on the list all the same.
    older = await _issue(gql, c, t, "customer")
    await _rewrite_award(
        owner_db,
        t,
        older["award"],
        status_purpose="revocation",
        status_index=1,
        revoked_at=datetime.now(UTC),
        revocation_reason="x",
    )
    older_credential = (await client.get(path(older["openBadge3Url"]))).status_code
    assert older_credential == 410
    assert await _list_value(client, {**status, "statusListIndex": "1"}) == 1


JS_VERIFIER = Path(__file__).parent / "js" / "verify.mjs"
EXTRA_CONTEXTS: dict[str, Any] = {}


async def verify_independently(client: httpx.AsyncClient, credential: dict[str, Any]) -> dict[str, Any]:
    """Digital Bazaar's @digitalbazaar/vc (node) verifies the credential, with only bundled contexts
    and the tenant's DID document (fetched from our own endpoint and handed over, never by node)."""
    from insignia.platform.openbadges.jsonld import CONTEXTS_DIR

    index = json.loads((CONTEXTS_DIR / "index.json").read_text())
    documents: dict[str, Any] = {url: json.loads((CONTEXTS_DIR / name).read_text()) for url, name in index.items()}
    documents.update(EXTRA_CONTEXTS)
    method = credential["proof"][0]["verificationMethod"]
    did = method.split("#", 1)[0]
    did_document = (await client.get("/" + "/".join(did.split(":")[3:]) + "/did.json")).json()
    documents[did] = did_document
    [vm] = [m for m in did_document["verificationMethod"] if m["id"] == method]
    documents[method] = {"@context": "https://w3id.org/security/multikey/v1", **vm}
    status = credential.get("credentialStatus")
    if status:
        documents[status["statusListCredential"]] = (await client.get(path(status["statusListCredential"]))).json()
    process = await asyncio.create_subprocess_exec(
        "node",
        str(JS_VERIFIER),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(json.dumps({"credential": credential, "documents": documents}).encode())
    assert process.returncode == 0, err.decode()
    return json.loads(out)  # type: ignore[no-any-return]


async def test_an_independent_verifier_agrees(seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    links = await _issue(gql, c, t, "learner")
    credential = (await client.get(path(links["openBadge3Url"]))).json()
    assert await verify_independently(client, credential) == {"verified": True, "error": None}
    tampered = {**credential, "name": "Something else"}
    assert (await verify_independently(client, tampered))["verified"] is False
    other = await seeder.tenant()
    forged = {
        **credential,
        "proof": [{**credential["proof"][0], "proofValue": credential["proof"][0]["proofValue"][:-4] + "abcd"}],
    }
    assert (await verify_independently(client, forged))["verified"] is False
    assert other.slug not in json.dumps(credential)


async def verify_ours(client: httpx.AsyncClient, credential: dict[str, Any]) -> Any:
    """Our own full verification (proof, validity period, status list), resolving like a verifier."""
    from insignia.platform.openbadges.verification import verify_credential

    async def resolve_key(method: str) -> Any:
        did = method.split("#", 1)[0]
        document = (await client.get("/" + "/".join(did.split(":")[3:]) + "/did.json")).json()
        found = [
            m for m in document["verificationMethod"] if m["id"] == method and method in document["assertionMethod"]
        ]
        return dataintegrity.public_key_from_multibase(found[0]["publicKeyMultibase"]) if found else None

    async def fetch(url: str) -> Any:
        response = await client.get(path(url))
        return response.json() if response.status_code == 200 else None

    return await verify_credential(credential, resolve_key, fetch)


async def test_both_verifiers_refuse_revoked_and_expired(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, owner_db: Database
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    revoked = await _issue(gql, c, t, "learner")
    copy = (await client.get(path(revoked["openBadge3Url"]))).json()  # the holder's copy
    await ok(
        gql,
        c.issuer,
        'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Withdrawn"}) { errors { code } } }',
        {"id": revoked["award"]},
    )
    result = await verify_independently(client, copy)
    assert result["verified"] is False and "revoked" in (result["error"] or "")
    assert (await verify_ours(client, copy)).problem == "revoked"

    expiring = await _issue(gql, c, t, "customer")
    await _rewrite_award(
        owner_db,
        t,
        expiring["award"],
        issued_at=datetime.now(UTC) - timedelta(days=400),
        expires_at=datetime.now(UTC) - timedelta(days=35),
    )
    expired = (await client.get(path(expiring["openBadge3Url"]))).json()
    assert await resolve_and_verify(client, expired)  # the signature itself is fine...
    result = await verify_independently(client, expired)
    assert result["verified"] is False  # ...but a verifier refuses it past validUntil
    assert (await verify_ours(client, expired)).problem == "expired"
    valid = (await client.get(path((await _issue(gql, c, t, "partner"))["openBadge3Url"]))).json()
    assert (await verify_ours(client, valid)).verified is True
    assert (await verify_ours(client, {**valid, "name": "Tampered"})).problem == "the proof does not verify"


async def test_the_learners_own_did_is_the_subject(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    update = "mutation($d: String) { viewerProfileUpdate(did: $d) { person { did } errors { code field } } }"
    bad = await gql(t.tokens["learner"], update, {"d": "not a did"})
    assert bad["viewerProfileUpdate"]["errors"] == [{"code": "INVALID", "field": "did"}]
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    assert (await ok(gql, t.tokens["learner"], update, {"d": did}))["person"]["did"] == did
    links = await _issue(gql, c, t, "learner")
    credential = (await client.get(path(links["openBadge3Url"]))).json()
    assert credential["credentialSubject"]["id"] == did
    assert credential["credentialSubject"]["identifier"][0]["identityType"] == "emailAddress"
    jsonschema.Draft201909Validator(SCHEMA).validate(credential)
    assert await resolve_and_verify(client, credential)
    assert (await verify_independently(client, credential))["verified"] is True
