"""Prometheus metrics (``prometheus-client``), safe with several API processes.

Every process records into the metrics below. With ``insignia serve --workers N`` the processes
share ``PROMETHEUS_MULTIPROC_DIR`` (``serve`` makes one when it is not set) and a scrape adds up
the files of all of them; with one process the values live in memory. Values that describe the
database rather than a process (outbox depth and age, dead jobs) are read at scrape time and
passed to ``render`` as extra families.

Label values are bounded: routes are path templates (``/t/{slug}/awards/{award_id}``), GraphQL
operation names are kept for the first ``MAX_OPERATION_NAMES`` distinct well-formed names of a
process (later ones count as ``other``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from insignia.infra.db import SqlStats, measure_sql

CONTENT_TYPE = CONTENT_TYPE_LATEST
ROUTE_KEY = "insignia.route"
MAX_OPERATION_NAMES = 500
_OPERATION_NAME_RE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "insignia_http_requests", "HTTP requests answered, by route and status.", ["method", "route", "status"],
    registry=REGISTRY,
)  # fmt: skip
HTTP_DURATION = Histogram(
    "insignia_http_request_duration_seconds", "Time to answer an HTTP request, by route.", ["method", "route"],
    buckets=_LATENCY_BUCKETS, registry=REGISTRY,
)  # fmt: skip
SQL_STATEMENTS = Histogram(
    "insignia_http_request_sql_statements", "SQL statements one HTTP request executed, by route.", ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233), registry=REGISTRY,
)  # fmt: skip
SQL_SECONDS = Histogram(
    "insignia_http_request_sql_seconds", "Time one HTTP request spent in SQL statements, by route.", ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0), registry=REGISTRY,
)  # fmt: skip
GRAPHQL_OPERATIONS = Counter(
    "insignia_graphql_operations",
    "GraphQL operations by name, type and outcome (ok, error, cost_limited, rate_limited).",
    ["operation", "type", "outcome"], registry=REGISTRY,
)  # fmt: skip
GRAPHQL_DURATION = Histogram(
    "insignia_graphql_operation_duration_seconds", "Time to run a GraphQL operation, by type.", ["type"],
    buckets=_LATENCY_BUCKETS, registry=REGISTRY,
)  # fmt: skip
GRAPHQL_COST = Histogram(
    "insignia_graphql_operation_cost", "The computed cost of GraphQL operations.", ["type"],
    buckets=(1, 10, 50, 100, 500, 1000, 2500, 5000, 10000, 25000, 100000), registry=REGISTRY,
)  # fmt: skip
RATE_LIMITED = Counter(
    "insignia_rate_limited", "Requests refused by a rate limit, by policy (person, api_key, tenant, ip).",
    ["policy"], registry=REGISTRY,
)  # fmt: skip
JOBS = Counter(
    "insignia_jobs", "Jobs (outbox events) processed, by kind and outcome (done, retry, dead, skipped).",
    ["kind", "outcome"], registry=REGISTRY,
)  # fmt: skip
JOB_DURATION = Histogram(
    "insignia_job_duration_seconds", "Time to process a job, by kind.", ["kind"],
    buckets=_LATENCY_BUCKETS, registry=REGISTRY,
)  # fmt: skip
WEBHOOK_DELIVERIES = Counter(
    "insignia_webhook_deliveries",
    "Webhook delivery attempts by result (delivered, failed, gave_up, refused).", ["result"], registry=REGISTRY,
)  # fmt: skip
EMAILS = Counter(
    "insignia_emails", "Emails handed to SMTP or written to the mail folder, by transport and outcome.",
    ["transport", "outcome"], registry=REGISTRY,
)  # fmt: skip
SIGN_INS = Counter(
    "insignia_sign_ins", "Sign-ins through identity providers by protocol (oidc, saml) and outcome.",
    ["protocol", "outcome"], registry=REGISTRY,
)  # fmt: skip

_operation_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """A bounded label for a client-chosen GraphQL operation name."""
    if not name:
        return "anonymous"
    if not _OPERATION_NAME_RE.match(name):
        return "invalid"
    if name in _operation_names:
        return name
    if len(_operation_names) >= MAX_OPERATION_NAMES:
        return "other"
    _operation_names.add(name)
    return name


# Children of labelled metrics by label values: `labels()` checks and locks on every call, and
# the same few children are used again and again on the hot path. Bounded like the labels are.
_children: dict[tuple[Any, ...], Any] = {}


def _child(metric: Any, *values: str) -> Any:
    key = (id(metric), *values)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*values)
    return child


def record_graphql_operation(name: str | None, kind: str, outcome: str, seconds: float, cost: int | None) -> None:
    _child(GRAPHQL_OPERATIONS, operation_label(name), kind, outcome).inc()
    _child(GRAPHQL_DURATION, kind).observe(seconds)
    if cost is not None:
        _child(GRAPHQL_COST, kind).observe(cost)


def record_rate_limited(policy: str) -> None:
    RATE_LIMITED.labels(policy).inc()


def record_job(kind: str, outcome: str, seconds: float) -> None:
    JOBS.labels(kind, outcome).inc()
    JOB_DURATION.labels(kind).observe(seconds)


def record_webhook_delivery(result: str) -> None:
    WEBHOOK_DELIVERIES.labels(result).inc()


def record_email(transport: str, outcome: str) -> None:
    EMAILS.labels(transport, outcome).inc()


def record_sign_in(protocol: str, outcome: str) -> None:
    SIGN_INS.labels(protocol, outcome).inc()


def render(multiprocess_dir: str | None, extra: Iterable[Metric] = ()) -> bytes:
    """The exposition text: this process's metrics, or every process's from ``multiprocess_dir``,
    followed by ``extra`` families read at scrape time."""
    if multiprocess_dir is None:
        body = generate_latest(REGISTRY)
    else:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=multiprocess_dir)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    families = list(extra)
    if families:
        scratch = CollectorRegistry()
        scratch.register(_Fixed(families))
        body += generate_latest(scratch)
    return body


class _Fixed:
    def __init__(self, families: Sequence[Metric]) -> None:
        self.families = families

    def collect(self) -> Sequence[Metric]:
        return self.families


def reset_multiprocess_dir(path: Path) -> None:
    """Empty the shared folder at start-up: files of processes from an earlier run would add up."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def label_routes(routes: Sequence[BaseRoute]) -> None:
    """Have every route name itself (its path template) in the scope, for the route label."""
    for route in routes:
        if isinstance(route, Route):
            route.app = _Labelled(route.app, route.path)


class _Labelled:
    def __init__(self, app: ASGIApp, path: str) -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[ROUTE_KEY] = self.path
        await self.app(scope, receive, send)


class MetricsMiddleware:
    """Counts and times every HTTP request by route and status, with its SQL statements and time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        stats: SqlStats
        with measure_sql() as stats:
            try:
                await self.app(scope, receive, tracking_send)
            finally:
                route = scope.get(ROUTE_KEY, "unmatched")
                method = scope["method"] if scope["method"] in _METHODS else "OTHER"
                _child(HTTP_REQUESTS, method, route, _status_class(status)).inc()
                _child(HTTP_DURATION, method, route).observe(time.perf_counter() - started)
                _child(SQL_STATEMENTS, route).observe(stats.statements)
                _child(SQL_SECONDS, route).observe(stats.seconds)


_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"})


def _status_class(status: int) -> str:
    # Exact codes: a handful of values per route (200, 304, 400, 401, 404, 429, 500, ...).
    return str(status) if 100 <= status < 600 else "other"


def gauge_family(name: str, documentation: str, labels: Sequence[str], samples: Iterable[tuple[Any, ...]]) -> Metric:
    """A gauge family read at scrape time; each sample is its label values followed by the value."""
    from prometheus_client.core import GaugeMetricFamily

    family = GaugeMetricFamily(name, documentation, labels=list(labels))
    for sample in samples:
        family.add_metric([str(v) for v in sample[:-1]], float(sample[-1]))
    return family
