"""Periodic work (sweeps now; reminders and expiry in later areas), each on its own interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from insignia.infra.db import Database
from insignia.infra.outbox import housekeeping
from insignia.infra.settings import Settings
from insignia.platform.branding import domain as domains
from insignia.platform.credentials import expiry
from insignia.platform.engagement import digest
from insignia.platform.pathways import enrolment, goal
from insignia.tenants import signin

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    interval_seconds: float
    run: Callable[[], Awaitable[None]]


_START = (datetime(1970, 1, 1, tzinfo=UTC), uuid.UUID(int=0))


async def _due_awards(
    database: Database, horizon_days: int, batch: int, after: tuple[datetime, uuid.UUID] = _START
) -> list[tuple[uuid.UUID, uuid.UUID, datetime]]:
    """Awards of every tenant expiring within ``horizon_days``, in (expiry, id) order after ``after``."""
    async with database.session() as session:
        rows = await session.execute(
            text("SELECT tenant_id, id, expires_at FROM insignia_awards_due(:horizon, :batch, :after_at, :after_id)"),
            {"horizon": horizon_days, "batch": batch, "after_at": after[0], "after_id": after[1]},
        )
        return [(r.tenant_id, r.id, r.expires_at) for r in rows]


def default_tasks(database: Database, settings: Settings) -> list[PeriodicTask]:
    async def expire() -> None:
        """Mark awards past their expiry as expired (audit event and ``award.expired`` webhook)."""
        after = _START
        while True:
            due = await _due_awards(database, 0, 200, after)
            for tenant_id, award_id, _expires in due:
                async with database.tenant_transaction(tenant_id) as session:
                    await expiry.expire_award(session, award_id)
            if len(due) < 200:
                return
            after = (due[-1][2], due[-1][1])

    async def remind() -> None:
        """Email recipients at the configured offsets before their awards expire."""
        offsets = settings.expiry_reminder_days
        if not offsets:
            return
        after = _START
        while True:
            due = await _due_awards(database, max(offsets), 500, after)
            for tenant_id, award_id, _expires in due:
                async with database.tenant_transaction(tenant_id) as session:
                    await expiry.remind_if_due(session, award_id, offsets)
            if len(due) < 500:
                return
            after = (due[-1][2], due[-1][1])

    async def sweep() -> None:
        async with database.session() as session:
            keys, events = await housekeeping(session)
            sign_ins = await signin.housekeeping(session)
            await session.commit()
        if keys or events or sign_ins:
            logger.info(
                "housekeeping",
                extra={"idempotency_keys_removed": keys, "events_removed": events, "sign_in_records_removed": sign_ins},
            )

    async def pathway_work() -> None:
        """Auto-enrol newcomers of auto-enrolling pathways' audiences; remind goals that fell behind."""
        async with database.session() as session:
            tenants = (await session.execute(text("SELECT tenant_id FROM insignia_pathway_work()"))).scalars().all()
        enrolled = reminded = 0
        for tenant_id in tenants:
            async with database.tenant_transaction(tenant_id) as session:
                enrolled += await enrolment.auto_enrol_all(session)
                reminded += await goal.remind_behind(session)
        if enrolled or reminded:
            logger.info("pathway work", extra={"enrolled": enrolled, "goal_reminders": reminded})

    async def engagement_digests() -> None:
        """Weekly digests for the learners who asked for them, in batches per tenant."""
        async with database.session() as session:
            found = await session.execute(text("SELECT tenant_id FROM insignia_engagement_digest_due()"))
            due = found.scalars().all()
        sent = 0
        for tenant_id in due:
            while True:
                async with database.tenant_transaction(tenant_id) as session:
                    due_now, sent_now = await digest.send_due(session)
                sent += sent_now
                if due_now < digest.BATCH:
                    break
        if sent:
            logger.info("engagement digests", extra={"sent": sent})

    async def check_domains() -> None:
        """Look for the DNS TXT records of every tenant's domains awaiting verification."""
        await check_pending_domains(database, domains.DnsResolver(settings.dns_nameservers))

    return [
        PeriodicTask("domains.check", settings.domain_check_seconds, check_domains),
        PeriodicTask("awards.expire", settings.expiry_sweep_seconds, expire),
        PeriodicTask("pathways.sweep", settings.expiry_sweep_seconds, pathway_work),
        PeriodicTask("engagement.digests", settings.expiry_sweep_seconds, engagement_digests),
        PeriodicTask("awards.remind", settings.expiry_sweep_seconds, remind),
        PeriodicTask("housekeeping", 600.0, sweep),
    ]


async def check_pending_domains(database: Database, resolver: domains.Resolver) -> int:
    """One pass over every tenant's pending domains, each checked in its tenant's transaction;
    returns how many became active."""
    async with database.session() as session:
        due = await domains.domains_due(session)
    activated = 0
    for tenant_id, domain_id in due:
        async with database.tenant_transaction(tenant_id) as session:
            row = await domains.check_due(session, domain_id, resolver)
            activated += row is not None and row.status == "active"
    if activated:
        logger.info("domains verified", extra={"activated": activated})
    return activated


async def run_scheduler(tasks: list[PeriodicTask], stop: asyncio.Event) -> None:
    """Run each task now and then every ``interval_seconds``; every task is safe to run concurrently."""
    loop = asyncio.get_running_loop()
    due = {task.name: loop.time() for task in tasks}
    while not stop.is_set():
        now = loop.time()
        for task in tasks:
            if now >= due[task.name]:
                due[task.name] = now + task.interval_seconds
                try:
                    await task.run()
                except Exception:
                    logger.exception("periodic task failed", extra={"task": task.name})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=max(0.5, min(due.values()) - loop.time()))
