"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from insignia.graphql.view import GraphQLEndpoint
from insignia.infra.db import Database, create_engine
from insignia.infra.http import BodySizeLimitMiddleware, RequestIdMiddleware
from insignia.infra.logging import configure_logging
from insignia.infra.settings import ConfigurationError, Settings, load_settings
from insignia.web import guide, openbadges, scim, sso, xapi
from insignia.web.health import healthz, readyz
from insignia.workers.runtime import InlineJobs


def create_app(
    settings: Settings, database: Database, *, dispose_on_shutdown: bool = True, inline_jobs: bool = False
) -> Starlette:
    """The API over an open ``database``; the caller decides where the database comes from.

    ``inline_jobs`` runs the job relay and processor inside this process (no broker).
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        jobs = InlineJobs(settings, database) if inline_jobs else None
        if jobs is not None:
            jobs.start()
        try:
            yield
        finally:
            if jobs is not None:
                await jobs.close()
            if dispose_on_shutdown:
                await database.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", GraphQLEndpoint(settings, database), methods=["GET", "POST", "OPTIONS"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/xapi/statements", xapi.statements, methods=["POST"]),
            *openbadges.ROUTES,
            *guide.ROUTES,
            *sso.ROUTES,
            *scim.ROUTES,
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.settings = settings
    return app


def app_from_settings() -> Starlette:
    """For ``insignia serve --workers N``: each worker process builds its app from the settings
    (the parent resolved ``INSIGNIA_APP_DATABASE_URL``, migrated and seeded before starting them)."""
    settings = load_settings()
    configure_logging(settings.log_level)
    if settings.app_database_url is None:
        raise ConfigurationError("INSIGNIA_APP_DATABASE_URL is required for worker processes")
    database = Database(create_engine(settings.app_database_url, pool_size=settings.db_pool_size))
    return create_app(settings, database, inline_jobs=settings.broker_url is None)
