"""Tenant A, holding real ids of tenant B, can neither read nor change anything of B.

Every root query, every ``node(id)`` lookup and every mutation is exercised as tenant A's admin
(the most powerful principal) and as an API key of A with every scope.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from sqlalchemy import select

from insignia.infra.db import Database, set_tenant
from insignia.infra.settings import Settings
from insignia.tenants.models import ApiKey, Audience, Person
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.support import WebhookReceiver, run_jobs_until

pytestmark = pytest.mark.asyncio


ROOT_QUERIES = [
    "{ viewer { id email } }",
    "{ tenant { id slug name } }",
    "{ audiences { id name } }",
    "{ people(first: 100) { edges { node { id email manager { id email } audience { id name } } } } }",
    "{ apiKeys(first: 100) { edges { node { id name } } } }",
]


async def _snapshot(owner_db: Database, tenant: SeededTenant) -> dict[str, Any]:
    """Everything of ``tenant`` as stored, to prove it did not change."""
    async with owner_db.session() as s:
        await set_tenant(s, tenant.id)
        people = (await s.scalars(select(Person).order_by(Person.id))).all()
        audiences = (await s.scalars(select(Audience).order_by(Audience.id))).all()
        keys = (await s.scalars(select(ApiKey).order_by(ApiKey.id))).all()
        return {
            "people": [(p.id, p.email, p.name, p.active, p.roles, p.manager_id, p.audience_id) for p in people],
            "audiences": [(a.id, a.name, a.partner_company) for a in audiences],
            "keys": [(k.id, k.name, k.revoked_at) for k in keys],
        }


async def _b_ids(owner_db: Database, b: SeededTenant, gql: GraphQLClient) -> dict[str, list[str]]:
    created = await gql(
        b.tokens["admin"],
        'mutation { apiKeyCreate(input: {name: "b-key", scopes: [PEOPLE_READ]}) { apiKey { id } errors { code } } }',
    )
    return {
        "Person": [gid("Person", p.id) for p in b.people.values()],
        "Audience": [gid("Audience", a) for a in b.audiences.values()],
        "Tenant": [gid("Tenant", b.id)],
        "ApiKey": [created["apiKeyCreate"]["apiKey"]["id"]],
    }


async def _a_credentials(a: SeededTenant, gql: GraphQLClient) -> list[str]:
    created = await gql(
        a.tokens["admin"],
        'mutation { apiKeyCreate(input: {name: "a-all", scopes: [PEOPLE_READ, PEOPLE_WRITE, AUDIENCES_WRITE]})'
        " { secret errors { code } } }",
    )
    return [a.tokens["admin"], created["apiKeyCreate"]["secret"]]


async def test_root_queries_never_show_another_tenant(seeder: Seeder, gql: GraphQLClient, owner_db: Database) -> None:
    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    b_ids = await _b_ids(owner_db, b, gql)
    b_strings = {v for values in b_ids.values() for v in values} | {p.email for p in b.people.values()} | {b.slug}
    token, key = await _a_credentials(a, gql)
    for credential in (token, key):
        for query in ROOT_QUERIES:
            response = await gql.raw(credential, query)
            assert response.status_code == 200
            for leaked in b_strings:
                assert leaked not in response.text, f"tenant B's {leaked!r} leaked to tenant A via {query}"
        people = (await gql(credential, ROOT_QUERIES[3]))["people"]["edges"]
        assert {e["node"]["email"] for e in people} == {p.email for p in a.people.values()}
        assert (await gql(credential, ROOT_QUERIES[1]))["tenant"]["slug"] == a.slug
    # The admin sees A's keys and only those.
    keys = (await gql(token, ROOT_QUERIES[4]))["apiKeys"]["edges"]
    assert [k["node"]["name"] for k in keys] == ["a-all"]


async def test_node_lookup_of_another_tenants_ids_returns_null(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database
) -> None:
    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    b_ids = await _b_ids(owner_db, b, gql)
    for credential in await _a_credentials(a, gql):
        for type_name, ids in b_ids.items():
            for value in ids:
                data = await gql(credential, "query($id: ID!) { node(id: $id) { id } }", {"id": value})
                assert data["node"] is None, f"{type_name} of tenant B visible to tenant A"
    # The same lookups do find A's own objects, so the nulls above are not vacuous.
    own = await gql(
        a.tokens["admin"], "query($id: ID!) { node(id: $id) { id } }", {"id": gid("Person", a.people["learner"].id)}
    )
    assert own["node"] is not None


MUTATIONS_WITH_B_IDS = [
    (
        "audienceUpdate",
        'mutation($id: ID!) { audienceUpdate(input: {id: $id, name: "hijacked"}) { audience { id } errors { code field } } }',
        "Audience",
    ),
    (
        "personUpdate",
        'mutation($id: ID!) { personUpdate(input: {id: $id, name: "hijacked"}) { person { id } errors { code field } } }',
        "Person",
    ),
    (
        "personDeactivate",
        "mutation($id: ID!) { personDeactivate(id: $id) { person { id } errors { code field } } }",
        "Person",
    ),
    ("apiKeyRevoke", "mutation($id: ID!) { apiKeyRevoke(id: $id) { apiKey { id } errors { code field } } }", "ApiKey"),
    (
        "personInvite",
        'mutation($id: ID!) { personInvite(input: {email: "x@evil.example", name: "X", audienceId: $id}) { person { id } errors { code field } } }',
        "Audience",
    ),
    (
        "personInvite",
        'mutation($id: ID!, $aud: ID!) { personInvite(input: {email: "y@evil.example", name: "Y", audienceId: $aud, managerId: $id}) { person { id } errors { code field } } }',
        "Person",
    ),
    (
        "personUpdate",
        "mutation($id: ID!, $own: ID!) { personUpdate(input: {id: $own, managerId: $id}) { person { id } errors { code field } } }",
        "Person",
    ),
    (
        "personUpdate",
        "mutation($id: ID!, $own: ID!) { personUpdate(input: {id: $own, audienceId: $id}) { person { id } errors { code field } } }",
        "Audience",
    ),
]


async def test_mutations_with_another_tenants_ids_change_nothing(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database
) -> None:
    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    b_ids = await _b_ids(owner_db, b, gql)
    credentials = await _a_credentials(a, gql)
    before_b = await _snapshot(owner_db, b)
    before_a = await _snapshot(owner_db, a)
    for credential in credentials:
        for name, mutation, type_name in MUTATIONS_WITH_B_IDS:
            for value in b_ids[type_name]:
                variables = {
                    "id": value,
                    "own": gid("Person", a.people["learner"].id),
                    "aud": gid("Audience", a.audiences["employees"]),
                }
                used = {k: v for k, v in variables.items() if f"${k}" in mutation}
                data = await gql(credential, mutation, used)
                payload = data[name]
                assert payload["errors"], f"{name} with tenant B's {type_name} id did not fail"
                # An API key may not manage keys at all (FORBIDDEN); otherwise B's id is simply not found.
                allowed = {"NOT_FOUND"} if credential == credentials[0] else {"NOT_FOUND", "FORBIDDEN"}
                assert payload["errors"][0]["code"] in allowed
                assert payload[next(k for k in payload if k != "errors")] is None
    assert await _snapshot(owner_db, b) == before_b
    assert await _snapshot(owner_db, a) == before_a


async def test_api_key_cannot_claim_another_tenant(seeder: Seeder, gql: GraphQLClient) -> None:
    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    [_token, key] = await _a_credentials(a, gql)
    # Swap the tenant part for B's: the key is looked up inside B, where it does not exist.
    prefix, _tenant, key_id, secret = key.split("_", 3)
    forged = "_".join([prefix, b.id.hex, key_id, secret])
    response = await gql.raw(forged, "{ tenant { slug } }")
    assert response.status_code == 401
    assert b.slug not in response.text


async def test_token_tenant_claim_cannot_be_swapped(seeder: Seeder, gql: GraphQLClient) -> None:
    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    header, payload, signature = a.tokens["admin"].split(".")
    claims = base64.urlsafe_b64decode(payload + "==").decode().replace(str(a.id), str(b.id))
    forged_payload = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
    response = await gql.raw(f"{header}.{forged_payload}.{signature}", "{ tenant { slug } }")
    assert response.status_code == 401


async def test_webhooks_and_jobs_of_another_tenant_are_invisible_and_untouchable(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database, app_db: Database, settings: Settings
) -> None:
    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    receiver = WebhookReceiver(default_status=500).start()
    try:
        created = await gql(
            b.tokens["admin"],
            'mutation($u: String!) { webhookEndpointCreate(input: {url: $u, eventTypes: ["person.created"]}) { webhookEndpoint { id } } }',
            {"u": receiver.url},
        )
        endpoint_id = created["webhookEndpointCreate"]["webhookEndpoint"]["id"]
        await gql(
            b.tokens["admin"],
            'mutation($a: ID!) { personInvite(input: {email: "b-hook@example.com", name: "B", audienceId: $a}) { errors { code } } }',
            {"a": gid("Audience", b.audiences["employees"])},
        )
        deliveries_q = "query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries { edges { node { id status } } } } } }"

        async def b_failed() -> bool:
            edges = (await gql(b.tokens["admin"], deliveries_q, {"id": endpoint_id}))["node"]["deliveries"]["edges"]
            return bool(edges) and edges[0]["node"]["status"] == "FAILED"

        await run_jobs_until(settings, app_db, b_failed)
    finally:
        receiver.stop()
    delivery_id = (await gql(b.tokens["admin"], deliveries_q, {"id": endpoint_id}))["node"]["deliveries"]["edges"][0][
        "node"
    ]["id"]
    b_jobs = (await gql(b.tokens["admin"], "{ jobs(first: 100) { edges { node { id status } } } }"))["jobs"]["edges"]
    dead_job = next(j["node"]["id"] for j in b_jobs if j["node"]["status"] == "DEAD")
    b_ids = [endpoint_id, delivery_id, dead_job, *(j["node"]["id"] for j in b_jobs)]

    for credential in await _a_credentials(a, gql):
        for value in b_ids:
            assert (await gql(credential, "query($id: ID!) { node(id: $id) { id } }", {"id": value}))["node"] is None
    a_token = a.tokens["admin"]
    a_jobs = await gql(a_token, "{ jobs(first: 100) { edges { node { id } } } webhookEndpoints { id } }")
    assert not {j["node"]["id"] for j in a_jobs["jobs"]["edges"]} & set(b_ids)
    assert a_jobs["webhookEndpoints"] == []
    attempts = [
        (
            "webhookEndpointUpdate",
            'mutation($id: ID!) { webhookEndpointUpdate(input: {id: $id, url: "http://127.0.0.1:1/x"}) { errors { code } } }',
            endpoint_id,
        ),
        (
            "webhookEndpointDelete",
            "mutation($id: ID!) { webhookEndpointDelete(id: $id) { errors { code } } }",
            endpoint_id,
        ),
        (
            "webhookDeliveryReplay",
            "mutation($id: ID!) { webhookDeliveryReplay(id: $id) { errors { code } } }",
            delivery_id,
        ),
        ("jobRetry", "mutation($id: ID!) { jobRetry(id: $id) { errors { code } } }", dead_job),
    ]
    for name, mutation, value in attempts:
        data = await gql(a_token, mutation, {"id": value})
        assert data[name]["errors"] == [{"code": "NOT_FOUND"}], name
    still = await gql(
        b.tokens["admin"], "{ webhookEndpoints { url } jobs(filter: {status: DEAD}) { edges { node { id } } } }"
    )
    assert still["webhookEndpoints"] == [{"url": receiver.url}]
    assert [j["node"]["id"] for j in still["jobs"]["edges"]] == [dead_job]


async def test_credentials_of_another_tenant_are_invisible_and_untouchable(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database
) -> None:
    from tests.test_credentials import ISSUE, Catalog

    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    cb = await Catalog(b).build(gql)
    b_learner = gid("Person", b.people["learner"].id)
    b_award = (await gql(b.tokens["issuer"], ISSUE, {"input": {"badgeClassId": cb.badge, "recipientId": b_learner}}))[
        "awardIssue"
    ]["award"]["id"]
    await gql(
        b.tokens["issuer"],
        "mutation($p: ID!, $c: ID!) { completionRecord(input: {personId: $p, courseId: $c}) { errors { code } } }",
        {"p": b_learner, "c": cb.course},
    )
    b_customer = gid("Person", b.people["customer"].id)
    b_suspended = (
        await gql(b.tokens["issuer"], ISSUE, {"input": {"badgeClassId": cb.badge, "recipientId": b_customer}})
    )["awardIssue"]["award"]["id"]
    held = await gql(
        b.tokens["issuer"],
        'mutation($id: ID!) { awardSuspend(input: {id: $id, reason: "Review"}) { award { status } } }',
        {"id": b_suspended},
    )
    assert held["awardSuspend"]["award"]["status"] == "SUSPENDED"
    b_ids = {"Skill": cb.skill, "Course": cb.course, "Assessment": cb.exam, "BadgeClass": cb.badge, "Award": b_award}
    ca = await Catalog(a).build(gql)
    a_learner = gid("Person", a.people["learner"].id)
    a_issuer = a.tokens["issuer"]

    for token in (a.tokens["admin"], a_issuer, a.tokens["learner"]):
        for value in b_ids.values():
            assert (await gql(token, "query($id: ID!) { node(id: $id) { id } }", {"id": value}))["node"] is None
        listing = await gql.raw(
            token,
            "{ skills { edges { node { id } } } courses { edges { node { id } } } badgeClasses { edges { node { id } } } awards { edges { node { id } } } }",
        )
        for value in b_ids.values():
            assert value not in listing.text
    eligibility = await gql.raw(
        a_issuer,
        "query($p: ID!, $b: ID!) { awardEligibility(personId: $p, badgeClassId: $b) { eligible } }",
        {"p": b_learner, "b": ca.badge},
    )
    assert eligibility.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    eligibility = await gql.raw(
        a_issuer,
        "query($p: ID!, $b: ID!) { awardEligibility(personId: $p, badgeClassId: $b) { eligible } }",
        {"p": a_learner, "b": cb.badge},
    )
    assert eligibility.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    before = await _credential_snapshot(owner_db, b)
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("awardIssue", ISSUE, {"input": {"badgeClassId": cb.badge, "recipientId": a_learner}}),
        ("awardIssue", ISSUE, {"input": {"badgeClassId": ca.badge, "recipientId": b_learner}}),
        (
            "awardRevoke",
            'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "x"}) { errors { code } } }',
            {"id": b_award},
        ),
        ("awardReissue", "mutation($id: ID!) { awardReissue(id: $id) { errors { code } } }", {"id": b_award}),
        (
            "awardSuspend",
            'mutation($id: ID!) { awardSuspend(input: {id: $id, reason: "x"}) { errors { code } } }',
            {"id": b_award},
        ),
        ("awardReinstate", "mutation($id: ID!) { awardReinstate(id: $id) { errors { code } } }", {"id": b_suspended}),
        (
            "badgeClassUpdate",
            'mutation($id: ID!) { badgeClassUpdate(input: {id: $id, name: "Hijacked"}) { errors { code } } }',
            {"id": cb.badge},
        ),
        (
            "badgeClassPublish",
            "mutation($id: ID!) { badgeClassPublish(id: $id) { errors { code } } }",
            {"id": cb.badge},
        ),
        (
            "badgeClassArchive",
            "mutation($id: ID!) { badgeClassArchive(id: $id) { errors { code } } }",
            {"id": cb.badge},
        ),
        (
            "badgeClassReevaluate",
            "mutation($id: ID!) { badgeClassReevaluate(id: $id) { errors { code } } }",
            {"id": cb.badge},
        ),
        (
            "completionRecord",
            "mutation($p: ID!, $c: ID!) { completionRecord(input: {personId: $p, courseId: $c}) { errors { code } } }",
            {"p": b_learner, "c": ca.course},
        ),
        (
            "completionRecord",
            "mutation($p: ID!, $c: ID!) { completionRecord(input: {personId: $p, courseId: $c}) { errors { code } } }",
            {"p": a_learner, "c": cb.course},
        ),
        (
            "assessmentResultRecord",
            "mutation($p: ID!, $x: ID!) { assessmentResultRecord(input: {personId: $p, assessmentId: $x, score: 99}) { errors { code } } }",
            {"p": a_learner, "x": cb.exam},
        ),
        (
            "assessmentCreate",
            'mutation($c: ID!) { assessmentCreate(input: {courseId: $c, title: "T", kind: QUIZ}) { errors { code } } }',
            {"c": cb.course},
        ),
        (
            "courseCreate",
            'mutation($s: ID!) { courseCreate(input: {title: "T", skillIds: [$s]}) { errors { code } } }',
            {"s": cb.skill},
        ),
        (
            "badgeClassCreate",
            'mutation($c: ID!) { badgeClassCreate(input: {name: "T", description: "d", criteria: {requirements: [{courseId: $c}]}}) { errors { code } } }',
            {"c": cb.course},
        ),
    ]
    attempts += [
        (
            "skillUpdate",
            'mutation($id: ID!) { skillUpdate(input: {id: $id, name: "Hijacked"}) { errors { code } } }',
            {"id": cb.skill},
        ),
        ("skillDelete", "mutation($id: ID!) { skillDelete(id: $id) { errors { code } } }", {"id": cb.skill}),
        (
            "courseUpdate",
            'mutation($id: ID!) { courseUpdate(input: {id: $id, title: "Hijacked"}) { errors { code } } }',
            {"id": cb.course},
        ),
        ("courseDelete", "mutation($id: ID!) { courseDelete(id: $id) { errors { code } } }", {"id": cb.course}),
        (
            "assessmentUpdate",
            "mutation($id: ID!) { assessmentUpdate(input: {id: $id, passingScore: 1}) { errors { code } } }",
            {"id": cb.exam},
        ),
        ("assessmentDelete", "mutation($id: ID!) { assessmentDelete(id: $id) { errors { code } } }", {"id": cb.exam}),
        (
            "awardIssueBulk",
            "mutation($b: ID!, $r: [ID!]!) { awardIssueBulk(input: {badgeClassId: $b, recipientIds: $r}) { errors { code } } }",
            {"b": cb.badge, "r": [b_learner]},
        ),
        (
            "importCreate",
            'mutation($b: ID!) { importCreate(input: {kind: AWARDS, badgeClassId: $b, csv: "person_id\\n00000000-0000-7000-8000-000000000000\\n"}) { errors { code } } }',
            {"b": cb.badge},
        ),
    ]
    b_import = (
        await gql(
            b.tokens["issuer"],
            "mutation($b: ID!, $r: [ID!]!) { awardIssueBulk(input: {badgeClassId: $b, recipientIds: $r}) { import { id } } }",
            {"b": cb.badge, "r": [b_learner]},
        )
    )["awardIssueBulk"]["import"]["id"]
    assert (await gql(a.tokens["admin"], "query($id: ID!) { node(id: $id) { id } }", {"id": b_import}))["node"] is None
    assert b_import not in (await gql.raw(a.tokens["admin"], "{ imports { edges { node { id } } } }")).text
    before = await _credential_snapshot(owner_db, b)
    for name, mutation, variables in attempts:
        data = await gql(a.tokens["admin"], mutation, variables)
        assert data[name]["errors"] and data[name]["errors"][0]["code"] == "NOT_FOUND", (name, data)
    assert await _credential_snapshot(owner_db, b) == before


async def _credential_snapshot(owner_db: Database, tenant: SeededTenant) -> Any:
    from insignia.platform.credentials.models import Award, BadgeClass
    from insignia.platform.learning.models import Assessment, Completion, Course

    async with owner_db.session() as s:
        await set_tenant(s, tenant.id)
        return (
            [
                (x.id, x.name, x.status, x.criteria_version)
                for x in (await s.scalars(select(BadgeClass).order_by(BadgeClass.id))).all()
            ],
            [
                (x.id, x.revoked_at, x.superseded_at, x.suspended_at, x.suspension_reason, x.status_changed_at)
                for x in (await s.scalars(select(Award).where(Award.tenant_id == tenant.id).order_by(Award.id))).all()
            ],
            [x.id for x in (await s.scalars(select(Course))).all()],
            [x.id for x in (await s.scalars(select(Assessment))).all()],
            [(x.person_id, x.course_id) for x in (await s.scalars(select(Completion))).all()],
        )


async def test_pathways_enrolments_and_goals_of_another_tenant_are_invisible_and_untouchable(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database
) -> None:
    from insignia.platform.pathways.models import Enrolment, Goal, Pathway, PathwayVersion
    from tests.test_pathways import ENROL, GOAL, _ok, _track

    b_track = await _track(seeder, gql)
    b = b_track.t
    enrolment = (await _ok(gql, b.tokens["learner"], ENROL, {"input": {"pathwayId": b_track.pathway}}))["enrolment"]
    goal = (await _ok(gql, b.tokens["learner"], GOAL, {"input": {"badgeClassId": b_track.a}}))["goal"]
    a_track = await _track(seeder, gql)
    a = a_track.t

    async def snapshot() -> Any:
        async with owner_db.session() as s:
            await set_tenant(s, b.id)
            return (
                [(p.id, p.name, p.status, p.version, p.draft) for p in await s.scalars(select(Pathway))],
                [(v.pathway_id, v.version) for v in await s.scalars(select(PathwayVersion))],
                [(e.id, e.version, e.unenrolled_at) for e in await s.scalars(select(Enrolment))],
                [(g.id, g.status, g.target_date) for g in await s.scalars(select(Goal))],
            )

    before = await snapshot()
    b_person = gid("Person", b.people["learner"].id)
    for credential in await _a_credentials(a, gql):
        for value in (b_track.pathway, enrolment["id"], goal["id"]):
            assert (await gql(credential, "query($id: ID!) { node(id: $id) { id } }", {"id": value}))["node"] is None
        listed = await gql(credential, "{ pathways(first: 100) { edges { node { id } } } }")
        assert b_track.pathway not in {e["node"]["id"] for e in listed["pathways"]["edges"]}
        attempts = [
            (
                "pathwayUpdate",
                'mutation($id: ID!) { pathwayUpdate(input: {id: $id, name: "X"}) { errors { code } } }',
                {"id": b_track.pathway},
            ),
            (
                "pathwayPublish",
                "mutation($id: ID!) { pathwayPublish(id: $id) { errors { code } } }",
                {"id": b_track.pathway},
            ),
            (
                "pathwayArchive",
                "mutation($id: ID!) { pathwayArchive(id: $id) { errors { code } } }",
                {"id": b_track.pathway},
            ),
            (
                "pathwayMigrate",
                "mutation($id: ID!) { pathwayMigrate(id: $id) { errors { code } } }",
                {"id": b_track.pathway},
            ),
            (
                "pathwayEnrol",
                "mutation($p: ID!) { pathwayEnrol(input: {pathwayId: $p}) { errors { code } } }",
                {"p": b_track.pathway},
            ),
            (
                "pathwayEnrol",
                "mutation($p: ID!, $who: [ID!]) { pathwayEnrol(input: {pathwayId: $p, personIds: $who}) { errors { code } } }",
                {"p": a_track.pathway, "who": [b_person]},
            ),
            (
                "pathwayUnenrol",
                "mutation($id: ID!) { pathwayUnenrol(id: $id) { errors { code } } }",
                {"id": enrolment["id"]},
            ),
            (
                "goalCreate",
                "mutation($p: ID!) { goalCreate(input: {pathwayId: $p}) { errors { code } } }",
                {"p": b_track.pathway},
            ),
            (
                "goalCreate",
                "mutation($who: ID!, $b: ID!) { goalCreate(input: {personId: $who, badgeClassId: $b}) { errors { code } } }",
                {"who": b_person, "b": a_track.a},
            ),
            (
                "goalUpdate",
                "mutation($id: ID!) { goalUpdate(input: {id: $id, status: ABANDONED}) { errors { code } } }",
                {"id": goal["id"]},
            ),
        ]
        for name, mutation, variables in attempts:
            errors = (await gql(credential, mutation, variables))[name]["errors"]
            assert errors and errors[0]["code"] in {"NOT_FOUND", "FORBIDDEN", "INVALID"}, (name, errors)
    assert await snapshot() == before


async def test_brands_designs_and_domains_of_another_tenant_are_invisible_and_untouchable(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database
) -> None:
    from insignia.platform.branding.models import AudienceBranding, BadgeDesignRow, TenantDomain
    from tests.test_branding import AUDIENCE_BRANDING, BRANDING_PREVIEW, DOMAIN_ADD, PREVIEW, UPDATE, _badge

    a, b = await seeder.tenant("a"), await seeder.tenant("b")
    b_partners = gid("Audience", b.audiences["partners"])
    await gql(b.tokens["admin"], AUDIENCE_BRANDING, {"input": {"audienceId": b_partners, "color": "#7a1fa2"}})
    b_domain = (await gql(b.tokens["admin"], DOMAIN_ADD, {"d": f"badges.{b.slug}.com"}))["tenantDomainAdd"]["domain"]
    b_badge = await _badge(gql, b, "B's badge")
    design = {"shape": "CIRCLE", "title": "B"}
    await gql(b.tokens["issuer"], UPDATE, {"input": {"id": b_badge, "design": {**design, "audienceId": b_partners}}})
    a_badge = await _badge(gql, a, "A's badge")

    async def snapshot() -> Any:
        async with owner_db.session() as s:
            await set_tenant(s, b.id)
            return (
                [(r.audience_id, r.color) for r in await s.scalars(select(AudienceBranding))],
                [(r.badge_class_id, r.design, r.brand_key) for r in await s.scalars(select(BadgeDesignRow))],
                [
                    (r.id, r.domain, r.status, r.last_checked_at)
                    for r in await s.scalars(select(TenantDomain).where(TenantDomain.tenant_id == b.id))
                ],
            )

    before = await snapshot()
    assert before[0] and before[1] and before[2]
    for credential in await _a_credentials(a, gql):
        assert (await gql(credential, "query($id: ID!) { node(id: $id) { id } }", {"id": b_domain["id"]}))[
            "node"
        ] is None
        listed = await gql.raw(credential, "{ tenantDomains { id domain } }")
        assert b.slug not in listed.text
        for query, variables in (
            (BRANDING_PREVIEW, {"a": b_partners}),
            (PREVIEW, {"input": {**design, "audienceId": b_partners}}),
        ):
            errors = (await gql.raw(credential, query, variables)).json()["errors"]
            assert errors[0]["extensions"]["code"] in {"NOT_FOUND", "FORBIDDEN"}, errors
            assert "7a1fa2" not in str(errors)
        attempts = [
            ("audienceBrandingUpdate", AUDIENCE_BRANDING, {"input": {"audienceId": b_partners, "color": "#000000"}}),
            ("badgeClassUpdate", UPDATE, {"input": {"id": b_badge, "design": design}}),
            ("badgeClassUpdate", UPDATE, {"input": {"id": a_badge, "design": {**design, "audienceId": b_partners}}}),
            (
                "tenantDomainVerify",
                "mutation($id: ID!) { tenantDomainVerify(id: $id) { domain { id } errors { code } } }",
                {"id": b_domain["id"]},
            ),
            (
                "tenantDomainRemove",
                "mutation($id: ID!) { tenantDomainRemove(id: $id) { domain { id } errors { code } } }",
                {"id": b_domain["id"]},
            ),
        ]
        for name, mutation, variables in attempts:
            errors = (await gql(credential, mutation, variables))[name]["errors"]
            assert errors and errors[0]["code"] in {"NOT_FOUND", "FORBIDDEN"}, (name, errors)
    assert await snapshot() == before


async def test_skills_roles_insights_and_exports_of_another_tenant_are_invisible(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database
) -> None:
    from insignia.platform.skills.models import PersonSkill, RoleProfile, RoleSkill
    from tests.test_skills import ISSUE, _world

    b_world = await _world(seeder, gql)
    b = b_world.t
    await gql(b.tokens["admin"], ISSUE, {"b": b_world.badges["k8s-basics"], "p": b_world.person("learner")})
    export = await gql(
        b.tokens["admin"],
        "mutation($r: ID!) { reportExportCreate(input: {report: TEAM_SKILL_GAP, roleId: $r}) {"
        " reportExport { id } errors { code } } }",
        {"r": b_world.role},
    )
    export_id = export["reportExportCreate"]["reportExport"]["id"]
    a = await seeder.tenant("a-skills")

    async def snapshot() -> Any:
        async with owner_db.session() as s:
            await set_tenant(s, b.id)
            return (
                [(r.id, r.name) for r in await s.scalars(select(RoleProfile))],
                [(r.role_id, r.skill_id, r.level) for r in await s.scalars(select(RoleSkill))],
                [(p.person_id, p.skill_id, p.level) for p in await s.scalars(select(PersonSkill))],
                [(p.id, p.job_role_id) for p in await s.scalars(select(Person))],
            )

    before = await snapshot()
    for credential in await _a_credentials(a, gql):
        for value in (b_world.role, export_id):
            assert (await gql(credential, "query($id: ID!) { node(id: $id) { id } }", {"id": value}))["node"] is None
        roles = await gql(credential, "{ roleProfiles { edges { node { id } } } }")
        assert roles["roleProfiles"]["edges"] == []
        for query, variables in (
            ("query($r: ID!) { teamSkillGap(roleId: $r) { people } }", {"r": b_world.role}),
            (
                "query($p: ID!, $r: ID!) { node(id: $p) { ... on Person { skillGap(roleId: $r) { coverage } } } }",
                {"p": b_world.person("learner"), "r": b_world.role},
            ),
            (
                'query($a: ID!) { insights(filter: {from: "2026-01-01", to: "2026-12-31", audienceId: $a}) { views } }',
                {"a": gid("Audience", b.audiences["employees"])},
            ),
        ):
            response = (await gql.raw(credential, query, variables)).json()
            data = response.get("data") or {}
            assert "errors" in response or data.get("node") is None, response
        for name, mutation, variables in (
            (
                "roleProfileUpdate",
                'mutation($id: ID!) { roleProfileUpdate(input: {id: $id, name: "X"}) { errors { code } } }',
                {"id": b_world.role},
            ),
            (
                "personRoleSet",
                "mutation($p: ID!) { personRoleSet(personId: $p, roleId: null) { errors { code } } }",
                {"p": b_world.person("learner")},
            ),
            (
                "personTargetRolesSet",
                "mutation($p: ID!, $r: [ID!]!) { personTargetRolesSet(personId: $p, roleIds: $r) { errors { code } } }",
                {"p": b_world.person("learner"), "r": [b_world.role]},
            ),
        ):
            errors = (await gql(credential, mutation, variables))[name]["errors"]
            assert errors and errors[0]["code"] in {"NOT_FOUND", "FORBIDDEN"}, (name, errors)
    assert await snapshot() == before
