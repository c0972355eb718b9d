"""OpenTelemetry tracing (on when the OTEL_* variables ask for it), with the SDK's in-memory
exporter: a request's trace carries its request id, tenant and operation, SQL statements are its
children, and the job it enqueued continues the same trace."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from insignia.app import create_app
from insignia.infra import tracing
from insignia.infra.db import Database, create_engine
from insignia.infra.settings import Settings, load_settings
from tests.conftest import DatabaseInfo, Seeder, gid
from tests.support import run_jobs_until

pytestmark = pytest.mark.asyncio


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    memory = InMemorySpanExporter()
    tracing.configure_tracing(None, exporter=memory)
    yield memory
    tracing.shutdown_tracing()


async def test_tracing_is_off_unless_the_otel_variables_ask() -> None:
    base = {"INSIGNIA_SECRET_KEY": "k" * 40}
    assert load_settings(base).tracing_exporter is None
    assert load_settings({**base, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}).tracing_exporter == "otlp"
    assert load_settings({**base, "OTEL_TRACES_EXPORTER": "console"}).tracing_exporter == "console"
    assert load_settings({**base, "OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}).tracing_exporter is None
    assert load_settings({**base, "OTEL_TRACES_EXPORTER": "none"}).tracing_exporter is None


async def test_a_request_and_the_job_it_enqueued_share_one_trace(
    exporter: InMemorySpanExporter, seeder: Seeder, settings: Settings, database_info: DatabaseInfo
) -> None:
    t = await seeder.tenant()
    # Engines created while tracing is on trace their statements.
    database = Database(create_engine(database_info.app_url, pool_size=2))
    app = create_app(dataclasses.replace(settings, env="test"), database, dispose_on_shutdown=False)
    email = f"traced-{uuid.uuid4().hex[:6]}@{t.slug}.example"
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            response = await client.post(
                "/graphql",
                json={
                    "query": 'mutation Invite($a: ID!) { personInvite(input: {email: "'
                    + email
                    + '", name: "Traced", audienceId: $a}) { errors { code } } }',
                    "variables": {"a": gid("Audience", t.audiences["employees"])},
                },
                headers={"Authorization": f"Bearer {t.tokens['admin']}", "X-Request-ID": "trace-req-1"},
            )
            assert response.json()["data"]["personInvite"]["errors"] == []

        spans = exporter.get_finished_spans()
        [server] = [s for s in spans if s.kind.name == "SERVER"]
        attributes = dict(server.attributes or {})
        assert attributes["insignia.request_id"] == "trace-req-1"
        assert attributes["insignia.tenant_id"] == str(t.id)
        assert attributes["insignia.principal"] == f"person:{t.people['admin'].id}"
        assert attributes["graphql.operation.name"] == "Invite"
        assert attributes["graphql.operation.type"] == "mutation"
        trace_id = server.context.trace_id
        statements = [s for s in spans if s.kind.name == "CLIENT" and s.context.trace_id == trace_id]
        assert len(statements) >= 4, [s.name for s in spans]
        assert all(s.parent is not None for s in statements)

        async def mailed() -> bool:
            return any(
                f.name.startswith("job email.send") and f.context.trace_id == trace_id
                for f in exporter.get_finished_spans()
            )

        await run_jobs_until(settings, database, mailed)
        [job] = [
            s for s in exporter.get_finished_spans() if s.name == "job email.send" and s.context.trace_id == trace_id
        ]
        assert job.parent is not None and job.parent.span_id == server.context.span_id
        assert dict(job.attributes or {})["insignia.tenant_id"] == str(t.id)
        # The job's own statements belong to the same trace, under the job's span.
        assert any(
            s.parent is not None and s.parent.span_id == job.context.span_id for s in exporter.get_finished_spans()
        )
    finally:
        await app.state.rate_limiter.close()
        await database.dispose()
