"""The floor of bench/compare.py: starlette + asyncpg, one hand-written SQL statement per request.

It verifies the bearer token (the same key as Insignia), binds the transaction to the token's
tenant (forced row-level security, as the application role) and returns the JSON PostgreSQL
builds, as is. No GraphQL: no server that parses and executes GraphQL can beat it.

    uvicorn bench.floor:app --workers 2   (FLOOR_DATABASE_URL, FLOOR_SECRET)
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from insignia.tenants.auth import token_caller

SQL = """
SELECT json_build_object('data', json_build_object('viewer', json_build_object('awards', json_build_object(
  'edges', coalesce(json_agg(json_build_object('node', json_build_object(
    'status', CASE WHEN a.revoked_at IS NOT NULL THEN 'REVOKED' WHEN a.suspended_at IS NOT NULL THEN 'SUSPENDED'
                   WHEN a.expires_at IS NOT NULL AND a.expires_at <= now() THEN 'EXPIRED' ELSE 'ACTIVE' END,
    'issuedAt', a.issued_at,
    'badgeClass', json_build_object('name', b.name, 'skills', (
        SELECT coalesce(json_agg(json_build_object('name', s.name) ORDER BY s.name), '[]')
        FROM badge_class_skills bs JOIN skills s ON s.tenant_id = bs.tenant_id AND s.id = bs.skill_id
        WHERE bs.tenant_id = b.tenant_id AND bs.badge_class_id = b.id))
  )) ORDER BY a.id), '[]')))))::text
FROM (SELECT * FROM awards WHERE tenant_id = $1 AND recipient_id = $2 ORDER BY id LIMIT 50) a
JOIN badge_classes b ON b.tenant_id = a.tenant_id AND b.id = a.badge_class_id
"""

_pools: list[asyncpg.Pool] = []


async def _no_reset(_conn: asyncpg.Connection) -> None:
    return None


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    # No reset on release: the tenant is transaction-local, nothing else is set on a connection.
    pool = await asyncpg.create_pool(os.environ["FLOOR_DATABASE_URL"], min_size=4, max_size=8, reset=_no_reset)
    _pools.append(pool)
    try:
        yield
    finally:
        await pool.close()


async def graphql(request: Request) -> Response:
    await request.body()
    header = request.headers.get("authorization", "")
    caller = token_caller(header.removeprefix("Bearer "), secret_key=os.environ["FLOOR_SECRET"], issuer="insignia")
    if caller is None:
        return Response('{"errors":[{"message":"unauthenticated"}]}', 401, media_type="application/json")
    async with _pools[0].acquire() as conn, conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(caller.tenant_id))
        body = await conn.fetchval(SQL, caller.tenant_id, caller.person_id)
    return Response(body, media_type="application/json")


app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)
