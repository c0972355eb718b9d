"""``/metrics``: Prometheus metrics of every API process, plus the job queue read at scrape time.

Who may scrape it:

- ``INSIGNIA_METRICS_TOKEN`` set: anyone sending ``Authorization: Bearer <token>``;
- otherwise, with ``INSIGNIA_METRICS_ADDRESS`` set (``10.0.0.5:9100``): only that internal
  listener serves it (``insignia serve`` starts it), never the public port;
- otherwise: open in development and test, and off (404) in production.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import threading
from datetime import UTC, datetime

import uvicorn
from prometheus_client.core import Metric
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from insignia.infra import metrics
from insignia.infra.db import Database, create_engine
from insignia.infra.http import bearer_credential
from insignia.infra.outbox import queue_stats
from insignia.infra.settings import Settings

logger = logging.getLogger(__name__)
_QUEUE_TIMEOUT_SECONDS = 2.0


def public_port_serves_metrics(settings: Settings) -> bool:
    """Whether ``/metrics`` answers on the API's own port."""
    if not settings.metrics_enabled:
        return False
    if settings.metrics_token is not None:
        return True
    return settings.metrics_address is None and settings.env != "production"


async def _queue_families(database: Database | None) -> list[Metric]:
    if database is None:
        return []
    try:
        async with asyncio.timeout(_QUEUE_TIMEOUT_SECONDS), database.session() as session:
            stats = await queue_stats(session)
    except Exception as exc:  # noqa: BLE001 - a scrape still answers the process metrics
        logger.warning("cannot read the job queue for metrics", extra={"error": repr(exc)})
        return [metrics.gauge_family("insignia_outbox_up", "Whether the job queue could be read.", [], [(0,)])]
    now = datetime.now(UTC)
    oldest: dict[str, float] = {}
    for row in stats:
        age = max(0.0, (now - row.oldest).total_seconds())
        oldest[row.status] = max(oldest.get(row.status, 0.0), age)
    return [
        metrics.gauge_family("insignia_outbox_up", "Whether the job queue could be read.", [], [(1,)]),
        metrics.gauge_family(
            "insignia_outbox_events",
            "Jobs (outbox events) waiting (pending), handed to a worker (dispatched) or dead, by kind.",
            ["status", "kind"],
            [(r.status, r.kind, r.events) for r in stats],
        ),
        metrics.gauge_family(
            "insignia_outbox_oldest_age_seconds",
            "Age of the oldest pending, dispatched or dead job.",
            ["status"],
            [(status, oldest.get(status, 0.0)) for status in ("pending", "dispatched", "dead")],
        ),
        metrics.gauge_family(
            "insignia_jobs_dead",
            "Dead jobs waiting for an operator (insignia jobs retry).",
            [],
            [(sum(r.events for r in stats if r.status == "dead"),)],
        ),
    ]


async def _answer(settings: Settings, database: Database | None) -> Response:
    body = metrics.render(settings.metrics_multiprocess_dir, await _queue_families(database))
    return Response(body, media_type=metrics.CONTENT_TYPE, headers={"Cache-Control": "no-store"})


async def metrics_endpoint(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not public_port_serves_metrics(settings):
        return JSONResponse({"errors": [{"message": "Not found.", "extensions": {"code": "NOT_FOUND"}}]}, 404)
    if settings.metrics_token is not None:
        given = bearer_credential(request) or ""
        if not hmac.compare_digest(given.encode(), settings.metrics_token.encode()):
            return JSONResponse(
                {
                    "errors": [
                        {
                            "message": "Send the metrics token as a bearer token.",
                            "extensions": {"code": "UNAUTHENTICATED"},
                        }
                    ]
                },
                401,
                headers={"WWW-Authenticate": "Bearer"},
            )
    return await _answer(settings, request.app.state.database)


ROUTES = [Route("/metrics", metrics_endpoint, methods=["GET"])]


class InternalMetricsServer:
    """``/metrics`` on an internal address of its own (``INSIGNIA_METRICS_ADDRESS``), in a thread
    with its own event loop and a small connection pool: it works the same beside one API process,
    beside ``--workers N`` (it adds up their files) and beside ``insignia worker``."""

    def __init__(self, settings: Settings, address: tuple[str, int], app_database_url: str | None) -> None:
        self.settings = settings
        self.address = address
        self.app_database_url = app_database_url
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def _app(self, database: Database | None) -> Starlette:
        async def scrape(_request: Request) -> Response:
            return await _answer(self.settings, database)

        return Starlette(routes=[Route("/metrics", scrape, methods=["GET"])])

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            async def serve() -> None:
                database = (
                    Database(create_engine(self.app_database_url, pool_size=1, pre_ping=True))
                    if self.app_database_url
                    else None
                )
                config = uvicorn.Config(
                    self._app(database), host=self.address[0], port=self.address[1],
                    log_config=None, access_log=False, lifespan="off",
                )  # fmt: skip
                self.server = uvicorn.Server(config)
                ready.set()
                try:
                    await self.server.serve()
                finally:
                    if database is not None:
                        await database.dispose()

            asyncio.run(serve())

        self.thread = threading.Thread(target=run, name="insignia-metrics", daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(5)
