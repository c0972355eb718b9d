"""Program insights: counters maintained as awards, completions and enrolments happen; who may
see which figures; trends; pathway funnels; views and share clicks; CSV exports by a job."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from insignia.infra.db import Database
from insignia.infra.settings import Settings
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.support import run_jobs_until

pytestmark = pytest.mark.asyncio

INSIGHTS = """
query($f: InsightsFilter!) { insights(filter: $f) {
  views shareClicks
  badgeClasses { badgeClass { name } issued revoked expired active renewed }
  courses { course { title } completions }
  pathways { pathway { name } enrolled completed completionRate }
  skills { skill { name } awarded holders }
  audiences { audience { name } awardsIssued completions enrolments }
  trends(kind: "badge_class", metric: "issued") { period value } } }
"""


async def _ok(gql: GraphQLClient, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    data = await gql(token, query, variables)
    [payload] = data.values()
    assert payload["errors"] == [], payload["errors"]
    return payload  # type: ignore[no-any-return]


def _period() -> dict[str, str]:
    today = datetime.now(UTC).date()
    return {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}


async def _activity(gql: GraphQLClient, t: SeededTenant) -> dict[str, str]:
    admin = t.tokens["admin"]
    skill = (
        await _ok(gql, admin, 'mutation { skillCreate(input: {name: "Safety"}) { skill { id } errors { code } } }', {})
    )["skill"]["id"]
    course = (
        await _ok(
            gql, admin, 'mutation { courseCreate(input: {title: "Basics"}) { course { id } errors { code } } }', {}
        )
    )["course"]["id"]
    badge = (
        await _ok(
            gql,
            admin,
            'mutation($s: ID!) { badgeClassCreate(input: {name: "Safe", description: "d", skillIds: [$s]}) {'
            " badgeClass { id } errors { code } } }",
            {"s": skill},
        )
    )["badgeClass"]["id"]
    await gql(admin, "mutation($id: ID!) { badgeClassPublish(id: $id) { errors { code } } }", {"id": badge})
    issue = "mutation($b: ID!, $p: ID!) { awardIssue(input: {badgeClassId: $b, recipientId: $p, visibility: PUBLIC}) { award { id verificationUrl } errors { code } } }"
    awards = {}
    for who in ("learner", "report", "partner"):
        awards[who] = (await _ok(gql, admin, issue, {"b": badge, "p": gid("Person", t.people[who].id)}))["award"]
    await _ok(
        gql,
        admin,
        'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Error"}) { errors { code } } }',
        {"id": awards["partner"]["id"]},
    )
    complete = (
        "mutation($p: ID!, $c: ID!) { completionRecord(input: {personId: $p, courseId: $c}) { errors { code } } }"
    )
    for who in ("learner", "lead"):
        await _ok(gql, admin, complete, {"p": gid("Person", t.people[who].id), "c": course})
    pathway = (
        await _ok(
            gql,
            admin,
            'mutation($c: ID!) { pathwayCreate(input: {name: "Track", requirement: {allOf: [{courseId: $c}]}}) {'
            " pathway { id } errors { code } } }",
            {"c": course},
        )
    )["pathway"]["id"]
    await gql(admin, "mutation($id: ID!) { pathwayPublish(id: $id) { errors { code } } }", {"id": pathway})
    await _ok(
        gql,
        admin,
        "mutation($p: ID!, $who: [ID!]) { pathwayEnrol(input: {pathwayId: $p, personIds: $who}) { errors { code } } }",
        {"p": pathway, "who": [gid("Person", t.people[w].id) for w in ("learner", "report")]},
    )
    return {"badge": badge, "pathway": pathway, "url": awards["learner"]["verificationUrl"]}


async def test_insights_follow_the_data_and_respect_who_asks(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, settings: Settings, app_db: Database
) -> None:
    t = await seeder.tenant("ins")
    made = await _activity(gql, t)

    async def enrolments_evaluated() -> bool:
        data = await gql(t.tokens["admin"], INSIGHTS, {"f": _period()})
        return data["insights"]["pathways"][0]["completed"] == 1 if data["insights"]["pathways"] else False

    await run_jobs_until(settings, app_db, enrolments_evaluated)
    # Views and share clicks of the public page, counted per award and day.
    path = urlsplit(made["url"]).path
    assert (await client.get(path)).status_code == 200
    assert (await client.get(path)).status_code == 200
    shared = await client.get(path + "/share/linkedin")
    assert shared.status_code == 303 and shared.headers["location"].startswith("https://www.linkedin.com/")
    assert (await client.get(path + "/share/myspace")).status_code == 404

    data = (await gql(t.tokens["admin"], INSIGHTS, {"f": _period()}))["insights"]
    assert data["badgeClasses"] == [
        {"badgeClass": {"name": "Safe"}, "issued": 3, "revoked": 1, "expired": 0, "active": 2, "renewed": 0}
    ]
    assert data["courses"] == [{"course": {"title": "Basics"}, "completions": 2}]
    assert data["pathways"] == [{"pathway": {"name": "Track"}, "enrolled": 2, "completed": 1, "completionRate": 0.5}]
    assert data["skills"] == [{"skill": {"name": "Safety"}, "awarded": 3, "holders": 2}]
    assert (data["views"], data["shareClicks"]) == (2, 1)
    assert sum(p["value"] for p in data["trends"]) == 3
    by_audience = {a["audience"]["name"]: a["awardsIssued"] for a in data["audiences"]}
    assert by_audience["Partners"] == 1 and sum(by_audience.values()) == 3

    # Narrowed to an audience; a manager's team (from its members' records); refusals.
    partners = {**_period(), "audienceId": gid("Audience", t.audiences["partners"])}
    narrowed = (await gql(t.tokens["admin"], INSIGHTS, {"f": partners}))["insights"]
    assert narrowed["badgeClasses"][0]["issued"] == 1 and narrowed["courses"] == []
    team = {**_period(), "managerId": gid("Person", t.people["manager"].id)}
    mine = (await gql(t.tokens["manager"], INSIGHTS, {"f": team}))["insights"]
    assert mine["badgeClasses"][0]["issued"] == 1  # the report's; the learner is not in the team
    assert mine["courses"] == [{"course": {"title": "Basics"}, "completions": 1}]  # the lead's
    for who, f in (
        ("learner", _period()),
        ("lead", {**_period(), "managerId": gid("Person", t.people["manager"].id)}),
        ("partner", _period()),
    ):
        refused = await gql.raw(t.tokens[who], INSIGHTS, {"f": f})
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN", who
    bad = await gql.raw(t.tokens["admin"], INSIGHTS, {"f": {"from": "2026-02-01", "to": "2026-01-01"}})
    assert bad.json()["errors"][0]["extensions"]["code"] == "INVALID"
    too_long = await gql.raw(t.tokens["admin"], INSIGHTS, {"f": {"from": "2020-01-01", "to": "2026-01-01"}})
    assert too_long.json()["errors"][0]["extensions"]["code"] == "INVALID"

    funnel = await gql(
        t.tokens["admin"],
        "query($p: ID!) { pathwayFunnel(pathwayId: $p) { node { kind } reached enrolled share } }",
        {"p": made["pathway"]},
    )
    assert [(s["node"]["kind"], s["reached"], s["enrolled"]) for s in funnel["pathwayFunnel"]] == [
        ("ALL_OF", 1, 2),
        ("COURSE", 1, 2),
    ]


async def test_reports_are_exported_by_a_job_behind_a_short_lived_link(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, settings: Settings, app_db: Database
) -> None:
    t = await seeder.tenant("exp")
    await _activity(gql, t)
    create = """
    mutation($f: InsightsFilter) { reportExportCreate(input: {report: INSIGHTS, filter: $f}) {
      reportExport { id status downloadUrl } errors { code field } } }
    """
    made = await _ok(gql, t.tokens["admin"], create, {"f": _period()})
    assert made["reportExport"]["status"] == "PENDING" and made["reportExport"]["downloadUrl"] is None
    export_id = made["reportExport"]["id"]
    query = "query($id: ID!) { node(id: $id) { ... on ReportExport { status rows downloadUrl } } }"

    async def done() -> bool:
        node = (await gql(t.tokens["admin"], query, {"id": export_id}))["node"]
        return bool(node and node["status"] == "DONE")

    await run_jobs_until(settings, app_db, done)
    node = (await gql(t.tokens["admin"], query, {"id": export_id}))["node"]
    url = urlsplit(node["downloadUrl"])
    response = await client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:5] == ["kind", "subject id", "subject", "metric", "value"]
    issued = next(r for r in rows if r[2] == "Safe" and r[3] == "issued")
    assert issued[0] == "badge_class" and issued[4] == "3"
    # A tampered or foreign link does not work; someone else cannot see the export.
    assert (await client.get(f"{url.path}?token=1.abc")).status_code == 403
    assert (await gql(t.tokens["learner"], query, {"id": export_id}))["node"] is None
    refused = await gql(t.tokens["learner"], create, {"f": _period()})
    assert refused["reportExportCreate"]["errors"][0]["code"] == "FORBIDDEN"
    missing = await gql(t.tokens["admin"], create, {"f": None})
    assert missing["reportExportCreate"]["errors"] == [{"code": "INVALID", "field": "filter"}]
