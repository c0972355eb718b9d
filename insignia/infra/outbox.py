"""The transactional outbox: side effects that are never lost.

A service that needs a side effect calls ``enqueue`` in the same transaction as its change, so
a rolled-back change leaves no event and a committed one always gets processed, at least once.
The relay claims due events (``insignia_outbox_claim``: ``FOR UPDATE SKIP LOCKED``, then hidden
for a visibility timeout) and hands them to a worker; the ``Processor`` runs the event's handler
and marks the event done *in the same transaction* as the handler's own writes, so database
effects happen exactly once even when an event is delivered twice. Failures are retried with
exponential backoff; after the last try the event is ``dead`` until someone retries it.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra import metrics, tracing
from insignia.infra.db import Database, set_tenant
from insignia.infra.errors import NotFoundError, ValidationError
from insignia.infra.ids import uuid7
from insignia.infra.orm import Base
from insignia.infra.pagination import Page, paginate

logger = logging.getLogger(__name__)

STATUSES = ("pending", "dispatched", "done", "dead")
_MAX_ERROR_LENGTH = 2000


class OutboxEvent(Base):
    __tablename__ = "outbox_events"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    kind: Mapped[str]
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    # None: the processor's configured default.
    max_attempts: Mapped[int | None]
    give_up_at: Mapped[datetime | None]
    available_at: Mapped[datetime] = mapped_column(server_default=func.now())
    dispatched_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    done_at: Mapped[datetime | None]
    # The W3C traceparent of the request that enqueued the event (tracing on): the job continues it.
    trace_context: Mapped[str | None]

    def is_last_attempt(self, default_max_attempts: int, now: datetime) -> bool:
        """Whether a failure now would make the event dead."""
        limit = self.max_attempts or default_max_attempts
        return self.attempts + 1 >= limit or (self.give_up_at is not None and now >= self.give_up_at)


@dataclass(frozen=True)
class Attempt:
    """What a handler knows about the try it is running."""

    number: int
    is_last: bool


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff with full jitter on the upper half, capped."""
        ceiling = min(self.max_seconds, self.base_seconds * (2 ** max(attempts - 1, 0)))
        return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311 - jitter, not crypto


class JobFailed(Exception):
    """A handler's expected failure (an endpoint answered 500, SMTP refused).

    Unlike any other exception, the handler's writes so far (for example the record of the
    attempt) are kept; the event is retried later or, after the last try, becomes dead.
    """


Handler = Callable[[AsyncSession, OutboxEvent, Attempt], Awaitable[None]]


def new_event(
    tenant_id: uuid.UUID,
    kind: str,
    payload: Mapping[str, Any],
    *,
    max_attempts: int | None = None,
    give_up_after: timedelta | None = None,
) -> OutboxEvent:
    """An outbox event to ``session.add`` (bulk paths flush many at once); see ``enqueue``."""
    now = datetime.now(UTC)
    return OutboxEvent(
        tenant_id=tenant_id,
        id=uuid7(),
        kind=kind,
        payload=dict(payload),
        status="pending",
        attempts=0,
        max_attempts=max_attempts,
        give_up_at=now + give_up_after if give_up_after else None,
        available_at=now,
        trace_context=tracing.current_traceparent(),
    )


async def enqueue(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    kind: str,
    payload: Mapping[str, Any],
    *,
    max_attempts: int | None = None,
    give_up_after: timedelta | None = None,
) -> OutboxEvent:
    """Record a side effect in the current transaction; it happens only if the transaction commits."""
    event = new_event(tenant_id, kind, payload, max_attempts=max_attempts, give_up_after=give_up_after)
    session.add(event)
    await session.flush()
    return event


@dataclass(frozen=True)
class ClaimedEvent:
    tenant_id: uuid.UUID
    id: uuid.UUID
    kind: str


async def claim_due(session: AsyncSession, batch: int, visibility_seconds: float) -> list[ClaimedEvent]:
    """Claim up to ``batch`` due events of every tenant; they reappear after ``visibility_seconds`` unless done."""
    rows = await session.execute(
        text("SELECT tenant_id, id, kind FROM insignia_outbox_claim(:batch, :visibility)"),
        {"batch": batch, "visibility": visibility_seconds},
    )
    return [ClaimedEvent(r.tenant_id, r.id, r.kind) for r in rows]


async def release(database: Database, events: Sequence[ClaimedEvent]) -> int:
    """Hand claimed events this process will not run back to the queue now (a stopping process),
    rather than after the visibility timeout; returns how many went back."""
    by_tenant: dict[uuid.UUID, list[uuid.UUID]] = {}
    for event in events:
        by_tenant.setdefault(event.tenant_id, []).append(event.id)
    released = 0
    for tenant_id, ids in by_tenant.items():
        async with database.tenant_transaction(tenant_id) as session:
            result = await session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_(ids), OutboxEvent.status == "dispatched")
                .values(status="pending", available_at=func.now())
            )
            released += int(getattr(result, "rowcount", 0) or 0)
    return released


@dataclass(frozen=True)
class QueueStats:
    status: str
    kind: str
    events: int
    oldest: datetime


async def queue_stats(session: AsyncSession) -> list[QueueStats]:
    """Pending, dispatched and dead jobs of every tenant by kind, with the oldest one's creation time."""
    rows = await session.execute(text("SELECT status, kind, events, oldest FROM insignia_outbox_stats()"))
    return [QueueStats(r.status, r.kind, int(r.events), r.oldest) for r in rows]


async def housekeeping(session: AsyncSession, done_retention_days: int = 14) -> tuple[int, int]:
    """Remove expired idempotency keys and old finished events; returns how many of each."""
    row = (
        await session.execute(text("SELECT * FROM insignia_housekeeping(:days)"), {"days": done_retention_days})
    ).one()
    return int(row[0]), int(row[1])


class Processor:
    """Runs one event's handler inside that event's tenant transaction."""

    def __init__(self, database: Database, handlers: Mapping[str, Handler], policy: RetryPolicy) -> None:
        self.database = database
        self.handlers = handlers
        self.policy = policy

    async def process(self, tenant_id: uuid.UUID, event_id: uuid.UUID) -> str:
        """Process an event once; returns ``done``, ``retry``, ``dead`` or ``skipped``."""
        started = time.perf_counter()
        async with self.database.session() as session:
            event = await self._lock(session, tenant_id, event_id)
            if event is None:
                metrics.record_job("unknown", "skipped", time.perf_counter() - started)
                return "skipped"
            kind = event.kind
            attributes = {"insignia.tenant_id": str(tenant_id), "insignia.job.id": str(event_id)}
            with tracing.job_span(kind, event.trace_context, attributes):
                outcome = await self._run(session, event, tenant_id, event_id)
            metrics.record_job(kind, outcome, time.perf_counter() - started)
            return outcome

    async def _run(self, session: AsyncSession, event: OutboxEvent, tenant_id: uuid.UUID, event_id: uuid.UUID) -> str:
        """Run the handler of a locked event and record the outcome, in one transaction."""
        handler = self.handlers.get(event.kind)
        attempt = Attempt(event.attempts + 1, event.is_last_attempt(self.policy.max_attempts, datetime.now(UTC)))
        error: str | None = None
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {event.kind!r}")
            await handler(session, event, attempt)
        except JobFailed as exc:
            error = str(exc)  # the handler's writes (e.g. the attempt record) are kept
        except Exception as exc:
            error = f"{exc.__class__.__name__}: {exc}"
            logger.warning("job failed", extra={"event_id": str(event_id), "kind": event.kind}, exc_info=True)
            # Drop the handler's partial writes, then record the failure in a fresh transaction.
            await session.rollback()
            relocked = await self._lock(session, tenant_id, event_id)
            if relocked is None:
                return "skipped"
            event = relocked
        outcome = self._record(event, error, attempt)
        await session.commit()
        return outcome

    @staticmethod
    async def _lock(session: AsyncSession, tenant_id: uuid.UUID, event_id: uuid.UUID) -> OutboxEvent | None:
        await set_tenant(session, tenant_id)
        # SKIP LOCKED: if another worker holds this event right now, that worker finishes it.
        event = await session.scalar(
            select(OutboxEvent).where(OutboxEvent.id == event_id).with_for_update(skip_locked=True)
        )
        if event is None or event.status in ("done", "dead"):
            return None
        if event.status == "pending" and event.available_at > datetime.now(UTC):
            return None  # a late duplicate message for an event now waiting out its backoff
        return event

    def _record(self, event: OutboxEvent, error: str | None, attempt: Attempt) -> str:
        now = datetime.now(UTC)
        event.attempts += 1
        if error is None:
            event.status, event.done_at, event.last_error = "done", now, None
            return "done"
        event.last_error = error[:_MAX_ERROR_LENGTH]
        if attempt.is_last:
            event.status = "dead"
            logger.error("job is dead", extra={"event_id": str(event.id), "kind": event.kind, "error": error})
            return "dead"
        event.status = "pending"
        event.available_at = now + self.policy.delay(event.attempts)
        return "retry"


async def list_jobs(
    session: AsyncSession,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> Page[OutboxEvent]:
    stmt = select(OutboxEvent)
    if status is not None:
        if status not in STATUSES:
            raise ValidationError(f"status must be one of {', '.join(STATUSES)}", "filter.status")
        stmt = stmt.where(OutboxEvent.status == status)
    if kind is not None:
        stmt = stmt.where(OutboxEvent.kind == kind)
    return await paginate(session, stmt, OutboxEvent.id, first, after, last=last, before=before)


async def jobs_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, OutboxEvent]:
    return {e.id: e for e in await session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids)))}


async def retry_job(session: AsyncSession, event_id: uuid.UUID) -> OutboxEvent:
    """Give a dead event a fresh set of tries, starting now."""
    event = await session.scalar(select(OutboxEvent).where(OutboxEvent.id == event_id).with_for_update())
    if event is None:
        raise NotFoundError("No such job.", "id")
    if event.status != "dead":
        raise ValidationError(f"Only dead jobs can be retried; this one is {event.status}.", "id")
    now = datetime.now(UTC)
    if event.give_up_at is not None:
        event.give_up_at = now + (event.give_up_at - event.created_at)
    event.status = "pending"
    event.attempts = 0
    event.available_at = now
    await session.flush()
    return event
