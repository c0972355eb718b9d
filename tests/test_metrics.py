"""Prometheus metrics at /metrics: they appear, they count, and production keeps them private."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from insignia.app import create_app
from insignia.infra.db import Database
from insignia.infra.ratelimit import Limit
from insignia.infra.settings import Settings
from insignia.web.metrics import InternalMetricsServer
from tests.conftest import DatabaseInfo, GraphQLClient, Seeder, gid
from tests.support import free_port, run_jobs_until

pytestmark = pytest.mark.asyncio


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def value(found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def test_requests_operations_and_sql_are_counted(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    name = f"Probe{uuid.uuid4().hex[:8]}"
    before = await scrape(client)
    for _ in range(2):
        await gql(
            t.tokens["admin"],
            f"query {name} {{ viewer {{ email }} people(first: 5) {{ edges {{ node {{ email }} }} }} }}",
        )
    await gql.raw(t.tokens["admin"], f"query {name} {{ nope }}")
    after = await scrape(client)

    ok = {"operation": name, "type": "query", "outcome": "ok"}
    assert value(after, "insignia_graphql_operations_total", **ok) == 2
    assert value(after, "insignia_graphql_operations_total", operation=name, type="query", outcome="error") == 1
    route = {"method": "POST", "route": "/graphql", "status": "200"}
    assert (
        value(after, "insignia_http_requests_total", **route) - value(before, "insignia_http_requests_total", **route)
        >= 3
    )
    # Latency and SQL per request, by route template.
    for metric in ("insignia_http_request_sql_statements_count", "insignia_http_request_sql_seconds_count"):
        assert value(after, metric, route="/graphql") - value(before, metric, route="/graphql") >= 3
    statements = value(after, "insignia_http_request_sql_statements_sum", route="/graphql") - value(
        before, "insignia_http_request_sql_statements_sum", route="/graphql"
    )
    assert statements >= 2 * 4  # each query: tenant, person, tenant status, people page at least
    assert value(after, "insignia_http_request_duration_seconds_count", method="POST", route="/graphql") > 0
    assert value(after, "insignia_graphql_operation_cost_count", type="query") >= 2

    # Routes are templates, never raw paths with ids in them.
    await client.get(f"/t/{t.slug}/sharing")
    labelled = await scrape(client)
    assert value(labelled, "insignia_http_requests_total", method="GET", route="/t/{slug}/sharing", status="200") >= 1
    assert not any(t.slug in dict(labels).get("route", "") for _name, labels in labelled)


async def test_job_queue_jobs_and_emails_are_measured(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, settings: Settings, app_db: Database
) -> None:
    t = await seeder.tenant()
    email = f"new-{uuid.uuid4().hex[:6]}@{t.slug}.example"
    await gql(
        t.tokens["admin"],
        'mutation($a: ID!) { personInvite(input: {email: "'
        + email
        + '", name: "New", audienceId: $a}) { errors { code } } }',
        {"a": gid("Audience", t.audiences["employees"])},
    )
    queued = await scrape(client)
    assert value(queued, "insignia_outbox_up") == 1
    assert value(queued, "insignia_outbox_events", status="pending", kind="email.send") >= 1
    assert value(queued, "insignia_outbox_oldest_age_seconds", status="pending") >= 0
    assert ("insignia_jobs_dead", frozenset()) in queued

    sent_before = value(queued, "insignia_emails_total", transport="file", outcome="sent")
    done_before = value(queued, "insignia_jobs_total", kind="email.send", outcome="done")

    async def mailed() -> bool:
        return any(
            email in path.read_text(errors="replace")
            for path in (settings.email_dir or settings.data_dir).glob("*.eml")
        )

    await run_jobs_until(settings, app_db, mailed)
    after = await scrape(client)
    assert value(after, "insignia_emails_total", transport="file", outcome="sent") > sent_before
    assert value(after, "insignia_jobs_total", kind="email.send", outcome="done") > done_before
    assert value(after, "insignia_job_duration_seconds_count", kind="email.send") > 0


async def test_rate_limited_requests_are_counted(
    seeder: Seeder, settings: Settings, app_db: Database, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    before = value(await scrape(client), "insignia_rate_limited_total", policy="person")
    app = create_app(dataclasses.replace(settings, rate_limit_person=Limit(1, 0.01)), app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as limited:
        headers = {"Authorization": f"Bearer {t.tokens['learner']}"}
        for _ in range(3):
            await limited.post("/graphql", json={"query": "{ viewer { email } }"}, headers=headers)
    await app.state.rate_limiter.close()
    assert value(await scrape(client), "insignia_rate_limited_total", policy="person") - before == 2


async def test_metrics_are_private_in_production(settings: Settings, app_db: Database) -> None:
    async def get(changes: dict[str, object], headers: dict[str, str] | None = None) -> httpx.Response:
        app = create_app(dataclasses.replace(settings, env="production", **changes), app_db, dispose_on_shutdown=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            response = await c.get("/metrics", headers=headers or {})
        await app.state.rate_limiter.close()
        return response

    assert (await get({})).status_code == 404
    assert (await get({"metrics_address": ("127.0.0.1", 9100)})).status_code == 404
    token = "metrics-" + uuid.uuid4().hex
    assert (await get({"metrics_token": token})).status_code == 401
    assert (await get({"metrics_token": token}, {"Authorization": "Bearer wrong"})).status_code == 401
    allowed = await get({"metrics_token": token}, {"Authorization": f"Bearer {token}"})
    assert allowed.status_code == 200
    assert "insignia_http_requests_total" in allowed.text


async def test_metrics_on_an_internal_address_of_their_own(settings: Settings, database_info: DatabaseInfo) -> None:
    port = free_port()
    server = InternalMetricsServer(
        dataclasses.replace(settings, env="production", metrics_address=("127.0.0.1", port)),
        ("127.0.0.1", port),
        database_info.app_url.render_as_string(hide_password=False),
    )
    await asyncio.to_thread(server.start)
    try:
        async with httpx.AsyncClient() as c:
            response = await c.get(f"http://127.0.0.1:{port}/metrics")
        assert response.status_code == 200
        found = samples(response.text)
        assert value(found, "insignia_outbox_up") == 1
        assert any(name == "process_cpu_seconds_total" for name, _labels in found)
    finally:
        await asyncio.to_thread(server.stop)
