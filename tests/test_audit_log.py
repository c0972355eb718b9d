"""The tenant-wide audit log: every administrative change is an event (who, when, what, before and
after, the request id the API answered with), read newest first or exported as CSV by admins only,
never showing secrets, never another tenant's, and append-only for the application role."""

from __future__ import annotations

import base64
import csv
import io
import json
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from insignia.app import create_app
from insignia.infra import audit
from insignia.infra.db import Database, set_tenant
from insignia.infra.settings import Settings
from insignia.platform.openbadges.baking import badge_png
from insignia.tenants.audit_log import EXPORT_COLUMNS, csv_cell
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.idp import Browser, OidcProvider
from tests.test_sso import account, oidc_connection

pytestmark = pytest.mark.asyncio

EVENT_FIELDS = "id actor action createdAt subjectType subjectId requestId before after"
EVENTS = (
    "query($f: AuditEventFilter, $first: Int, $after: String) { auditEvents(first: $first, after: $after, filter: $f)"
    f" {{ edges {{ cursor node {{ {EVENT_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
)
EXPORT = "query($f: AuditEventFilter) { auditEventsExport(filter: $f) }"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


async def mutate(
    gql: GraphQLClient, token: str, query: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], str]:
    """Run a mutation that must succeed (no GraphQL or payload errors); its data and request id."""
    response = await gql.raw(token, query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    for payload in body["data"].values():
        assert payload.get("errors", []) == [], payload["errors"]
    return body["data"], response.headers["x-request-id"]


async def events(gql: GraphQLClient, t: SeededTenant, first: int = 100, **filter: Any) -> list[dict[str, Any]]:
    """The tenant's audit events as its admin reads them, newest first."""
    data = await gql(t.tokens["admin"], EVENTS, {"f": filter or None, "first": first})
    return [edge["node"] for edge in data["auditEvents"]["edges"]]


async def event_of(gql: GraphQLClient, t: SeededTenant, request_id: str, action: str) -> dict[str, Any]:
    """The one event ``action`` that the request ``request_id`` left."""
    found = [e for e in await events(gql, t, action=action) if e["requestId"] == request_id]
    assert len(found) == 1, found
    return found[0]


def actor(t: SeededTenant, key: str = "admin") -> str:
    return f"person:{t.people[key].id}"


# --- what is recorded ----------------------------------------------------------------------------


async def test_people_and_roles_changes_are_recorded_with_actor_state_and_request_id(
    seeder: Seeder, gql: GraphQLClient
) -> None:
    t = await seeder.tenant()
    admin = t.tokens["admin"]
    invited, request_id = await mutate(
        gql,
        admin,
        'mutation($a: ID!) { personInvite(input: {email: "new@x.example", name: "New", audienceId: $a})'
        " { person { id } errors { message } } }",
        {"a": gid("Audience", t.audiences["employees"])},
    )
    person_id = invited["personInvite"]["person"]["id"]
    event = await event_of(gql, t, request_id, "person.invited")
    assert event["actor"] == actor(t)
    assert (event["subjectType"], event["subjectId"]) == ("Person", person_id)
    assert event["before"] is None
    assert event["after"]["email"] == "new@x.example" and event["after"]["roles"] == ["learner"]

    _, request_id = await mutate(
        gql,
        admin,
        "mutation($id: ID!, $a: ID!, $m: ID!) { personUpdate(input: {id: $id, roles: [ISSUER, LEARNER],"
        " audienceId: $a, managerId: $m}) { person { id } errors { message } } }",
        {"id": person_id, "a": gid("Audience", t.audiences["partners"]), "m": gid("Person", t.people["manager"].id)},
    )
    event = await event_of(gql, t, request_id, "person.updated")
    assert event["actor"] == actor(t)
    assert event["before"]["roles"] == ["learner"] and event["after"]["roles"] == ["issuer", "learner"]
    assert event["before"]["audienceId"] == str(t.audiences["employees"])
    assert event["after"]["audienceId"] == str(t.audiences["partners"])
    assert event["before"]["managerId"] is None and event["after"]["managerId"] == str(t.people["manager"].id)

    # Nothing changed, nothing recorded.
    _, request_id = await mutate(
        gql, admin, 'mutation($id: ID!) { personUpdate(input: {id: $id, name: "New"}) { errors { message } } }',
        {"id": person_id},
    )  # fmt: skip
    assert [e for e in await events(gql, t) if e["requestId"] == request_id] == []

    _, request_id = await mutate(
        gql, admin, "mutation($id: ID!) { personDeactivate(id: $id) { errors { message } } }", {"id": person_id}
    )
    event = await event_of(gql, t, request_id, "person.deactivated")
    assert event["actor"] == actor(t) and event["subjectId"] == person_id
    assert event["before"]["active"] is True
    assert event["after"]["active"] is False and event["after"]["deactivatedBy"] == "admin"

    # The person's whole history, by subject.
    history = await events(gql, t, subjectId=person_id)
    assert [e["action"] for e in history] == ["person.deactivated", "person.updated", "person.invited"]


async def test_audiences_api_keys_and_signing_keys_are_recorded_without_secrets(
    seeder: Seeder, gql: GraphQLClient
) -> None:
    t = await seeder.tenant()
    admin = t.tokens["admin"]
    created, request_id = await mutate(
        gql,
        admin,
        'mutation { audienceCreate(input: {kind: PARTNER, name: "Resellers", partnerCompany: "Globex"})'
        " { audience { id } errors { message } } }",
    )
    audience_id = created["audienceCreate"]["audience"]["id"]
    event = await event_of(gql, t, request_id, "audience.created")
    assert event["actor"] == actor(t) and event["subjectId"] == audience_id
    assert event["after"] == {"kind": "partner", "name": "Resellers", "partnerCompany": "Globex"}
    _, request_id = await mutate(
        gql,
        admin,
        'mutation($id: ID!) { audienceUpdate(input: {id: $id, name: "Resellers EU", partnerCompany: null})'
        " { errors { message } } }",
        {"id": audience_id},
    )
    event = await event_of(gql, t, request_id, "audience.updated")
    assert event["before"]["name"] == "Resellers" and event["after"]["name"] == "Resellers EU"
    assert event["after"]["partnerCompany"] is None

    key, request_id = await mutate(
        gql,
        admin,
        'mutation { apiKeyCreate(input: {name: "LMS", scopes: [LEARNING_RECORD]}) { apiKey { id } secret'
        " errors { message } } }",
    )
    secret = key["apiKeyCreate"]["secret"]
    key_id = key["apiKeyCreate"]["apiKey"]["id"]
    event = await event_of(gql, t, request_id, "api_key.created")
    assert event["actor"] == actor(t) and event["subjectId"] == key_id
    assert event["after"] == {"name": "LMS", "scopes": ["learning:record"], "revokedAt": None}
    _, request_id = await mutate(
        gql, admin, "mutation($id: ID!) { apiKeyRevoke(id: $id) { errors { message } } }", {"id": key_id}
    )
    event = await event_of(gql, t, request_id, "api_key.revoked")
    assert event["before"]["revokedAt"] is None and event["after"]["revokedAt"] is not None

    rotated, request_id = await mutate(
        gql, admin, "mutation { signingKeyRotate { signingKey { publicKeyMultibase } errors { message } } }"
    )
    event = await event_of(gql, t, request_id, "signing_key.rotated")
    assert event["actor"] == actor(t) and event["subjectType"] == "SigningKey"
    assert event["after"]["publicKeyMultibase"] == rotated["signingKeyRotate"]["signingKey"]["publicKeyMultibase"]

    everything = json.dumps(await events(gql, t))
    assert secret not in everything and secret.rpartition("_")[2] not in everything


async def test_sign_in_configuration_is_recorded_and_secrets_only_as_set_or_rotated(
    seeder: Seeder, gql: GraphQLClient
) -> None:
    t = await seeder.tenant()
    admin = t.tokens["admin"]
    first_secret, second_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    created, request_id = await mutate(
        gql,
        admin,
        "mutation($input: SsoConnectionCreateInput!) { ssoConnectionCreate(input: $input)"
        " { ssoConnection { id } errors { message } } }",
        {
            "input": {
                "name": "Staff IdP",
                "protocol": "OIDC",
                "audienceId": gid("Audience", t.audiences["employees"]),
                "allowedDomains": [f"{t.slug}.example"],
                "oidc": {"issuer": "https://idp.example.com", "clientId": "insignia", "clientSecret": first_secret},
            }
        },
    )
    connection_id = created["ssoConnectionCreate"]["ssoConnection"]["id"]
    event = await event_of(gql, t, request_id, "sso_connection.created")
    assert event["actor"] == actor(t) and event["subjectId"] == connection_id
    assert event["after"]["clientSecretSet"] is True and event["after"]["oidcClientId"] == "insignia"

    _, request_id = await mutate(
        gql,
        admin,
        "mutation($input: SsoConnectionUpdateInput!) { ssoConnectionUpdate(input: $input) { errors { message } } }",
        {"input": {"id": connection_id, "enabled": False, "oidc": {"clientSecret": second_secret}}},
    )
    event = await event_of(gql, t, request_id, "sso_connection.updated")
    assert event["before"]["enabled"] is True and event["after"]["enabled"] is False
    assert event["after"]["clientSecretRotated"] is True

    mapping, request_id = await mutate(
        gql,
        admin,
        'mutation($c: ID!) { groupMappingCreate(input: {groupName: "Admins", role: ADMIN, connectionId: $c})'
        " { groupMapping { id } errors { message } } }",
        {"c": connection_id},
    )
    mapping_id = mapping["groupMappingCreate"]["groupMapping"]["id"]
    event = await event_of(gql, t, request_id, "group_mapping.created")
    assert event["subjectId"] == mapping_id
    assert event["after"] == {
        "groupName": "Admins",
        "role": "admin",
        "audienceId": None,
        "connectionId": str(gid_uuid(connection_id)),
        "roleProfileId": None,
    }
    _, request_id = await mutate(
        gql, admin, "mutation($id: ID!) { groupMappingDelete(id: $id) { errors { message } } }", {"id": mapping_id}
    )
    assert (await event_of(gql, t, request_id, "group_mapping.deleted"))["before"]["groupName"] == "Admins"

    _, request_id = await mutate(
        gql, admin, "mutation($id: ID!) { ssoConnectionDelete(id: $id) { errors { message } } }", {"id": connection_id}
    )
    event = await event_of(gql, t, request_id, "sso_connection.deleted")
    assert event["before"]["name"] == "Staff IdP" and event["after"] is None

    _, request_id = await mutate(
        gql,
        admin,
        'mutation { portalOriginsSet(origins: ["https://academy.example.com"]) { errors { message } } }',
    )
    event = await event_of(gql, t, request_id, "tenant.portal_origins_set")
    assert (event["subjectType"], event["subjectId"]) == ("Tenant", gid("Tenant", t.id))
    assert event["after"] == {"portalOrigins": ["https://academy.example.com"]}

    everything = json.dumps(await events(gql, t))
    assert first_secret not in everything and second_secret not in everything


async def test_branding_settings_and_webhooks_are_recorded(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    admin = t.tokens["admin"]
    logo = badge_png()
    _, request_id = await mutate(
        gql,
        admin,
        'mutation($logo: String!) { tenantBrandingUpdate(input: {color: "#0B7A75", logoBase64: $logo,'
        " logoFormat: PNG}) { errors { message } } }",
        {"logo": base64.b64encode(logo).decode()},
    )
    event = await event_of(gql, t, request_id, "tenant.branding_updated")
    assert event["actor"] == actor(t)
    assert event["before"] == {"brandColor": None, "brandLogoData": None, "brandLogoType": None}
    assert event["after"]["brandColor"] == "#0b7a75" and event["after"]["brandLogoType"] == "image/png"
    assert event["after"]["brandLogoData"]["bytes"] > 0 and len(event["after"]["brandLogoData"]["sha256"]) == 64
    _, request_id = await mutate(
        gql, admin, "mutation { tenantBrandingUpdate(input: {removeLogo: true}) { errors { message } } }"
    )
    event = await event_of(gql, t, request_id, "tenant.branding_updated")
    assert event["before"]["brandLogoData"]["bytes"] > 0 and event["after"]["brandLogoData"] is None

    # Any setting saved through tenant.save_settings, with the admin as actor.
    _, request_id = await mutate(
        gql,
        admin,
        'mutation { tenantSettingsUpdate(input: {linkedInOrganizationId: "4242"}) { errors { message } } }',
    )
    event = await event_of(gql, t, request_id, "tenant.settings_updated")
    assert event["actor"] == actor(t)
    assert event["before"]["linkedinOrganizationId"] is None and event["after"]["linkedinOrganizationId"] == "4242"

    chosen = "whsec_" + secrets.token_urlsafe(32)
    created, request_id = await mutate(
        gql,
        admin,
        'mutation($s: String!) { webhookEndpointCreate(input: {url: "http://127.0.0.1:9/hook",'
        ' eventTypes: ["person.created"], secret: $s}) { webhookEndpoint { id } secret errors { message } } }',
        {"s": chosen},
    )
    endpoint_id = created["webhookEndpointCreate"]["webhookEndpoint"]["id"]
    event = await event_of(gql, t, request_id, "webhook_endpoint.created")
    assert event["subjectId"] == endpoint_id and event["after"]["secretSet"] is True
    assert event["after"]["url"] == "http://127.0.0.1:9/hook"
    _, request_id = await mutate(
        gql,
        admin,
        "mutation($id: ID!) { webhookEndpointUpdate(input: {id: $id, enabled: false}) { errors { message } } }",
        {"id": endpoint_id},
    )
    event = await event_of(gql, t, request_id, "webhook_endpoint.updated")
    assert event["before"]["enabled"] is True and event["after"]["enabled"] is False
    _, request_id = await mutate(
        gql, admin, "mutation($id: ID!) { webhookEndpointDelete(id: $id) { errors { message } } }", {"id": endpoint_id}
    )
    assert (await event_of(gql, t, request_id, "webhook_endpoint.deleted"))["before"]["eventTypes"] == [
        "person.created"
    ]
    assert chosen not in json.dumps(await events(gql, t))


async def test_catalog_and_badge_class_changes_are_recorded(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    issuer = t.tokens["issuer"]
    created, request_id = await mutate(
        gql, issuer, 'mutation { skillCreate(input: {name: "Welding"}) { skill { id } errors { message } } }'
    )
    skill_id = created["skillCreate"]["skill"]["id"]
    event = await event_of(gql, t, request_id, "skill.created")
    assert event["actor"] == actor(t, "issuer") and event["subjectId"] == skill_id
    _, request_id = await mutate(
        gql, issuer, "mutation($id: ID!) { skillDelete(id: $id) { errors { message } } }", {"id": skill_id}
    )
    assert (await event_of(gql, t, request_id, "skill.deleted"))["before"]["name"] == "Welding"

    badge, request_id = await mutate(
        gql,
        issuer,
        'mutation { badgeClassCreate(input: {name: "Welder", description: "Welds"}) { badgeClass { id }'
        " errors { message } } }",
    )
    event = await event_of(gql, t, request_id, "badge_class.created")
    assert event["subjectId"] == badge["badgeClassCreate"]["badgeClass"]["id"]
    assert event["actor"] == actor(t, "issuer") and event["after"]["name"] == "Welder"


# --- provisioning by the directory and by sign-in ------------------------------------------------


async def test_scim_provisioning_is_recorded_with_the_directory_as_actor(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    key = await mutate(
        gql,
        t.tokens["admin"],
        'mutation { apiKeyCreate(input: {name: "Directory", scopes: [SCIM_PROVISION]}) { secret errors { code } } }',
    )
    headers = {"Authorization": f"Bearer {key[0]['apiKeyCreate']['secret']}", "Content-Type": "application/scim+json"}

    async def scim(method: str, path: str, body: Any) -> httpx.Response:
        response = await client.request(method, f"/scim/v2{path}", json=body, headers=headers)
        assert response.status_code in (200, 201, 204), response.text
        return response

    created = await scim(
        "POST",
        "/Users",
        {"schemas": [USER], "userName": "dana", "emails": [{"value": f"dana@{t.slug}.example"}], "active": True},
    )
    user_id = created.json()["id"]
    event = await event_of(gql, t, created.headers["x-request-id"], "person.provisioned")
    assert event["actor"] == audit.DIRECTORY and event["subjectId"] == gid("Person", user_id)
    assert event["after"]["email"] == f"dana@{t.slug}.example"

    renamed = await scim(
        "PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "displayName",
                                                                           "value": "Dana Scully"}]}
    )  # fmt: skip
    event = await event_of(gql, t, renamed.headers["x-request-id"], "person.updated")
    assert event["actor"] == audit.DIRECTORY
    assert event["before"]["name"] == "dana" and event["after"]["name"] == "Dana Scully"

    off = await scim(
        "PATCH",
        f"/Users/{user_id}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]},
    )
    event = await event_of(gql, t, off.headers["x-request-id"], "person.deactivated")
    assert event["actor"] == audit.DIRECTORY and event["after"]["deactivatedBy"] == "directory"
    on = await scim(
        "PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": True}}]}
    )
    event = await event_of(gql, t, on.headers["x-request-id"], "person.reactivated")
    assert event["before"]["active"] is False and event["after"]["active"] is True

    # A directory group mapped to a role: the group and the member's new roles are both recorded.
    await mutate(
        gql,
        t.tokens["admin"],
        'mutation { groupMappingCreate(input: {groupName: "Badge Issuers", role: ISSUER}) { errors { message } } }',
    )
    group = await scim(
        "POST", "/Groups", {"schemas": [GROUP], "displayName": "Badge Issuers", "members": [{"value": user_id}]}
    )
    request_id = group.headers["x-request-id"]
    event = await event_of(gql, t, request_id, "scim_group.created")
    assert event["actor"] == audit.DIRECTORY and event["after"] == {
        "displayName": "Badge Issuers",
        "externalId": None,
        "members": 1,
    }
    event = await event_of(gql, t, request_id, "person.groups_applied")
    assert event["subjectId"] == gid("Person", user_id)
    assert event["before"]["roles"] == ["learner"] and event["after"]["roles"] == ["issuer", "learner"]


@pytest.fixture(scope="module")
def oidc_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    idp = OidcProvider(tmp_path_factory.mktemp("oidc"), []).start()
    yield idp
    idp.stop()


@pytest.fixture
async def browser(settings: Settings, app_db: Database) -> AsyncIterator[Browser]:
    app = create_app(settings, app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        b = Browser(c)
        yield b
        await b.close()


async def test_sign_in_provisioning_is_recorded_with_the_connection_as_actor(
    seeder: Seeder, gql: GraphQLClient, oidc_idp: OidcProvider, browser: Browser
) -> None:
    t = await seeder.tenant()
    connection = await oidc_connection(gql, t, oidc_idp)
    await mutate(
        gql,
        t.tokens["admin"],
        'mutation($c: ID!) { groupMappingCreate(input: {groupName: "Issuers", role: ISSUER, connectionId: $c})'
        " { errors { message } } }",
        {"c": connection["id"]},
    )
    erin = account(t, "erin")
    oidc_idp.add_account(erin)
    answer = await browser.oidc_sign_in(connection["loginUrl"], erin["email"])
    assert answer.status_code == 200, answer.text
    request_id = answer.headers["x-request-id"]
    by_connection = f"sso_connection:{gid_uuid(connection['id'])}"
    event = await event_of(gql, t, request_id, "person.provisioned")
    assert event["actor"] == by_connection and event["after"]["email"] == erin["email"]
    linked = await event_of(gql, t, request_id, "person.sso_linked")
    assert linked["actor"] == by_connection and linked["after"]["subject"] == erin["sub"]

    # The IdP now says erin is in the Issuers group: her roles follow, the connection acting.
    oidc_idp.add_account({**erin, "groups": ["issuers"]})
    again = await browser.oidc_sign_in(connection["loginUrl"], erin["email"])
    assert again.status_code == 200, again.text
    event = await event_of(gql, t, again.headers["x-request-id"], "person.groups_applied")
    assert event["actor"] == by_connection and event["after"]["roles"] == ["issuer", "learner"]


# --- who reads it, and what ---------------------------------------------------------------------


async def test_only_signed_in_admins_read_the_log(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    created = await gql(
        t.tokens["admin"],
        'mutation { apiKeyCreate(input: {name: "All", scopes: [PEOPLE_READ, PEOPLE_WRITE, AUDIENCES_WRITE,'
        " WEBHOOKS_MANAGE, JOBS_MANAGE, LEARNING_WRITE, LEARNING_RECORD, BADGES_WRITE, AWARDS_ISSUE, AWARDS_READ]})"
        " { secret errors { message } } }",
    )
    assert created["apiKeyCreate"]["errors"] == []
    for credential in (t.tokens["learner"], t.tokens["manager"], t.tokens["issuer"], created["apiKeyCreate"]["secret"]):
        for query in (EVENTS, EXPORT):
            body = (await gql.raw(credential, query)).json()
            assert body.get("data") is None, body
            [error] = body["errors"]
            assert error["extensions"]["code"] == "FORBIDDEN"
            assert error["message"] == "Only tenant admins can read the audit log."
    assert await events(gql, t)  # the admin does


async def test_another_tenants_events_are_invisible(seeder: Seeder, gql: GraphQLClient) -> None:
    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    await mutate(
        gql,
        b.tokens["admin"],
        'mutation { apiKeyCreate(input: {name: "B key", scopes: [PEOPLE_READ]}) { errors { code } } }',
    )
    b_events = await events(gql, b)
    assert b_events
    a_events = await events(gql, a)
    assert {e["id"] for e in a_events}.isdisjoint({e["id"] for e in b_events})
    leaked = json.dumps(a_events) + (await gql(a.tokens["admin"], EXPORT))["auditEventsExport"]
    for b_thing in [str(b.id), b.slug, *(str(p.id) for p in b.people.values())]:
        assert b_thing not in leaked
    assert await events(gql, a, subjectId=gid("Tenant", b.id)) == []
    for e in b_events:
        node = await gql(a.tokens["admin"], "query($id: ID!) { node(id: $id) { id } }", {"id": e["id"]})
        assert node["node"] is None
    # B's admin finds its own by node id.
    own = await gql(b.tokens["admin"], "query($id: ID!) { node(id: $id) { ... on AuditEvent { action } } }",
                    {"id": b_events[0]["id"]})  # fmt: skip
    assert own["node"] == {"action": b_events[0]["action"]}


async def test_newest_first_filters_and_pages(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    for name in ("One", "Two", "Three"):
        await mutate(
            gql,
            t.tokens["admin"],
            f'mutation {{ audienceCreate(input: {{kind: CUSTOMER, name: "{name}"}}) {{ errors {{ code }} }} }}',
        )
    created = await events(gql, t, action="audience.")
    assert [e["after"]["name"] for e in created] == ["Three", "Two", "One", "Customers", "Partners"]
    times = [e["createdAt"] for e in await events(gql, t)]
    assert times == sorted(times, reverse=True)

    page = await gql(t.tokens["admin"], EVENTS, {"f": {"action": "audience.created"}, "first": 2})
    first_page = page["auditEvents"]
    assert [e["node"]["after"]["name"] for e in first_page["edges"]] == ["Three", "Two"]
    assert first_page["pageInfo"]["hasNextPage"] is True
    rest = await gql(
        t.tokens["admin"],
        EVENTS,
        {"f": {"action": "audience.created"}, "first": 10, "after": first_page["pageInfo"]["endCursor"]},
    )
    assert [e["node"]["after"]["name"] for e in rest["auditEvents"]["edges"]] == ["One", "Customers", "Partners"]

    mine = await events(gql, t, actor=gid("Person", t.people["admin"].id))
    assert {e["action"] for e in mine} == {"audience.created"}
    assert await events(gql, t, actor=actor(t)) == mine
    operator = await events(gql, t, actor=audit.OPERATOR)
    assert "tenant.created" in {e["action"] for e in operator}
    assert {e["subjectType"] for e in await events(gql, t, subjectType="Audience")} == {"Audience"}
    newest = created[0]["createdAt"]
    assert [e["after"]["name"] for e in await events(gql, t, action="audience.", **{"from": newest})] == ["Three"]
    assert "Three" not in [e["after"]["name"] for e in await events(gql, t, action="audience.", to=newest)]

    bad = (await gql.raw(t.tokens["admin"], EVENTS, {"f": {"subjectId": "not-an-id"}})).json()
    assert bad["errors"][0]["extensions"] == {"code": "INVALID", "field": "filter.subjectId"}


async def test_csv_export_parses_and_neutralises_formulas(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    response = await gql.client.post(
        "/graphql",
        json={
            "query": 'mutation { audienceCreate(input: {kind: CUSTOMER, name: "=HYPERLINK(\\"http://x\\")"}) { errors { code } } }'
        },
        headers={"Authorization": f"Bearer {t.tokens['admin']}", "X-Request-ID": "-cmd-1"},
    )
    assert response.status_code == 200 and response.headers["x-request-id"] == "-cmd-1"
    exported = (await gql(t.tokens["admin"], EXPORT))["auditEventsExport"]
    rows = list(csv.reader(io.StringIO(exported)))
    assert tuple(rows[0]) == EXPORT_COLUMNS == (
        "time", "actor", "action", "subject type", "subject id", "request id", "before", "after",
    )  # fmt: skip
    listed = await events(gql, t)
    assert len(rows) - 1 == len(listed)
    by_row = dict(zip([e["id"] for e in listed], rows[1:], strict=True))
    for e in listed:
        row = by_row[e["id"]]
        assert row[1:5] == [e["actor"], e["action"], e["subjectType"], e["subjectId"]]
        assert json.loads(row[7]) == e["after"] if e["after"] is not None else row[7] == ""
    [formula_row] = [r for r in rows[1:] if r[2] == "audience.created" and "HYPERLINK" in r[7]]
    assert formula_row[5] == "'-cmd-1"  # the request id would have been read as a formula
    assert json.loads(formula_row[7])["name"] == '=HYPERLINK("http://x")'  # inside JSON, not a cell start
    filtered = (await gql(t.tokens["admin"], EXPORT, {"f": {"action": "tenant."}}))["auditEventsExport"]
    assert [r[2] for r in list(csv.reader(io.StringIO(filtered)))[1:]] == ["tenant.created"]
    for value, shown in (("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
                         ("\tx", "'\tx"), ("person:1", "person:1")):  # fmt: skip
        assert csv_cell(value) == shown


async def test_secret_looking_keys_are_redacted_and_values_made_json() -> None:
    stored = audit.jsonable(
        {"clientSecret": "s3cr3t", "clientSecretSet": True, "password": "x", "nested": {"privateKey": "k"},
         "logo": b"\x89PNG", "when": None, "ids": {uuid.UUID(int=1)}}
    )  # fmt: skip
    assert stored["clientSecret"] == stored["password"] == stored["nested"]["privateKey"] == audit.REDACTED
    assert stored["clientSecretSet"] is True and stored["when"] is None
    assert stored["logo"]["bytes"] == 4 and stored["ids"] == ["00000000-0000-0000-0000-000000000001"]


# --- append-only ----------------------------------------------------------------------------------


async def test_the_application_role_cannot_change_or_erase_history(app_db: Database, seeder: Seeder) -> None:
    t = await seeder.tenant()
    for statement in (
        "UPDATE audit_events SET action = 'nothing.happened'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ):
        async with app_db.session() as s:
            await set_tenant(s, t.id)
            assert await s.scalar(text("SELECT count(*) FROM audit_events")) > 0
            with pytest.raises(DBAPIError, match="permission denied for table audit_events"):
                await s.execute(text(statement))
    async with app_db.session() as s:
        await set_tenant(s, t.id)
        actions = set((await s.scalars(text("SELECT action FROM audit_events"))).all())
        assert "tenant.created" in actions and "nothing.happened" not in actions


def gid_uuid(global_id: str) -> str:
    """The uuid inside a global id."""
    return base64.b64decode(global_id).decode().partition(":")[2]
