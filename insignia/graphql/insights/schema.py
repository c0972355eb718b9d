"""Program insights in GraphQL: ``insights(filter)``, pathway funnels and CSV report exports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.credentials.loaders import badge_class_by_id_loader
from insignia.graphql.credentials.types import BadgeClassType
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id, to_global_id
from insignia.graphql.learning.schema import CourseType, SkillType, course_by_id_loader
from insignia.graphql.node import Node, node_resolver
from insignia.graphql.pathways.loaders import pathway_by_id_loader
from insignia.graphql.pathways.types import PathwayNode, PathwayType
from insignia.graphql.skills.schema import skill_by_id_loader
from insignia.graphql.tenants.loaders import audience_by_id_loader
from insignia.graphql.tenants.types import AudienceType, caller_tenant
from insignia.infra.errors import NotFoundError
from insignia.platform.insights import export as exports
from insignia.platform.insights import report
from insignia.platform.insights.models import ReportExport


@strawberry.enum
class Granularity(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@strawberry.input(description="A period (at most two years) and an optional audience, partner company or team.")
class InsightsFilter:
    from_: date = strawberry.field(name="from")
    to: date
    granularity: Granularity = Granularity.MONTH
    audience_id: strawberry.ID | None = None
    partner_company: str | None = None
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="A manager's (transitive) reports: managers use their own id."
    )

    def to_service(self) -> report.Filter:
        return report.Filter(
            start=self.from_,
            end=self.to,
            granularity=self.granularity.value,
            audience_id=expect_id(self.audience_id, "Audience", "filter.audienceId") if self.audience_id else None,
            partner_company=self.partner_company.strip() if self.partner_company else None,
            manager_id=expect_id(self.manager_id, "Person", "filter.managerId") if self.manager_id else None,
        )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@strawberry.type
class BadgeClassInsight:
    badge_class_id: strawberry.Private[uuid.UUID]
    issued: int
    revoked: int
    expired: int
    renewed: int = strawberry.field(description="Expired awards renewed in the period.")
    active: int = strawberry.field(description="Awards neither revoked nor expired at the end of the period.")
    renewal_rate: float | None = strawberry.field(description="renewed / expired in the period.")
    median_seconds_to_earn: float | None = strawberry.field(description="From the first learning record toward it.")
    p90_seconds_to_earn: float | None

    @strawberry.field
    async def badge_class(self, info: Info[Context, None]) -> BadgeClassType | None:
        found = await badge_class_by_id_loader(info.context).load(self.badge_class_id)
        return BadgeClassType.from_model(found) if found else None


@strawberry.type
class CourseInsight:
    course_id: strawberry.Private[uuid.UUID]
    completions: int

    @strawberry.field
    async def course(self, info: Info[Context, None]) -> CourseType | None:
        found = await course_by_id_loader(info.context).load(self.course_id)
        return CourseType.from_model(found) if found else None


@strawberry.type
class PathwayInsight:
    pathway_id: strawberry.Private[uuid.UUID]
    enrolled: int
    completed: int
    completion_rate: float | None = strawberry.field(description="completed / enrolled in the period.")
    median_seconds_to_complete: float | None = strawberry.field(description="From enrolment.")
    p90_seconds_to_complete: float | None

    @strawberry.field
    async def pathway(self, info: Info[Context, None]) -> PathwayType | None:
        found = await pathway_by_id_loader(info.context).load(self.pathway_id)
        return PathwayType.from_model(found) if found else None


@strawberry.type
class SkillInsight:
    skill_id: strawberry.Private[uuid.UUID]
    awarded: int = strawberry.field(description="Awards granting the skill in the period.")
    holders: int = strawberry.field(description="People holding it now (within the filter's scope).")

    @strawberry.field
    async def skill(self, info: Info[Context, None]) -> SkillType | None:
        found = await skill_by_id_loader(info.context).load(self.skill_id)
        return SkillType.from_model(found) if found else None


@strawberry.type
class AudienceInsight:
    audience_id: strawberry.Private[uuid.UUID]
    awards_issued: int
    completions: int
    enrolments: int
    pathways_completed: int

    @strawberry.field
    async def audience(self, info: Info[Context, None]) -> AudienceType | None:
        found = await audience_by_id_loader(info.context).load(self.audience_id)
        return AudienceType.from_model(found) if found else None


@strawberry.type
class TrendPoint:
    period: date
    kind: str = strawberry.field(description="badge_class, course, pathway or skill.")
    metric: str
    value: int


@strawberry.type(name="Insights")
class InsightsType:
    value: strawberry.Private[report.Insights]
    views: int = strawberry.field(description="Views of public verification pages in the period.")
    share_clicks: int = strawberry.field(description="Clicks on their share buttons in the period.")

    def _timing(self, kind: str, subject: uuid.UUID) -> report.Timing | None:
        return next((t for t in self.value.timings if (t.kind, t.subject_id) == (kind, subject)), None)

    @strawberry.field
    def badge_classes(self) -> list[BadgeClassInsight]:
        v = self.value
        ids = sorted(report.kinds_of(v.totals)["badge_class"] | set(v.active), key=str)
        out = []
        for b in ids:
            t = self._timing("badge_class", b)
            expired = v.value("badge_class", b, "expired")
            renewed = v.value("badge_class", b, "renewed")
            out.append(
                BadgeClassInsight(
                    badge_class_id=b, issued=v.value("badge_class", b, "issued"),
                    revoked=v.value("badge_class", b, "revoked"), expired=expired, renewed=renewed,
                    active=v.active.get(b, 0), renewal_rate=_rate(renewed, expired),
                    median_seconds_to_earn=t.median_seconds if t else None,
                    p90_seconds_to_earn=t.p90_seconds if t else None,
                )
            )  # fmt: skip
        return out

    @strawberry.field
    def courses(self) -> list[CourseInsight]:
        v = self.value
        return [
            CourseInsight(course_id=c, completions=v.value("course", c, "completions"))
            for c in sorted(report.kinds_of(v.totals)["course"], key=str)
        ]

    @strawberry.field
    def pathways(self) -> list[PathwayInsight]:
        v = self.value
        out = []
        for p in sorted(report.kinds_of(v.totals)["pathway"], key=str):
            t = self._timing("pathway", p)
            enrolled, completed = v.value("pathway", p, "enrolled"), v.value("pathway", p, "completed")
            out.append(
                PathwayInsight(
                    pathway_id=p, enrolled=enrolled, completed=completed, completion_rate=_rate(completed, enrolled),
                    median_seconds_to_complete=t.median_seconds if t else None,
                    p90_seconds_to_complete=t.p90_seconds if t else None,
                )
            )  # fmt: skip
        return out

    @strawberry.field
    def skills(self) -> list[SkillInsight]:
        v = self.value
        ids = sorted(report.kinds_of(v.totals)["skill"] | set(v.holders), key=str)
        return [
            SkillInsight(skill_id=s, awarded=v.value("skill", s, "awarded"), holders=v.holders.get(s, 0)) for s in ids
        ]

    @strawberry.field
    def audiences(self) -> list[AudienceInsight]:
        sums: dict[uuid.UUID, dict[str, int]] = {}
        for audience, metric, value in self.value.by_audience:
            sums.setdefault(audience, {})[metric] = sums.get(audience, {}).get(metric, 0) + value
        return [
            AudienceInsight(
                audience_id=a, awards_issued=m.get("issued", 0), completions=m.get("completions", 0),
                enrolments=m.get("enrolled", 0), pathways_completed=m.get("completed", 0),
            )
            for a, m in sorted(sums.items(), key=lambda x: str(x[0]))
        ]  # fmt: skip

    @strawberry.field(description="Each measure by period (the filter's granularity); optionally one metric.")
    def trends(self, metric: str | None = None, kind: str | None = None) -> list[TrendPoint]:
        return [
            TrendPoint(period=p.period, kind=p.kind, metric=p.metric, value=p.value)
            for p in self.value.trends
            if (metric is None or p.metric == metric) and (kind is None or p.kind == kind)
        ]


@strawberry.type
class FunnelStep:
    node: PathwayNode
    reached: int = strawberry.field(description="Current enrolments (newest version) with this step met.")
    enrolled: int
    share: float | None


@strawberry.enum
class ReportKind(Enum):
    INSIGHTS = "insights"
    TRENDS = "trends"
    TEAM_SKILL_GAP = "team_skill_gap"


@strawberry.enum
class ReportExportStatus(Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@strawberry.type(name="ReportExport")
class ReportExportType(Node):
    model: strawberry.Private[ReportExport]
    report: ReportKind
    status: ReportExportStatus
    rows: int | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime

    @strawberry.field(description="When done: a link to the CSV, valid for 15 minutes (ask again for a new one).")
    async def download_url(self, info: Info[Context, None]) -> str | None:
        if self.model.status != "done":
            return None
        ctx = info.context
        tenant = await caller_tenant(ctx)
        token = exports.download_token(ctx.settings.secret_key, tenant.id, self.model.id)
        return f"{ctx.settings.public_url}/t/{tenant.slug}/exports/{self.model.id}.csv?token={token}"

    @classmethod
    def from_model(cls, r: ReportExport) -> ReportExportType:
        return cls(
            id=to_global_id("ReportExport", r.id), model=r, report=ReportKind(r.report),
            status=ReportExportStatus(r.status), rows=r.rows, error=r.error, created_at=r.created_at,
            finished_at=r.finished_at, expires_at=r.expires_at,
        )  # fmt: skip


@strawberry.input
class ReportExportCreateInput:
    report: ReportKind
    filter: InsightsFilter | None = None
    role_id: strawberry.ID | None = strawberry.field(default=None, description="TEAM_SKILL_GAP: the role.")
    manager_id: strawberry.ID | None = strawberry.field(default=None, description="TEAM_SKILL_GAP: whose team.")


@strawberry.type
class ReportExportPayload:
    report_export: ReportExportType | None
    errors: list[UserError]


@strawberry.type
class InsightsQueries:
    @strawberry.field(
        description=(
            "Program insights for a period: issuers and admins (optionally an audience or partner company), "
            "partner admins their company, managers their team (managerId)."
        )
    )
    async def insights(self, info: Info[Context, None], filter: InsightsFilter) -> InsightsType:
        ctx = info.context
        wanted = filter.to_service()
        value = await ctx.run(lambda s: report.insights(s, ctx.principal, wanted))
        return InsightsType(value=value, views=value.views, share_clicks=value.share_clicks)

    @strawberry.field(description="Drop-off per step of a pathway's newest version (issuers and admins).")
    async def pathway_funnel(self, info: Info[Context, None], pathway_id: strawberry.ID) -> list[FunnelStep]:
        ctx = info.context
        pid = expect_id(pathway_id, "Pathway", "pathwayId")
        steps = await ctx.run(lambda s: report.pathway_funnel(s, ctx.principal, pid))
        index = {s.node.id: s.node for s in steps}
        return [
            FunnelStep(node=PathwayNode.of(s.node, index), reached=s.reached, enrolled=s.enrolled,
                       share=_rate(s.reached, s.enrolled))
            for s in steps
        ]  # fmt: skip


@strawberry.type
class InsightsMutations:
    @strawberry.mutation(description="A CSV of a report, made by a job; follow its status, then download it.")
    async def report_export_create(
        self, info: Info[Context, None], input: ReportExportCreateInput
    ) -> ReportExportPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> ReportExport:
            return await exports.create_export(
                s,
                ctx.principal,
                kind=input.report.value,
                filter=input.filter.to_service() if input.filter else None,
                role_id=expect_id(input.role_id, "RoleProfile", "roleId") if input.role_id else None,
                manager_id=expect_id(input.manager_id, "Person", "managerId") if input.manager_id else None,
            )

        result, errors = await run_mutation(ctx, op)
        return ReportExportPayload(report_export=ReportExportType.from_model(result) if result else None, errors=errors)


@node_resolver("ReportExport")
async def _export_node(ctx: Context, value: uuid.UUID) -> ReportExportType | None:
    async def find(s: AsyncSession) -> ReportExport | None:
        try:
            return await exports.get_export(s, ctx.principal, value)
        except NotFoundError:
            return None

    found = await ctx.run(find)
    return ReportExportType.from_model(found) if found else None
