"""A tenant's side-effect jobs (outbox events) as its admins see them: list, inspect, retry."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, outbox
from insignia.infra.errors import PermissionDeniedError
from insignia.infra.pagination import Page
from insignia.tenants.auth import Principal, Scope


def _require(principal: Principal) -> None:
    if not principal.has(Scope.JOBS_MANAGE):
        raise PermissionDeniedError("Only tenant admins can see and retry jobs.")


async def list_jobs(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> Page[outbox.OutboxEvent]:
    _require(principal)
    return await outbox.list_jobs(session, first=first, after=after, last=last, before=before, status=status, kind=kind)


async def jobs_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, outbox.OutboxEvent]:
    if not principal.has(Scope.JOBS_MANAGE):
        return {}
    return await outbox.jobs_by_ids(session, ids)


async def retry_job(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> outbox.OutboxEvent:
    """Retry a dead job now, with a fresh set of tries."""
    _require(principal)
    job = await outbox.retry_job(session, job_id)
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="job.retried", subject_type="Job",
        subject_id=job.id, before={"status": "dead"}, after={"status": job.status, "kind": job.kind},
    )  # fmt: skip
    return job
