"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from insignia.graphql.view import GraphQLEndpoint
from insignia.infra.db import Database
from insignia.infra.http import BodySizeLimitMiddleware, RequestIdMiddleware
from insignia.infra.settings import Settings
from insignia.web import openbadges, xapi
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
            Route("/graphql", GraphQLEndpoint(settings, database), methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/xapi/statements", xapi.statements, methods=["POST"]),
            *openbadges.ROUTES,
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
