"""Pathways at scale: re-evaluation after one award, and the learner's pathways query under load.

    .venv/bin/python -m bench.pathways [--learners 10000] [--steps 20] [--samples 200] [--requests 2000]

Seeds a throwaway database: a tenant of ``--learners`` learners with 5 awards each, 3 published
pathways of ``--steps`` badge-class steps each (nested all-of / n-of groups), every learner
enrolled in all three. Then:

1. Re-evaluation: for ``--samples`` random learners, issue one award of a badge class that two
   of their pathways count, and time the ``pathway.evaluate`` job that follows (run in-process,
   in its own transaction), per affected enrolment, with its SQL statements. The work depends on
   the person's enrolments, not on the tenant's size: ``--learners 1000`` gives the same figures.
2. Reads: a real ``insignia serve`` process answers, as random learners,

       { viewer { enrolments { edges { node { percent pathway { name }
         nodes { met missing } next { title } } } } } }

   (requests/s, p50/p99), and the SQL statements per request, measured in-process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import insert, select

from bench._common import SECRET, create_database, drop_database, run, seed_learners, start, wait_ready, worker_env
from bench.learner_query import _port, load
from insignia.infra.db import Database, count_statements, create_engine
from insignia.infra.ids import uuid7
from insignia.platform.credentials import issuing
from insignia.platform.credentials.models import BadgeClass
from insignia.platform.pathways import pathway as pathways
from insignia.platform.pathways import progress
from insignia.platform.pathways import tree as trees
from insignia.platform.pathways.models import Enrolment
from insignia.tenants.auth import issue_token, operator_principal
from insignia.tenants.models import Person

QUERY = "{ viewer { enrolments { edges { node { percent pathway { name } nodes { met missing } next { title } } } } } }"


def _tree(badges: list[uuid.UUID], steps: int) -> trees.NodeInput:
    """``steps`` badge steps in groups of 5: all of the first group, then 4 of 5 in each other group."""
    groups = []
    for g, first in enumerate(range(0, steps, 5)):
        chunk = badges[first : first + 5]
        path = f"requirement.allOf.{g}"
        leaves = [trees.NodeInput(f"{path}.of.{i}", badge=b) for i, b in enumerate(chunk)]
        if g == 0:
            groups.append(trees.NodeInput(path, title=f"Group {g}", all_of=leaves))
        else:
            groups.append(trees.NodeInput(path, title=f"Group {g}", n=max(1, len(chunk) - 1), n_of=leaves))
    return trees.NodeInput("requirement", all_of=groups)


async def seed(owner_url: str, learners: int, steps: int) -> dict[str, Any]:
    seeded = await seed_learners(owner_url, learners, badge_classes=60, awards_each=5)
    tenant_id = seeded["people"][0]["tenant_id"]
    db = Database(create_engine(owner_url, pool_size=2))
    try:
        async with db.tenant_transaction(tenant_id) as s:
            badges = list((await s.scalars(select(BadgeClass.id).order_by(BadgeClass.id))).all())
            op = operator_principal(tenant_id)
            # Pathways 0 and 1 share their first 10 steps: one award touches two enrolments.
            chosen = [badges[0:steps], badges[0:10] + badges[20 : 20 + steps - 10], badges[40 : 40 + steps]]
            ids = []
            for i, refs in enumerate(chosen):
                made = await pathways.create_pathway(
                    s, op, pathways.PathwayInput(name=f"Pathway {i}", requirement=_tree(refs, steps))
                )
                await pathways.publish_pathway(s, op, made.id)
                ids.append(made.id)
            rows = [
                {
                    "tenant_id": tenant_id,
                    "id": uuid7(),
                    "pathway_id": pathway_id,
                    "person_id": p["id"],
                    "version": 1,
                    "enrolled_by": "bench",
                    "met_nodes": [],
                }
                for p in seeded["people"]
                for pathway_id in ids
            ]
            for offset in range(0, len(rows), 5000):
                await s.execute(insert(Enrolment), rows[offset : offset + 5000])
        return {"tenant_id": tenant_id, "people": seeded["people"], "shared_badges": badges[0:10]}
    finally:
        await db.dispose()


async def reevaluate(owner_url: str, world: dict[str, Any], samples: int) -> tuple[list[float], list[int], int]:
    """Per sample: issue one award (in its transaction), then time the evaluation job's work."""
    db = Database(create_engine(owner_url, pool_size=2))
    per_enrolment: list[float] = []
    statements: list[int] = []
    affected = 0
    try:
        for person in random.sample(world["people"], samples):
            badge = random.choice(world["shared_badges"])  # noqa: S311 - a benchmark's spread
            async with db.tenant_transaction(world["tenant_id"]) as s:
                await issuing.issue_award(
                    s, None, tenant_id=world["tenant_id"], badge_class_id=badge, recipient_id=person["id"]
                )
            async with db.tenant_transaction(world["tenant_id"]) as s, count_statements() as counter:
                started = time.perf_counter()
                count = await progress.evaluate_person(s, world["tenant_id"], person["id"], [badge])
                elapsed = time.perf_counter() - started
            if count:
                per_enrolment.append(elapsed / count)
                statements.append(counter[0])
                affected += count
    finally:
        await db.dispose()
    return per_enrolment, statements, affected


async def statements_per_read(owner_url: str, world: dict[str, Any]) -> int:
    from insignia.app import create_app
    from insignia.infra.settings import Settings

    settings = Settings(env="production", database_url=owner_url, secret_key=SECRET, public_url="http://bench")
    db = Database(create_engine(owner_url, pool_size=2))
    app = create_app(settings, db, dispose_on_shutdown=False)
    person = world["people"][0]
    token = issue_token(
        SECRET, settings.token_issuer, Person(id=person["id"], tenant_id=person["tenant_id"], session_version=1),
        timedelta(hours=1),
    )  # fmt: skip
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            headers = {"Authorization": f"Bearer {token}"}
            await client.post("/graphql", json={"query": QUERY}, headers=headers)
            async with count_statements() as counter:
                response = await client.post("/graphql", json={"query": QUERY}, headers=headers)
            assert "errors" not in response.json(), response.text[:300]
            return counter[0]
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    name = f"insignia_bench_{uuid.uuid4().hex[:8]}"
    owner_url = run(create_database(name))
    try:
        seeded_at = time.perf_counter()
        world = run(seed(owner_url, args.learners, args.steps))
        print(
            f"tenant: {args.learners} learners, 3 pathways of {args.steps} steps, {3 * args.learners} enrolments "
            f"(seeded in {time.perf_counter() - seeded_at:.0f} s)"
        )
        per, stmts, affected = run(reevaluate(owner_url, world, args.samples))
        per.sort()
        print(
            f"re-evaluation after one award: {len(per)} samples, {affected} enrolments touched; per affected enrolment "
            f"p50 {per[len(per) // 2] * 1000:.1f} ms, p99 {per[min(len(per) - 1, int(0.99 * len(per)))] * 1000:.1f} ms, "
            f"mean {statistics.mean(per) * 1000:.1f} ms; SQL statements per job {min(stmts)}-{max(stmts)}"
        )
        print(f"viewer.enrolments read: {run(statements_per_read(owner_url, world))} SQL statements per request")
        sample = random.sample(world["people"], min(500, len(world["people"])))
        tokens = [
            issue_token(
                SECRET, "insignia", Person(id=p["id"], tenant_id=p["tenant_id"], session_version=1), timedelta(hours=1)
            )
            for p in sample
        ]
        port = _port()
        with tempfile.TemporaryFile() as log:
            server = start(
                ["serve", "--port", str(port)],
                worker_env(
                    owner_url,
                    INSIGNIA_ENV="production",
                    INSIGNIA_LOG_LEVEL="ERROR",
                    BROKER_URL="redis://127.0.0.1:6379/0",
                ),
                log,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                run(wait_ready(base))
                run(load(base, tokens, 100, args.concurrency, QUERY))
                started = time.perf_counter()
                latencies = run(load(base, tokens, args.requests, args.concurrency, QUERY))
                elapsed = time.perf_counter() - started
            finally:
                server.terminate()
                server.wait(timeout=30)
        latencies.sort()
        print(
            f"viewer.enrolments under load: {args.requests} requests at concurrency {args.concurrency}, one API process: "
            f"{args.requests / elapsed:,.0f} requests/s, p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
            f"p99 {latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000:.1f} ms"
        )
    finally:
        run(drop_database(name))


if __name__ == "__main__":
    main()
