"""Imports (CSV of completions, results or awards) and bulk issue: types, queries, mutations."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id, to_global_id
from insignia.graphql.node import Node, node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.graphql.tenants.types import Visibility
from insignia.infra.errors import ValidationError
from insignia.platform.imports import service as imports
from insignia.platform.imports.service import Import

MAX_BULK = 10_000


@strawberry.enum
class ImportKind(Enum):
    COMPLETIONS = "completions"
    ASSESSMENT_RESULTS = "results"
    AWARDS = "awards"


@strawberry.enum
class ImportStatus(Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"


@strawberry.type
class ImportRowError:
    row: int = strawberry.field(description="1 is the first row after the header.")
    field: str | None
    code: str
    message: str


@strawberry.type(name="Import")
class ImportType(Node):
    model: strawberry.Private[Import]
    kind: ImportKind
    status: ImportStatus
    filename: str | None
    total_rows: int
    processed_rows: int
    succeeded_rows: int
    unchanged_rows: int = strawberry.field(
        description="Rows already recorded before (importing twice changes nothing)."
    )
    failed_rows: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @strawberry.field(description="Rows that could not be imported, with why (the first 1000).")
    def row_errors(self, first: int = 100) -> list[ImportRowError]:
        return [
            ImportRowError(row=e["row"], field=e.get("field"), code=e["code"], message=e["message"])
            for e in self.model.row_errors[: max(0, min(first, 1000))]
        ]

    @classmethod
    def from_model(cls, i: Import) -> ImportType:
        return cls(
            id=to_global_id("Import", i.id),
            model=i,
            kind=ImportKind(i.kind),
            status=ImportStatus(i.status),
            filename=i.filename,
            total_rows=i.total_rows,
            processed_rows=i.processed_rows,
            succeeded_rows=i.succeeded_rows,
            unchanged_rows=i.unchanged_rows,
            failed_rows=i.failed_rows,
            created_at=i.created_at,
            started_at=i.started_at,
            finished_at=i.finished_at,
        )


@strawberry.input
class ImportCreateInput:
    kind: ImportKind
    csv: str | None = strawberry.field(default=None, description="The file's text (UTF-8), at most 10 MB.")
    csv_base64: str | None = strawberry.field(default=None, description="Or the file's bytes, base64-encoded.")
    filename: str | None = None
    badge_class_id: strawberry.ID | None = strawberry.field(default=None, description="AWARDS imports: the badge.")
    visibility: Visibility | None = strawberry.field(
        default=None, description="Default: the badge class's default visibility, else the organisation's."
    )


@strawberry.input
class AwardIssueBulkInput:
    badge_class_id: strawberry.ID
    recipient_ids: list[strawberry.ID]
    visibility: Visibility | None = strawberry.field(
        default=None, description="Default: the badge class's default visibility, else the organisation's."
    )


@strawberry.type
class ImportPayload:
    import_: ImportType | None = strawberry.field(name="import")
    errors: list[UserError]


def _payload(record: Import | None, errors: list[UserError]) -> ImportPayload:
    return ImportPayload(import_=ImportType.from_model(record) if record else None, errors=errors)


@strawberry.type
class ImportQueries:
    @strawberry.field(description="Imports and bulk issues, newest last, with progress and row errors.")
    async def imports(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ImportType]:
        ctx = info.context
        page = await ctx.run(
            lambda s: imports.list_imports(s, ctx.principal, first=first, after=after, last=last, before=before)
        )
        return build_connection(page, ImportType.from_model)


@strawberry.type
class ImportMutations:
    @strawberry.mutation(
        description=(
            "Import a CSV file as a job. Columns: COMPLETIONS email,course,completed_at; ASSESSMENT_RESULTS "
            "email,assessment,score,taken_at (course/assessment: activity id or global id); AWARDS email or "
            "person_id, optional evidence_url, evidence_narrative."
        )
    )
    async def import_create(self, info: Info[Context, None], input: ImportCreateInput) -> ImportPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Import:
            return await imports.create_import(
                s,
                ctx.principal,
                kind=input.kind.value,
                csv_text=input.csv,
                csv_base64=input.csv_base64,
                filename=input.filename,
                badge_class_id=expect_id(input.badge_class_id, "BadgeClass", "badgeClassId")
                if input.badge_class_id
                else None,
                visibility=input.visibility.value if input.visibility else None,
            )

        return _payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="Issue a badge class to many people as a job; follow it in imports.")
    async def award_issue_bulk(self, info: Info[Context, None], input: AwardIssueBulkInput) -> ImportPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Import:
            if len(input.recipient_ids) > MAX_BULK:
                raise ValidationError(f"At most {MAX_BULK} recipients per call.", "recipientIds")
            return await imports.bulk_issue(
                s,
                ctx.principal,
                badge_class_id=expect_id(input.badge_class_id, "BadgeClass", "badgeClassId"),
                recipient_ids=[expect_id(r, "Person", "recipientIds") for r in input.recipient_ids],
                visibility=input.visibility.value if input.visibility else None,
            )

        return _payload(*await run_mutation(ctx, op))


@node_resolver("Import")
async def _import_node(ctx: Context, value: uuid.UUID) -> ImportType | None:
    found = await ctx.run(lambda s: imports.imports_by_ids(s, ctx.principal, [value]))
    return ImportType.from_model(found[value]) if value in found else None
