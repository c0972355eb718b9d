"""Queries and mutations of jobs."""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id
from insignia.graphql.jobs.types import JobStatus, JobType
from insignia.graphql.node import node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.infra.outbox import OutboxEvent
from insignia.tenants import jobs as job_service


@strawberry.input
class JobFilter:
    status: JobStatus | None = None
    kind: str | None = None


@strawberry.type
class JobPayload:
    job: JobType | None
    errors: list[UserError]


@strawberry.type
class JobQueries:
    @strawberry.field(description="Side-effect jobs of this tenant (outbox events), e.g. the dead ones.")
    async def jobs(
        self,
        info: Info[Context, None],
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: JobFilter | None = None,
    ) -> Connection[JobType]:
        ctx = info.context
        status = filter.status.value if filter and filter.status else None
        kind = filter.kind if filter else None
        page = await ctx.run(
            lambda s: job_service.list_jobs(
                s, ctx.principal, first=first, after=after, last=last, before=before, status=status, kind=kind
            )
        )
        return build_connection(page, JobType.from_model)


@strawberry.type
class JobMutations:
    @strawberry.mutation(description="Retry a dead job now, with a fresh set of tries.")
    async def job_retry(self, info: Info[Context, None], id: strawberry.ID) -> JobPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> OutboxEvent:
            return await job_service.retry_job(s, ctx.principal, expect_id(id, "Job"))

        job, errors = await run_mutation(ctx, op)
        return JobPayload(job=JobType.from_model(job) if job else None, errors=errors)


@node_resolver("Job")
async def _job_node(ctx: Context, value: uuid.UUID) -> JobType | None:
    found = await ctx.run(lambda s: job_service.jobs_by_ids(s, ctx.principal, [value]))
    return JobType.from_model(found[value]) if value in found else None
