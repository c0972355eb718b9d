"""`insignia worker` as a real process on real brokers (Redis, RabbitMQ) and in-process mode:
delivery, a worker killed mid-job, and a broker that is down while changes are committed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from insignia.infra.db import Database, set_tenant
from insignia.tenants.models import WebhookDelivery, WebhookDeliveryAttempt
from tests.conftest import APP_ROLE, SECRET, DatabaseInfo, GraphQLClient, SeededTenant, Seeder, gid
from tests.support import WebhookReceiver

pytestmark = pytest.mark.asyncio

REDIS = "redis://127.0.0.1:6379/0"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/%2F"
BROKERS = {"redis": REDIS, "rabbitmq": RABBITMQ, "in-process": None}


class Worker:
    """An `insignia worker` subprocess with its own log."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "insignia", "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def start_worker(database_info: DatabaseInfo, tmp_path: Path) -> Iterator[Callable[[str | None], Worker]]:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    started: list[Worker] = []

    def start(broker_url: str | None) -> Worker:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGNIA_", "DATABASE_URL", "BROKER_URL"))}
        env.update(
            DATABASE_URL=database_info.owner_url.set(drivername="postgresql").render_as_string(hide_password=False),
            INSIGNIA_APP_ROLE=APP_ROLE,
            INSIGNIA_SECRET_KEY=SECRET,
            INSIGNIA_ENV="test",
            INSIGNIA_QUEUE=queue,
            INSIGNIA_JOB_VISIBILITY_SECONDS="3",
            INSIGNIA_RELAY_POLL_SECONDS="0.1",
            INSIGNIA_JOB_RETRY_BASE_SECONDS="0.2",
            INSIGNIA_JOB_RETRY_MAX_SECONDS="1",
            INSIGNIA_WORKER_THREADS="4",
            INSIGNIA_EMAIL_DIR=str(tmp_path / "mail"),
        )
        if broker_url:
            env["BROKER_URL"] = broker_url
        worker = Worker(env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    _drop_queues(queue)


def _drop_queues(queue: str) -> None:
    """Leave no test queues behind on the shared brokers."""
    import pika
    import redis

    client = redis.Redis.from_url(REDIS)
    keys = [*client.scan_iter(f"insignia:{queue}*"), *client.scan_iter(f"insignia:__acks__.*.{queue}")]
    if keys:
        client.delete(*keys)
    client.close()
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ))
    channel = connection.channel()
    for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
        channel.queue_delete(name)
    connection.close()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver().start()
    yield r
    r.stop()


async def eventually(check: Callable[[], Awaitable[bool]], what: str, worker: Worker, within: float = 45.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        if worker.process.poll() is not None:
            break
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{worker.log.read_text()[-4000:]}")


async def _subscribe_and_invite(gql: GraphQLClient, t: SeededTenant, url: str, emails: list[str]) -> None:
    created = await gql(
        t.tokens["admin"],
        'mutation($url: String!) { webhookEndpointCreate(input: {url: $url, eventTypes: ["person.created"]}) { errors { code } } }',
        {"url": url},
    )
    assert created["webhookEndpointCreate"]["errors"] == []
    for email in emails:
        data = await gql(
            t.tokens["admin"],
            'mutation($a: ID!, $e: String!) { personInvite(input: {email: $e, name: "W", audienceId: $a}) { errors { code } } }',
            {"a": gid("Audience", t.audiences["employees"]), "e": email},
        )
        assert data["personInvite"]["errors"] == []


def _received_emails(receiver: WebhookReceiver) -> list[str]:
    return [r.json["data"]["email"] for r in receiver.for_event_type("person.created")]


async def _deliveries(
    owner_db: Database, tenant_id: uuid.UUID
) -> list[tuple[WebhookDelivery, list[WebhookDeliveryAttempt]]]:
    async with owner_db.session() as s:
        await set_tenant(s, tenant_id)
        deliveries = (await s.scalars(select(WebhookDelivery))).all()
        attempts = (await s.scalars(select(WebhookDeliveryAttempt))).all()
        return [(d, [a for a in attempts if a.delivery_id == d.id]) for d in deliveries]


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
async def test_worker_delivers_through_a_real_broker(
    broker: str,
    seeder: Seeder,
    gql: GraphQLClient,
    receiver: WebhookReceiver,
    start_worker: Callable[[str | None], Worker],
) -> None:
    t = await seeder.tenant()
    worker = start_worker(BROKERS[broker])
    emails = [f"{broker}-{i}@example.com" for i in range(5)]
    await _subscribe_and_invite(gql, t, receiver.url, emails)

    async def all_received() -> bool:
        return set(emails) <= set(_received_emails(receiver))

    await eventually(all_received, f"deliveries via {broker}", worker)
    assert worker.stop() == 0, worker.log.read_text()[-3000:]


@pytest.mark.parametrize("broker", ["redis", "in-process"])
async def test_worker_killed_mid_job_effect_happens_exactly_once(
    broker: str,
    seeder: Seeder,
    gql: GraphQLClient,
    owner_db: Database,
    receiver: WebhookReceiver,
    start_worker: Callable[[str | None], Worker],
) -> None:
    t = await seeder.tenant()
    receiver.delay_first = 6.0  # the first delivery hangs: the worker is inside the job when killed
    first = start_worker(BROKERS[broker])
    await _subscribe_and_invite(gql, t, receiver.url, ["killed@example.com"])

    async def first_request_arrived() -> bool:
        return len(receiver.requests) >= 1

    await eventually(first_request_arrived, "the first attempt", first)
    first.kill()
    # The killed transaction left nothing behind.
    [(delivery, attempts)] = await _deliveries(owner_db, t.id)
    assert delivery.status == "pending" and attempts == []

    second = start_worker(BROKERS[broker])

    async def succeeded() -> bool:
        [(d, _)] = await _deliveries(owner_db, t.id)
        return d.status == "succeeded"

    await eventually(succeeded, "redelivery", second)
    [(delivery, attempts)] = await _deliveries(owner_db, t.id)
    # Exactly once in the database: one recorded attempt, one success.
    assert delivery.attempts == 1
    assert [a.response_status for a in attempts] == [200]
    # At least once on the wire, recognisably the same event.
    assert len({r.headers["Insignia-Event-Id"] for r in receiver.requests}) == 1
    assert second.stop() == 0


async def test_nothing_is_lost_while_the_broker_is_down(
    seeder: Seeder,
    gql: GraphQLClient,
    owner_db: Database,
    receiver: WebhookReceiver,
    start_worker: Callable[[str | None], Worker],
) -> None:
    t = await seeder.tenant()
    dead = start_worker("redis://127.0.0.1:1/0")  # nothing listens there
    emails = [f"while-down-{i}@example.com" for i in range(3)]
    await _subscribe_and_invite(gql, t, receiver.url, emails)
    await asyncio.sleep(3)
    assert _received_emails(receiver) == []
    dead.stop()
    assert "relay cannot dispatch" in dead.log.read_text()
    # Every committed change is still waiting in the outbox; with a broker back, all arrive once.
    live = start_worker(REDIS)

    async def all_received() -> bool:
        return set(emails) <= set(_received_emails(receiver))

    await eventually(all_received, "deliveries after the broker came back", live)

    async def recorded() -> bool:
        found = await _deliveries(owner_db, t.id)
        return len(found) == 3 and all(d.status == "succeeded" for d, _ in found)

    # The receiver answers before the worker commits its record of the delivery.
    await eventually(recorded, "the deliveries recorded as succeeded", live)
    assert len(await _deliveries(owner_db, t.id)) == 3  # one delivery per event, no duplicates
    assert live.stop() == 0
