"""OpenTelemetry tracing: off unless the standard ``OTEL_*`` variables ask for it.

``OTEL_TRACES_EXPORTER=otlp`` (or an ``OTEL_EXPORTER_OTLP_ENDPOINT``) sends spans over OTLP/HTTP,
``console`` prints them; ``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``,
``OTEL_TRACES_SAMPLER`` and the exporter's own variables work as the SDK documents them.

When on: every HTTP request is a server span (the ASGI instrumentation) carrying
``insignia.request_id``, ``insignia.tenant_id``, ``insignia.principal`` and, for GraphQL, the
operation's name and type; SQL statements (the SQLAlchemy instrumentation) and outgoing HTTP
calls (httpx: webhooks, identity providers) are child spans. A job keeps the ``traceparent`` of
the request that enqueued it (``outbox_events.trace_context``), so its span continues that trace.
When off, every function here returns at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from starlette.types import ASGIApp

logger = logging.getLogger(__name__)

_state: dict[str, Any] = {}


def configure_tracing(exporter_name: str | None, *, exporter: Any = None, service_name: str = "insignia") -> bool:
    """Set tracing up for this process once (later calls only add ``exporter``). ``exporter``, a
    span exporter object, is for tests (the SDK's in-memory exporter); returns whether tracing is on."""
    if exporter_name is None and exporter is None:
        return "provider" in _state
    from opentelemetry import trace
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.sdk.resources import OTELResourceDetector, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = _state.get("provider")
    if provider is None:
        # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name.
        resource = Resource({"service.name": service_name}).merge(OTELResourceDetector().detect())
        provider = TracerProvider(resource=resource)
        trace.set_tracer_provider(provider)
        HTTPXClientInstrumentor().instrument(tracer_provider=provider)
        _state["provider"] = provider
        _state["tracer"] = provider.get_tracer("insignia")
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif exporter_name is not None and "exporter" not in _state:
        if exporter_name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            _state["exporter"] = ConsoleSpanExporter()
        else:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            _state["exporter"] = OTLPSpanExporter()
        provider.add_span_processor(BatchSpanProcessor(_state["exporter"]))
        logger.info("tracing on", extra={"exporter": exporter_name})
    return True


def enabled() -> bool:
    return "provider" in _state


def shutdown_tracing() -> None:
    """Flush spans and stop tracing in this process (instrumented engines stop recording)."""
    provider = _state.pop("provider", None)
    if provider is None:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor().uninstrument()
    provider.shutdown()
    _state.clear()


def instrument_engine(sync_engine: Any) -> None:
    """Trace the statements of one engine (created after ``configure_tracing``)."""
    if not enabled():
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import get_meter

    counter = get_meter("insignia").create_up_down_counter("db.client.connections.usage")
    EngineTracer(_state["tracer"], sync_engine, counter)  # type: ignore[no-untyped-call]


def instrument_app(app: ASGIApp) -> ASGIApp:
    """The ASGI app wrapped in a server span per request (health and metrics scrapes left out)."""
    if not enabled():
        return app
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    wrapped: ASGIApp = OpenTelemetryMiddleware(
        app,
        excluded_urls="healthz,readyz,metrics",
        exclude_spans=["receive", "send"],
        tracer_provider=_state["provider"],
    )
    return wrapped


class ServerSpans:
    """ASGI middleware: a server span per request (``instrument_app``), for Starlette's list."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = instrument_app(app)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def annotate(attributes: Mapping[str, str]) -> None:
    """Add attributes to the current span (the request's server span), if one is recording."""
    if not enabled():
        return
    from opentelemetry import trace

    span = trace.get_current_span()
    if span.is_recording():
        span.set_attributes(dict(attributes))


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span, to hand to work done later elsewhere."""
    if not enabled():
        return None
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    carrier: dict[str, str] = {}
    TraceContextTextMapPropagator().inject(carrier)
    return carrier.get("traceparent")


def current_ids() -> tuple[str, str] | None:
    """The current trace and span id (hex), for log lines."""
    if not enabled():
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


@contextmanager
def job_span(kind: str, traceparent: str | None, attributes: Mapping[str, str]) -> Iterator[None]:
    """A span for one job, continuing the trace of the request that enqueued it."""
    if not enabled():
        yield
        return
    from opentelemetry.trace import SpanKind
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    parent = TraceContextTextMapPropagator().extract({"traceparent": traceparent}) if traceparent else None
    with _state["tracer"].start_as_current_span(
        f"job {kind}", context=parent, kind=SpanKind.CONSUMER, attributes={"insignia.job.kind": kind, **attributes}
    ):
        yield
