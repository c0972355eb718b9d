"""Program insights: per badge class, course, pathway, skill and audience, for a period, with
trends, time to earn, pathway drop-off, renewal and sharing.

Who sees what: issuers and admins (``awards:read``) the tenant, optionally narrowed to an audience
or a partner company; a partner admin their company; a manager their (transitive) reports.
Tenant, audience and company figures come from the counters maintained as the data changes
(``counters``); a team's come from its members' own records (a team is small), with the same
shape. Periods are at most two years long.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.platform.credentials.models import Award
from insignia.platform.insights.models import AwardView, EarnTime, InsightDaily
from insignia.platform.learning.models import Completion
from insignia.platform.pathways import tree as trees
from insignia.platform.pathways.models import Enrolment, Pathway, PathwayVersion
from insignia.platform.skills.models import PersonSkill
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Audience, Person
from insignia.tenants.visibility import reports_of, viewer_of

MAX_DAYS = 731
GRANULARITIES = ("day", "week", "month")
KINDS = ("badge_class", "course", "pathway", "skill")


@dataclass(frozen=True)
class Filter:
    start: date
    end: date  # inclusive
    granularity: str = "month"
    audience_id: uuid.UUID | None = None
    partner_company: str | None = None
    manager_id: uuid.UUID | None = None

    def check(self) -> None:
        if self.end < self.start:
            raise ValidationError("The period ends before it starts.", "filter.to")
        if (self.end - self.start).days > MAX_DAYS:
            raise ValidationError(f"A period is at most {MAX_DAYS} days.", "filter.to")
        if self.granularity not in GRANULARITIES:
            raise ValidationError("granularity must be DAY, WEEK or MONTH.", "filter.granularity")
        if self.manager_id is not None and (self.audience_id is not None or self.partner_company is not None):
            raise ValidationError("A team filter does not combine with an audience or company.", "filter.managerId")


@dataclass
class Scope_:
    """Where figures come from: the counters over some audiences (None: all), or a team's records."""

    audiences: list[uuid.UUID] | None = None
    team: Any = None  # a subquery of person ids


async def _scope(session: AsyncSession, principal: Principal, f: Filter) -> Scope_:
    viewer = await viewer_of(session, principal)
    staff = principal.has(Scope.AWARDS_READ)
    if f.manager_id is not None:
        me = principal.person.id if principal.person else None
        if not staff and f.manager_id != me:
            inside = None
            if me is not None:
                inside = await session.scalar(
                    select(Person.id).where(Person.id == f.manager_id, Person.id.in_(reports_of(me)))
                )
            if inside is None:
                raise PermissionDeniedError("You may see only your own team.", "filter.managerId")
        return Scope_(team=select(Person.id).where(Person.id.in_(reports_of(f.manager_id))))
    company = f.partner_company
    if not staff:
        if viewer.partner_company is None:
            raise PermissionDeniedError(
                "Insights are for issuers and admins; managers ask for their team (managerId).", "filter"
            )
        if company is not None and company.lower() != viewer.partner_company.lower():
            raise PermissionDeniedError("You see your own company's insights only.", "filter.partnerCompany")
        company = viewer.partner_company
    audiences: list[uuid.UUID] | None = None
    if company is not None:
        audiences = list(
            await session.scalars(
                select(Audience.id).where(
                    Audience.kind == "partner", func.lower(Audience.partner_company) == company.lower()
                )
            )
        )
    if f.audience_id is not None:
        if await session.scalar(select(Audience.id).where(Audience.id == f.audience_id)) is None:
            raise NotFoundError("No such audience.", "filter.audienceId")
        if audiences is not None and f.audience_id not in audiences:
            raise PermissionDeniedError("That audience is outside your company.", "filter.audienceId")
        audiences = [f.audience_id]
    return Scope_(audiences=audiences)


@dataclass(frozen=True)
class Row:
    kind: str
    subject_id: uuid.UUID
    metric: str
    value: int


@dataclass(frozen=True)
class Point:
    period: date
    kind: str
    metric: str
    value: int


@dataclass(frozen=True)
class Timing:
    kind: str
    subject_id: uuid.UUID
    count: int
    median_seconds: float
    p90_seconds: float


@dataclass
class Insights:
    filter: Filter
    totals: list[Row] = field(default_factory=list)
    trends: list[Point] = field(default_factory=list)
    timings: list[Timing] = field(default_factory=list)
    active: dict[uuid.UUID, int] = field(default_factory=dict)  # badge class -> active awards at the end
    holders: dict[uuid.UUID, int] = field(default_factory=dict)  # skill -> people holding it now
    by_audience: list[tuple[uuid.UUID, str, int]] = field(default_factory=list)
    views: int = 0
    share_clicks: int = 0

    def value(self, kind: str, subject_id: uuid.UUID, metric: str) -> int:
        return sum(r.value for r in self.totals if (r.kind, r.subject_id, r.metric) == (kind, subject_id, metric))


def _bounds(f: Filter) -> tuple[datetime, datetime]:
    start = datetime.combine(f.start, datetime.min.time(), tzinfo=UTC)
    return start, datetime.combine(f.end, datetime.min.time(), tzinfo=UTC) + timedelta(days=1)


def _team_events(team: Any, f: Filter) -> Any:
    """The team's events as counter rows (day, kind, subject, audience, metric, value = 1)."""
    start, end = _bounds(f)
    day = cast(func.timezone("UTC", Award.issued_at), Date)
    issued = select(
        day.label("day"), literal("badge_class").label("kind"), Award.badge_class_id.label("subject"),
        Person.audience_id.label("audience"), literal("issued").label("metric"), literal(1).label("value"),
    ).join(Person, Person.id == Award.recipient_id).where(
        Award.recipient_id.in_(team), Award.issued_at >= start, Award.issued_at < end
    )  # fmt: skip
    revoked = select(
        cast(func.timezone("UTC", Award.revoked_at), Date), literal("badge_class"), Award.badge_class_id,
        Person.audience_id, literal("revoked"), literal(1),
    ).join(Person, Person.id == Award.recipient_id).where(
        Award.recipient_id.in_(team), Award.revoked_at >= start, Award.revoked_at < end
    )  # fmt: skip
    expired = select(
        cast(func.timezone("UTC", Award.expired_at), Date), literal("badge_class"), Award.badge_class_id,
        Person.audience_id, literal("expired"), literal(1),
    ).join(Person, Person.id == Award.recipient_id).where(
        Award.recipient_id.in_(team), Award.expired_at >= start, Award.expired_at < end
    )  # fmt: skip
    completions = select(
        cast(func.timezone("UTC", Completion.completed_at), Date), literal("course"), Completion.course_id,
        Person.audience_id, literal("completions"), literal(1),
    ).join(Person, Person.id == Completion.person_id).where(
        Completion.person_id.in_(team), Completion.completed_at >= start, Completion.completed_at < end
    )  # fmt: skip
    enrolled = select(
        cast(func.timezone("UTC", Enrolment.enrolled_at), Date), literal("pathway"), Enrolment.pathway_id,
        Person.audience_id, literal("enrolled"), literal(1),
    ).join(Person, Person.id == Enrolment.person_id).where(
        Enrolment.person_id.in_(team), Enrolment.enrolled_at >= start, Enrolment.enrolled_at < end
    )  # fmt: skip
    completed = select(
        cast(func.timezone("UTC", Enrolment.completed_at), Date), literal("pathway"), Enrolment.pathway_id,
        Person.audience_id, literal("completed"), literal(1),
    ).join(Person, Person.id == Enrolment.person_id).where(
        Enrolment.person_id.in_(team), Enrolment.completed_at >= start, Enrolment.completed_at < end
    )  # fmt: skip
    return union_all(issued, revoked, expired, completions, enrolled, completed).subquery()


def _counter_rows(scope: Scope_, f: Filter) -> Any:
    stmt = select(
        InsightDaily.day.label("day"),
        InsightDaily.subject_kind.label("kind"),
        InsightDaily.subject_id.label("subject"),
        InsightDaily.audience_id.label("audience"),
        InsightDaily.metric.label("metric"),
        InsightDaily.value.label("value"),
    ).where(InsightDaily.day >= f.start, InsightDaily.day <= f.end)
    if scope.audiences is not None:
        stmt = stmt.where(InsightDaily.audience_id.in_(scope.audiences))
    return stmt.subquery()


async def insights(session: AsyncSession, principal: Principal, f: Filter) -> Insights:
    """Every measure for the period, in a fixed number of statements."""
    f.check()
    scope = await _scope(session, principal, f)
    source = _team_events(scope.team, f) if scope.team is not None else _counter_rows(scope, f)
    out = Insights(f)
    totals = await session.execute(
        select(source.c.kind, source.c.subject, source.c.metric, func.sum(source.c.value))
        .group_by(source.c.kind, source.c.subject, source.c.metric)
        .order_by(source.c.kind, source.c.metric, source.c.subject)
    )
    out.totals = [Row(k, s, m, int(v)) for k, s, m, v in totals]
    period = func.date_trunc(f.granularity, source.c.day).label("period")
    trends = await session.execute(
        select(period, source.c.kind, source.c.metric, func.sum(source.c.value))
        .group_by(period, source.c.kind, source.c.metric)
        .order_by(period, source.c.kind, source.c.metric)
    )
    out.trends = [Point(p.date() if isinstance(p, datetime) else p, k, m, int(v)) for p, k, m, v in trends]
    by_audience = await session.execute(
        select(source.c.audience, source.c.metric, func.sum(source.c.value)).group_by(
            source.c.audience, source.c.metric
        )
    )
    out.by_audience = [(a, m, int(v)) for a, m, v in by_audience]
    out.timings = await _timings(session, scope, f)
    out.active = await _active(session, scope, f)
    out.holders = await _holders(session, scope)
    out.views, out.share_clicks = await _views(session, scope, f)
    return out


async def _timings(session: AsyncSession, scope: Scope_, f: Filter) -> list[Timing]:
    """Median and 90th percentile time to earn (awards) and to complete (pathways)."""
    stmt = select(
        EarnTime.subject_kind, EarnTime.subject_id, func.count(),
        func.percentile_cont(0.5).within_group(EarnTime.seconds),
        func.percentile_cont(0.9).within_group(EarnTime.seconds),
    ).where(EarnTime.day >= f.start, EarnTime.day <= f.end)  # fmt: skip
    stmt = stmt.group_by(EarnTime.subject_kind, EarnTime.subject_id)
    if scope.audiences is not None:
        stmt = stmt.where(EarnTime.audience_id.in_(scope.audiences))
    if scope.team is not None:
        return []  # earn times are kept per subject and audience, not per person
    return [Timing(k, s, int(n), float(m), float(p)) for k, s, n, m, p in await session.execute(stmt)]


async def _active(session: AsyncSession, scope: Scope_, f: Filter) -> dict[uuid.UUID, int]:
    """Awards of each badge class active at the end of the period: issued minus revoked and
    expired, counted from the beginning (a team: from its members' awards)."""
    if scope.team is not None:
        _start, end = _bounds(f)
        rows = await session.execute(
            select(Award.badge_class_id, func.count())
            .where(
                Award.recipient_id.in_(scope.team),
                Award.issued_at < end,
                or_(Award.revoked_at.is_(None), Award.revoked_at >= end),
                or_(Award.expired_at.is_(None), Award.expired_at >= end),
                Award.superseded_at.is_(None),
            )
            .group_by(Award.badge_class_id)
        )
        return {b: int(n) for b, n in rows}
    sign = func.sum(case((InsightDaily.metric == "issued", InsightDaily.value), else_=-InsightDaily.value))
    stmt = (
        select(InsightDaily.subject_id, sign)
        .where(
            InsightDaily.subject_kind == "badge_class",
            InsightDaily.metric.in_(("issued", "revoked", "expired")),
            InsightDaily.day <= f.end,
        )
        .group_by(InsightDaily.subject_id)
    )
    if scope.audiences is not None:
        stmt = stmt.where(InsightDaily.audience_id.in_(scope.audiences))
    return {b: int(n) for b, n in await session.execute(stmt)}


async def _holders(session: AsyncSession, scope: Scope_) -> dict[uuid.UUID, int]:
    """People holding each skill now (from the maintained skill profiles)."""
    stmt = select(PersonSkill.skill_id, func.count()).group_by(PersonSkill.skill_id)
    if scope.team is not None:
        stmt = stmt.where(PersonSkill.person_id.in_(scope.team))
    elif scope.audiences is not None:
        stmt = stmt.join(Person, Person.id == PersonSkill.person_id).where(Person.audience_id.in_(scope.audiences))
    return {s: int(n) for s, n in await session.execute(stmt)}


async def _views(session: AsyncSession, scope: Scope_, f: Filter) -> tuple[int, int]:
    stmt = select(
        func.coalesce(func.sum(AwardView.views), 0), func.coalesce(func.sum(AwardView.share_clicks), 0)
    ).where(AwardView.day >= f.start, AwardView.day <= f.end)
    if scope.team is not None or scope.audiences is not None:
        people = (
            scope.team
            if scope.team is not None
            else select(Person.id).where(Person.audience_id.in_(scope.audiences or []))
        )
        stmt = stmt.join(Award, Award.id == AwardView.award_id).where(Award.recipient_id.in_(people))
    views, clicks = (await session.execute(stmt)).one()
    return int(views), int(clicks)


@dataclass(frozen=True)
class Step:
    node: trees.Node
    reached: int  # current enrolments with the step met
    enrolled: int


async def pathway_funnel(session: AsyncSession, principal: Principal, pathway_id: uuid.UUID) -> list[Step]:
    """Drop-off per step of a pathway's newest version: of its current enrolments, how many have
    met each step (issuers and admins)."""
    if not principal.has(Scope.AWARDS_READ):
        raise PermissionDeniedError("Pathway insights are for issuers and admins.", "pathwayId")
    pathway = await session.scalar(select(Pathway).where(Pathway.id == pathway_id))
    if pathway is None or pathway.version == 0:
        raise ValidationError("No such published pathway.", "pathwayId")
    version = await session.scalar(
        select(PathwayVersion).where(PathwayVersion.pathway_id == pathway.id, PathwayVersion.version == pathway.version)
    )
    assert version is not None
    root = trees.from_json(version.tree)
    current = and_(
        Enrolment.pathway_id == pathway.id, Enrolment.version == pathway.version, Enrolment.unenrolled_at.is_(None)
    )
    enrolled = int(await session.scalar(select(func.count()).where(current)) or 0)
    node_id = func.jsonb_array_elements_text(Enrolment.met_nodes).table_valued("value")
    counts = {
        uuid.UUID(n): int(c)
        for n, c in await session.execute(
            select(node_id.c.value, func.count()).select_from(Enrolment).join(node_id, literal(True)).where(current)
            .group_by(node_id.c.value)
        )
    }  # fmt: skip
    return [Step(n, counts.get(n.id, 0), enrolled) for n in root.walk()]


def kinds_of(totals: Sequence[Row]) -> dict[str, set[uuid.UUID]]:
    found: dict[str, set[uuid.UUID]] = {k: set() for k in KINDS}
    for r in totals:
        found.setdefault(r.kind, set()).add(r.subject_id)
    return found
