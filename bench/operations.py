"""What operating safely costs, and what it protects.

    .venv/bin/python -m bench.operations [--learners 10000] [--requests 1500] [--rounds 4] [--concurrency 16]

1. Overhead: the learner awards query (bench.learner_query's) against two `insignia serve`
   processes on the same seeded database, one with metrics, cost analysis and rate limiting on
   (the defaults, but the tenant's bucket made too large to refuse anything, so the machinery runs
   on every request without throttling the benchmark) and one with all three off. Rounds
   alternate between the two so that drift on the shared machine hits both. Prints requests/s
   and the API process's CPU time per request (read from the OS: steadier than wall-clock rates
   when other work shares the cores) of each round, the medians and the overhead; then the same
   comparison in this process (the ASGI app without server or network, CPU time per request).
2. A noisy tenant: a quiet tenant's learners send the same query at a steady rate alone, then
   while a noisy tenant's script floods the API as fast as it can (no backoff, ignoring 429),
   first with no limit for the noisy tenant, then with its tenant limit at 20 points and 10 a
   second. Prints the quiet tenant's latency each time and what became of the flood.

Client, server and PostgreSQL share this machine's cores: figures are relative, not absolute.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import multiprocessing
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

import httpx
import psutil
from sqlalchemy.engine import make_url

from bench._common import (
    APP,
    SECRET,
    create_database,
    drop_database,
    run,
    seed_learners,
    start,
    wait_ready,
    worker_env,
)
from bench.learner_query import QUERY, _port, load
from bench.learner_query import load as bench_load
from insignia.app import create_app
from insignia.infra.db import Database, create_engine
from insignia.infra.ratelimit import Limit
from insignia.infra.settings import Settings
from insignia.tenants.auth import issue_token
from insignia.tenants.models import Person

OFF = {
    "INSIGNIA_METRICS": "false",
    "INSIGNIA_GRAPHQL_MAX_COST": "off",
    "INSIGNIA_RATE_LIMIT_PERSON": "off",
    "INSIGNIA_RATE_LIMIT_API_KEY": "off",
    "INSIGNIA_RATE_LIMIT_TENANT": "off",
    "INSIGNIA_RATE_LIMIT_IP": "off",
}
# Defaults, except a tenant bucket no benchmark can empty: every check runs, none refuses.
ON = {"INSIGNIA_RATE_LIMIT_TENANT": "100000000/10000000"}


def _tokens(people: list[dict[str, object]], count: int) -> list[str]:
    sample = random.sample(people, min(count, len(people)))
    return [
        issue_token(
            SECRET,
            "insignia",
            Person(id=p["id"], tenant_id=p["tenant_id"], session_version=1),
            timedelta(hours=2),
        )
        for p in sample
    ]


def _serve(owner_url: str, port: int, extra: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    env = worker_env(
        owner_url, INSIGNIA_ENV="production", INSIGNIA_LOG_LEVEL="ERROR", BROKER_URL="redis://127.0.0.1:6379/0", **extra
    )
    return start(["serve", "--port", str(port)], env, log)


def _cpu_seconds(server: subprocess.Popen[bytes]) -> float:
    times = psutil.Process(server.pid).cpu_times()
    return float(times.user + times.system)


def overhead(owner_url: str, tokens: list[str], requests: int, rounds: int, concurrency: int) -> None:
    ports = {"on": _port(), "off": _port()}
    rates: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    with tempfile.TemporaryFile() as log:
        servers = {name: _serve(owner_url, port, ON if name == "on" else OFF, log) for name, port in ports.items()}
        try:
            for port in ports.values():
                run(wait_ready(f"http://127.0.0.1:{port}"))
                run(load(f"http://127.0.0.1:{port}", tokens, 300, concurrency))  # warm-up
            for index in range(rounds):
                for name in ("off", "on") if index % 2 == 0 else ("on", "off"):
                    used = _cpu_seconds(servers[name])
                    started = time.perf_counter()
                    run(load(f"http://127.0.0.1:{ports[name]}", tokens, requests, concurrency))
                    rates[name].append(requests / (time.perf_counter() - started))
                    cpu[name].append((_cpu_seconds(servers[name]) - used) / requests * 1000)
        finally:
            for server in servers.values():
                server.terminate()
                server.wait(timeout=30)
    on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
    cpu_on, cpu_off = statistics.median(cpu["on"]), statistics.median(cpu["off"])
    print(
        f"overhead: {rounds} alternating rounds of {requests} requests at concurrency {concurrency}, one API process each"
    )
    for name, label in (
        ("off", "off (no metrics, no cost analysis, no rate limits)"),
        ("on", "on  (metrics, cost analysis, rate limiting)        "),
    ):
        print(
            f"  {label}: "
            + ", ".join(f"{r:,.0f}" for r in rates[name])
            + " requests/s; API process CPU "
            + ", ".join(f"{c:.2f}" for c in cpu[name])
            + " ms/request"
        )
    print(f"  median requests/s: off {off:,.0f}, on {on:,.0f}; overhead {(off - on) / off * 100:+.1f} % of requests/s")
    print(
        f"  median API CPU per request: off {cpu_off:.2f} ms, on {cpu_on:.2f} ms; overhead {(cpu_on - cpu_off) / cpu_off * 100:+.1f} %"
        f" (the requests/s one API process can serve: {(cpu_off / cpu_on - 1) * 100:+.1f} %)"
    )


async def _in_process(owner_url: str, tokens: list[str], batch: int, rounds: int) -> dict[str, list[float]]:
    """CPU time per request of the app itself (no HTTP server, no client in the way): the same
    app twice, on and off, over one pool, in alternating batches of sequential requests."""
    app_url = make_url(owner_url).set(username=APP)
    database = Database(create_engine(app_url, pool_size=4))
    base = Settings(env="production", database_url=owner_url, app_role=APP, secret_key=SECRET)
    variants = {
        "on": dataclasses.replace(base, rate_limit_tenant=Limit(1e8, 1e7)),
        "off": dataclasses.replace(
            base, metrics_enabled=False, graphql_max_cost=None, rate_limit_person=None,
            rate_limit_api_key=None, rate_limit_tenant=None, rate_limit_ip=None,
        ),
    }  # fmt: skip
    clients = {
        name: httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(s, database, dispose_on_shutdown=False)), base_url="http://app"
        )
        for name, s in variants.items()
    }
    cpu: dict[str, list[float]] = {"on": [], "off": []}

    async def run_batch(client: httpx.AsyncClient, count: int) -> None:
        for _ in range(count):
            token = random.choice(tokens)  # noqa: S311
            response = await client.post(
                "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"}
            )
            if response.status_code != 200:
                raise SystemExit(f"bad answer: {response.status_code} {response.text[:300]}")

    try:
        for client in clients.values():
            await run_batch(client, 200)
        for index in range(rounds):
            for name in ("off", "on") if index % 2 == 0 else ("on", "off"):
                used = time.process_time()
                await run_batch(clients[name], batch)
                cpu[name].append((time.process_time() - used) / batch * 1000)
    finally:
        for client in clients.values():
            await client.aclose()
        await database.dispose()
    return cpu


def in_process(owner_url: str, tokens: list[str], batch: int, rounds: int) -> None:
    cpu = run(_in_process(owner_url, tokens, batch, rounds))
    on, off = statistics.median(cpu["on"]), statistics.median(cpu["off"])
    print(
        f"in process: {rounds} alternating batches of {batch} sequential requests through the ASGI app, CPU time per request"
    )
    print("  off: " + ", ".join(f"{c:.2f}" for c in cpu["off"]) + " ms")
    print("  on:  " + ", ".join(f"{c:.2f}" for c in cpu["on"]) + " ms")
    print(
        f"  median: off {off:.2f} ms, on {on:.2f} ms; overhead {(on - off) / off * 100:+.1f} % (requests/s: {(off / on - 1) * 100:+.1f} %)"
    )


async def _steady(base: str, tokens: list[str], rate: float, seconds: float) -> list[float]:
    """Requests at ``rate`` a second for ``seconds``, each as a random quiet learner; latencies."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def one(token: str) -> None:
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"}
            )
            if response.status_code != 200:
                raise SystemExit(f"the quiet tenant was refused: {response.status_code} {response.text[:200]}")
            latencies.append(time.perf_counter() - started)

        pending = []
        begin = time.perf_counter()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, begin + n / rate - time.perf_counter()))
            pending.append(asyncio.create_task(one(random.choice(tokens))))  # noqa: S311 - load spread
        await asyncio.gather(*pending)
    return latencies


async def _flood(base: str, tokens: list[str], seconds: float, concurrency: int) -> dict[int, int]:
    """A runaway script: as fast as it can for ``seconds``, no backoff; counts answers by status."""
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                response = await client.post(
                    "/graphql",
                    json={"query": QUERY},
                    headers={"Authorization": f"Bearer {random.choice(tokens)}"},  # noqa: S311
                )
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return statuses


def _flood_process(base: str, tokens: list[str], seconds: float, concurrency: int, out: Any) -> None:
    """The flood in a process of its own, so it does not slow the quiet tenant's client loop."""
    out.put(asyncio.run(_flood(base, tokens, seconds, concurrency)))


def _percentiles(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    pct = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pct(0.5):.1f} ms, p90 {pct(0.9):.1f} ms, p99 {pct(0.99):.1f} ms"


def _limit(owner_url: str, slug: str, tenant: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "insignia", "tenant", "limits", "--slug", slug, "--tenant", tenant],
        env=worker_env(owner_url), capture_output=True, text=True, check=True,
    )  # fmt: skip


def _phase(
    owner_url: str, quiet: list[str], noisy: list[str] | None, load: Load
) -> tuple[list[float], dict[int, int], float]:
    """The quiet tenant's latencies, the flood's answers by status, and the API process's CPU
    (share of one core) while the quiet tenant was measured."""
    port = _port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        server = _serve(owner_url, port, {}, log)
        try:
            run(wait_ready(base))
            run(bench_load(base, quiet, 100, 4))  # warm-up

            if noisy is None:
                used, started = _cpu_seconds(server), time.perf_counter()
                alone = asyncio.run(_steady(base, quiet, load.rate, load.seconds))
                return alone, {}, (_cpu_seconds(server) - used) / (time.perf_counter() - started)
            context = multiprocessing.get_context("spawn")
            results = context.Queue()
            flood = context.Process(
                target=_flood_process, args=(base, noisy, load.seconds + 1.5, load.flood_concurrency, results)
            )
            flood.start()
            time.sleep(1.0)  # the flood is under way (and has met its limit, if it has one)
            used, started = _cpu_seconds(server), time.perf_counter()
            latencies = asyncio.run(_steady(base, quiet, load.rate, load.seconds))
            busy = (_cpu_seconds(server) - used) / (time.perf_counter() - started)
            statuses: dict[int, int] = results.get(timeout=120)
            flood.join(timeout=30)
            return latencies, statuses, busy
        finally:
            server.terminate()
            server.wait(timeout=30)


@dataclass(frozen=True)
class Load:
    rate: float
    seconds: float
    flood_concurrency: int


def noisy_tenant(owner_url: str, quiet: list[str], noisy: list[str], noisy_slug: str, load: Load) -> None:
    alone, _, cpu_alone = _phase(owner_url, quiet, None, load)
    _limit(owner_url, noisy_slug, "off")
    unlimited, flood_free, cpu_free = _phase(owner_url, quiet, noisy, load)
    _limit(owner_url, noisy_slug, "20/10")
    limited, flood_limited, cpu_limited = _phase(owner_url, quiet, noisy, load)
    print(
        f"noisy tenant: the quiet tenant at {load.rate:.0f} requests/s for {load.seconds:.0f} s; the noisy tenant's script"
        f" floods at concurrency {load.flood_concurrency} without backoff (200 people, so no person limit stops it)"
    )
    print(f"  quiet alone:                                {_percentiles(alone)}; API process {cpu_alone:.0%} of a core")
    for label, latencies, statuses, busy in (
        ("during the flood, noisy tenant unlimited:  ", unlimited, flood_free, cpu_free),
        ("during the flood, noisy tenant at 20/10:   ", limited, flood_limited, cpu_limited),
    ):
        total = sum(statuses.values())
        print(
            f"  quiet {label}{_percentiles(latencies)}; p50 {(statistics.median(latencies) / statistics.median(alone) - 1) * 100:+.0f} %"
            f" vs alone; API process {busy:.0%} of a core; flood {total:,} requests, {statuses.get(200, 0):,} served,"
            f" {statuses.get(429, 0):,} refused (429)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--awards-each", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--quiet-rate", type=float, default=20.0, help="the quiet tenant's requests per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each quiet-tenant phase")
    parser.add_argument("--flood-concurrency", type=int, default=8)
    args = parser.parse_args()
    name = f"insignia_bench_{uuid.uuid4().hex[:8]}"
    owner_url = run(create_database(name))
    try:
        seeded = run(seed_learners(owner_url, args.learners, badge_classes=20, awards_each=args.awards_each))
        print(
            f"tenant: {args.learners} learners, {args.learners * args.awards_each} awards; query: viewer.awards(first: 50) with badge classes and skills"
        )
        tokens = _tokens(seeded["people"], 500)
        overhead(owner_url, tokens, args.requests, args.rounds, args.concurrency)
        in_process(owner_url, tokens, 300, args.rounds)
        noisy = run(seed_learners(owner_url, 200, badge_classes=20, awards_each=args.awards_each))
        noisy_tenant(
            owner_url,
            _tokens(seeded["people"], 200),
            _tokens(noisy["people"], 200),
            noisy["tenant_slug"],
            Load(args.quiet_rate, args.seconds, args.flood_concurrency),
        )
    finally:
        run(drop_database(name))


if __name__ == "__main__":
    main()
