"""The ASGI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from insignia.graphql import ide
from insignia.graphql.view import GraphQLEndpoint
from insignia.infra import metrics, tracing
from insignia.infra.db import Database, create_engine
from insignia.infra.http import BodySizeLimitMiddleware, ForcedStopMiddleware, RequestIdMiddleware
from insignia.infra.logging import configure_logging
from insignia.infra.ratelimit import IpRateLimitMiddleware, RateLimiter, build_store
from insignia.infra.settings import ConfigurationError, Settings, load_settings
from insignia.tenants.limits import LimitsCache, TenantLimits
from insignia.web import exports, guide, openbadges, portal, scim, sso, xapi
from insignia.web import metrics as metrics_endpoint
from insignia.web.health import healthz, readyz
from insignia.workers.runtime import InlineJobs


def create_app(
    settings: Settings, database: Database, *, dispose_on_shutdown: bool = True, inline_jobs: bool = False
) -> Starlette:
    """The API over an open ``database``; the caller decides where the database comes from.

    ``inline_jobs`` runs the job relay and processor inside this process (no broker).
    """

    limiter = RateLimiter(
        build_store(settings.rate_limit_store, lambda: create_engine(database.engine.url, pool_size=4, pre_ping=False))
    )
    tenant_limits = LimitsCache(database, TenantLimits.defaults(settings))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        jobs = InlineJobs(settings, database) if inline_jobs else None
        if jobs is not None:
            jobs.start()
        grace = settings.shutdown_grace_seconds
        try:
            yield
        except asyncio.CancelledError:
            # A second Ctrl-C: uvicorn skips the graceful shutdown and the loop cancels us. Stop at
            # once and quietly (jobs cut short come back after the visibility timeout) rather than
            # report a failed shutdown with a traceback.
            grace = 0.0
        finally:
            # uvicorn has let in-flight requests finish; running jobs finish too, claimed ones go back.
            if jobs is not None:
                await jobs.close(grace)
            await limiter.close()
            if dispose_on_shutdown:
                await database.dispose()

    app = Starlette(
        routes=[
            Route(
                "/graphql",
                GraphQLEndpoint(settings, database, limiter, tenant_limits),
                methods=["GET", "POST", "OPTIONS"],
            ),
            *metrics_endpoint.ROUTES,
            *(ide.ROUTES if settings.development else []),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/xapi/statements", xapi.statements, methods=["POST"]),
            *openbadges.ROUTES,
            *guide.ROUTES,
            *exports.ROUTES,
            *sso.ROUTES,
            *scim.ROUTES,
            *portal.ROUTES,
        ],
        middleware=[
            *([Middleware(tracing.ServerSpans)] if tracing.enabled() else []),
            Middleware(ForcedStopMiddleware),
            Middleware(RequestIdMiddleware),
            *([Middleware(metrics.MetricsMiddleware)] if settings.metrics_enabled else []),
            Middleware(
                IpRateLimitMiddleware,
                limiter=limiter,
                limit=settings.rate_limit_ip,
                applies=_public_path,
                on_refused=metrics.record_rate_limited,
            ),
            Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
    metrics.label_routes(app.routes)
    app.state.database = database
    app.state.settings = settings
    app.state.rate_limiter = limiter
    app.state.tenant_limits = tenant_limits
    return app


# Authenticated surfaces draw on their caller's and tenant's limits, operations ones on none;
# everything else (badge pages, Open Badges documents, DID documents, sign-in endpoints) is
# public and limited per address.
_NOT_PUBLIC = ("/graphql", "/xapi/", "/scim/", "/healthz", "/readyz", "/metrics")


def _public_path(path: str) -> bool:
    return not path.startswith(_NOT_PUBLIC)


def app_from_settings() -> Starlette:
    """For ``insignia serve --workers N``: each worker process builds its app from the settings
    (the parent resolved ``INSIGNIA_APP_DATABASE_URL``, migrated and seeded before starting them)."""
    settings = load_settings()
    configure_logging(settings.log_level)
    tracing.configure_tracing(settings.tracing_exporter)
    if settings.app_database_url is None:
        raise ConfigurationError("INSIGNIA_APP_DATABASE_URL is required for worker processes")
    database = Database(create_engine(settings.app_database_url, pool_size=settings.db_pool_size))
    return create_app(settings, database, inline_jobs=settings.broker_url is None)
