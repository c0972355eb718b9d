"""Queries of the audit log: the tenant's events, newest first, and a CSV export (admins)."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from insignia.graphql.audit.types import AuditEventFilter, AuditEventType
from insignia.graphql.context import Context
from insignia.graphql.node import node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.tenants import audit_log
from insignia.tenants.audit_log import EXPORT_LIMIT, AuditFilter


def _filter(value: AuditEventFilter | None) -> AuditFilter | None:
    if value is None:
        return None
    return AuditFilter(
        action=value.action,
        actor=value.actor,
        subject_type=value.subject_type,
        subject_id=value.subject_id,
        since=value.from_,
        until=value.to,
    )


@strawberry.type
class AuditQueries:
    @strawberry.field(description="Every administrative change in this organisation, newest first (admins).")
    async def audit_events(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: AuditEventFilter | None = None,
    ) -> Connection[AuditEventType]:
        ctx = info.context
        page = await ctx.run(
            lambda s: audit_log.list_events(s, ctx.principal, first=first, after=after, filter=_filter(filter))
        )
        return build_connection(page, AuditEventType.from_model)

    @strawberry.field(
        description=f"The matching audit events as CSV text (admins), newest first and at most {EXPORT_LIMIT:,} "
        "rows: narrow the time window (filter from/to) for older ones. Columns: time, actor, action, subject "
        "type, subject id, request id, before (JSON), after (JSON). Cells that a spreadsheet would read as a "
        "formula start with '."
    )
    async def audit_events_export(self, info: Info[Context, None], filter: AuditEventFilter | None = None) -> str:
        ctx = info.context
        return await ctx.run(lambda s: audit_log.export_csv(s, ctx.principal, filter=_filter(filter)))


@node_resolver("AuditEvent")
async def _audit_event_node(ctx: Context, value: uuid.UUID) -> AuditEventType | None:
    found = await ctx.run(lambda s: audit_log.events_by_ids(s, ctx.principal, [value]))
    return AuditEventType.from_model(found[value]) if value in found else None
