"""Sign-in through each organisation's identity provider, against real IdPs on 127.0.0.1:
`oidc-provider` (OIDC) and `samlify` (SAML 2.0), both run by node.

What a portal sees: the login URL redirects to the IdP; the IdP's answer comes back to Insignia,
which signs the person in (or refuses, changing nothing), sets the session cookie and sends the
browser to the portal's return URL with a one-time code; the code buys a short-lived bearer token
for GraphQL and a rotating refresh token.
"""

from __future__ import annotations

import base64
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import select, text

from insignia.app import create_app
from insignia.graphql.schema import build_schema
from insignia.infra.db import Database, set_tenant
from insignia.infra.settings import Settings
from insignia.tenants import oidc, saml, signin
from insignia.tenants.models import Person, SsoConnection
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.idp import (
    Browser,
    OidcProvider,
    PostedForm,
    SamlProvider,
    code_from,
    decode_saml,
    encode_saml,
    self_signed,
)
from tests.support import free_port

pytestmark = pytest.mark.asyncio(loop_scope="session")

PORTAL = "http://portal.localhost:3000"
# The portal's PKCE pair for the hand-over code (a real portal makes one per sign-in).
VERIFIER = secrets.token_urlsafe(48)
CHALLENGE = oidc.s256(VERIFIER)

CONNECTION_FIELDS = """
  id name protocol enabled jitProvisioning allowedDomains loginUrl callbackUrl spMetadataUrl
  clientSecretSet oidcIssuer oidcClientId samlEntityId samlCertificateFingerprints
  audience { name }
"""
CREATE = (
    "mutation($input: SsoConnectionCreateInput!) { ssoConnectionCreate(input: $input) {"
    f" ssoConnection {{ {CONNECTION_FIELDS} }} errors {{ code field message }} }} }}"
)
UPDATE = (
    "mutation($input: SsoConnectionUpdateInput!) { ssoConnectionUpdate(input: $input) {"
    f" ssoConnection {{ {CONNECTION_FIELDS} }} errors {{ code field message }} }} }}"
)
VIEWER = "{ viewer { email name roles audience { name } } }"


@pytest.fixture(scope="module")
def oidc_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    idp = OidcProvider(tmp_path_factory.mktemp("oidc"), []).start()
    yield idp
    idp.stop()


@pytest.fixture(scope="module")
def saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SamlProvider]:
    idp = SamlProvider(tmp_path_factory.mktemp("saml"), []).start()
    yield idp
    idp.stop()


@pytest.fixture
async def browser(settings: Settings, app_db: Database) -> AsyncIterator[Browser]:
    app = create_app(settings, app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        b = Browser(client)
        yield b
        await b.close()


def account(tenant: SeededTenant, local: str, groups: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    email = f"{local}@{tenant.slug}.example"
    return {
        "sub": f"{tenant.slug}-{local}",
        "email": email,
        "email_verified": True,
        "name": local.title() + " Example",
        "groups": groups or [],
        **extra,
    }


async def portals(gql: GraphQLClient, tenant: SeededTenant, *origins: str) -> None:
    data = await gql(
        tenant.tokens["admin"],
        "mutation($o: [String!]!) { portalOriginsSet(origins: $o) { portalOrigins errors { message } } }",
        {"o": list(origins)},
    )
    assert data["portalOriginsSet"]["errors"] == []


async def oidc_connection(
    gql: GraphQLClient, tenant: SeededTenant, idp: OidcProvider, **overrides: Any
) -> dict[str, Any]:
    client_id = f"insignia-{tenant.slug}-{secrets.token_hex(3)}"
    secret = secrets.token_urlsafe(24)
    fields: dict[str, Any] = {
        "name": f"OIDC {client_id}",
        "protocol": "OIDC",
        "audienceId": gid("Audience", tenant.audiences["partners"]),
        "allowedDomains": [f"{tenant.slug}.example"],
        "oidc": {
            "issuer": idp.url,
            "clientId": client_id,
            "clientSecret": secret,
            "scopes": ["openid", "email", "profile", "groups"],
        },
    }
    fields.update(overrides)
    data = await gql(tenant.tokens["admin"], CREATE, {"input": fields})
    payload = data["ssoConnectionCreate"]
    assert payload["errors"] == [], payload["errors"]
    connection = payload["ssoConnection"]
    idp.set_client(client_id, secret, [connection["callbackUrl"]])
    return {**connection, "clientId": client_id, "secret": secret}


async def saml_connection(
    gql: GraphQLClient, tenant: SeededTenant, idp: SamlProvider, browser: Browser, **overrides: Any
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": f"SAML {secrets.token_hex(3)}",
        "protocol": "SAML",
        "audienceId": gid("Audience", tenant.audiences["customers"]),
        "allowedDomains": [f"{tenant.slug}.example"],
        "saml": {"metadataXml": idp.metadata()},
    }
    fields.update(overrides)
    data = await gql(tenant.tokens["admin"], CREATE, {"input": fields})
    payload = data["ssoConnectionCreate"]
    assert payload["errors"] == [], payload["errors"]
    connection = payload["ssoConnection"]
    metadata = await browser.insignia.get(urlsplit(connection["spMetadataUrl"]).path)
    assert metadata.status_code == 200
    assert metadata.headers["content-type"].startswith("application/samlmetadata+xml")
    idp.register_sp(metadata.text)
    return dict(connection)


async def exchange(browser: Browser, tenant: SeededTenant, **form: str) -> httpx.Response:
    return await browser.insignia.post(f"/t/{tenant.slug}/auth/token", data=form)


async def viewer(gql: GraphQLClient, token: str) -> httpx.Response:
    return await gql.raw(token, VIEWER)


async def person_by_email(owner_db: Database, tenant: SeededTenant, email: str) -> Person | None:
    async with owner_db.session() as s:
        await set_tenant(s, tenant.id)
        return await s.scalar(select(Person).where(Person.email == email))


# --- OIDC ------------------------------------------------------------------------------------


async def test_oidc_sign_in_provisions_into_the_audience_and_gives_portal_tokens(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, browser: Browser, owner_db: Database
) -> None:
    acme = await seeder.tenant("acme")
    await portals(gql, acme, PORTAL)
    connection = await oidc_connection(gql, acme, oidc_idp)
    assert connection["clientSecretSet"] is True and connection["audience"]["name"] == "Partners"
    mapping = await gql(
        acme.tokens["admin"],
        'mutation($c: ID!) { groupMappingCreate(input: {groupName: "Badge-Issuers", role: ISSUER, connectionId: $c})'
        " { groupMapping { connectionId } errors { message } } }",
        {"c": connection["id"]},
    )
    assert mapping["groupMappingCreate"] == {"groupMapping": {"connectionId": connection["id"]}, "errors": []}
    alice = account(acme, "alice", groups=["badge-issuers", "sales"])
    oidc_idp.add_account(alice)

    answer = await browser.oidc_sign_in(
        connection["loginUrl"], alice["email"], return_to=f"{PORTAL}/home?tab=1", code_challenge=CHALLENGE
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith(f"{PORTAL}/home?tab=1&insignia_code=")
    cookie = answer.headers["set-cookie"]
    assert "insignia_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert f"Path=/t/{acme.slug}/" in cookie

    person = await person_by_email(owner_db, acme, alice["email"])
    assert person is not None and person.name == "Alice Example"
    assert person.audience_id == acme.audiences["partners"]
    assert sorted(person.roles) == ["issuer", "learner"]

    # The code alone is worth nothing: it needs the verifier of the portal that started the sign-in.
    stolen_code = await exchange(browser, acme, grant_type="authorization_code", code=code_from(location))
    assert stolen_code.status_code == 400 and "code_verifier" in stolen_code.json()["error_description"]
    tokens = await exchange(
        browser, acme, grant_type="authorization_code", code=code_from(location), code_verifier=VERIFIER
    )
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 900 and body["refresh_token"]
    me = await viewer(gql, body["access_token"])
    assert me.json()["data"]["viewer"] == {
        "email": alice["email"],
        "name": "Alice Example",
        "roles": ["ISSUER", "LEARNER"],
        "audience": {"name": "Partners"},
    }
    # The code is one-time.
    again = await exchange(
        browser, acme, grant_type="authorization_code", code=code_from(location), code_verifier=VERIFIER
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

    # Refresh rotates; presenting a spent refresh token ends the session and its tokens.
    refreshed = await exchange(browser, acme, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] != body["refresh_token"]
    assert (await viewer(gql, refreshed.json()["access_token"])).status_code == 200
    stolen = await exchange(browser, acme, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert (await viewer(gql, refreshed.json()["access_token"])).status_code == 401
    cookie_token = await exchange(browser, acme, grant_type="session")
    assert cookie_token.status_code == 401

    # A second sign-in finds the same person through (connection, subject).
    second = await browser.oidc_sign_in(connection["loginUrl"], alice["email"])
    assert second.status_code == 200 and "signed in" in second.text.lower()
    by_cookie = await exchange(browser, acme, grant_type="session")
    assert by_cookie.status_code == 200 and "refresh_token" not in by_cookie.json()
    assert (await viewer(gql, by_cookie.json()["access_token"])).json()["data"]["viewer"]["email"] == alice["email"]

    # Logout ends the session: its bearer tokens stop working at once.
    out = await browser.insignia.post(f"/t/{acme.slug}/auth/logout")
    assert out.status_code == 200 and out.json()["signedOut"] is True
    assert (await viewer(gql, by_cookie.json()["access_token"])).status_code == 401
    assert (await exchange(browser, acme, grant_type="session")).status_code == 401


async def test_oidc_links_an_existing_person_by_verified_email_and_refuses_other_tenants(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, browser: Browser, owner_db: Database
) -> None:
    acme = await seeder.tenant("acme")
    globex = await seeder.tenant("globex")
    acme_conn = await oidc_connection(gql, acme, oidc_idp, jitProvisioning=False)
    globex_conn = await oidc_connection(gql, globex, oidc_idp)
    learner = account(acme, "learner")  # the seeded learner of acme
    oidc_idp.add_account(learner)

    ok = await browser.oidc_sign_in(acme_conn["loginUrl"], learner["email"])
    assert ok.status_code == 200, ok.text
    assert f"as {learner['email']}" in ok.text

    # The same IdP session at globex's login is not membership of globex.
    refused = await browser.oidc_sign_in(globex_conn["loginUrl"], learner["email"])
    assert refused.status_code == 403
    assert "not in an email domain" in refused.text
    assert await person_by_email(owner_db, globex, learner["email"]) is None

    # Without domain pinning and without JIT, an outsider is still not a member.
    open_conn = await oidc_connection(gql, globex, oidc_idp, allowedDomains=[], jitProvisioning=False)
    refused = await browser.oidc_sign_in(open_conn["loginUrl"], learner["email"])
    assert refused.status_code == 403 and "is not a member" in refused.text

    # An unverified email never links to or creates anyone.
    sneaky = account(acme, "admin", sub=f"sneaky-{acme.slug}", email_verified=False)
    oidc_idp.add_account(sneaky)
    refused = await browser.oidc_sign_in(acme_conn["loginUrl"], sneaky["sub"])
    assert refused.status_code == 403 and "verified email" in refused.text


@pytest.mark.parametrize(
    ("fault", "message"),
    [({"aud": "someone-else"}, "another client"), ({"iss": "http://evil.example"}, "another issuer")],
)
async def test_oidc_refuses_id_tokens_for_another_audience_or_issuer(
    seeder: Seeder,
    gql: GraphQLClient,
    oidc_idp: OidcProvider,
    browser: Browser,
    owner_db: Database,
    fault: dict[str, str],
    message: str,
) -> None:
    acme = await seeder.tenant("acme")
    connection = await oidc_connection(gql, acme, oidc_idp)
    carol = account(acme, "carol")
    oidc_idp.add_account(carol)
    oidc_idp.fault(**fault)
    answer = await browser.oidc_sign_in(connection["loginUrl"], carol["email"])
    assert answer.status_code == 403 and message in answer.text
    assert "set-cookie" not in answer.headers or "insignia_session=" not in answer.headers["set-cookie"]
    assert await person_by_email(owner_db, acme, carol["email"]) is None
    # The fault was one-shot: a clean sign-in works, so the refusal was the token's fault.
    assert (await browser.oidc_sign_in(connection["loginUrl"], carol["email"])).status_code == 200


async def test_oidc_callback_checks_iss_parameter_state_and_browser(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, browser: Browser, settings: Settings, app_db: Database
) -> None:
    acme = await seeder.tenant("acme")
    connection = await oidc_connection(gql, acme, oidc_idp)
    dave = account(acme, "dave")
    oidc_idp.add_account(dave)

    # RFC 9207: an authorization response claiming another issuer is refused.
    started = await browser.start(connection["loginUrl"], login_hint=dave["email"])
    callback = await browser.follow_idp(started.headers["location"])
    assert parse_qs(urlsplit(callback).query)["iss"] == [oidc_idp.url]
    parts = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"iss": "http://evil.example"}
    forged = parts._replace(query=urlencode(query)).geturl()
    answer = await browser.insignia_get(forged)
    assert answer.status_code == 403 and "another issuer" in answer.text
    # The state was spent by that refusal: the genuine answer cannot be used afterwards.
    assert (await browser.insignia_get(callback)).status_code == 400

    # Login CSRF: a callback reaching a browser that did not start the sign-in is refused.
    started = await browser.start(connection["loginUrl"], login_hint=dave["email"])
    callback = await browser.follow_idp(started.headers["location"])
    app = create_app(settings, app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        parts = urlsplit(callback)
        victim = await other.get(f"{parts.path}?{parts.query}")
    assert victim.status_code == 400 and "another browser" in victim.text


async def test_rotated_client_secret_counts_at_once_and_disabled_connections_refuse(
    seeder: Seeder,
    gql: GraphQLClient,
    oidc_idp: OidcProvider,
    browser: Browser,
    owner_db: Database,
    settings: Settings,
) -> None:
    acme = await seeder.tenant("acme")
    connection = await oidc_connection(gql, acme, oidc_idp)
    erin = account(acme, "erin")
    oidc_idp.add_account(erin)
    assert (await browser.oidc_sign_in(connection["loginUrl"], erin["email"])).status_code == 200

    # The IdP admin rotates the secret: sign-in fails until Insignia has the new one...
    new_secret = secrets.token_urlsafe(24)
    oidc_idp.set_client(connection["clientId"], new_secret, [connection["callbackUrl"]])
    stale = await browser.oidc_sign_in(connection["loginUrl"], erin["email"])
    assert stale.status_code == 403 and "client id or secret" in stale.text
    # ...and works on the very next sign-in after the tenant admin updates it.
    updated = await gql(
        acme.tokens["admin"], UPDATE, {"input": {"id": connection["id"], "oidc": {"clientSecret": new_secret}}}
    )
    assert updated["ssoConnectionUpdate"]["errors"] == []
    assert (await browser.oidc_sign_in(connection["loginUrl"], erin["email"])).status_code == 200

    # The secret is stored sealed, never in clear, and the API never returns it.
    async with owner_db.session() as s:
        await set_tenant(s, acme.id)
        stored = await s.scalar(
            select(SsoConnection.oidc_client_secret_encrypted).where(
                SsoConnection.id == uuid.UUID(base64.b64decode(connection["id"]).decode().split(":")[1])
            )
        )
    assert stored is not None and new_secret.encode() not in stored
    listed = await gql.raw(acme.tokens["admin"], f"{{ ssoConnections {{ {CONNECTION_FIELDS} }} }}")
    assert listed.status_code == 200 and connection["id"] in listed.text
    assert new_secret not in listed.text and connection["secret"] not in listed.text
    sdl = build_schema(settings).as_str()
    connection_type = sdl[sdl.index("type SsoConnection implements Node") :].split("}", 1)[0]
    fields = [line.split(":")[0].strip() for line in connection_type.splitlines() if ":" in line]
    assert "clientSecretSet" in fields and [f for f in fields if "ecret" in f] == ["clientSecretSet"]

    # A disabled connection refuses to start a sign-in, and a sign-in in flight cannot finish.
    started = await browser.start(connection["loginUrl"], login_hint=erin["email"])
    callback = await browser.follow_idp(started.headers["location"])
    await gql(acme.tokens["admin"], UPDATE, {"input": {"id": connection["id"], "enabled": False}})
    assert (await browser.insignia_get(callback)).status_code == 403
    refused = await browser.start(connection["loginUrl"], login_hint=erin["email"])
    assert refused.status_code == 403 and "disabled" in refused.text


async def test_deactivated_people_cannot_sign_in_and_lose_their_sessions(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, browser: Browser
) -> None:
    acme = await seeder.tenant("acme")
    connection = await oidc_connection(gql, acme, oidc_idp)
    frank = account(acme, "frank")
    oidc_idp.add_account(frank)
    await portals(gql, acme, PORTAL)
    answer = await browser.oidc_sign_in(
        connection["loginUrl"], frank["email"], return_to=PORTAL + "/", code_challenge=CHALLENGE
    )
    code = code_from(answer.headers["location"])
    tokens = (await exchange(browser, acme, grant_type="authorization_code", code=code, code_verifier=VERIFIER)).json()
    assert (await viewer(gql, tokens["access_token"])).status_code == 200

    people = await gql(acme.tokens["admin"], "{ people(first: 50) { edges { node { id email } } } }")
    frank_id = next(e["node"]["id"] for e in people["people"]["edges"] if e["node"]["email"] == frank["email"])
    done = await gql(
        acme.tokens["admin"],
        "mutation($id: ID!) { personDeactivate(id: $id) { errors { message } } }",
        {"id": frank_id},
    )
    assert done["personDeactivate"]["errors"] == []

    assert (await viewer(gql, tokens["access_token"])).status_code == 401
    assert (
        await exchange(browser, acme, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    ).status_code == 400
    assert (await exchange(browser, acme, grant_type="session")).status_code == 401
    again = await browser.oidc_sign_in(connection["loginUrl"], frank["email"])
    assert again.status_code == 403 and "deactivated" in again.text


async def test_return_urls_and_cors_are_limited_to_the_tenants_portals(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, browser: Browser
) -> None:
    acme = await seeder.tenant("acme")
    globex = await seeder.tenant("globex")
    await portals(gql, acme, PORTAL)
    await portals(gql, globex, "https://globex-portal.example")
    connection = await oidc_connection(gql, acme, oidc_idp)

    for bad in (
        "https://evil.example/steal",
        "https://globex-portal.example/",  # another tenant's portal
        "//evil.example/",
        "javascript:alert(1)",
        f"{PORTAL}.evil.example/",
        f"http://user@{PORTAL.removeprefix('http://')}@evil.example/",
    ):
        refused = await browser.start(connection["loginUrl"], return_to=bad, code_challenge=CHALLENGE)
        assert refused.status_code == 400, bad
        assert "location" not in refused.headers
    # A return URL needs the portal's PKCE challenge, and must not carry a (planted) code.
    assert (await browser.start(connection["loginUrl"], return_to=PORTAL + "/x")).status_code == 400
    planted = await browser.start(
        connection["loginUrl"], return_to=PORTAL + "/x?insignia_code=abc.def", code_challenge=CHALLENGE
    )
    assert planted.status_code == 400 and "insignia_code" in planted.text
    assert (
        await browser.start(connection["loginUrl"], return_to=PORTAL + "/x", code_challenge=CHALLENGE)
    ).status_code == 302

    # Portal origins are validated.
    bad_origin = await gql(
        acme.tokens["admin"],
        'mutation { portalOriginsSet(origins: ["https://portal.example/path"]) { portalOrigins errors { field } } }',
    )
    assert bad_origin["portalOriginsSet"] == {"portalOrigins": None, "errors": [{"field": "portalOrigins"}]}

    # CORS on GraphQL: preflight for a registered origin, refusal for another tenant's portal.
    preflight = await browser.insignia.options(
        "/graphql", headers={"Origin": PORTAL, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == PORTAL
    unknown = await browser.insignia.options(
        "/graphql", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert unknown.status_code == 403 and "access-control-allow-origin" not in unknown.headers
    query = {"query": "{ tenant { slug } }"}
    own = await browser.insignia.post(
        "/graphql", json=query, headers={"Authorization": f"Bearer {acme.tokens['admin']}", "Origin": PORTAL}
    )
    assert own.status_code == 200 and own.headers["access-control-allow-origin"] == PORTAL
    cross = await browser.insignia.post(
        "/graphql",
        json=query,
        headers={"Authorization": f"Bearer {acme.tokens['admin']}", "Origin": "https://globex-portal.example"},
    )
    assert cross.status_code == 403 and "access-control-allow-origin" not in cross.headers
    token_preflight = await browser.insignia.options(
        f"/t/{acme.slug}/auth/token",
        headers={"Origin": "https://globex-portal.example", "Access-Control-Request-Method": "POST"},
    )
    assert token_preflight.status_code == 403


async def test_only_admins_configure_sign_in_and_bad_settings_change_nothing(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider
) -> None:
    acme = await seeder.tenant("acme")
    base = {"name": "X", "protocol": "OIDC", "audienceId": gid("Audience", acme.audiences["employees"])}
    issuer = await gql(
        acme.tokens["issuer"],
        CREATE,
        {"input": {**base, "oidc": {"issuer": oidc_idp.url, "clientId": "a", "clientSecret": "b"}}},
    )
    assert issuer["ssoConnectionCreate"]["errors"][0]["code"] == "FORBIDDEN"
    cases = [
        ({**base}, "oidc.issuer"),
        ({**base, "oidc": {"issuer": "ftp://idp.example", "clientId": "a", "clientSecret": "b"}}, "oidc.issuer"),
        (
            {**base, "oidc": {"issuer": oidc_idp.url, "clientId": "a", "clientSecret": "b", "scopes": ["email"]}},
            "oidc.scopes",
        ),
        (
            {
                **base,
                "oidc": {"issuer": oidc_idp.url, "clientId": "a", "clientSecret": "b"},
                "allowedDomains": ["not a domain"],
            },
            "allowedDomains",
        ),
        ({**base, "protocol": "SAML", "saml": {"metadataXml": "<nope"}}, "saml.metadataXml"),
        (
            {
                **base,
                "protocol": "SAML",
                "saml": {"entityId": "x", "ssoUrl": "https://idp.example/sso", "certificates": ["not a certificate"]},
            },
            "saml.certificates",
        ),
        (
            {
                **base,
                "audienceId": gid("Person", acme.people["admin"].id),
                "oidc": {"issuer": oidc_idp.url, "clientId": "a", "clientSecret": "b"},
            },
            "audienceId",
        ),
    ]
    for fields, field in cases:
        data = await gql(acme.tokens["admin"], CREATE, {"input": fields})
        errors = data["ssoConnectionCreate"]["errors"]
        assert errors and errors[0]["field"] == field, (fields, errors)
    listed = await gql(acme.tokens["admin"], "{ ssoConnections { id } }")
    assert listed["ssoConnections"] == []


# --- SAML ------------------------------------------------------------------------------------


async def test_saml_sign_in_with_groups_and_single_logout(
    seeder: Seeder, gql: GraphQLClient, saml_idp: SamlProvider, browser: Browser, owner_db: Database
) -> None:
    acme = await seeder.tenant("acme")
    await portals(gql, acme, PORTAL)
    connection = await saml_connection(gql, acme, saml_idp, browser)
    mapped = await gql(
        acme.tokens["admin"],
        'mutation($a: ID!, $c: ID!) { groupMappingCreate(input: {groupName: "partners-emea", audienceId: $a,'
        " connectionId: $c}) { errors { message } } }",
        {"a": gid("Audience", acme.audiences["partners"]), "c": connection["id"]},
    )
    assert mapped["groupMappingCreate"]["errors"] == []
    assert connection["samlCertificateFingerprints"] and connection["callbackUrl"] is None
    grace = account(acme, "grace", groups=["Partners-EMEA", "other"])
    saml_idp.add_account(grace)

    form = await browser.saml_response(
        connection["loginUrl"], grace["email"], return_to=PORTAL + "/after", code_challenge=CHALLENGE
    )
    assert "AuthnStatement" in decode_saml(form)
    answer = await browser.post_acs(form)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith(PORTAL + "/after?insignia_code=")
    person = await person_by_email(owner_db, acme, grace["email"])
    assert person is not None and person.audience_id == acme.audiences["partners"]  # the group mapping's audience
    token = (await exchange(browser, acme, grant_type="session")).json()["access_token"]
    assert (await viewer(gql, token)).json()["data"]["viewer"]["email"] == grace["email"]

    # Replaying the same response is refused and signs no one in.
    replay = await browser.post_acs(form)
    assert replay.status_code in (400, 403)

    # Single logout: our session ends, the IdP is told, and the browser comes back to the portal.
    out = await browser.insignia.get(f"/t/{acme.slug}/auth/logout", params={"return_to": PORTAL + "/bye"})
    assert out.status_code == 303
    slo = out.headers["location"]
    assert slo.startswith(saml_idp.url + "/slo?SAMLRequest=")
    back = await browser.follow_idp(slo)
    done = await browser.insignia_get(back)
    assert done.status_code == 303 and done.headers["location"] == PORTAL + "/bye"
    assert (await viewer(gql, token)).status_code == 401


async def test_saml_refuses_tampered_unsigned_foreign_and_replayed_responses(
    seeder: Seeder, gql: GraphQLClient, saml_idp: SamlProvider, browser: Browser, owner_db: Database
) -> None:
    acme = await seeder.tenant("acme")
    globex = await seeder.tenant("globex")
    connection = await saml_connection(gql, acme, saml_idp, browser)
    globex_conn = await saml_connection(gql, globex, saml_idp, browser)
    heidi = account(acme, "heidi")
    saml_idp.add_account(heidi)

    # Tampered: the signed email is changed after signing.
    form = await browser.saml_response(connection["loginUrl"], heidi["email"])
    xml = decode_saml(form).replace(heidi["email"], f"admin@{acme.slug}.example")
    tampered = await browser.post_acs(PostedForm(form.action, {**form.fields, "SAMLResponse": encode_saml(xml)}))
    assert tampered.status_code == 403 and "signature" in tampered.text

    # Unsigned (neither response nor assertion).
    form = await browser.saml_response(connection["loginUrl"], heidi["email"], sign="none")
    unsigned = await browser.post_acs(form)
    assert unsigned.status_code == 403 and "not signed" in unsigned.text

    # Only the assertion signed, or only the response: both are fine.
    for sign in ("assertion", "response"):
        form = await browser.saml_response(connection["loginUrl"], heidi["email"], sign=sign)
        assert (await browser.post_acs(form)).status_code == 200, sign

    # A response for acme's service provider, posted to globex's ACS, is not globex membership.
    form = await browser.saml_response(connection["loginUrl"], heidi["email"])
    started = await browser.start(globex_conn["loginUrl"])
    relay = parse_qs(urlsplit(started.headers["location"]).query)["RelayState"][0]
    globex_acs = urlsplit(globex_conn["loginUrl"]).path.replace("/login", "/saml/acs")
    foreign = await browser.post_acs(PostedForm(globex_acs, {**form.fields, "RelayState": relay}))
    assert foreign.status_code == 403
    assert await person_by_email(owner_db, globex, heidi["email"]) is None

    # A replayed response, even with a fresh sign-in started for it, is refused.
    form = await browser.saml_response(connection["loginUrl"], heidi["email"])
    assert (await browser.post_acs(form)).status_code == 200
    fresh = await browser.start(connection["loginUrl"])
    relay = parse_qs(urlsplit(fresh.headers["location"]).query)["RelayState"][0]
    replayed = await browser.post_acs(PostedForm(form.action, {**form.fields, "RelayState": relay}))
    assert replayed.status_code == 403

    async with owner_db.session() as s:
        await set_tenant(s, acme.id)
        # (the owner role sees every tenant's rows of this table: it sweeps them)
        used = await s.scalar(text("SELECT count(*) FROM saml_assertions_used WHERE tenant_id = :t"), {"t": acme.id})
    assert used == 3


async def test_saml_response_checks_time_window_recipient_and_audience(
    seeder: Seeder, gql: GraphQLClient, saml_idp: SamlProvider, browser: Browser, owner_db: Database
) -> None:
    """A genuine, signed response from the IdP, checked by the SP validator as if it arrived at the
    wrong time or place (what a slow or redirected browser would bring)."""
    acme = await seeder.tenant("acme")
    connection = await saml_connection(gql, acme, saml_idp, browser)
    ivan = account(acme, "ivan")
    saml_idp.add_account(ivan)
    form = await browser.saml_response(connection["loginUrl"], ivan["email"])
    request_id = re.search(r'InResponseTo="([^"]+)"', decode_saml(form))
    assert request_id is not None
    base = urlsplit(connection["loginUrl"]).path.removesuffix("/login")
    settings_url = connection["loginUrl"].removesuffix(urlsplit(connection["loginUrl"]).path)
    checks: dict[str, Any] = {
        "certificates": [saml_idp.cert_pem],
        "idp_entity_id": f"{saml_idp.url}/metadata",
        "sp_entity_id": f"{settings_url}{base}/saml/metadata",
        "acs_url": f"{settings_url}{base}/saml/acs",
        "expected_request_id": request_id.group(1),
        "now": datetime.now(UTC),
        "skew": timedelta(seconds=30),
    }
    assert saml.validate_response(form.fields["SAMLResponse"], **checks).name_id == ivan["email"]
    for change, message in (
        ({"now": datetime.now(UTC) + timedelta(minutes=10)}, "valid bearer confirmation"),
        ({"now": datetime.now(UTC) - timedelta(minutes=10)}, "not valid yet"),
        ({"acs_url": "http://127.0.0.1:8000/elsewhere"}, "another destination"),
        ({"sp_entity_id": "urn:someone-else"}, "another service provider"),
        ({"expected_request_id": "_other"}, "another request"),
        ({"idp_entity_id": "urn:other-idp"}, "another identity provider"),
        ({"certificates": [self_signed("rogue")[1]]}, "does not verify"),
    ):
        with pytest.raises(saml.SamlError, match=message):
            saml.validate_response(form.fields["SAMLResponse"], **{**checks, **change})


async def test_sso_configuration_of_another_tenant_is_invisible_and_untouchable(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, browser: Browser
) -> None:
    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    b_conn = await oidc_connection(gql, b, oidc_idp)
    mapping = await gql(
        b.tokens["admin"],
        'mutation { groupMappingCreate(input: {groupName: "b-admins", role: ADMIN}) { groupMapping { id } } }',
    )
    b_mapping = mapping["groupMappingCreate"]["groupMapping"]["id"]
    admin = a.tokens["admin"]
    for value in (b_conn["id"], b_mapping):
        assert (await gql(admin, "query($id: ID!) { node(id: $id) { id } }", {"id": value}))["node"] is None
    assert (await gql(admin, "{ ssoConnections { id } groupMappings { id } }")) == {
        "ssoConnections": [],
        "groupMappings": [],
    }
    for mutation, name in (
        (
            "mutation($id: ID!) { ssoConnectionUpdate(input: {id: $id, enabled: false}) { ssoConnection { id } errors { code } } }",
            "ssoConnectionUpdate",
        ),
        (
            "mutation($id: ID!) { ssoConnectionDelete(id: $id) { ssoConnection { id } errors { code } } }",
            "ssoConnectionDelete",
        ),
        (
            "mutation($id: ID!) { groupMappingDelete(id: $id) { groupMapping { id } errors { code } } }",
            "groupMappingDelete",
        ),
    ):
        value = b_mapping if "groupMapping" in name else b_conn["id"]
        payload = (await gql(admin, mutation, {"id": value}))[name]
        assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]
    # B's connection under A's path does not exist; under B's it is untouched and still enabled.
    b_path = urlsplit(b_conn["loginUrl"]).path
    assert (await browser.insignia.get(b_path.replace(f"/t/{b.slug}/", f"/t/{a.slug}/"))).status_code == 404
    assert (await browser.insignia.get(b_path)).status_code == 302
    still = await gql(b.tokens["admin"], "{ ssoConnections { enabled } groupMappings { groupName } }")
    assert still == {"ssoConnections": [{"enabled": True}], "groupMappings": [{"groupName": "b-admins"}]}


async def test_housekeeping_forgets_abandoned_sign_ins_and_expired_assertion_ids(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, browser: Browser, owner_db: Database, app_db: Database
) -> None:
    acme = await seeder.tenant("acme")
    connection = await oidc_connection(gql, acme, oidc_idp)
    connection_id = uuid.UUID(base64.b64decode(connection["id"]).decode().split(":")[1])
    for _ in range(2):
        assert (await browser.start(connection["loginUrl"])).status_code == 302
    async with owner_db.session() as s:
        await set_tenant(s, acme.id)
        await s.execute(
            text(
                "UPDATE sso_login_requests SET expires_at = now() - interval '1 minute' WHERE id = ("
                "SELECT id FROM sso_login_requests WHERE tenant_id = :t ORDER BY created_at LIMIT 1)"
            ),
            {"t": acme.id},
        )
        await s.execute(
            text(
                "INSERT INTO saml_assertions_used VALUES (:t, :c, 'old', now() - interval '1 second'),"
                " (:t, :c, 'current', now() + interval '5 minutes')"
            ),
            {"t": acme.id, "c": connection_id},
        )
        await s.commit()
    async with app_db.session() as s:
        removed = await signin.housekeeping(s)
        await s.commit()
    assert removed >= 2
    async with owner_db.session() as s:
        await set_tenant(s, acme.id)
        left = (
            await s.execute(
                text(
                    "SELECT (SELECT count(*) FROM sso_login_requests WHERE tenant_id = :t),"
                    " (SELECT array_agg(assertion_id) FROM saml_assertions_used WHERE tenant_id = :t)"
                ),
                {"t": acme.id},
            )
        ).one()
    assert left[0] == 1 and left[1] == ["current"]


async def test_rotated_saml_certificate_counts_at_once(
    seeder: Seeder, gql: GraphQLClient, saml_idp: SamlProvider, browser: Browser
) -> None:
    acme = await seeder.tenant("acme")
    _key, stale_cert = self_signed("old-idp-key")
    connection = await saml_connection(
        gql,
        acme,
        saml_idp,
        browser,
        saml={"entityId": f"{saml_idp.url}/metadata", "ssoUrl": f"{saml_idp.url}/sso", "certificates": [stale_cert]},
    )
    judy = account(acme, "judy")
    saml_idp.add_account(judy)
    refused = await browser.post_acs(await browser.saml_response(connection["loginUrl"], judy["email"]))
    assert refused.status_code == 403 and "does not verify" in refused.text
    # The IdP's new certificate, added next to the old one during the rotation, counts at once.
    updated = await gql(
        acme.tokens["admin"],
        UPDATE,
        {"input": {"id": connection["id"], "saml": {"certificates": [stale_cert, saml_idp.cert_pem]}}},
    )
    assert updated["ssoConnectionUpdate"]["errors"] == []
    assert len(updated["ssoConnectionUpdate"]["ssoConnection"]["samlCertificateFingerprints"]) == 2
    accepted = await browser.post_acs(await browser.saml_response(connection["loginUrl"], judy["email"]))
    assert accepted.status_code == 200, accepted.text


async def test_an_unreachable_identity_provider_is_a_clear_error(
    seeder: Seeder, gql: GraphQLClient, browser: Browser
) -> None:
    acme = await seeder.tenant("acme")
    created = await gql(
        acme.tokens["admin"],
        CREATE,
        {
            "input": {
                "name": "Down",
                "protocol": "OIDC",
                "audienceId": gid("Audience", acme.audiences["employees"]),
                "oidc": {"issuer": f"http://127.0.0.1:{free_port()}", "clientId": "a", "clientSecret": "b"},
            }
        },
    )
    connection = created["ssoConnectionCreate"]["ssoConnection"]
    answer = await browser.start(connection["loginUrl"])
    assert answer.status_code == 502 and "cannot be reached" in answer.text
    assert "location" not in answer.headers


async def test_a_saml_response_completes_only_the_browser_that_started_it(
    seeder: Seeder, gql: GraphQLClient, saml_idp: SamlProvider, browser: Browser, settings: Settings, app_db: Database
) -> None:
    """Login CSRF: an attacker's own genuine response, posted by a victim's browser, signs no one in."""
    acme = await seeder.tenant("acme")
    connection = await saml_connection(gql, acme, saml_idp, browser)
    mallory = account(acme, "mallory")
    saml_idp.add_account(mallory)
    attackers_form = await browser.saml_response(connection["loginUrl"], mallory["email"])
    app = create_app(settings, app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        victim = Browser(other)
        answer = await victim.post_acs(attackers_form)
        await victim.close()
        assert answer.status_code == 400 and "another browser" in answer.text
        assert "insignia_session" not in other.cookies
    # The state is spent, so the attacker cannot use the response afterwards either.
    assert (await browser.post_acs(attackers_form)).status_code == 400


async def test_groups_and_emails_count_only_from_the_connection_they_are_trusted_for(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, browser: Browser, owner_db: Database
) -> None:
    acme = await seeder.tenant("acme")
    staff = await oidc_connection(gql, acme, oidc_idp)
    partner = await oidc_connection(gql, acme, oidc_idp, name="Partner IdP", allowedDomains=[])
    mapped = await gql(
        acme.tokens["admin"],
        'mutation($c: ID!) { groupMappingCreate(input: {groupName: "acme-admins", role: ADMIN, connectionId: $c})'
        " { errors { message } } }",
        {"c": staff["id"]},
    )
    assert mapped["groupMappingCreate"]["errors"] == []

    # A partner IdP's user claiming the staff directory's admin group gets no role from it.
    bob = {
        "sub": f"bob-{acme.slug}",
        "email": f"bob@initech-{acme.slug}.example",
        "email_verified": True,
        "name": "Bob",
        "groups": ["ACME-Admins"],
    }
    oidc_idp.add_account(bob)
    assert (await browser.oidc_sign_in(partner["loginUrl"], bob["email"])).status_code == 200
    person = await person_by_email(owner_db, acme, bob["email"])
    assert person is not None and person.roles == ["learner"]

    # An IdP not pinned to the tenant's domain cannot take over someone who already exists here.
    impostor = {
        "sub": f"impostor-{acme.slug}",
        "email": f"admin@{acme.slug}.example",
        "email_verified": True,
        "name": "Not the admin",
    }
    oidc_idp.add_account(impostor)
    refused = await browser.oidc_sign_in(partner["loginUrl"], impostor["sub"])
    assert refused.status_code == 403 and "already belongs to someone" in refused.text
    session_token = (await exchange(browser, acme, grant_type="session")).json()["access_token"]
    assert (await viewer(gql, session_token)).json()["data"]["viewer"]["email"] == bob["email"]  # still only Bob


async def test_refresh_tokens_disabled_connections_and_stray_logout_answers(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, saml_idp: SamlProvider, browser: Browser
) -> None:
    acme = await seeder.tenant("acme")
    await portals(gql, acme, PORTAL)
    connection = await oidc_connection(gql, acme, oidc_idp)
    kate = account(acme, "kate")
    oidc_idp.add_account(kate)
    answer = await browser.oidc_sign_in(
        connection["loginUrl"], kate["email"], return_to=PORTAL, code_challenge=CHALLENGE
    )
    code = code_from(answer.headers["location"])
    tokens = (await exchange(browser, acme, grant_type="authorization_code", code=code, code_verifier=VERIFIER)).json()

    # Anyone who sees an access token sees the session id; a made-up refresh token for it is merely refused.
    sid = tokens["refresh_token"].split(".")[0]
    made_up = await exchange(browser, acme, grant_type="refresh_token", refresh_token=f"{sid}.guess")
    assert made_up.status_code == 400
    assert (await viewer(gql, tokens["access_token"])).status_code == 200
    assert (
        await exchange(browser, acme, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    ).status_code == 200

    # Disabling the connection (a compromised IdP) ends the sessions it started.
    await gql(acme.tokens["admin"], UPDATE, {"input": {"id": connection["id"], "enabled": False}})
    assert (await viewer(gql, tokens["access_token"])).status_code == 401
    assert (await exchange(browser, acme, grant_type="session")).status_code == 401

    # The SAML logout endpoint only accepts the IdP's answer to a logout we started.
    saml = await saml_connection(gql, acme, saml_idp, browser)
    started = await browser.start(saml["loginUrl"])
    login_state = parse_qs(urlsplit(started.headers["location"]).query)["RelayState"][0]
    slo = urlsplit(saml["loginUrl"]).path.replace("/login", "/saml/slo")
    assert (await browser.insignia.get(slo, params={"RelayState": login_state})).status_code == 400
    saml_idp.add_account(kate)
    form = await browser.saml_response(saml["loginUrl"], kate["email"])
    assert (
        await browser.insignia.get(
            slo, params={"RelayState": form.fields["RelayState"], "SAMLResponse": "bm90IGRlZmxhdGVk"}
        )
    ).status_code == 400
