"""Skills and insights at scale: a manager's team gap, tenant insights, and the cost of keeping
skill profiles and insight counters current during bulk issues.

    .venv/bin/python -m bench.skills_insights [--people 50000] [--awards-each 20] [--calls 40]

Seeds a throwaway database (COPY-speed bulk inserts): a tenant of ``--people`` people, 500 badge
classes granting 300 skills at levels, ``--awards-each`` awards per person spread over a year,
40 role profiles of 8 skills, a manager with 200 transitive reports; then builds the skill
profiles and the daily counters from the awards (as the running system maintains them). Prints:

1. ``teamSkillGap`` for the manager (coverage, ranked gaps, the 200-person matrix): p50/p99;
2. tenant-wide ``insights`` for a year by month: p50/p99;
3. bulk issue (``issue_many`` of 2,000 awards): awards/s with the skill profiles and counters
   maintained, and without them (the difference is their cost).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text, update

from bench._common import create_database, drop_database, run, seed_learners
from insignia.infra.db import Database, create_engine
from insignia.infra.ids import uuid7
from insignia.platform.credentials import changes, issuing
from insignia.platform.credentials.models import BadgeClass, BadgeClassSkill
from insignia.platform.insights import report
from insignia.platform.skills import gap
from insignia.platform.skills.models import RoleProfile, RoleSkill
from insignia.tenants.auth import operator_principal
from insignia.tenants.models import Person

BACKFILL_COUNTERS = text(
    """
    INSERT INTO insight_daily (tenant_id, subject_kind, metric, day, subject_id, audience_id, value)
    SELECT a.tenant_id, 'badge_class', 'issued', (a.issued_at AT TIME ZONE 'UTC')::date, a.badge_class_id,
           p.audience_id, count(*)
      FROM awards a JOIN people p ON p.tenant_id = a.tenant_id AND p.id = a.recipient_id
     GROUP BY 1, 2, 3, 4, 5, 6
    """
)
BACKFILL_SKILLS = text(
    """
    INSERT INTO insight_daily (tenant_id, subject_kind, metric, day, subject_id, audience_id, value)
    SELECT a.tenant_id, 'skill', 'awarded', (a.issued_at AT TIME ZONE 'UTC')::date, s.skill_id, p.audience_id, count(*)
      FROM awards a JOIN people p ON p.tenant_id = a.tenant_id AND p.id = a.recipient_id
      JOIN badge_class_skills s ON s.tenant_id = a.tenant_id AND s.badge_class_id = a.badge_class_id
     GROUP BY 1, 2, 3, 4, 5, 6
    """
)
PROFILES = text(
    """
    INSERT INTO person_skills (tenant_id, person_id, skill_id, level, lapses_at, award_ids)
    SELECT a.tenant_id, a.recipient_id, s.skill_id, max(s.level), min(a.expires_at), array_agg(a.id)
      FROM awards a JOIN badge_class_skills s ON s.tenant_id = a.tenant_id AND s.badge_class_id = a.badge_class_id
     WHERE a.revoked_at IS NULL
     GROUP BY 1, 2, 3
    """
)


async def seed(owner_url: str, people: int, awards_each: int) -> dict[str, Any]:
    seeded = await seed_learners(owner_url, people, badge_classes=500, awards_each=awards_each, skills_each=1)
    tenant_id = seeded["people"][0]["tenant_id"]
    db = Database(create_engine(owner_url, pool_size=2))
    rng = random.Random(7)  # noqa: S311 - a benchmark's deterministic data
    try:
        async with db.tenant_transaction(tenant_id) as s:
            skills = list(await s.scalars(text("SELECT id FROM skills ORDER BY id LIMIT 300")))
            badges = list(await s.scalars(select(BadgeClass.id)))
            await s.execute(text("DELETE FROM badge_class_skills"))
            links = [
                {"tenant_id": tenant_id, "badge_class_id": b, "skill_id": sk, "level": rng.randint(1, 5)}
                for b in badges
                for sk in rng.sample(skills, 2)
            ]
            await s.execute(insert(BadgeClassSkill), links)
            # Spread the awards over the past year.
            await s.execute(text("UPDATE awards SET issued_at = now() - (random() * interval '365 days')"))
            roles = []
            for i in range(40):
                role = RoleProfile(tenant_id=tenant_id, id=uuid7(), name=f"Role {i}")
                s.add(role)
                roles.append(role)
            await s.flush()
            await s.execute(
                insert(RoleSkill),
                [
                    {"tenant_id": tenant_id, "role_id": r.id, "skill_id": sk, "level": rng.randint(1, 4)}
                    for r in roles
                    for sk in rng.sample(skills, 8)
                ],
            )
            ids = [p["id"] for p in seeded["people"]]
            manager, leads, members = ids[0], ids[1:11], ids[11:201]
            await s.execute(
                update(Person).where(Person.id.in_(leads)).values(manager_id=manager, roles=["manager", "learner"])
            )
            for i, member in enumerate(members):
                await s.execute(update(Person).where(Person.id == member).values(manager_id=leads[i % len(leads)]))
            await s.execute(update(Person).where(Person.id == manager).values(roles=["manager", "learner"]))
            await s.execute(PROFILES)
            await s.execute(BACKFILL_COUNTERS)
            await s.execute(BACKFILL_SKILLS)
        return {
            "tenant_id": tenant_id,
            "people": ids,
            "manager": manager,
            "roles": [r.id for r in roles],
            "badges": badges,
        }
    finally:
        await db.dispose()


def _stats(samples: list[float]) -> str:
    samples.sort()
    return (
        f"p50 {samples[len(samples) // 2] * 1000:.1f} ms, p99 {samples[min(len(samples) - 1, int(0.99 * len(samples)))] * 1000:.1f} ms, "
        f"mean {statistics.mean(samples) * 1000:.1f} ms"
    )


async def measure(owner_url: str, world: dict[str, Any], calls: int) -> None:
    db = Database(create_engine(owner_url, pool_size=2))
    try:
        async with db.tenant_transaction(world["tenant_id"]) as s:
            manager = await s.scalar(select(Person).where(Person.id == world["manager"]))
        assert manager is not None
        from insignia.tenants.auth import person_principal

        as_manager = person_principal(manager)
        as_admin = operator_principal(world["tenant_id"])
        team_times: list[float] = []
        for i in range(calls):
            role = world["roles"][i % len(world["roles"])]
            async with db.tenant_transaction(world["tenant_id"]) as s:
                started = time.perf_counter()
                found = await gap.team_gap(s, as_manager, role)
                found.ranked()
                matrix = await gap.team_matrix(s, found, 500)
                team_times.append(time.perf_counter() - started)
        print(f"teamSkillGap, a manager of {found.people} reports, {len(matrix)}-row matrix: {_stats(team_times)}")
        today = datetime.now(UTC).date()
        f = report.Filter(start=today - timedelta(days=365), end=today, granularity="month")
        insight_times: list[float] = []
        for _ in range(calls):
            async with db.tenant_transaction(world["tenant_id"]) as s:
                started = time.perf_counter()
                result = await report.insights(s, as_admin, f)
                insight_times.append(time.perf_counter() - started)
        print(
            f"insights for a year by month (tenant-wide, {len(result.totals)} totals, {len(result.trends)} trend points): "
            f"{_stats(insight_times)}"
        )
        rates = {}
        for label, maintained in (("maintained", True), ("without profiles and counters", False)):
            recipients = random.sample(world["people"], 2000)
            badge = random.choice(world["badges"])  # noqa: S311 - a benchmark's spread
            original = changes.awards_issued
            if not maintained:

                async def skip(*_args: Any, **_kwargs: Any) -> None:
                    return None

                changes.awards_issued = skip  # type: ignore[assignment]
            try:
                async with db.tenant_transaction(world["tenant_id"]) as s:
                    started = time.perf_counter()
                    await issuing.issue_many(
                        s, as_admin, badge, [issuing.BulkRecipient(i, p) for i, p in enumerate(recipients)]
                    )
                    elapsed = time.perf_counter() - started
            finally:
                changes.awards_issued = original  # type: ignore[assignment]
            rates[label] = 2000 / elapsed
            print(f"bulk issue of 2,000 awards, {label}: {rates[label]:,.0f} awards/s")
        slower = 1 - rates["maintained"] / rates["without profiles and counters"]
        print(f"cost of keeping skill profiles and insight counters current: {slower * 100:.1f}% fewer awards/s")
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--awards-each", type=int, default=20)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    name = f"insignia_bench_{uuid.uuid4().hex[:8]}"
    owner_url = run(create_database(name))
    try:
        started = time.perf_counter()
        world = run(seed(owner_url, args.people, args.awards_each))
        print(
            f"tenant: {args.people} people, {args.people * args.awards_each} awards, 500 badge classes, 300 skills, "
            f"40 roles (seeded in {time.perf_counter() - started:.0f} s)"
        )
        run(measure(owner_url, world, args.calls))
    finally:
        run(drop_database(name))


if __name__ == "__main__":
    main()
