"""Health endpoints for load balancers."""

from __future__ import annotations

import httpx
import pytest

from insignia.app import create_app
from insignia.infra.db import Database, create_engine
from insignia.infra.settings import Settings

pytestmark = pytest.mark.asyncio


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok"}
    assert ready.headers["x-request-id"]


async def test_readyz_fails_when_the_database_is_unreachable(settings: Settings) -> None:
    dead = Database(create_engine("postgresql://nobody@127.0.0.1:1/none", pool_size=1))
    app = create_app(settings, dead)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/healthz")).status_code == 200
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {"status": "unavailable", "database": "unreachable"}
    await dead.dispose()
