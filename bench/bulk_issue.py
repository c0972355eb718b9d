"""Bulk issue: award one badge class to N people (10,000 by default) through the job pipeline.

    .venv/bin/python bench/bulk_issue.py [--people 10000] [--broker redis://127.0.0.1:6379/0 | --inline]

Seeds a throwaway database, submits one bulk issue (as awardIssueBulk does), starts a real
`insignia worker`, and prints: awards/s until the import reports done, and until every follow-up
job (award.issued webhook fan-out, badge-chain evaluation) has drained too. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid

from sqlalchemy import func, select

from bench._common import create_database, drop_database, run, seed_learners, start, worker_env
from insignia.infra.db import Database, create_engine, set_tenant
from insignia.infra.outbox import OutboxEvent
from insignia.platform.credentials.models import Award
from insignia.platform.imports.service import Import, bulk_issue
from insignia.tenants.auth import person_principal


async def submit(owner_url: str, seeded: dict[str, object]) -> uuid.UUID:
    db = Database(create_engine(owner_url, pool_size=1))
    try:
        async with db.tenant_transaction(seeded["tenant_id"]) as s:  # type: ignore[arg-type]
            record = await bulk_issue(
                s,
                person_principal(seeded["admin"]),  # type: ignore[arg-type]
                badge_class_id=seeded["badges"][0]["id"],  # type: ignore[index]
                recipient_ids=[p["id"] for p in seeded["people"]],  # type: ignore[attr-defined]
            )
            return record.id
    finally:
        await db.dispose()


async def watch(
    owner_url: str, tenant_id: uuid.UUID, import_id: uuid.UUID, people: int, started: float
) -> tuple[float, float]:
    db = Database(create_engine(owner_url, pool_size=1))
    import_done = None
    try:
        while True:
            async with db.session() as s:
                await set_tenant(s, tenant_id)
                status = await s.scalar(select(Import.status).where(Import.id == import_id))
                awards = await s.scalar(select(func.count()).select_from(Award).where(Award.tenant_id == tenant_id))
                open_jobs = await s.scalar(
                    select(func.count())
                    .select_from(OutboxEvent)
                    .where(OutboxEvent.tenant_id == tenant_id, OutboxEvent.status.in_(["pending", "dispatched"]))
                )
            now = time.perf_counter() - started
            if import_done is None and status == "done":
                import_done = now
                print(f"import done: {awards} awards after {now:.1f} s")
            if import_done is not None and not open_jobs:
                return import_done, now
            if now > 1800:
                raise SystemExit(f"gave up: {awards} awards, {open_jobs} open jobs after {now:.0f} s")
            await asyncio.sleep(0.5)
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--inline", action="store_true", help="run jobs in-process (no broker)")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    name = f"insignia_bench_{uuid.uuid4().hex[:8]}"
    owner_url = run(create_database(name))
    try:
        seeded = run(seed_learners(owner_url, args.people))
        submitted = time.perf_counter()
        import_id = run(submit(owner_url, seeded))
        print(f"submitted {args.people} recipients in {time.perf_counter() - submitted:.2f} s")
        extra = {"INSIGNIA_RELAY_POLL_SECONDS": "0.05", "INSIGNIA_JOB_VISIBILITY_SECONDS": "300"}
        if not args.inline:
            extra["BROKER_URL"] = args.broker
        with tempfile.TemporaryFile() as log:
            started = time.perf_counter()
            workers = [start(["worker"], worker_env(owner_url, **extra), log) for _ in range(args.workers)]
            try:
                import_s, drained_s = run(watch(owner_url, seeded["tenant_id"], import_id, args.people, started))
            finally:
                for w in workers:
                    w.terminate()
                for w in workers:
                    w.wait(timeout=60)
        where = "in-process" if args.inline else args.broker
        print(
            f"awards issued:      {args.people / import_s:,.0f} awards/s ({import_s:.1f} s incl. worker start; {where}, {args.workers} worker(s))"
        )
        print(
            f"incl. follow-ups:   {args.people / drained_s:,.0f} awards/s ({drained_s:.1f} s until every follow-up job was done)"
        )
    finally:
        run(drop_database(name))


if __name__ == "__main__":
    main()
