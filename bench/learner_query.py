"""The learner's awards query under load, on a tenant of 10,000 learners.

    .venv/bin/python bench/learner_query.py [--learners 10000] [--awards-each 5] [--requests 4000] [--concurrency 16]

Seeds a throwaway database (learners, 20 published badge classes with 3 skills each, awards),
starts a real `insignia serve` process on 127.0.0.1 (production mode, no jobs), and sends a
bounded number of requests of

    { viewer { awards(first: 50) { edges { node { status issuedAt badgeClass { name skills { name } } } } } } }

each as a random learner, from this process. Prints requests/s and latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import tempfile
import time
import uuid
from datetime import timedelta

import httpx

from bench._common import SECRET, create_database, drop_database, run, seed_learners, start, wait_ready, worker_env
from insignia.tenants.auth import issue_token
from insignia.tenants.models import Person

QUERY = "{ viewer { awards(first: 50) { edges { node { status issuedAt badgeClass { name skills { name } } } } } } }"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(base: str, tokens: list[str], requests: int, concurrency: int, query: str = QUERY) -> list[float]:
    latencies: list[float] = []
    remaining = iter(range(requests))
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:

        async def one_worker() -> None:
            for _ in remaining:
                token = random.choice(tokens)  # noqa: S311 - load spread, not security
                started = time.perf_counter()
                response = await client.post(
                    "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
                )
                latencies.append(time.perf_counter() - started)
                body = response.json()
                if response.status_code != 200 or "errors" in body:
                    raise SystemExit(f"bad answer: {response.status_code} {response.text[:300]}")

        await asyncio.gather(*(one_worker() for _ in range(concurrency)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--awards-each", type=int, default=5)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="API processes (insignia serve --workers)")
    args = parser.parse_args()
    name = f"insignia_bench_{uuid.uuid4().hex[:8]}"
    owner_url = run(create_database(name))
    try:
        seeded = run(seed_learners(owner_url, args.learners, badge_classes=20, awards_each=args.awards_each))
        sample = random.sample(seeded["people"], min(500, len(seeded["people"])))
        tokens = [
            issue_token(
                SECRET, "insignia", Person(id=p["id"], tenant_id=p["tenant_id"], session_version=1), timedelta(hours=1)
            )
            for p in sample
        ]
        port = _port()
        with tempfile.TemporaryFile() as log:
            server = start(
                ["serve", "--port", str(port), "--workers", str(args.workers)],
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
                run(load(base, tokens, 200, args.concurrency))  # warm-up: connections, caches
                started = time.perf_counter()
                latencies = run(load(base, tokens, args.requests, args.concurrency))
                elapsed = time.perf_counter() - started
            finally:
                server.terminate()
                server.wait(timeout=30)
        latencies.sort()
        pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
        print(
            f"tenant: {args.learners} learners, {args.learners * args.awards_each} awards; query: viewer.awards(first: 50) with badge classes and skills"
        )
        print(
            f"requests: {args.requests} at concurrency {args.concurrency}, {args.workers} API process(es), client and PostgreSQL on the same 2 cores"
        )
        print(f"throughput: {args.requests / elapsed:,.0f} requests/s")
        print(
            f"latency: p50 {pct(0.50):.1f} ms, p90 {pct(0.90):.1f} ms, p99 {pct(0.99):.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms"
        )
    finally:
        run(drop_database(name))


if __name__ == "__main__":
    main()
