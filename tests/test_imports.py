"""CSV imports, bulk issue and xAPI statements: good rows land, bad rows are reported, twice is once."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from insignia.infra.db import Database, set_tenant
from insignia.infra.settings import Settings
from insignia.platform.credentials.models import Award
from insignia.platform.learning.models import AssessmentResult, Completion
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.support import run_jobs_until
from tests.test_credentials import ASSESSMENT, COURSE, Catalog, ok

pytestmark = pytest.mark.asyncio

IMPORT = "mutation($input: ImportCreateInput!) { importCreate(input: $input) { import { id status totalRows } errors { code field message } } }"
PROGRESS = "query($id: ID!) { node(id: $id) { ... on Import { status totalRows processedRows succeededRows unchangedRows failedRows rowErrors { row field code message } } } }"


async def _count(owner_db: Database, t: SeededTenant, model: Any) -> int:
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        # The owner role also has platform policies on some tables: filter by tenant explicitly.
        return int(await s.scalar(select(func.count()).select_from(model).where(model.tenant_id == t.id)) or 0)


async def _run_import(
    gql: GraphQLClient, token: str, settings: Settings, app_db: Database, input_: dict[str, Any]
) -> dict[str, Any]:
    created = await ok(gql, token, IMPORT, {"input": input_})
    import_id = created["import"]["id"]

    async def done() -> bool:
        return bool((await gql(token, PROGRESS, {"id": import_id}))["node"]["status"] == "DONE")

    await run_jobs_until(settings, app_db, done)
    return (await gql(token, PROGRESS, {"id": import_id}))["node"]  # type: ignore[no-any-return]


async def test_completions_csv_good_and_bad_rows_and_twice_is_once(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, owner_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    issuer = t.tokens["issuer"]
    course = (
        await ok(
            gql,
            issuer,
            COURSE,
            {"input": {"title": "Safety 101", "activityId": "https://lms.example/courses/safety-101"}},
        )
    )["course"]["id"]
    csv_text = (
        "email,course,completed_at\n"
        f"learner@{t.slug}.example,https://lms.example/courses/safety-101,2026-05-01T09:00:00Z\n"
        f"nobody@{t.slug}.example,https://lms.example/courses/safety-101,2026-05-01T09:00:00Z\n"
        f"customer@{t.slug}.example,{course},2026-05-02T10:00:00+02:00\n"
        f"partner@{t.slug}.example,https://lms.example/courses/unknown,2026-05-01T09:00:00Z\n"
        f"report@{t.slug}.example,https://lms.example/courses/safety-101,yesterday\n"
    )
    first = await _run_import(
        gql, issuer, settings, app_db, {"kind": "COMPLETIONS", "csv": csv_text, "filename": "may.csv"}
    )
    assert (first["totalRows"], first["succeededRows"], first["failedRows"], first["unchangedRows"]) == (5, 2, 3, 0)
    assert [(e["row"], e["field"]) for e in first["rowErrors"]] == [(2, "email"), (4, "course"), (5, "completed_at")]
    assert await _count(owner_db, t, Completion) == 2

    again = await _run_import(
        gql,
        issuer,
        settings,
        app_db,
        {"kind": "COMPLETIONS", "csvBase64": base64.b64encode(csv_text.encode()).decode()},
    )
    assert (again["succeededRows"], again["unchangedRows"], again["failedRows"]) == (0, 2, 3)
    assert await _count(owner_db, t, Completion) == 2


async def test_results_csv_feeds_the_rule_engine(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, owner_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    csv_text = (
        "Email,Assessment,Score,Taken_At\n"
        f"learner@{t.slug}.example,{c.exam},91,2026-05-01T09:00:00Z\n"
        f"customer@{t.slug}.example,{c.exam},140,2026-05-01T09:00:00Z\n"
    )
    report = await _run_import(gql, c.issuer, settings, app_db, {"kind": "ASSESSMENT_RESULTS", "csv": csv_text})
    assert (report["succeededRows"], report["failedRows"]) == (1, 1)
    assert report["rowErrors"][0]["field"] == "score"
    assert await _count(owner_db, t, AssessmentResult) == 1


@pytest.mark.parametrize(
    ("input_", "field", "fragment"),
    [
        ({"csv": "mail,course\nx,y\n"}, "csv", "Wrong columns"),
        ({"csv": "email,course,completed_at\n"}, "csv", "no rows"),
        ({"csv": ""}, "csv", "empty"),
        ({"csv": 'email,course,completed_at\n"a@b.example,c,d\n'}, "csv", "not valid CSV"),
        ({"csv": "email,course,completed_at\na@b.example,c\n"}, "csv", "has 2 fields"),
        (
            {
                "csvBase64": base64.b64encode(
                    "email,course,completed_at\nzoë@b.example,c,d\n".encode("latin-1")
                ).decode()
            },
            "csvBase64",
            "not UTF-8",
        ),
        ({"csvBase64": "%%%"}, "csvBase64", "not valid base64"),
        ({"csv": "email,course,completed_at\n", "csvBase64": "eA=="}, "csv", "exactly one"),
        (
            {"csv": "email,course,completed_at\n" + "a@b.example,c,2026-01-01T00:00:00Z\n" * 300_000},
            "csv",
            "over 10 MB",
        ),
    ],
)
async def test_malformed_files_are_refused_and_nothing_is_written(
    seeder: Seeder, gql: GraphQLClient, input_: dict[str, Any], field: str, fragment: str
) -> None:
    t = await seeder.tenant()
    data = await gql(t.tokens["issuer"], IMPORT, {"input": {"kind": "COMPLETIONS", **input_}})
    payload = data["importCreate"]
    assert payload["import"] is None
    [error] = payload["errors"]
    assert error["field"] == field and fragment in error["message"], error
    assert (await gql(t.tokens["issuer"], "{ imports { edges { node { id } } } }"))["imports"]["edges"] == []


async def test_bulk_issue_is_a_job_with_progress(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, owner_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    people = [gid("Person", t.people[k].id) for k in ("learner", "customer", "partner", "report")]
    bulk = "mutation($b: ID!, $r: [ID!]!) { awardIssueBulk(input: {badgeClassId: $b, recipientIds: $r, visibility: PUBLIC}) { import { id kind totalRows } errors { code field message } } }"
    created = await ok(
        gql, c.issuer, bulk, {"b": c.badge, "r": [*people, gid("Person", "00000000-0000-7000-8000-000000000001")]}
    )
    assert created["import"]["kind"] == "AWARDS" and created["import"]["totalRows"] == 5

    async def done() -> bool:
        return bool((await gql(c.issuer, PROGRESS, {"id": created["import"]["id"]}))["node"]["status"] == "DONE")

    await run_jobs_until(settings, app_db, done)
    report = (await gql(c.issuer, PROGRESS, {"id": created["import"]["id"]}))["node"]
    assert (report["succeededRows"], report["failedRows"]) == (4, 1)
    assert report["rowErrors"][0]["code"] == "NOT_FOUND"
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        awards = (await s.scalars(select(Award).where(Award.tenant_id == t.id))).all()
    assert (
        len(awards) == 4
        and {a.visibility for a in awards} == {"public"}
        and {a.issuer_kind for a in awards} == {"person"}
    )
    learner_try = await gql(t.tokens["learner"], bulk, {"b": c.badge, "r": people})
    assert learner_try["awardIssueBulk"]["errors"][0]["code"] == "FORBIDDEN"


XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3"}


async def _xapi_key(gql: GraphQLClient, t: SeededTenant) -> str:
    created = await ok(
        gql,
        t.tokens["admin"],
        'mutation { apiKeyCreate(input: {name: "LMS", scopes: [LEARNING_RECORD]}) { secret errors { code } } }',
    )
    return str(created["secret"])


def _statement(email: str, verb: str, activity: str, **extra: Any) -> dict[str, Any]:
    return {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": activity},
        "timestamp": "2026-04-02T08:00:00Z",
        **extra,
    }


async def test_xapi_statements_record_completions_and_results(
    seeder: Seeder,
    gql: GraphQLClient,
    client: httpx.AsyncClient,
    app_db: Database,
    owner_db: Database,
    settings: Settings,
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    course = (
        await ok(gql, c.issuer, COURSE, {"input": {"title": "Hazmat", "activityId": "https://lms.example/hazmat"}})
    )["course"]["id"]
    await ok(
        gql,
        c.issuer,
        ASSESSMENT,
        {
            "input": {
                "courseId": course,
                "title": "Hazmat quiz",
                "kind": "QUIZ",
                "passingScore": 60,
                "activityId": "https://lms.example/hazmat/quiz",
            }
        },
    )
    key = await _xapi_key(gql, t)
    basic = base64.b64encode(f"lms:{key}".encode()).decode()
    email = f"learner@{t.slug}.example"
    batch = [
        _statement(email, "completed", "https://lms.example/hazmat", timestamp="2026-04-01T08:00:00Z"),
        _statement(
            email,
            "passed",
            "https://lms.example/hazmat/quiz",
            result={"score": {"scaled": 0.75}},
            timestamp="2026-04-01T09:00:00Z",
        ),
        _statement(
            email,
            "failed",
            "https://lms.example/hazmat/quiz",
            result={"score": {"raw": 12, "min": 0, "max": 40}},
            timestamp="2026-03-01T09:00:00Z",
        ),
    ]
    response = await client.post(
        "/xapi/statements", json=batch, headers={**XAPI_HEADERS, "Authorization": f"Basic {basic}"}
    )
    assert response.status_code == 200, response.text
    assert len(response.json()) == 3
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        results = sorted(float(r.score) for r in (await s.scalars(select(AssessmentResult))).all())
        completions = (await s.scalars(select(Completion))).all()
    assert results == [30.0, 75.0]
    assert [(x.source, x.completed_at.isoformat()) for x in completions] == [("xapi", "2026-04-01T08:00:00+00:00")]
    # Sent again (an LRS retry): nothing new.
    again = await client.post(
        "/xapi/statements", json=batch, headers={**XAPI_HEADERS, "Authorization": f"Bearer {key}"}
    )
    assert again.status_code == 200
    assert await _count(owner_db, t, AssessmentResult) == 2


@pytest.mark.parametrize(
    ("mutate", "status", "fragment"),
    [
        (lambda b: b | {"verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}}, 400, "Unsupported verb"),
        (lambda b: b | {"actor": {"mbox": "mailto:ghost@example.com"}}, 400, "No person with email"),
        (lambda b: b | {"object": {"id": "https://lms.example/nope"}}, 400, "No course or assessment"),
        (lambda b: b | {"timestamp": "not a date"}, 400, "timestamp"),
        (lambda b: {k: v for k, v in b.items() if k != "actor"}, 400, "actor.mbox"),
        (lambda b: {k: v for k, v in b.items() if k != "timestamp"}, 400, "timestamp is required"),
        (lambda b: b | {"timestamp": "9999-12-31T23:00:00-05:00"}, 400, "timestamp"),
    ],
)
async def test_bad_xapi_batches_record_nothing(
    seeder: Seeder,
    gql: GraphQLClient,
    client: httpx.AsyncClient,
    owner_db: Database,
    mutate: Any,
    status: int,
    fragment: str,
) -> None:
    t = await seeder.tenant()
    issuer = t.tokens["issuer"]
    await ok(gql, issuer, COURSE, {"input": {"title": "Hazmat", "activityId": "https://lms.example/hazmat"}})
    key = await _xapi_key(gql, t)
    good = _statement(f"learner@{t.slug}.example", "completed", "https://lms.example/hazmat")
    bad = mutate(_statement(f"customer@{t.slug}.example", "completed", "https://lms.example/hazmat"))
    response = await client.post(
        "/xapi/statements", json=[good, bad], headers={**XAPI_HEADERS, "Authorization": f"Bearer {key}"}
    )
    assert response.status_code == status
    assert fragment in response.json()["error"] and "nothing was recorded" in response.json()["error"]
    assert await _count(owner_db, t, Completion) == 0


async def test_xapi_needs_the_version_header_and_a_scoped_key(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    key = await _xapi_key(gql, t)
    statement = _statement(f"learner@{t.slug}.example", "completed", "https://lms.example/x")
    assert (
        await client.post("/xapi/statements", json=statement, headers={"Authorization": f"Bearer {key}"})
    ).status_code == 400
    assert (await client.post("/xapi/statements", json=statement, headers=XAPI_HEADERS)).status_code == 401
    person_token = await client.post(
        "/xapi/statements", json=statement, headers={**XAPI_HEADERS, "Authorization": f"Bearer {t.tokens['admin']}"}
    )
    assert person_token.status_code == 403
    reader = (
        await ok(
            gql,
            t.tokens["admin"],
            'mutation { apiKeyCreate(input: {name: "R", scopes: [PEOPLE_READ]}) { secret errors { code } } }',
        )
    )["secret"]
    assert (
        await client.post(
            "/xapi/statements", json=statement, headers={**XAPI_HEADERS, "Authorization": f"Bearer {reader}"}
        )
    ).status_code == 403
    broken = await client.post(
        "/xapi/statements", content=b"{nope", headers={**XAPI_HEADERS, "Authorization": f"Bearer {key}"}
    )
    assert broken.status_code == 400 and json.loads(broken.text)["error"] == "The body is not valid JSON"


async def test_bulk_issue_sends_one_webhook_per_award(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, settings: Settings
) -> None:
    from tests.support import WebhookReceiver

    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    receiver = WebhookReceiver().start()
    try:
        await ok(
            gql,
            t.tokens["admin"],
            'mutation($u: String!) { webhookEndpointCreate(input: {url: $u, eventTypes: ["award.issued"]}) { errors { code } } }',
            {"u": receiver.url},
        )
        people = [gid("Person", t.people[k].id) for k in ("learner", "customer", "partner")]
        await ok(
            gql,
            c.issuer,
            "mutation($b: ID!, $r: [ID!]!) { awardIssueBulk(input: {badgeClassId: $b, recipientIds: $r}) { import { id } errors { code } } }",
            {"b": c.badge, "r": people},
        )

        async def three() -> bool:
            return len(receiver.for_event_type("award.issued")) >= 3

        await run_jobs_until(settings, app_db, three)
    finally:
        receiver.stop()
    received = receiver.for_event_type("award.issued")
    assert len({r.headers["Insignia-Event-Id"] for r in received}) == 3
    assert {r.json["data"]["recipientId"] for r in received} == {
        str(t.people[k].id) for k in ("learner", "customer", "partner")
    }
