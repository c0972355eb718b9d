"""Who sees what: the visibility policy from every viewer's point of view.

One tenant holds employees (with a manager and reports), two partner companies (Initech with a
partner admin, Globex), two customer companies (X Corp, Y Corp), admins and API keys of each
scope. Each viewer's view of people, awards, badge classes, courses and node ids is asserted
exactly, including what an invisible object answers (the same as one that does not exist).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import jsonschema
import pytest

from insignia.infra.db import Database, set_tenant
from insignia.infra.global_ids import decode
from insignia.tenants import api_key as api_key_service
from insignia.tenants import audience as audience_service
from insignia.tenants import person as person_service
from insignia.tenants.auth import issue_token, operator_principal, person_principal
from tests.conftest import SECRET, GraphQLClient, SeededTenant, Seeder, gid

pytestmark = pytest.mark.asyncio

EMPLOYEES = {"admin", "manager", "lead", "report", "issuer", "learner"}
INITECH = {"partner", "partner2", "partneradmin"}
KEY_SCOPES = {
    "key_people": ["people:read"],
    "key_awards": ["awards:read"],
    "key_badges": ["badges:write"],
    "key_record": ["learning:record"],
}


@dataclass
class World:
    t: SeededTenant
    keys: dict[str, str] = field(default_factory=dict)
    awards: dict[str, str] = field(default_factory=dict)  # person key -> their TENANT award's global id
    badge: str = ""
    partner_badge: str = ""
    x_course: str = ""

    def token(self, who: str) -> str:
        return self.keys.get(who) or self.t.tokens[who]

    def person(self, key: str) -> str:
        return gid("Person", self.t.people[key].id)


async def _world(seeder: Seeder, owner_db: Database, gql: GraphQLClient) -> World:
    t = await seeder.tenant("vis")
    w = World(t)
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        op = operator_principal(t.id)
        globex = await audience_service.create_audience(s, op, kind="partner", name="Globex", partner_company="Globex")
        x = await audience_service.create_audience(s, op, kind="customer", name="X Corp", partner_company="X Corp")
        y = await audience_service.create_audience(s, op, kind="customer", name="Y Corp", partner_company="Y Corp")
        t.audiences.update({"globex": globex.id, "x": x.id, "y": y.id})
        for key, audience, roles in (
            ("partner2", "partners", ["learner"]),
            ("partneradmin", "partners", ["partner_admin", "learner"]),
            ("globex", "globex", ["learner"]),
            ("x1", "x", ["learner"]),
            ("x2", "x", ["learner"]),
            ("y1", "y", ["learner"]),
        ):
            t.people[key] = await person_service.invite_person(
                s, op, email=f"{key}@{t.slug}.example", name=key.title(), audience_id=t.audiences[audience], roles=roles
            )
        admin = person_principal(t.people["admin"])
        for key, scopes in KEY_SCOPES.items():
            _key, secret = await api_key_service.create_api_key(s, admin, name=key, scopes=scopes)
            w.keys[key] = secret
        await s.commit()
    for key in ("partner2", "partneradmin", "globex", "x1", "x2", "y1"):
        t.tokens[key] = issue_token(SECRET, "insignia", t.people[key], timedelta(hours=1))

    admin = t.tokens["admin"]
    w.badge = (
        await gql(
            admin,
            'mutation { badgeClassCreate(input: {name: "Open to all", description: "d"}) { badgeClass { id } } }',
        )
    )["badgeClassCreate"]["badgeClass"]["id"]
    w.partner_badge = (
        await gql(
            admin,
            'mutation($a: [ID!]) { badgeClassCreate(input: {name: "Partners only", description: "d", audienceIds: $a,'
            " delegated: true}) { badgeClass { id } } }",
            {"a": [gid("Audience", t.audiences["partners"]), gid("Audience", t.audiences["globex"])]},
        )
    )["badgeClassCreate"]["badgeClass"]["id"]
    for badge in (w.badge, w.partner_badge):
        await gql(admin, "mutation($id: ID!) { badgeClassPublish(id: $id) { errors { code } } }", {"id": badge})
    w.x_course = (
        await gql(
            admin,
            'mutation($a: [ID!]) { courseCreate(input: {title: "For X Corp", audienceIds: $a}) { course { id } } }',
            {"a": [gid("Audience", t.audiences["x"])]},
        )
    )["courseCreate"]["course"]["id"]
    for key in t.people:
        data = await gql(
            admin,
            "mutation($b: ID!, $p: ID!) { awardIssue(input: {badgeClassId: $b, recipientId: $p}) {"
            " award { id visibility } errors { code } } }",
            {"b": w.badge, "p": w.person(key)},
        )
        assert data["awardIssue"]["award"]["visibility"] == "TENANT"  # the default of defaults
        w.awards[key] = data["awardIssue"]["award"]["id"]
    return w


@pytest.fixture
async def world(seeder: Seeder, owner_db: Database, gql: GraphQLClient) -> World:
    return await _world(seeder, owner_db, gql)


def _names(w: World, ids: set[str]) -> set[str]:
    by_id = {w.person(k): k for k in w.t.people}
    return {by_id[i] for i in ids}


async def _people(gql: GraphQLClient, w: World, who: str) -> set[str]:
    data = await gql(w.token(who), "{ people(first: 100) { edges { node { id } } } }")
    return _names(w, {e["node"]["id"] for e in data["people"]["edges"]})


async def _award_holders(gql: GraphQLClient, w: World, who: str) -> set[str]:
    data = await gql(w.token(who), "{ awards(first: 100) { edges { node { id recipient { id } } } } }")
    return _names(w, {e["node"]["recipient"]["id"] for e in data["awards"]["edges"]})


# What each viewer sees of the people (and so of their shared awards).
EXPECTED = {
    "learner": EMPLOYEES,
    "report": EMPLOYEES,
    "manager": EMPLOYEES,
    "partner": INITECH,
    "partneradmin": INITECH,
    "globex": {"globex"},
    "x1": {"x1", "x2"},
    "x2": {"x1", "x2"},
    "y1": {"y1"},
    "customer": {"customer"},  # an audience naming no company is a company of its own
}


async def test_people_and_awards_by_viewer(world: World, gql: GraphQLClient) -> None:
    w = world
    everyone = set(w.t.people)
    for who, expected in EXPECTED.items():
        assert await _people(gql, w, who) == expected, who
        assert await _award_holders(gql, w, who) == expected, who
    assert await _people(gql, w, "admin") == everyone
    assert await _award_holders(gql, w, "issuer") == everyone
    assert await _people(gql, w, "key_people") == everyone
    assert await _award_holders(gql, w, "key_awards") == everyone
    # Keys without the scope are told so (a scope is not a secret); they see nothing.
    for key in ("key_awards", "key_badges", "key_record"):
        response = await gql.raw(w.token(key), "{ people { edges { node { id } } } }")
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN", key
    for key in ("key_people", "key_badges", "key_record"):
        response = await gql.raw(w.token(key), "{ awards { edges { node { id } } } }")
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN", key


async def test_node_ids_answer_the_same_for_invisible_and_missing(world: World, gql: GraphQLClient) -> None:
    w = world
    missing_person = gid("Person", uuid.uuid4())
    missing_award = gid("Award", uuid.uuid4())
    query = "query($id: ID!) { node(id: $id) { id } }"
    for who, expected in EXPECTED.items():
        for key in w.t.people:
            person = (await gql(w.token(who), query, {"id": w.person(key)}))["node"]
            award = (await gql(w.token(who), query, {"id": w.awards[key]}))["node"]
            assert (person is not None) == (key in expected), (who, key)
            assert (award is not None) == (key in expected), (who, key)
        assert (await gql(w.token(who), query, {"id": missing_person}))["node"] is None
        assert (await gql(w.token(who), query, {"id": missing_award}))["node"] is None
    # Mutations and explanations too: NOT_FOUND, with the same message as for an id that never existed.
    eligibility = "query($p: ID!, $b: ID!) { awardEligibility(personId: $p, badgeClassId: $b) { eligible } }"
    hidden = await gql.raw(w.token("x1"), eligibility, {"p": w.person("y1"), "b": w.badge})
    absent = await gql.raw(w.token("x1"), eligibility, {"p": missing_person, "b": w.badge})
    assert hidden.json()["errors"][0]["message"] == absent.json()["errors"][0]["message"]
    assert hidden.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    share = (
        "mutation($id: ID!) { awardVisibilitySet(input: {id: $id, visibility: PUBLIC}) { errors { code message } } }"
    )
    hidden_award = (await gql(w.token("x1"), share, {"id": w.awards["y1"]}))["awardVisibilitySet"]["errors"]
    absent_award = (await gql(w.token("x1"), share, {"id": missing_award}))["awardVisibilitySet"]["errors"]
    assert hidden_award == absent_award and hidden_award[0]["code"] == "NOT_FOUND"


async def test_a_colleague_shows_name_audience_headline_never_contact_details(world: World, gql: GraphQLClient) -> None:
    w = world
    await gql(w.token("partner2"), 'mutation { viewerProfileUpdate(headline: "Networking lead") { errors { code } } }')
    query = (
        "query($id: ID!) { node(id: $id) { ... on Person { name headline email roles did manager { id }"
        " audience { name partnerCompany } awards { edges { node { id } } } } } }"
    )
    seen = (await gql(w.token("partner"), query, {"id": w.person("partner2")}))["node"]
    assert seen == {
        "name": "Partner2",
        "headline": "Networking lead",
        "email": None,
        "roles": None,
        "did": None,
        "manager": None,
        "audience": {"name": "Partners", "partnerCompany": "Initech"},
        "awards": {"edges": [{"node": {"id": w.awards["partner2"]}}]},
    }
    # Their partner admin, their admin and they themselves see them in full.
    for who in ("partneradmin", "admin", "partner2"):
        full = (await gql(w.token(who), query, {"id": w.person("partner2")}))["node"]
        assert full["email"] == f"partner2@{w.t.slug}.example" and full["roles"] == ["LEARNER"], who
    # A manager sees their report in full, a colleague's report as a colleague.
    report = (await gql(w.token("manager"), query, {"id": w.person("report")}))["node"]
    assert report["email"] == f"report@{w.t.slug}.example"
    colleague = (await gql(w.token("issuer"), "{ viewer { id } }"))["viewer"]["id"]
    assert (await gql(w.token("manager"), query, {"id": colleague}))["node"]["email"] is None
    # Private awards are for the person, their managers and admins.
    await gql(
        w.token("report"),
        "mutation($id: ID!) { awardVisibilitySet(input: {id: $id, visibility: PRIVATE}) { errors { code } } }",
        {"id": w.awards["report"]},
    )
    assert "report" not in await _award_holders(gql, w, "learner")
    assert "report" in await _award_holders(gql, w, "manager")
    assert "report" in await _award_holders(gql, w, "lead")
    assert "report" in await _award_holders(gql, w, "report")


async def test_catalog_limited_to_audiences(world: World, gql: GraphQLClient) -> None:
    w = world
    badges = "{ badgeClasses { edges { node { id } } } }"
    courses = "{ courses { edges { node { id } } } }"
    node = "query($id: ID!) { node(id: $id) { id } }"

    async def ids(who: str, query: str) -> set[str]:
        data = await gql(w.token(who), query)
        [connection] = data.values()
        return {e["node"]["id"] for e in connection["edges"]}

    for who in ("partner", "globex", "partneradmin"):
        assert await ids(who, badges) == {w.badge, w.partner_badge}, who
        assert (await gql(w.token(who), node, {"id": w.partner_badge}))["node"] is not None
    for who in ("learner", "manager", "x1", "customer"):
        assert await ids(who, badges) == {w.badge}, who
        assert (await gql(w.token(who), node, {"id": w.partner_badge}))["node"] is None, who
    for who in ("admin", "issuer", "key_badges", "key_awards"):
        assert await ids(who, badges) == {w.badge, w.partner_badge}, who
    assert w.x_course in await ids("x1", courses)
    for who in ("y1", "learner", "partner"):
        assert w.x_course not in await ids(who, courses), who
        assert (await gql(w.token(who), node, {"id": w.x_course}))["node"] is None, who
    # A learner's progress lists only what is open to them.
    progress = await gql(w.token("learner"), "{ viewer { progress { badgeClass { id } } } }")
    assert w.partner_badge not in {p["badgeClass"]["id"] for p in progress["viewer"]["progress"]}


RULES = """
mutation($rules: [VisibilityRuleInput!], $portal: String) {
  tenantSettingsUpdate(input: {visibilityRules: $rules, portalUrl: $portal}) {
    settings { visibilityRules { viewer subject reach isDefault } portalUrl }
    errors { code field message }
  }
}
"""


async def test_the_tenant_tunes_the_rules(world: World, gql: GraphQLClient) -> None:
    w = world
    # Looser: partners see employees; stricter: customers of one company no longer see each other.
    rules = [
        {"viewer": "PARTNER", "subject": "EMPLOYEE", "reach": "ALL"},
        {"viewer": "CUSTOMER", "subject": "CUSTOMER", "reach": "NONE"},
    ]
    data = (await gql(w.token("admin"), RULES, {"rules": rules}))["tenantSettingsUpdate"]
    assert data["errors"] == []
    chosen = {(r["viewer"], r["subject"]): (r["reach"], r["isDefault"]) for r in data["settings"]["visibilityRules"]}
    assert len(chosen) == 9
    assert chosen[("PARTNER", "EMPLOYEE")] == ("ALL", False)
    assert chosen[("EMPLOYEE", "PARTNER")] == ("NONE", True)
    assert await _people(gql, w, "partner") == INITECH | EMPLOYEES
    assert await _people(gql, w, "globex") == {"globex"} | EMPLOYEES
    assert await _people(gql, w, "x1") == {"x1"}
    assert await _people(gql, w, "learner") == EMPLOYEES  # employees still do not see partners

    # Bad input: every error at once, with the field as sent; nothing changes.
    bad = [
        {"viewer": "PARTNER", "subject": "EMPLOYEE", "reach": "SAME_COMPANY"},
        {"viewer": "PARTNER", "subject": "EMPLOYEE", "reach": "ALL"},
    ]
    refused = (await gql(w.token("admin"), RULES, {"rules": bad, "portal": "not a url"}))["tenantSettingsUpdate"]
    assert refused["settings"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID", "visibilityRules.0.reach"),
        ("INVALID", "visibilityRules.1"),
        ("INVALID", "portalUrl"),
    ]
    assert await _people(gql, w, "partner") == INITECH | EMPLOYEES
    # Only admins choose.
    for who in ("issuer", "manager", "partneradmin", "key_people"):
        denied = (await gql(w.token(who), RULES, {"rules": []}))["tenantSettingsUpdate"]
        assert denied["errors"][0]["code"] == "FORBIDDEN", who
    assert (await gql(w.token("learner"), "{ tenant { settings { portalUrl } } }"))["tenant"]["settings"] is None


ISSUE = (
    "mutation($b: ID!, $p: ID!) { awardIssue(input: {badgeClassId: $b, recipientId: $p}) {"
    " award { id delegatedIssuer recipient { id } } errors { code field } } }"
)


async def test_partner_admin_manages_and_issues_for_their_company_only(
    world: World, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    w = world
    pa = w.token("partneradmin")
    # People of their company in full, nobody else's.
    people = await gql(pa, "{ people(first: 50) { edges { node { name email } } } }")
    assert {e["node"]["name"]: bool(e["node"]["email"]) for e in people["people"]["edges"]} == {
        "Partner": True,
        "Partner2": True,
        "Partneradmin": True,
    }
    invite = (
        'mutation($a: ID!, $r: [Role!]) { personInvite(input: {email: $e, name: "New", audienceId: $a, roles: $r})'
        " { person { email roles } errors { code field } } }"
    )
    made = await gql(
        pa, invite.replace("$e", f'"new@{w.t.slug}.example"'), {"a": gid("Audience", w.t.audiences["partners"])}
    )
    assert made["personInvite"] == {
        "person": {"email": f"new@{w.t.slug}.example", "roles": ["LEARNER"]},
        "errors": [],
    }
    elsewhere = await gql(pa, invite.replace("$e", '"x@example.com"'), {"a": gid("Audience", w.t.audiences["globex"])})
    assert elsewhere["personInvite"]["errors"] == [{"code": "INVALID", "field": "audienceId"}]
    admin_role = await gql(
        pa,
        invite.replace("$e", '"y@example.com"'),
        {"a": gid("Audience", w.t.audiences["partners"]), "r": ["ADMIN"]},
    )
    assert admin_role["personInvite"]["errors"] == [{"code": "INVALID", "field": "roles"}]
    deactivate = "mutation($id: ID!) { personDeactivate(id: $id) { person { active } errors { code } } }"
    assert (await gql(pa, deactivate, {"id": w.person("globex")}))["personDeactivate"]["errors"] == [
        {"code": "NOT_FOUND"}
    ]
    assert (await gql(pa, deactivate, {"id": w.person("partner2")}))["personDeactivate"]["person"] == {"active": False}

    # Delegated badge classes, to their company: the credential names the partner as issuer.
    issued = (await gql(pa, ISSUE, {"b": w.partner_badge, "p": w.person("partner")}))["awardIssue"]
    assert issued["errors"] == [] and issued["award"]["delegatedIssuer"] == "Initech"
    # The signed OB 3.0 credential names the partner as the achievement's creator; the tenant signs.
    decoded = decode(issued["award"]["id"])
    assert decoded is not None
    credential = await client.get(
        f"/t/{w.t.slug}/ob3/credentials/{decoded[1]}", headers={"Authorization": f"Bearer {w.token('partner')}"}
    )
    assert credential.status_code == 200
    document = credential.json()
    assert document["credentialSubject"]["achievement"]["creator"]["name"] == "Initech"
    assert document["issuer"]["name"] == f"Org {w.t.slug}"
    schema = json.loads((Path(__file__).parent / "vectors" / "ob_v3p0_achievementcredential_schema.json").read_text())
    jsonschema.Draft201909Validator(schema).validate(document)
    assert (await gql(pa, ISSUE, {"b": w.partner_badge, "p": w.person("globex")}))["awardIssue"]["errors"] == [
        {"code": "NOT_FOUND", "field": "recipientId"}
    ]
    assert (await gql(pa, ISSUE, {"b": w.badge, "p": w.person("partner")}))["awardIssue"]["errors"][0]["code"] == (
        "FORBIDDEN"
    )
    # A plain partner learner issues nothing.
    assert (await gql(w.token("partner"), ISSUE, {"b": w.partner_badge, "p": w.person("partner")}))["awardIssue"][
        "errors"
    ][0]["code"] == "FORBIDDEN"
