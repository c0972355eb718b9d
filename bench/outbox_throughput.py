"""Outbox throughput: commit N events, then time them through relay + worker until all are done.

    .venv/bin/python bench/outbox_throughput.py [--events 10000] [--broker redis://127.0.0.1:6379/0]
                                                [--threads 8] [--mode broker|inline]

Uses a throwaway database on the PostgreSQL at INSIGNIA_BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres) and a real `insignia worker` process. Each event is
a domain event (``event.publish``) whose handler finds subscribed webhook endpoints (none here)
and marks it done: the cost measured is the machinery (claim, broker round trip, tenant
transaction, idempotent completion), not an external effect. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime

import asyncpg
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from insignia.infra.db import Database, create_engine, set_tenant
from insignia.infra.ids import uuid7
from insignia.infra.migrate import migrate
from insignia.infra.outbox import OutboxEvent
from insignia.tenants.tenant import create_tenant

ADMIN_URL = os.environ.get("INSIGNIA_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
OWNER, APP = "insignia_bench_owner", "insignia_bench_app"


async def setup(name: str) -> str:
    admin = make_url(ADMIN_URL)
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", OWNER):
            await conn.execute(f"CREATE ROLE {OWNER} LOGIN NOSUPERUSER CREATEROLE")
        await conn.execute(f"CREATE DATABASE {name} OWNER {OWNER}")
    finally:
        await conn.close()
    owner_url = admin.set(drivername="postgresql+asyncpg", username=OWNER, password=None, database=name)
    await migrate(owner_url, app_role=APP)
    return owner_url.render_as_string(hide_password=False)


async def drop(name: str) -> None:
    conn = await asyncpg.connect(make_url(ADMIN_URL).render_as_string(hide_password=False))
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await conn.close()


async def commit_events(owner_url: str, count: int) -> tuple[uuid.UUID, float]:
    db = Database(create_engine(owner_url, pool_size=2))
    try:
        async with db.session() as s:
            tenant, _ = await create_tenant(
                s, slug=f"bench-{uuid.uuid4().hex[:6]}", name="Bench", admin_email="a@bench.example"
            )
            await s.commit()
        started = time.perf_counter()
        now = datetime.now(UTC).isoformat()
        for offset in range(0, count, 1000):
            async with db.tenant_transaction(tenant.id) as s:
                await s.execute(
                    insert(OutboxEvent),
                    [
                        {
                            "tenant_id": tenant.id,
                            "id": uuid7(),
                            "kind": "event.publish",
                            "payload": {"type": "person.created", "data": {"n": offset + i}, "occurredAt": now},
                        }
                        for i in range(min(1000, count - offset))
                    ],
                )
        return tenant.id, time.perf_counter() - started
    finally:
        await db.dispose()


async def wait_done(owner_url: str, tenant_id: uuid.UUID, count: int, started: float, limit: float) -> float:
    db = Database(create_engine(owner_url, pool_size=1))
    try:
        while True:
            async with db.session() as s:
                await set_tenant(s, tenant_id)
                done = await s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status == "done"))
            if done is not None and done >= count:
                return time.perf_counter() - started
            if time.perf_counter() - started > limit:
                raise SystemExit(f"only {done} of {count} events done after {limit:.0f} s")
            await asyncio.sleep(0.25)
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--mode", choices=["broker", "inline"], default="broker")
    parser.add_argument("--limit-seconds", type=float, default=600)
    args = parser.parse_args()

    name = f"insignia_bench_{uuid.uuid4().hex[:8]}"
    owner_url = asyncio.run(setup(name))
    try:
        tenant_id, commit_seconds = asyncio.run(commit_events(owner_url, args.events))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGNIA_", "BROKER_URL", "DATABASE_URL"))}
        env.update(
            DATABASE_URL=owner_url,
            INSIGNIA_APP_ROLE=APP,
            INSIGNIA_SECRET_KEY="bench-" + "s" * 40,
            INSIGNIA_ENV="test",
            INSIGNIA_QUEUE=f"bench-{uuid.uuid4().hex[:6]}",
            INSIGNIA_WORKER_THREADS=str(args.threads),
            INSIGNIA_RELAY_POLL_SECONDS="0.05",
            INSIGNIA_RELAY_BATCH="500",
            INSIGNIA_JOB_VISIBILITY_SECONDS="120",
            INSIGNIA_LOG_LEVEL="WARNING",
        )
        if args.mode == "broker":
            env["BROKER_URL"] = args.broker
        with tempfile.TemporaryFile() as log:
            started = time.perf_counter()
            workers = [
                subprocess.Popen([sys.executable, "-m", "insignia", "worker"], env=env, stdout=log, stderr=log)
                for _ in range(args.workers)
            ]
            try:
                elapsed = asyncio.run(wait_done(owner_url, tenant_id, args.events, started, args.limit_seconds))
            finally:
                for worker in workers:
                    worker.terminate()
                for worker in workers:
                    worker.wait(timeout=60)
        where = args.broker if args.mode == "broker" else "in-process (no broker)"
        print(f"events:            {args.events}")
        print(
            f"commit:            {args.events / commit_seconds:,.0f} events/s ({commit_seconds:.2f} s, batches of 1000)"
        )
        print(
            f"relay + worker:    {args.events / elapsed:,.0f} events/s ({elapsed:.2f} s incl. worker start-up; {where}, {args.workers} x {args.threads} threads)"
        )
    finally:
        asyncio.run(drop(name))


if __name__ == "__main__":
    main()
