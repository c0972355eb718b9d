"""Open Badges: credentials signed per second, verification-page and status-list requests per second.

    .venv/bin/python -m bench.openbadges [--awards 2000] [--requests 2000] [--status-requests 300] [--concurrency 16]

Signing: builds and signs (eddsa-rdfc-2022, RDFC-1.0 canonicalization) the OB 3.0 credential of
each award in this process, as the credential endpoint does. Pages: a real `insignia serve`
process on 127.0.0.1 answers GET /t/<slug>/awards/<id> for random public awards, bounded in count.
Status list: the same process answers GET /t/<slug>/ob3/status/message/0 (131,072 two-bit entries,
2% of the awards suspended or revoked), built and signed per request as verifiers fetch it.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import tempfile
import time
import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from bench._common import APP, SECRET, create_database, drop_database, run, seed_learners, start, wait_ready, worker_env
from insignia.infra.crypto import SecretBox
from insignia.infra.db import Database, create_engine, set_tenant
from insignia.platform.credentials.models import Award, BadgeClass
from insignia.platform.openbadges import ob2, ob3
from insignia.tenants.models import Person, Tenant


async def sign_all(owner_url: str, tenant_id: uuid.UUID) -> tuple[int, float]:
    db = Database(create_engine(make_url(owner_url).set(username=APP), pool_size=2))
    box = SecretBox(SECRET)
    try:
        async with db.tenant_transaction(tenant_id) as s:
            tenant = await s.scalar(select(Tenant).where(Tenant.id == tenant_id))
            assert tenant is not None
            rows = (
                await s.execute(
                    select(Award, BadgeClass, Person)
                    .join(BadgeClass, BadgeClass.id == Award.badge_class_id)
                    .join(Person, Person.id == Award.recipient_id)
                )
            ).all()
            urls = ob2.Urls.for_tenant("http://127.0.0.1:8000", tenant)
            did = ob3.did_for(urls)
            await ob3.key_for(s, tenant_id, box, rows[0][0].issued_at)  # the first key, outside the timing
            started = time.perf_counter()
            for award, badge, person in rows:
                document = ob3.credential_document(
                    urls, did, tenant, award, badge=badge, person=person, skills=[], alignments=[], secret_key=SECRET
                )
                await ob3.signed_credential(s, box, did, award, document)
            return len(rows), time.perf_counter() - started
    finally:
        await db.dispose()


async def pages(base: str, paths: list[str], requests: int, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    remaining = iter(range(requests))
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def worker() -> None:
            for _ in remaining:
                started = time.perf_counter()
                response = await client.get(random.choice(paths))  # noqa: S311 - load spread
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"bad answer {response.status_code}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, sorted(latencies)


async def hold_some(owner_url: str, tenant_id: uuid.UUID) -> int:
    """Suspend every 100th award and revoke every 100th from the 50th, so the list has set bits."""
    db = Database(create_engine(owner_url, pool_size=1))
    try:
        async with db.session() as s:
            await set_tenant(s, tenant_id)
            now = datetime.now(UTC)
            suspended = await s.execute(
                update(Award)
                .where(Award.status_index % 100 == 0)
                .values(suspended_at=now, suspension_reason="bench", status_changed_at=now)
            )
            revoked = await s.execute(
                update(Award)
                .where(Award.status_index % 100 == 50)
                .values(revoked_at=now, revocation_reason="bench", status_changed_at=now)
            )
            await s.commit()
            return int(suspended.rowcount + revoked.rowcount)  # type: ignore[attr-defined]
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--status-requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    name = f"insignia_bench_{uuid.uuid4().hex[:8]}"
    owner_url = run(create_database(name))
    try:
        seeded = run(seed_learners(owner_url, args.awards, badge_classes=10, awards_each=1, visibility="public"))
        count, seconds = run(sign_all(owner_url, seeded["tenant_id"]))
        print(
            f"signing: {count / seconds:,.0f} credentials/s ({count} OB 3.0 credentials built and signed in {seconds:.1f} s, one process)"
        )

        async def award_paths() -> list[str]:
            db = Database(create_engine(owner_url, pool_size=1))
            try:
                async with db.session() as s:
                    await set_tenant(s, seeded["tenant_id"])
                    ids = (await s.scalars(select(Award.id).where(Award.tenant_id == seeded["tenant_id"]))).all()
                    return [f"/t/{seeded['tenant_slug']}/awards/{i}" for i in ids]
            finally:
                await db.dispose()

        paths = run(award_paths())
        held = run(hold_some(owner_url, seeded["tenant_id"]))
        status_path = f"/t/{seeded['tenant_slug']}/ob3/status/message/0"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
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
                run(pages(base, paths, 100, args.concurrency))
                elapsed, latencies = run(pages(base, paths, args.requests, args.concurrency))
                run(pages(base, [status_path], 20, args.concurrency))
                status_elapsed, status_latencies = run(
                    pages(base, [status_path], args.status_requests, args.concurrency)
                )
            finally:
                server.terminate()
                server.wait(timeout=30)
        p50, p99 = latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000
        print(
            f"verification pages: {args.requests / elapsed:,.0f} requests/s at concurrency {args.concurrency} (p50 {p50:.1f} ms, p99 {p99:.1f} ms; one API process, client and PostgreSQL on the same 2 cores)"
        )
        s50 = status_latencies[len(status_latencies) // 2] * 1000
        s99 = status_latencies[int(len(status_latencies) * 0.99)] * 1000
        print(
            f"status list: {args.status_requests / status_elapsed:,.0f} requests/s at concurrency {args.concurrency} (p50 {s50:.1f} ms, p99 {s99:.1f} ms; {held} of {count} awards suspended or revoked, the list built and signed per request)"
        )
    finally:
        run(drop_database(name))


if __name__ == "__main__":
    main()
