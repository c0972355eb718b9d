"""Pathways, enrolments, goals and next steps through GraphQL, with the real job runner."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select

from insignia.infra.audit import AuditEvent
from insignia.infra.db import Database, count_statements, set_tenant
from insignia.infra.outbox import OutboxEvent
from insignia.infra.settings import Settings
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.support import run_jobs_until

pytestmark = pytest.mark.asyncio

BADGE = 'mutation($n: String!) { badgeClassCreate(input: {name: $n, description: "d"}) { badgeClass { id } errors { code } } }'
PUBLISH_BADGE = "mutation($id: ID!) { badgeClassPublish(id: $id) { errors { code } } }"
COURSE = "mutation($t: String!) { courseCreate(input: {title: $t}) { course { id } errors { code } } }"
CREATE = """
mutation($input: PathwayCreateInput!) { pathwayCreate(input: $input) {
  pathway { id name status version root { id kind required children { id kind title } } capstone { id } }
  errors { code field message } } }
"""
UPDATE = "mutation($input: PathwayUpdateInput!) { pathwayUpdate(input: $input) { pathway { version } errors { code field } } }"
PUBLISH = "mutation($id: ID!) { pathwayPublish(id: $id) { pathway { status version } errors { code field } } }"
ENROL = """
mutation($input: PathwayEnrolInput!) { pathwayEnrol(input: $input) {
  enrolment { id version } enrolments { id } errors { code field message } } }
"""
MINE = """
{ viewer { enrolments { edges { node { id version percent completedAt pathway { name }
  nodes { node { id kind title } met locked missing } next { id title kind } } } } } }
"""
ISSUE = "mutation($b: ID!, $p: ID!) { awardIssue(input: {badgeClassId: $b, recipientId: $p}) { award { id } errors { code } } }"
COMPLETE = (
    "mutation($p: ID!, $c: ID!) { completionRecord(input: {personId: $p, courseId: $c}) { errors { code field } } }"
)


@dataclass
class Track:
    t: SeededTenant
    a: str  # badge classes
    b: str
    d: str
    milestone: str
    capstone: str
    course: str
    pathway: str = ""

    def requirement(self) -> dict[str, Any]:
        return {
            "allOf": [
                {"key": "a", "title": "Basics", "badgeClassId": self.a},
                {"key": "course", "courseId": self.course, "prerequisiteKeys": ["a"]},
                {
                    "key": "choice",
                    "title": "A specialism",
                    "milestoneBadgeClassId": self.milestone,
                    "nOf": {"n": 1, "of": [{"badgeClassId": self.b}, {"badgeClassId": self.d}]},
                },
            ]
        }


async def _ok(gql: GraphQLClient, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    data = await gql(token, query, variables)
    [payload] = data.values()
    assert payload["errors"] == [], payload["errors"]
    return payload  # type: ignore[no-any-return]


async def _track(seeder: Seeder, gql: GraphQLClient) -> Track:
    t = await seeder.tenant("path")
    admin = t.tokens["admin"]
    ids = {}
    for name in ("Basics", "Specialism B", "Specialism D", "Milestone", "Capstone"):
        ids[name] = (await _ok(gql, admin, BADGE, {"n": name}))["badgeClass"]["id"]
        await gql(admin, PUBLISH_BADGE, {"id": ids[name]})
    course = (await _ok(gql, admin, COURSE, {"t": "Hands-on"}))["course"]["id"]
    track = Track(t, ids["Basics"], ids["Specialism B"], ids["Specialism D"], ids["Milestone"], ids["Capstone"], course)
    created = await _ok(
        gql,
        admin,
        CREATE,
        {"input": {"name": "Onboarding", "requirement": track.requirement(), "capstoneBadgeClassId": track.capstone}},
    )
    assert created["pathway"]["status"] == "DRAFT" and created["pathway"]["version"] == 0
    assert created["pathway"]["root"]["required"] == 3
    track.pathway = created["pathway"]["id"]
    assert (await _ok(gql, admin, PUBLISH, {"id": track.pathway}))["pathway"] == {"status": "PUBLISHED", "version": 1}
    return track


async def _jobs(settings: Settings, app_db: Database, owner_db: Database, t: SeededTenant) -> None:
    """Run the real relay and processor until this tenant's jobs are done."""

    async def idle() -> bool:
        async with owner_db.session() as s:
            await set_tenant(s, t.id)
            pending = await s.scalar(
                select(OutboxEvent.id)
                .where(OutboxEvent.tenant_id == t.id, OutboxEvent.status.in_(("pending", "dispatched")))
                .limit(1)
            )
            return pending is None

    await run_jobs_until(settings, app_db, idle)


async def _mine(gql: GraphQLClient, token: str) -> dict[str, Any]:
    edges = (await gql(token, MINE))["viewer"]["enrolments"]["edges"]
    assert len(edges) == 1
    node: dict[str, Any] = edges[0]["node"]
    return node


async def _holds(gql: GraphQLClient, token: str, badge: str) -> bool:
    data = await gql(token, "{ viewer { awards { edges { node { status badgeClass { id } } } } } }")
    return any(
        e["node"]["badgeClass"]["id"] == badge and e["node"]["status"] == "ACTIVE"
        for e in data["viewer"]["awards"]["edges"]
    )


async def test_progress_milestones_capstone_and_going_back(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    track = await _track(seeder, gql)
    t, admin, learner = track.t, track.t.tokens["admin"], track.t.tokens["learner"]
    me = gid("Person", t.people["learner"].id)
    # Earned before enrolling: counts.
    basics = (await _ok(gql, admin, ISSUE, {"b": track.a, "p": me}))["award"]["id"]
    enrolled = await _ok(gql, learner, ENROL, {"input": {"pathwayId": track.pathway}})
    assert enrolled["enrolment"]["version"] == 1
    again = await _ok(gql, learner, ENROL, {"input": {"pathwayId": track.pathway}})
    assert again["enrolment"]["id"] == enrolled["enrolment"]["id"]  # enrolling twice changes nothing
    await _jobs(settings, app_db, owner_db, t)

    progress = await _mine(gql, learner)
    assert progress["percent"] == pytest.approx(100 / 3, abs=0.01)
    by_title = {n["node"]["title"]: n for n in progress["nodes"] if n["node"]["title"]}
    assert by_title["Basics"]["met"] is True
    assert by_title["A specialism"]["missing"] == "1 more of: Specialism B, Specialism D"
    course_node = next(n for n in progress["nodes"] if n["node"]["kind"] == "COURSE")
    assert course_node["locked"] is False and course_node["missing"] == "Complete the course Hands-on"
    assert [n["kind"] for n in progress["next"]] == ["COURSE", "BADGE_CLASS", "BADGE_CLASS"]

    # Each change re-evaluates through the outbox: the milestone, then the capstone, once.
    await _ok(gql, admin, COMPLETE, {"p": me, "c": track.course})
    await _ok(gql, admin, ISSUE, {"b": track.b, "p": me})
    await _jobs(settings, app_db, owner_db, t)
    done = await _mine(gql, learner)
    assert done["percent"] == 100.0 and done["completedAt"] is not None and done["next"] == []
    assert await _holds(gql, learner, track.milestone) and await _holds(gql, learner, track.capstone)
    await _ok(gql, admin, ISSUE, {"b": track.d, "p": me})  # the other option: nothing new to award
    await _jobs(settings, app_db, owner_db, t)
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        published = [
            e.payload["type"]
            for e in await s.scalars(
                select(OutboxEvent).where(OutboxEvent.tenant_id == t.id, OutboxEvent.kind == "event.publish")
            )
        ]
    assert published.count("pathway.completed") == 1
    assert published.count("award.issued") == 5  # basics, b, d, milestone, capstone

    # A requirement revoked: progress goes back; the capstone stays, and the audit log says so.
    revoke = 'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Issued in error"}) { errors { code } } }'
    await _ok(gql, admin, revoke, {"id": basics})
    await _jobs(settings, app_db, owner_db, t)
    back = await _mine(gql, learner)
    assert back["percent"] == pytest.approx(200 / 3, abs=0.01) and back["completedAt"] is None
    assert await _holds(gql, learner, track.capstone)
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        lost = (await s.scalars(select(AuditEvent).where(AuditEvent.action == "pathway.requirement_lost"))).all()
    assert len(lost) == 1


async def test_versions_and_migration(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    track = await _track(seeder, gql)
    t, admin, learner = track.t, track.t.tokens["admin"], track.t.tokens["learner"]
    me = gid("Person", t.people["learner"].id)
    await _ok(gql, learner, ENROL, {"input": {"pathwayId": track.pathway}})
    await _ok(gql, admin, ISSUE, {"b": track.b, "p": me})
    # A new tree on a published pathway is version 2; the learner keeps version 1.
    smaller = {"allOf": [{"badgeClassId": track.b}, {"badgeClassId": track.d}]}
    assert (await _ok(gql, admin, UPDATE, {"input": {"id": track.pathway, "requirement": smaller}}))["pathway"] == {
        "version": 2
    }
    await _jobs(settings, app_db, owner_db, t)
    assert (await _mine(gql, learner))["version"] == 1
    migrate = "mutation($id: ID!) { pathwayMigrate(id: $id) { moved pathway { version } errors { code } } }"
    assert (await gql(learner, migrate, {"id": track.pathway}))["pathwayMigrate"]["errors"] == [{"code": "FORBIDDEN"}]
    assert (await _ok(gql, admin, migrate, {"id": track.pathway}))["moved"] == 1
    await _jobs(settings, app_db, owner_db, t)
    moved = await _mine(gql, learner)
    assert moved["version"] == 2 and moved["percent"] == 50.0  # the badge already earned counts

    # Archived: no new enrolments; the current one stays.
    archive = "mutation($id: ID!) { pathwayArchive(id: $id) { pathway { status } errors { code } } }"
    await _ok(gql, admin, archive, {"id": track.pathway})
    refused = await gql(t.tokens["report"], ENROL, {"input": {"pathwayId": track.pathway}})
    assert refused["pathwayEnrol"]["errors"][0]["field"] == "pathwayId"
    assert (await _mine(gql, learner))["version"] == 2


async def test_bad_trees_are_refused_with_every_error(seeder: Seeder, gql: GraphQLClient) -> None:
    track = await _track(seeder, gql)
    admin = track.t.tokens["admin"]
    other = await seeder.tenant("other")
    foreign = (await _ok(gql, other.tokens["admin"], BADGE, {"n": "Theirs"}))["badgeClass"]["id"]

    async def errors(requirement: dict[str, Any], **extra: Any) -> list[tuple[str, str]]:
        data = await gql(admin, CREATE, {"input": {"name": "Bad", "requirement": requirement, **extra}})
        payload = data["pathwayCreate"]
        assert payload["pathway"] is None
        return [(e["code"], e["field"]) for e in payload["errors"]]

    assert await errors(
        {
            "allOf": [
                {"badgeClassId": foreign},
                {"nOf": {"n": 3, "of": [{"badgeClassId": track.a}, {"badgeClassId": track.b}]}},
                {"allOf": []},
            ]
        }
    ) == [
        ("NOT_FOUND", "requirement.allOf.0.badgeClassId"),
        ("INVALID", "requirement.allOf.1.nOf.n"),
        ("INVALID", "requirement.allOf.2.allOf"),
    ]
    cycle = {
        "allOf": [
            {"key": "x", "badgeClassId": track.a, "prerequisiteKeys": ["y"]},
            {"key": "y", "badgeClassId": track.b, "prerequisiteKeys": ["x"]},
        ]
    }
    assert await errors(cycle) == [("INVALID", "requirement.allOf.0.prerequisiteKeys")]
    deep: dict[str, Any] = {"badgeClassId": track.a}
    for _ in range(7):
        deep = {"allOf": [deep]}
    assert (await errors(deep))[0][0] == "INVALID"
    both = {"badgeClassId": track.a, "courseId": track.course}
    assert await errors(both) == [("INVALID", "requirement")]
    assert await errors({"badgeClassId": track.a}, capstoneBadgeClassId=foreign) == [
        ("NOT_FOUND", "capstoneBadgeClassId")
    ]
    pathways = await gql(admin, "{ pathways { edges { node { name } } } }")
    assert [e["node"]["name"] for e in pathways["pathways"]["edges"]] == ["Onboarding"]  # nothing was written


async def test_who_enrols_whom_and_audiences(seeder: Seeder, gql: GraphQLClient) -> None:
    track = await _track(seeder, gql)
    t = track.t
    person = {k: gid("Person", p.id) for k, p in t.people.items()}
    # A manager enrols a report; a learner cannot enrol a colleague; an invisible person is not found.
    made = await _ok(
        gql, t.tokens["manager"], ENROL, {"input": {"pathwayId": track.pathway, "personIds": [person["report"]]}}
    )
    assert len(made["enrolments"]) == 1
    colleague = await gql(
        t.tokens["learner"], ENROL, {"input": {"pathwayId": track.pathway, "personIds": [person["lead"]]}}
    )
    assert colleague["pathwayEnrol"]["errors"][0] == {
        "code": "FORBIDDEN",
        "field": "personIds.0",
        "message": "You may enrol only yourself and the people you manage.",
    }
    hidden = await gql(
        t.tokens["learner"], ENROL, {"input": {"pathwayId": track.pathway, "personIds": [person["partner"]]}}
    )
    assert hidden["pathwayEnrol"]["errors"][0]["code"] == "NOT_FOUND"
    # A pathway for partners only: invisible to employees, who cannot enrol in it.
    partners = gid("Audience", t.audiences["partners"])
    only = await _ok(
        gql,
        t.tokens["admin"],
        CREATE,
        {"input": {"name": "Partner track", "requirement": {"badgeClassId": track.a}, "audienceIds": [partners]}},
    )
    pid = only["pathway"]["id"]
    await _ok(gql, t.tokens["admin"], PUBLISH, {"id": pid})
    names = lambda data: [e["node"]["name"] for e in data["pathways"]["edges"]]  # noqa: E731
    assert names(await gql(t.tokens["learner"], "{ pathways { edges { node { name } } } }")) == ["Onboarding"]
    assert names(await gql(t.tokens["partner"], "{ pathways { edges { node { name } } } }")) == [
        "Onboarding",
        "Partner track",
    ]
    node = await gql(t.tokens["learner"], "query($id: ID!) { node(id: $id) { id } }", {"id": pid})
    assert node["node"] is None
    closed = await gql(t.tokens["admin"], ENROL, {"input": {"pathwayId": pid, "personIds": [person["learner"]]}})
    assert closed["pathwayEnrol"]["errors"][0]["field"] == "personIds.0"
    await _ok(gql, t.tokens["partner"], ENROL, {"input": {"pathwayId": pid}})
    # A manager sees their report's enrolments; a colleague does not.
    query = "query($id: ID!) { node(id: $id) { ... on Person { enrolments { edges { node { id } } } } } }"
    assert len((await gql(t.tokens["manager"], query, {"id": person["report"]}))["node"]["enrolments"]["edges"]) == 1
    refused = await gql.raw(t.tokens["learner"], query, {"id": person["report"]})
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


GOAL = """
mutation($input: GoalCreateInput!) { goalCreate(input: $input) {
  goal { id status percent onTrack targetDate pathway { name } badgeClass { name } } errors { code field message } } }
"""


async def test_goals_and_recommendations(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    track = await _track(seeder, gql)
    t, admin, learner = track.t, track.t.tokens["admin"], track.t.tokens["learner"]
    me = gid("Person", t.people["learner"].id)
    soon = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    goal = (await _ok(gql, learner, GOAL, {"input": {"pathwayId": track.pathway, "targetDate": soon}}))["goal"]
    assert goal["status"] == "ACTIVE" and goal["percent"] == 0.0 and goal["pathway"]["name"] == "Onboarding"
    assert goal["onTrack"] is True  # nothing is expected yet on day one
    badge_goal = (await _ok(gql, learner, GOAL, {"input": {"badgeClassId": track.d}}))["goal"]
    assert badge_goal["onTrack"] is None
    # Bad input and other people's goals.
    past = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    bad = await gql(learner, GOAL, {"input": {"pathwayId": track.pathway, "badgeClassId": track.a, "targetDate": past}})
    assert [(e["code"], e["field"]) for e in bad["goalCreate"]["errors"]] == [
        ("INVALID", "pathwayId"),
        ("INVALID", "targetDate"),
    ]
    other = await gql(
        learner, GOAL, {"input": {"personId": gid("Person", t.people["lead"].id), "badgeClassId": track.a}}
    )
    assert other["goalCreate"]["errors"][0]["field"] == "personId"
    for_report = await gql(
        t.tokens["manager"],
        GOAL,
        {"input": {"personId": gid("Person", t.people["report"].id), "badgeClassId": track.a}},
    )
    assert for_report["goalCreate"]["errors"] == []

    # Next steps, explained.
    await _ok(gql, learner, ENROL, {"input": {"pathwayId": track.pathway}})
    await _ok(gql, admin, ISSUE, {"b": track.a, "p": me})
    await _jobs(settings, app_db, owner_db, t)
    recs = (
        await gql(
            learner,
            "{ viewer { recommendations(first: 5) { reason score course { title } badgeClass { name } pathway { name } } } }",
        )
    )["viewer"]["recommendations"]
    assert recs[0]["course"] == {"title": "Hands-on"} and recs[0]["reason"] == "1 of 4 steps done in Onboarding"
    assert any(r["badgeClass"] == {"name": "Specialism D"} for r in recs)
    assert [r["score"] for r in recs] == sorted((r["score"] for r in recs), reverse=True)

    # Achieved by itself once the pathway is completed (and the badge goal once the badge is held).
    await _ok(gql, admin, COMPLETE, {"p": me, "c": track.course})
    await _ok(gql, admin, ISSUE, {"b": track.d, "p": me})
    await _jobs(settings, app_db, owner_db, t)
    goals = (await gql(learner, "{ viewer { goals { status percent onTrack pathway { name } } } }"))["viewer"]["goals"]
    assert {(g["pathway"] or {}).get("name"): (g["status"], g["percent"]) for g in goals} == {
        None: ("ACHIEVED", 100.0),
        "Onboarding": ("ACHIEVED", 100.0),
    }
    abandon = "mutation($id: ID!) { goalUpdate(input: {id: $id, status: ABANDONED}) { errors { code field } } }"
    assert (await gql(learner, abandon, {"id": goal["id"]}))["goalUpdate"]["errors"] == [
        {"code": "INVALID", "field": "status"}
    ]


async def test_reading_progress_costs_a_fixed_number_of_statements(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    track = await _track(seeder, gql)
    admin, learner = track.t.tokens["admin"], track.t.tokens["learner"]
    await _ok(gql, learner, ENROL, {"input": {"pathwayId": track.pathway}})
    query = MINE.replace("viewer {", "viewer { goals { percent onTrack } ")

    async def statements() -> int:
        async with count_statements() as counter:
            await gql(learner, query)
        return counter[0]

    one = await statements()
    for i in range(3):
        requirement = {
            "allOf": [
                {"badgeClassId": track.a},
                {"nOf": {"n": 1, "of": [{"badgeClassId": track.b}, {"courseId": track.course}]}},
            ]
        }
        made = await _ok(gql, admin, CREATE, {"input": {"name": f"Track {i}", "requirement": requirement}})
        await _ok(gql, admin, PUBLISH, {"id": made["pathway"]["id"]})
        await _ok(gql, learner, ENROL, {"input": {"pathwayId": made["pathway"]["id"]}})
    many = await gql(learner, MINE)
    assert len(many["viewer"]["enrolments"]["edges"]) == 4
    assert await statements() == one


async def test_unknown_ids_do_not_leak_across_tenants(seeder: Seeder, gql: GraphQLClient) -> None:
    track = await _track(seeder, gql)
    other = await seeder.tenant("iso")
    node = await gql(other.tokens["admin"], "query($id: ID!) { node(id: $id) { id } }", {"id": track.pathway})
    assert node["node"] is None
    enrol = await gql(other.tokens["admin"], ENROL, {"input": {"pathwayId": track.pathway}})
    assert enrol["pathwayEnrol"]["errors"][0] == {
        "code": "NOT_FOUND",
        "field": "pathwayId",
        "message": "No such pathway.",
    }
    listed = await gql(other.tokens["admin"], "{ pathways { edges { node { id } } } }")
    assert listed["pathways"]["edges"] == []
    missing = gid("Pathway", uuid.uuid4())
    assert (await gql(track.t.tokens["admin"], "query($id: ID!) { node(id: $id) { id } }", {"id": missing}))[
        "node"
    ] is None


async def test_the_verification_page_names_the_pathway(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    track = await _track(seeder, gql)
    t = track.t
    issue = (
        "mutation($b: ID!, $p: ID!) { awardIssue(input: {badgeClassId: $b, recipientId: $p, visibility: PUBLIC})"
        " { award { verificationUrl } errors { code } } }"
    )
    url = (await _ok(gql, t.tokens["admin"], issue, {"b": track.a, "p": gid("Person", t.people["learner"].id)}))[
        "award"
    ]["verificationUrl"]
    page = await client.get(urlsplit(url).path)
    assert page.status_code == 200
    assert "This badge is part of the pathway Onboarding." in page.text
