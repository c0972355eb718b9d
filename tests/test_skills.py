"""Skills intelligence through GraphQL: skill levels, profiles from verified awards, role
profiles, a person's gap, a team's gap and lapsing skills."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from insignia.infra.db import Database, set_tenant
from insignia.platform.credentials.models import Award
from insignia.tenants import groups
from insignia.tenants.models import Person
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid

pytestmark = pytest.mark.asyncio

SKILL = 'mutation($n: String!) { skillCreate(input: {name: $n, frameworkGroup: "Cloud"}) { skill { id frameworkGroup } errors { code } } }'
BADGE = """
mutation($n: String!, $levels: [SkillLevelInput!], $v: Int) {
  badgeClassCreate(input: {name: $n, description: "d", skillLevels: $levels, validityDays: $v}) {
    badgeClass { id skillLevels { skill { name } level } } errors { code field } } }
"""
PUBLISH = "mutation($id: ID!) { badgeClassPublish(id: $id) { errors { code } } }"
ISSUE = "mutation($b: ID!, $p: ID!) { awardIssue(input: {badgeClassId: $b, recipientId: $p}) { award { id } errors { code } } }"
ROLE = """
mutation($input: RoleProfileCreateInput!) { roleProfileCreate(input: $input) {
  roleProfile { id name skills { skill { name } level } } errors { code field message } } }
"""
SKILLS = (
    "query($id: ID!) { node(id: $id) { ... on Person { skills { skill { name } level lapsesAt awards { id } } } } }"
)


@dataclass
class World:
    t: SeededTenant
    skills: dict[str, str]
    badges: dict[str, str]
    role: str

    def person(self, key: str) -> str:
        return gid("Person", self.t.people[key].id)


async def _ok(gql: GraphQLClient, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    data = await gql(token, query, variables)
    [payload] = data.values()
    assert payload["errors"] == [], payload["errors"]
    return payload  # type: ignore[no-any-return]


async def _world(seeder: Seeder, gql: GraphQLClient) -> World:
    t = await seeder.tenant("skills")
    admin = t.tokens["admin"]
    skills = {n: (await _ok(gql, admin, SKILL, {"n": n}))["skill"]["id"] for n in ("Kubernetes", "Terraform", "Go")}
    specs = {
        "k8s-basics": ([("Kubernetes", 2)], None),
        "k8s-expert": ([("Kubernetes", 4), ("Go", 2)], 30),
        "terraform": ([("Terraform", 3)], None),
    }
    badges = {}
    for name, (levels, validity) in specs.items():
        made = await _ok(
            gql,
            admin,
            BADGE,
            {"n": name, "levels": [{"skillId": skills[s], "level": lv} for s, lv in levels], "v": validity},
        )
        badges[name] = made["badgeClass"]["id"]
        await gql(admin, PUBLISH, {"id": badges[name]})
    role = await _ok(
        gql,
        admin,
        ROLE,
        {
            "input": {
                "name": "Platform Engineer",
                "skills": [
                    {"skillId": skills["Kubernetes"], "level": 3},
                    {"skillId": skills["Terraform"], "level": 2},
                ],
            }
        },
    )
    return World(t, skills, badges, role["roleProfile"]["id"])


async def test_profiles_follow_awards_in_the_same_transaction(seeder: Seeder, gql: GraphQLClient) -> None:
    w = await _world(seeder, gql)
    admin, me = w.t.tokens["admin"], w.person("learner")
    basics = (await _ok(gql, admin, ISSUE, {"b": w.badges["k8s-basics"], "p": me}))["award"]["id"]
    profile = (await gql(w.t.tokens["learner"], SKILLS, {"id": me}))["node"]["skills"]
    assert [(s["skill"]["name"], s["level"], s["lapsesAt"]) for s in profile] == [("Kubernetes", 2, None)]
    expert = (await _ok(gql, admin, ISSUE, {"b": w.badges["k8s-expert"], "p": me}))["award"]["id"]
    profile = (await gql(w.t.tokens["learner"], SKILLS, {"id": me}))["node"]["skills"]
    by_name = {s["skill"]["name"]: s for s in profile}
    assert by_name["Kubernetes"]["level"] == 4 and by_name["Go"]["level"] == 2
    assert {a["id"] for a in by_name["Kubernetes"]["awards"]} == {basics, expert}
    assert by_name["Kubernetes"]["lapsesAt"] is not None  # the expert badge expires in 30 days
    revoke = 'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Error"}) { errors { code } } }'
    await _ok(gql, admin, revoke, {"id": expert})
    profile = (await gql(w.t.tokens["learner"], SKILLS, {"id": me}))["node"]["skills"]
    assert [(s["skill"]["name"], s["level"]) for s in profile] == [("Kubernetes", 2)]
    # A colleague does not see someone's skills; their manager would.
    assert (await gql(w.t.tokens["issuer"], SKILLS, {"id": me}))["node"]["skills"] is not None
    assert (await gql(w.t.tokens["lead"], SKILLS, {"id": me}))["node"]["skills"] is None


async def test_role_profiles_refuse_bad_input(seeder: Seeder, gql: GraphQLClient) -> None:
    w = await _world(seeder, gql)
    other = await seeder.tenant("other")
    theirs = (await _ok(gql, other.tokens["admin"], SKILL, {"n": "Theirs"}))["skill"]["id"]
    bad = await gql(
        w.t.tokens["admin"],
        ROLE,
        {
            "input": {
                "name": "Platform Engineer",
                "skills": [{"skillId": theirs, "level": 2}, {"skillId": w.skills["Go"], "level": 6}],
            }
        },
    )
    assert [(e["code"], e["field"]) for e in bad["roleProfileCreate"]["errors"]] == [
        ("DUPLICATE", "name"),
        ("NOT_FOUND", "skills.0.skillId"),
        ("INVALID", "skills.1.level"),
    ]
    refused = await gql(w.t.tokens["learner"], ROLE, {"input": {"name": "Mine", "skills": []}})
    assert refused["roleProfileCreate"]["errors"][0]["code"] == "FORBIDDEN"
    roles = await gql(w.t.tokens["admin"], "{ roleProfiles { edges { node { name } } } }")
    assert [e["node"]["name"] for e in roles["roleProfiles"]["edges"]] == ["Platform Engineer"]


GAP = """
query($p: ID!, $r: ID!) { node(id: $p) { ... on Person { skillGap(roleId: $r) { coverage
  skills { skill { name } requiredLevel currentLevel met closers { name } pathways { name } } } } } }
"""


async def test_a_persons_gap_says_what_would_close_it(seeder: Seeder, gql: GraphQLClient) -> None:
    w = await _world(seeder, gql)
    admin, me = w.t.tokens["admin"], w.person("learner")
    await _ok(gql, admin, ISSUE, {"b": w.badges["k8s-basics"], "p": me})
    pathway = await _ok(
        gql,
        admin,
        "mutation($input: PathwayCreateInput!) { pathwayCreate(input: $input) { pathway { id } errors { code } } }",
        {"input": {"name": "Cloud track", "requirement": {"badgeClassId": w.badges["k8s-expert"]}}},
    )
    await gql(
        admin, "mutation($id: ID!) { pathwayPublish(id: $id) { errors { code } } }", {"id": pathway["pathway"]["id"]}
    )
    gap = (await gql(w.t.tokens["learner"], GAP, {"p": me, "r": w.role}))["node"]["skillGap"]
    assert gap["coverage"] == 0.0
    names = {s["skill"]["name"]: s for s in gap["skills"]}
    assert set(names) == {"Kubernetes", "Terraform"}
    assert (names["Kubernetes"]["requiredLevel"], names["Kubernetes"]["currentLevel"]) == (3, 2)
    assert names["Kubernetes"]["closers"] == [{"name": "k8s-expert"}]
    assert names["Kubernetes"]["pathways"] == [{"name": "Cloud track"}]
    assert names["Terraform"]["closers"] == [{"name": "terraform"}] and names["Terraform"]["currentLevel"] == 0
    await _ok(gql, admin, ISSUE, {"b": w.badges["terraform"], "p": me})
    gap = (await gql(w.t.tokens["learner"], GAP, {"p": me, "r": w.role}))["node"]["skillGap"]
    assert gap["coverage"] == 0.5
    # Someone else's gap: not for colleagues (as if the person did not exist).
    hidden = await gql.raw(w.t.tokens["lead"], GAP, {"p": me, "r": w.role})
    assert hidden.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


TEAM = """
query($r: ID!, $m: ID, $a: ID) { teamSkillGap(roleId: $r, managerId: $m, audienceId: $a) {
  people coverage skills { skill { name } meeting missing coverage } gaps(first: 1) { skill { name } missing }
  matrix { person { name } met skills { skill { name } level met } } lapsing(days: 60) { person { name } skill { name } } } }
"""


async def test_team_gaps_for_managers_and_admins(seeder: Seeder, gql: GraphQLClient, owner_db: Database) -> None:
    w = await _world(seeder, gql)
    admin = w.t.tokens["admin"]
    # The manager's team: lead and report. The report holds both skills, the lead one.
    await _ok(gql, admin, ISSUE, {"b": w.badges["k8s-expert"], "p": w.person("report")})
    await _ok(gql, admin, ISSUE, {"b": w.badges["terraform"], "p": w.person("report")})
    await _ok(gql, admin, ISSUE, {"b": w.badges["terraform"], "p": w.person("lead")})
    team = (await gql(w.t.tokens["manager"], TEAM, {"r": w.role}))["teamSkillGap"]
    assert team["people"] == 2 and team["coverage"] == 0.75
    coverage = {s["skill"]["name"]: (s["meeting"], s["missing"]) for s in team["skills"]}
    assert coverage == {"Kubernetes": (1, 1), "Terraform": (2, 0)}
    assert team["gaps"] == [{"skill": {"name": "Kubernetes"}, "missing": 1}]
    assert [(m["person"]["name"], m["met"]) for m in team["matrix"]] == [("Lead", 1), ("Report", 2)]
    assert team["lapsing"] == [{"person": {"name": "Report"}, "skill": {"name": "Kubernetes"}}]
    # A lead sees their own sub-team; nobody sees a team that is not theirs.
    lead_team = (await gql(w.t.tokens["lead"], TEAM, {"r": w.role}))["teamSkillGap"]
    assert lead_team["people"] == 1
    for who, variables in (
        ("lead", {"r": w.role, "m": w.person("manager")}),
        ("learner", {"r": w.role, "a": gid("Audience", w.t.audiences["employees"])}),
        ("partner", {"r": w.role, "m": w.person("manager")}),
    ):
        refused = await gql.raw(w.t.tokens[who], TEAM, variables)
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN", who
    # Admins: the tenant, or an audience.
    tenant = (await gql(admin, TEAM, {"r": w.role}))["teamSkillGap"]
    assert tenant["people"] == len(w.t.people)
    employees = (await gql(admin, TEAM, {"r": w.role, "a": gid("Audience", w.t.audiences["employees"])}))[
        "teamSkillGap"
    ]
    assert employees["people"] == 6
    # An expired award lapses the skill out of the profile the moment the sweep expires it.
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        await s.execute(
            update(Award)
            .where(Award.recipient_id == w.t.people["report"].id)
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        await s.commit()
    bad_days = await gql.raw(
        w.t.tokens["manager"],
        "query($r: ID!) { teamSkillGap(roleId: $r) { lapsing(days: 0) { level } } }",
        {"r": w.role},
    )
    assert bad_days.json()["errors"][0]["extensions"]["code"] == "INVALID"


async def test_a_group_mapping_sets_the_job_role(seeder: Seeder, gql: GraphQLClient, owner_db: Database) -> None:
    w = await _world(seeder, gql)
    created = await _ok(
        gql,
        w.t.tokens["admin"],
        'mutation($r: ID!) { groupMappingCreate(input: {groupName: "Platform", roleProfileId: $r}) {'
        " groupMapping { roleProfileId } errors { code field } } }",
        {"r": w.role},
    )
    assert created["groupMapping"]["roleProfileId"] == w.role
    missing = await gql(
        w.t.tokens["admin"],
        'mutation($r: ID!) { groupMappingCreate(input: {groupName: "Other", roleProfileId: $r}) { errors { code field } } }',
        {"r": gid("RoleProfile", uuid.uuid4())},
    )
    assert missing["groupMappingCreate"]["errors"] == [{"code": "NOT_FOUND", "field": "roleProfileId"}]
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        person = await s.get(Person, (w.t.id, w.t.people["learner"].id))
        assert person is not None
        assert await groups.apply_groups(s, person, ["platform"], None)
        await s.commit()
    me = await gql(w.t.tokens["learner"], "{ viewer { currentRole { name } targetRoles { name } } }")
    assert me["viewer"]["currentRole"] == {"name": "Platform Engineer"}
    # Target roles: the person's own goal, or set by their manager.
    target = (
        "mutation($p: ID!, $r: [ID!]!) { personTargetRolesSet(personId: $p, roleIds: $r) { errors { code field } } }"
    )
    assert (await gql(w.t.tokens["learner"], target, {"p": w.person("learner"), "r": [w.role]}))[
        "personTargetRolesSet"
    ]["errors"] == []
    assert (await gql(w.t.tokens["learner"], target, {"p": w.person("lead"), "r": [w.role]}))["personTargetRolesSet"][
        "errors"
    ] == [{"code": "FORBIDDEN", "field": "personId"}]
    me = await gql(w.t.tokens["learner"], "{ viewer { targetRoles { name } } }")
    assert me["viewer"]["targetRoles"] == [{"name": "Platform Engineer"}]
