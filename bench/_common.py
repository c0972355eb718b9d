"""Shared by the benchmark scripts: a throwaway database, a seeded tenant, worker processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import asyncpg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from insignia.infra.db import Database, create_engine, set_tenant
from insignia.infra.ids import uuid7
from insignia.infra.migrate import migrate
from insignia.platform.credentials.models import Award, BadgeClass, BadgeClassSkill, StatusList
from insignia.platform.learning.models import Skill
from insignia.tenants.models import Audience, Person
from insignia.tenants.tenant import create_tenant

ADMIN_URL = os.environ.get("INSIGNIA_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
OWNER, APP = "insignia_bench_owner", "insignia_bench_app"
SECRET = "bench-" + "s" * 40


async def create_database(name: str) -> str:
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


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(make_url(ADMIN_URL).render_as_string(hide_password=False))
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await conn.close()


def worker_env(owner_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGNIA_", "BROKER_URL", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=owner_url,
        INSIGNIA_APP_ROLE=APP,
        INSIGNIA_SECRET_KEY=SECRET,
        INSIGNIA_ENV="test",
        INSIGNIA_QUEUE=f"bench-{uuid.uuid4().hex[:6]}",
        INSIGNIA_LOG_LEVEL="WARNING",
        INSIGNIA_EMAIL_DIR=str(Path(tempfile.gettempdir()) / "insignia-bench-mail"),
    )
    env.update(extra)
    return env


def start(args: list[str], env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "insignia", *args], env=env, stdout=log, stderr=log)


async def seed_learners(
    owner_url: str,
    learners: int,
    *,
    badge_classes: int = 0,
    awards_each: int = 0,
    skills_each: int = 3,
    visibility: str = "tenant",
) -> dict[str, Any]:
    """A tenant with ``learners`` learners, published badge classes with skills, and awards."""
    db = Database(create_engine(owner_url, pool_size=2))
    try:
        async with db.session() as s:
            tenant, admin = await create_tenant(
                s, slug=f"bench-{uuid.uuid4().hex[:6]}", name="Bench Org", admin_email="admin@bench.example"
            )
            await set_tenant(s, tenant.id)
            admin.roles = ["admin", "issuer", "learner"]
            audience = (
                await s.execute(
                    insert(Audience)
                    .values(tenant_id=tenant.id, id=uuid7(), kind="customer", name="Customers")
                    .returning(Audience.id)
                )
            ).scalar_one()
            people = [
                {
                    "tenant_id": tenant.id,
                    "id": uuid7(),
                    "email": f"learner{i}@bench.example",
                    "name": f"Learner {i}",
                    "audience_id": audience,
                    "roles": ["learner"],
                }
                for i in range(learners)
            ]
            for offset in range(0, learners, 2000):
                await s.execute(insert(Person), people[offset : offset + 2000])
            skills = [
                {"tenant_id": tenant.id, "id": uuid7(), "name": f"Skill {i}"}
                for i in range(max(badge_classes, 1) * skills_each)
            ]
            await s.execute(insert(Skill), skills)
            badges = [
                {
                    "tenant_id": tenant.id,
                    "id": uuid7(),
                    "name": f"Badge {i}",
                    "description": "A benchmark badge",
                    "status": "published",
                    "criteria": {"mode": "all_of", "requirements": []},
                    "criteria_version": 1,
                    "criteria_refs": [],
                    "published_at": datetime.now(UTC),
                }
                for i in range(max(badge_classes, 1))
            ]
            await s.execute(insert(BadgeClass), badges)
            links = [
                {
                    "tenant_id": tenant.id,
                    "badge_class_id": b["id"],
                    "skill_id": skills[(i * skills_each + k) % len(skills)]["id"],
                }
                for i, b in enumerate(badges)
                for k in range(skills_each)
            ]
            await s.execute(insert(BadgeClassSkill), links)
            now = datetime.now(UTC)
            rows = [
                {
                    "tenant_id": tenant.id,
                    "id": uuid7(),
                    "badge_class_id": badges[k % len(badges)]["id"],
                    "recipient_id": p["id"],
                    "criteria_version": 1,
                    "issued_at": now - timedelta(days=k),
                    "expires_at": now + timedelta(days=365),
                    "issuer_kind": "operator",
                    "visibility": visibility,
                    "reminders_sent": [],
                    "status_purpose": "message",
                    "status_index": i * max(awards_each, 1) + k,
                }
                for i, p in enumerate(people)
                for k in range(awards_each if badge_classes else 0)
            ]
            for offset in range(0, len(rows), 5000):
                await s.execute(insert(Award), rows[offset : offset + 5000])
            # Awards issued later take the next positions in the tenant's status lists.
            await s.execute(insert(StatusList).values(tenant_id=tenant.id, purpose="message", next_index=len(rows)))
            await s.commit()
            return {
                "tenant_id": tenant.id,
                "tenant_slug": tenant.slug,
                "admin": admin,
                "people": people,
                "badges": badges,
            }
    finally:
        await db.dispose()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def wait_ready(base: str) -> None:
    """Until ``/readyz`` answers 200 (at most 20 s)."""
    import httpx

    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(200):
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the server did not start")
