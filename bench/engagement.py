"""Engagement at scale: leaderboards and the activity feed under load, and the cost of a point change.

    .venv/bin/python -m bench.engagement [--people 50000] [--awards-each 20] [--requests 1000] [--concurrency 4]

Seeds a throwaway database with one tenant of ``--people`` people (80% employees under a management
tree, 15% partners of 10 companies, 5% customers of 5 companies; 5% of employees pseudonymous, 5%
hidden), 200 badge classes with points, ``--awards-each`` awards per person (1,000,000 by default,
issued over the past year; 10% private), one ledger entry and one feed item per award, the totals
rebuilt from the ledger (``points.recompute``), and congratulations on 10,000 items. Rows are
written with COPY (as the database superuser, which row-level security does not bind) where the
volume needs it. Then:

1. The cost of a point change: the award hook (``points.award_changed``) timed and its SQL
   statements counted, for issue and revoke, in this tenant and in a tenant of 1,000 people: the
   work does not grow with the tenant.
2. Reads under load: a real ``insignia serve`` process (production mode, one process) answers,
   as random employees and partners, a leaderboard page with the viewer's rank (all time, this
   month, a partner company), and a feed page (20 items with person, badge and congratulations),
   alone (concurrency 1) and at bounded concurrencies (2 and ``--concurrency``; the load generator,
   the API process and PostgreSQL share the machine's cores). Requests/s, p50 and p99 per query,
   and the SQL statements of one request of each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bench._common import ADMIN_URL, SECRET, create_database, drop_database, run, start, wait_ready, worker_env
from bench.learner_query import _port, load
from insignia.infra.db import Database, count_statements, create_engine
from insignia.platform.credentials.models import Award
from insignia.platform.engagement import points
from insignia.platform.engagement.pseudonym import ADJECTIVES, ANIMALS
from insignia.tenants.auth import issue_token
from insignia.tenants.models import Person
from insignia.tenants.tenant import create_tenant

BOARD = (
    "{ leaderboard(period: ALL_TIME, first: 20) { viewerRank viewerPoints entries { rank displayName points"
    " person { name } } } }"
)
BOARD_MONTH = (
    "{ leaderboard(period: MONTH, first: 20) { viewerRank viewerPoints entries { rank displayName points } } }"
)
BOARD_COMPANY = '{ leaderboard(period: ALL_TIME, company: "Partner Co 3", first: 20) { viewerRank entries { rank displayName points } } }'
FEED = (
    "{ activityFeed(first: 20) { edges { node { kind createdAt person { name } badgeClass { name }"
    " congratulations viewerCongratulated } } pageInfo { endCursor } } }"
)
BADGES = 200


def uuid7_at(moment: datetime) -> uuid.UUID:
    """A version 7 UUID for a past moment (time-ordered like the application's ids)."""
    ms = int(moment.timestamp() * 1000)
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64 | 0b10 << 62 | rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


async def _tenant(owner_url: str, slug: str) -> tuple[uuid.UUID, uuid.UUID]:
    db = Database(create_engine(owner_url, pool_size=1))
    try:
        async with db.session() as s:
            tenant, admin = await create_tenant(s, slug=slug, name=f"Bench {slug}", admin_email=f"admin@{slug}.example")
            await s.commit()
            return tenant.id, admin.id
    finally:
        await db.dispose()


async def seed(owner_url: str, people: int, awards_each: int) -> dict[str, Any]:
    """The tenant described in the module's docstring; its ids and a sample of viewers."""
    rng = random.Random(16)  # noqa: S311 - a reproducible spread, not security
    tenant, _admin = await _tenant(owner_url, f"eng-{uuid.uuid4().hex[:6]}")
    now = datetime.now(UTC)
    audiences = [(uuid.uuid4(), "employee", "Staff", None)]
    audiences += [(uuid.uuid4(), "partner", f"Partners {i}", f"Partner Co {i}") for i in range(10)]
    audiences += [(uuid.uuid4(), "customer", f"Customers {i}", f"Customer Co {i}") for i in range(5)]
    employees = int(people * 0.8)
    partners = int(people * 0.15)
    rows_people = []
    kinds: list[str] = []
    for i in range(people):
        if i < employees:
            audience, kind = audiences[0][0], "employee"
            manager = rows_people[(i - 1) // 8][1] if i > 0 else None  # a tree, 8 reports each
        elif i < employees + partners:
            audience, kind, manager = audiences[1 + (i - employees) % 10][0], "partner", None
        else:
            audience, kind, manager = audiences[11 + (i - employees - partners) % 5][0], "customer", None
        person_id = uuid7_at(now - timedelta(days=400, seconds=people - i))
        rows_people.append(
            (tenant, person_id, f"p{i}@bench.example", f"Person {i}", audience, manager, ["learner", "manager"])
        )
        kinds.append(kind)
    badge_rows = [
        (tenant, uuid.uuid4(), f"Badge {b}", "A benchmark badge", "published", 5 + (b * 37) % 96, 1)
        for b in range(BADGES)
    ]
    badge_points = {b[1]: b[5] for b in badge_rows}
    award_rows, entry_rows, feed_rows = [], [], []
    index = 0
    for i, person in enumerate(rows_people):
        for k in range(awards_each):
            badge = badge_rows[(i * 7 + k * 13) % BADGES][1]
            issued = now - timedelta(seconds=rng.randrange(365 * 86400))
            award_id = uuid7_at(issued)
            visibility = "private" if rng.random() < 0.1 else "tenant"
            award_rows.append(
                (tenant, award_id, badge, person[1], 1, issued, "operator", visibility, "message", index, [])
            )
            entry_rows.append(
                (tenant, uuid7_at(issued), person[1], badge_points[badge], "award", "award.issued", badge, award_id,
                 "rule", issued)
            )  # fmt: skip
            feed_rows.append((tenant, uuid7_at(issued), person[1], person[4], "award", award_id, badge, issued))
            index += 1
    alias_pool = [f"{a} {b}" for a in ADJECTIVES for b in ANIMALS]
    rng.shuffle(alias_pool)
    profile_rows = []
    for i, person in enumerate(rows_people):
        roll = rng.random()
        choice = (
            None if kinds[i] != "employee" else ("hidden" if roll < 0.05 else "pseudonymous" if roll < 0.1 else None)
        )
        alias = alias_pool[i % len(alias_pool)] + ("" if i < len(alias_pool) else f" {i}")
        profile_rows.append((tenant, person[1], choice, alias, []))
    congratulations = []
    for item in rng.sample(feed_rows, min(10_000, len(feed_rows))):
        fan = rows_people[rng.randrange(employees)][1]
        if fan != item[2]:
            congratulations.append((tenant, item[1], fan))

    admin = make_url(ADMIN_URL).set(database=make_url(owner_url).database)
    conn = await asyncpg.connect(admin.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        async with conn.transaction():
            await conn.copy_records_to_table(
                "audiences", records=[(tenant, *a) for a in audiences],
                columns=["tenant_id", "id", "kind", "name", "partner_company"],
            )  # fmt: skip
            await conn.copy_records_to_table(
                "people", records=rows_people,
                columns=["tenant_id", "id", "email", "name", "audience_id", "manager_id", "roles"],
            )  # fmt: skip
            await conn.executemany(
                "INSERT INTO badge_classes (tenant_id, id, name, description, status, points, criteria_version, "
                "criteria, criteria_refs, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, '{}', $9)",
                [(*b, json.dumps({"mode": "all_of", "requirements": []}), now) for b in badge_rows],
            )
            await conn.copy_records_to_table(
                "awards", records=award_rows,
                columns=["tenant_id", "id", "badge_class_id", "recipient_id", "criteria_version", "issued_at",
                         "issuer_kind", "visibility", "status_purpose", "status_index", "reminders_sent"],
            )  # fmt: skip
            await conn.execute(
                "INSERT INTO status_lists (tenant_id, purpose, next_index) VALUES ($1, 'message', $2)", tenant, index
            )
            await conn.copy_records_to_table(
                "point_entries", records=entry_rows,
                columns=["tenant_id", "id", "person_id", "points", "source", "reason", "badge_class_id", "award_id",
                         "actor", "created_at"],
            )  # fmt: skip
            await conn.copy_records_to_table(
                "feed_items", records=feed_rows,
                columns=["tenant_id", "id", "person_id", "audience_id", "kind", "award_id", "badge_class_id",
                         "created_at"],
            )  # fmt: skip
            await conn.copy_records_to_table(
                "engagement_profiles", records=profile_rows,
                columns=["tenant_id", "person_id", "participation", "pseudonym", "pinned_award_ids"],
            )  # fmt: skip
            await conn.copy_records_to_table(
                "feed_congratulations", records=congratulations, columns=["tenant_id", "feed_item_id", "person_id"]
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    db = Database(create_engine(owner_url, pool_size=1))
    try:
        async with db.tenant_transaction(tenant) as s:
            await points.recompute(s, tenant)
    finally:
        await db.dispose()
    conn = await asyncpg.connect(admin.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        # A tenant in steady state: autovacuum has set the visibility map (index-only scans skip the heap).
        await conn.execute("VACUUM (ANALYZE) point_totals, feed_items, engagement_profiles, people, awards")
    finally:
        await conn.close()
    viewers = [rows_people[i][1] for i in rng.sample(range(employees), 400)]
    viewers += [rows_people[i][1] for i in rng.sample(range(employees, employees + partners), 100)]
    company_3 = [rows_people[i][1] for i in range(employees, employees + partners) if (i - employees) % 10 == 3]
    return {
        "tenant": tenant,
        "viewers": viewers,
        "company_3": company_3[:100],
        "people": [p[1] for p in rows_people],
        "badges": badge_rows,
    }


async def point_change_cost(
    owner_url: str, tenant: uuid.UUID, people: list[uuid.UUID], badges: list[Any], samples: int
) -> dict[str, tuple[float, float, int]]:
    """Per change (issue, revoke): p50 and p99 of the award hook's time (ms) and its statements."""
    db = Database(create_engine(owner_url, pool_size=1))
    out: dict[str, tuple[float, float, int]] = {}
    timings: dict[str, list[float]] = {"issued": [], "revoked": []}
    statements: dict[str, set[int]] = {"issued": set(), "revoked": set()}
    rng = random.Random(7)  # noqa: S311 - a reproducible spread, not security
    try:
        for _ in range(samples):
            person = rng.choice(people)
            badge = rng.choice(badges)[1]
            async with db.tenant_transaction(tenant) as s:
                held = await s.scalar(
                    select(Award.id).where(Award.recipient_id == person, Award.badge_class_id == badge)
                )
                if held is not None:
                    continue
                index = await s.scalar(
                    text(
                        "UPDATE status_lists SET next_index = next_index + 1 WHERE purpose = 'message' RETURNING next_index"
                    )
                )
                now = datetime.now(UTC)
                award = Award(
                    tenant_id=tenant, id=uuid7_at(now), badge_class_id=badge, recipient_id=person, criteria_version=1,
                    issued_at=now, issuer_kind="operator", reminders_sent=[], status_purpose="message",
                    status_index=index, visibility="tenant",
                )  # fmt: skip
                s.add(award)
                await s.flush()
                for change in ("issued", "revoked"):
                    if change == "revoked":
                        award.revoked_at = datetime.now(UTC)
                        await s.flush()
                    async with count_statements() as counter:
                        started = time.perf_counter()
                        await points.award_changed(s, award, change)
                        timings[change].append(time.perf_counter() - started)
                    statements[change].add(counter[0])
    finally:
        await db.dispose()
    for change, values in timings.items():
        values.sort()
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        out[change] = (values[len(values) // 2] * 1000, p99 * 1000, max(statements[change]))
    return out


async def small_tenant(owner_url: str) -> dict[str, Any]:
    """A tenant of 1,000 people with the same shape, for the cost comparison."""
    return await seed(owner_url, 1000, 20)


async def statements_per_request(owner_url: str, tenant: uuid.UUID, viewer: uuid.UUID, query: str) -> int:
    from insignia.app import create_app
    from insignia.infra.settings import Settings

    settings = Settings(env="production", database_url=owner_url, secret_key=SECRET, public_url="http://bench")
    db = Database(create_engine(owner_url, pool_size=2))
    app = create_app(settings, db, dispose_on_shutdown=False)
    token = issue_token(
        SECRET, settings.token_issuer, Person(id=viewer, tenant_id=tenant, session_version=1), timedelta(hours=1)
    )
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            headers = {"Authorization": f"Bearer {token}"}
            await client.post("/graphql", json={"query": query}, headers=headers)
            async with count_statements() as counter:
                response = await client.post("/graphql", json={"query": query}, headers=headers)
            assert "errors" not in response.json(), response.text[:300]
            return counter[0]
    finally:
        await db.dispose()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--skip-cost", action="store_true", help="only the reads")
    parser.add_argument("--awards-each", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    name = f"insignia_bench_{uuid.uuid4().hex[:8]}"
    owner_url = run(create_database(name))
    try:
        started = time.perf_counter()
        world = run(seed(owner_url, args.people, args.awards_each))
        print(
            f"tenant: {args.people:,} people, {args.people * args.awards_each:,} awards, as many ledger entries and "
            f"feed items, {len(world['viewers'])} sample viewers (seeded in {time.perf_counter() - started:.0f} s)"
        )
        small = run(small_tenant(owner_url)) if not args.skip_cost else None
        for label, seeded in ((f"{args.people:,} people", world), ("1,000 people", small)) if small else ():
            cost = run(point_change_cost(owner_url, seeded["tenant"], seeded["people"], seeded["badges"], args.samples))
            print(
                f"point change ({label}): "
                + "; ".join(
                    f"{change} p50 {p50:.2f} ms, p99 {p99:.2f} ms, {stmts} SQL statements"
                    for change, (p50, p99, stmts) in cost.items()
                )
            )
        tenant = world["tenant"]
        queries = {
            "leaderboard all time, with viewer rank": BOARD,
            "leaderboard this month, with viewer rank": BOARD_MONTH,
            "leaderboard of a partner company": BOARD_COMPANY,
            "activity feed, 20 items": FEED,
        }
        employee, partner = world["viewers"][0], world["company_3"][0]
        for label, query in queries.items():
            viewer = partner if "partner company" in label else employee
            print(
                f"{label}: {run(statements_per_request(owner_url, tenant, viewer, query))} SQL statements per request"
            )
        everyone = world["viewers"]

        def tokens_for(ids: list[uuid.UUID]) -> list[str]:
            return [
                issue_token(SECRET, "insignia", Person(id=p, tenant_id=tenant, session_version=1), timedelta(hours=2))
                for p in ids
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
                    # A load test is a runaway script by design: the per-person and tenant limits stay off.
                    INSIGNIA_RATE_LIMIT_PERSON="off",
                    INSIGNIA_RATE_LIMIT_TENANT="off",
                    INSIGNIA_RATE_LIMIT_IP="off",
                ),
                log,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                run(wait_ready(base))
                for label, query in queries.items():
                    viewers = tokens_for(world["company_3"] if "partner company" in label else everyone)
                    run(load(base, viewers, 50, args.concurrency, query))  # warm up
                    for concurrency in sorted({1, 2, args.concurrency}):
                        requests = args.requests if concurrency > 1 else max(100, args.requests // 4)
                        began = time.perf_counter()
                        latencies = run(load(base, viewers, requests, concurrency, query))
                        elapsed = time.perf_counter() - began
                        print(
                            f"{label}: {requests} requests at concurrency {concurrency}, one API process: "
                            f"{requests / elapsed:,.0f} requests/s, p50 {_pct(latencies, 0.5):.1f} ms, "
                            f"p99 {_pct(latencies, 0.99):.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms"
                        )
            finally:
                server.terminate()
                server.wait(timeout=30)
                log.seek(0)
                tail = log.read()[-2000:].decode(errors="replace").strip()
                if tail:
                    print("server log (tail):", tail)
    finally:
        run(drop_database(name))


if __name__ == "__main__":
    main()
