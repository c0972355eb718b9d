"""Side effects through the outbox, processed in this process by the real relay and processor."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from insignia.infra.db import Database, set_tenant
from insignia.infra.outbox import OutboxEvent
from insignia.infra.settings import Settings
from insignia.tenants import person as person_service
from insignia.tenants.auth import operator_principal
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.support import SmtpServer, WebhookReceiver, run_jobs_until

pytestmark = pytest.mark.asyncio


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver().start()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


ENDPOINT_CREATE = """
mutation($url: String!) {
  webhookEndpointCreate(input: {url: $url, eventTypes: ["person.created"], description: "CRM sync"}) {
    webhookEndpoint { id url eventTypes enabled }
    secret
    errors { code field message }
  }
}
"""
INVITE = 'mutation($a: ID!, $e: String!) { personInvite(input: {email: $e, name: "New Hire", audienceId: $a}) { person { id } errors { code } } }'
DELIVERIES = """
query($id: ID!) { node(id: $id) { ... on WebhookEndpoint {
  deliveries(first: 10) { edges { node { id eventId eventType status attempts responseStatus latencyMs lastError
    attemptLog { responseStatus error } } } } } } }
"""


async def _endpoint(gql: GraphQLClient, t: SeededTenant, url: str) -> tuple[str, str]:
    data = await gql(t.tokens["admin"], ENDPOINT_CREATE, {"url": url})
    payload = data["webhookEndpointCreate"]
    assert payload["errors"] == [], payload
    return payload["webhookEndpoint"]["id"], payload["secret"]


async def _events(owner_db: Database, tenant_id: object, kind: str | None = None) -> list[OutboxEvent]:
    async with owner_db.session() as s:
        stmt = select(OutboxEvent).where(OutboxEvent.tenant_id == tenant_id).order_by(OutboxEvent.id)
        if kind:
            stmt = stmt.where(OutboxEvent.kind == kind)
        return list((await s.scalars(stmt)).all())


async def test_rolled_back_change_leaves_no_event_committed_one_gets_its_effect(
    seeder: Seeder, owner_db: Database, app_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    before = len(await _events(owner_db, t.id))
    async with app_db.session() as s:
        await set_tenant(s, t.id)
        await person_service.invite_person(
            s, operator_principal(t.id), email="ghost@example.com", name="Ghost", audience_id=t.audiences["employees"]
        )
        await s.rollback()
    assert len(await _events(owner_db, t.id)) == before

    async with app_db.session() as s:
        await set_tenant(s, t.id)
        person = await person_service.invite_person(
            s, operator_principal(t.id), email="real@example.com", name="Real", audience_id=t.audiences["employees"]
        )
        await s.commit()
    mail = settings.email_dir
    assert mail is not None

    async def invitation_written() -> bool:
        return any("real@example.com" in p.read_text() for p in mail.glob("*.eml"))

    await run_jobs_until(settings, app_db, invitation_written)
    events = await _events(owner_db, t.id)
    mine = [
        e
        for e in events
        if e.payload.get("to") == "real@example.com" or e.payload.get("data", {}).get("id") == str(person.id)
    ]
    assert {e.kind for e in mine} == {"email.send", "event.publish"}
    assert all(e.status == "done" for e in mine)


async def test_failed_mutation_enqueues_nothing(seeder: Seeder, gql: GraphQLClient, owner_db: Database) -> None:
    t = await seeder.tenant()
    before = len(await _events(owner_db, t.id))
    data = await gql(
        t.tokens["admin"], INVITE, {"a": gid("Audience", t.audiences["employees"]), "e": f"learner@{t.slug}.example"}
    )
    assert data["personInvite"]["errors"] == [{"code": "DUPLICATE"}]
    assert len(await _events(owner_db, t.id)) == before


async def test_invitation_email_over_real_smtp(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, settings: Settings, smtp: SmtpServer
) -> None:
    t = await seeder.tenant()
    await gql(
        t.tokens["admin"], INVITE, {"a": gid("Audience", t.audiences["partners"]), "e": "smtp.person@example.com"}
    )
    smtp_settings = replace(settings, smtp_url=smtp.url, email_from="Acme Academy <academy@acme.example>")

    async def arrived() -> bool:
        return bool(smtp.to("smtp.person@example.com"))

    await run_jobs_until(smtp_settings, app_db, arrived)
    [message] = smtp.to("smtp.person@example.com")
    assert message["Subject"] == f"Org {t.slug} invited you to Insignia"
    assert message["From"] == "Acme Academy <academy@acme.example>"
    assert message.is_multipart()
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "Hello New Hire" in parts["text/plain"]
    assert "<strong>Org" in parts["text/html"]


async def test_webhook_retries_until_delivered_and_signature_verifies(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, settings: Settings, receiver: WebhookReceiver
) -> None:
    t = await seeder.tenant()
    receiver.statuses = [500, 503]
    endpoint_id, secret = await _endpoint(gql, t, receiver.url)
    await gql(t.tokens["admin"], INVITE, {"a": gid("Audience", t.audiences["employees"]), "e": "hooked@example.com"})

    async def delivered() -> bool:
        data = await gql(t.tokens["admin"], DELIVERIES, {"id": endpoint_id})
        edges = data["node"]["deliveries"]["edges"]
        return bool(edges) and edges[0]["node"]["status"] == "SUCCEEDED"

    await run_jobs_until(settings, app_db, delivered)
    requests = receiver.for_event_type("person.created")
    assert len(requests) == 3
    # Every attempt is the same event: same id, so the receiver can deduplicate.
    assert len({r.headers["Insignia-Event-Id"] for r in requests}) == 1
    for request in requests:
        timestamp = request.headers["Insignia-Timestamp"]
        expected = hmac.new(secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
        assert request.headers["Insignia-Signature"] == f"v1={expected}"
        assert request.json["type"] == "person.created"
        assert request.json["data"]["email"] == "hooked@example.com"
        assert request.json["id"] == request.headers["Insignia-Event-Id"]
    data = await gql(t.tokens["admin"], DELIVERIES, {"id": endpoint_id})
    delivery = data["node"]["deliveries"]["edges"][0]["node"]
    assert delivery["attempts"] == 3
    assert delivery["responseStatus"] == 200
    assert delivery["latencyMs"] is not None
    assert [a["responseStatus"] for a in delivery["attemptLog"]] == [500, 503, 200]


async def test_poison_job_ends_dead_then_retry_succeeds_once_fixed(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, settings: Settings, receiver: WebhookReceiver
) -> None:
    t = await seeder.tenant()
    receiver.default_status = 500
    endpoint_id, _secret = await _endpoint(gql, t, receiver.url)
    await gql(t.tokens["admin"], INVITE, {"a": gid("Audience", t.audiences["employees"]), "e": "poison@example.com"})
    dead_query = "{ jobs(filter: {status: DEAD}) { edges { node { id kind status attempts lastError } } } }"

    async def dead() -> bool:
        return bool((await gql(t.tokens["admin"], dead_query))["jobs"]["edges"])

    await run_jobs_until(settings, app_db, dead)
    [job] = [e["node"] for e in (await gql(t.tokens["admin"], dead_query))["jobs"]["edges"]]
    assert job["kind"] == "webhook.deliver"
    assert job["attempts"] == settings.webhook_max_attempts
    assert job["lastError"] == "webhook delivery failed: HTTP 500"
    delivery = (await gql(t.tokens["admin"], DELIVERIES, {"id": endpoint_id}))["node"]["deliveries"]["edges"][0]["node"]
    assert delivery["status"] == "FAILED"
    assert len(receiver.requests) == settings.webhook_max_attempts

    # The cause is fixed; an admin retries the dead job.
    receiver.default_status = 200
    retried = await gql(
        t.tokens["admin"],
        "mutation($id: ID!) { jobRetry(id: $id) { job { status attempts } errors { code } } }",
        {"id": job["id"]},
    )
    assert retried["jobRetry"] == {"job": {"status": "PENDING", "attempts": 0}, "errors": []}

    async def succeeded() -> bool:
        d = (await gql(t.tokens["admin"], DELIVERIES, {"id": endpoint_id}))["node"]["deliveries"]["edges"][0]["node"]
        return bool(d["status"] == "SUCCEEDED")

    await run_jobs_until(settings, app_db, succeeded)
    assert (await gql(t.tokens["admin"], dead_query))["jobs"]["edges"] == []
    again = await gql(
        t.tokens["admin"],
        "mutation($id: ID!) { jobRetry(id: $id) { job { id } errors { code field } } }",
        {"id": job["id"]},
    )
    assert again["jobRetry"]["errors"] == [{"code": "INVALID", "field": "id"}]


async def test_replay_delivers_the_same_event_again(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, settings: Settings, receiver: WebhookReceiver
) -> None:
    t = await seeder.tenant()
    endpoint_id, _ = await _endpoint(gql, t, receiver.url)
    await gql(t.tokens["admin"], INVITE, {"a": gid("Audience", t.audiences["employees"]), "e": "replay@example.com"})

    async def count_is(n: int) -> bool:
        return len(receiver.for_event_type("person.created")) >= n

    await run_jobs_until(settings, app_db, lambda: count_is(1))
    delivery = (await gql(t.tokens["admin"], DELIVERIES, {"id": endpoint_id}))["node"]["deliveries"]["edges"][0]["node"]
    replay = await gql(
        t.tokens["admin"],
        "mutation($id: ID!) { webhookDeliveryReplay(id: $id) { webhookDelivery { status } errors { code } } }",
        {"id": delivery["id"]},
    )
    assert replay["webhookDeliveryReplay"] == {"webhookDelivery": {"status": "PENDING"}, "errors": []}
    await run_jobs_until(settings, app_db, lambda: count_is(2))
    first, second = receiver.for_event_type("person.created")
    assert first.headers["Insignia-Event-Id"] == second.headers["Insignia-Event-Id"]
    assert first.body == second.body


async def test_jobs_are_admin_only(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    response = await gql.raw(t.tokens["learner"], "{ jobs { edges { node { id } } } }")
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    response = await gql.raw(t.tokens["manager"], "{ webhookEndpoints { id } }")
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_outbox_rows_are_tenant_scoped(seeder: Seeder, app_db: Database) -> None:
    a = await seeder.tenant()
    async with app_db.session() as s:
        await set_tenant(s, a.id)
        counts = await s.execute(select(OutboxEvent.tenant_id, func.count()).group_by(OutboxEvent.tenant_id))
        assert {row[0] for row in counts} == {a.id}
