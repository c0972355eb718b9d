"""Leaderboards: people ranked by the points they earned in a period, within a scope.

Who is on a board the viewer asks for: people the viewer may see (the visibility policy), active,
taking part (not ``hidden``), with points in the period, in the scope (the tenant; an audience; a
partner or customer company; a manager's team; a pathway's enrolled people). A pseudonymous person
is shown by their pseudonym and no person; the viewer always sees themselves by name. Ranks are
counted among the people on the viewer's board only ("1224": equal points, equal rank), so nobody
the viewer may not see, and nobody hidden, moves a rank they are shown. The viewer's own rank and
points are given even when outside the page (when they take part; hidden, they see where they would
stand).

A page costs three statements (the top, the viewer's points, how many are above them), each
walking the ``point_totals`` index of the period.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.platform.engagement.models import EngagementProfile, PointTotal
from insignia.platform.engagement.points import PERIODS, period_start
from insignia.platform.engagement.profile import participation_expr
from insignia.platform.engagement.rules import Level, Rules, rules_for
from insignia.platform.pathways import pathway as pathways
from insignia.platform.pathways.models import Enrolment
from insignia.tenants import visibility
from insignia.tenants.auth import Principal
from insignia.tenants.models import Audience, Person
from insignia.tenants.person import visible_people_by_ids
from insignia.tenants.visibility import Viewer, viewer_of

DEFAULT_SIZE = 10
MAX_SIZE = 100
ANONYMOUS = "Anonymous learner"


@dataclass(frozen=True)
class BoardScope:
    """At most one of these; none: the whole tenant."""

    audience_id: uuid.UUID | None = None
    company: str | None = None
    manager_id: uuid.UUID | None = None
    pathway_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Entry:
    rank: int
    points: int
    display_name: str
    person: Person | None  # None when shown by pseudonym
    is_viewer: bool
    level: Level | None


@dataclass(frozen=True)
class Board:
    period: str
    period_start: date
    entries: list[Entry]
    viewer_rank: int | None
    viewer_points: int | None
    viewer_participation: str | None


async def _scope_condition(session: AsyncSession, viewer: Viewer, scope: BoardScope) -> ColumnElement[bool]:
    """Who a scope holds (a condition on ``Person``); a scope the viewer may not see is refused,
    and one naming something the viewer may not see at all answers as one that does not exist."""
    given = [
        (name, value)
        for name, value in (
            ("audienceId", scope.audience_id),
            ("company", scope.company),
            ("managerId", scope.manager_id),
            ("pathwayId", scope.pathway_id),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise ValidationError("Give at most one scope: audienceId, company, managerId or pathwayId.", given[1][0])
    principal = viewer.principal
    if scope.audience_id is not None:
        audience = await session.scalar(select(Audience).where(Audience.id == scope.audience_id))
        if audience is None:
            raise NotFoundError("No such audience.", "audienceId")
        if not visibility.reaches_audience(viewer, audience):
            raise PermissionDeniedError("You may not see the people of this audience.", "audienceId")
        return Person.audience_id == audience.id
    if scope.company is not None:
        name = scope.company.strip().lower()
        audiences = (
            (await session.scalars(select(Audience).where(func.lower(Audience.partner_company) == name))).all()
            if name
            else []
        )
        if not audiences:
            raise NotFoundError("No audience names this company.", "company")
        if not all(visibility.reaches_audience(viewer, a) for a in audiences):
            raise PermissionDeniedError("You may not see the people of this company.", "company")
        return Person.audience_id.in_([a.id for a in audiences])
    if scope.manager_id is not None:
        manager = scope.manager_id
        if not await visible_people_by_ids(session, principal, [manager]):
            raise NotFoundError("No such person.", "managerId")
        me = viewer.person_id
        allowed = viewer.sees_everyone or me == manager
        if not allowed and me is not None:
            # The team itself (the manager's reports) and those who see the manager in full.
            team = select(Person.id).where(Person.id == me, Person.id.in_(visibility.reports_of(manager)))
            in_full = select(Person.id).where(Person.id == manager, visibility.full_condition(viewer))
            allowed = bool(await session.scalar(select(or_(team.exists(), in_full.exists()))))
        if not allowed:
            raise PermissionDeniedError("Only the team, its managers and admins see a team's leaderboard.", "managerId")
        return or_(Person.id == manager, Person.id.in_(visibility.reports_of(manager)))
    if scope.pathway_id is not None:
        if not await pathways.visible_pathways_by_ids(session, principal, [scope.pathway_id]):
            raise NotFoundError("No such pathway.", "pathwayId")
        enrolled = select(Enrolment.person_id).where(
            Enrolment.pathway_id == scope.pathway_id, Enrolment.unenrolled_at.is_(None)
        )
        return Person.id.in_(enrolled)
    return true()


def _on_board(rules: Rules, viewer: Viewer, period: str, start: date, scope: ColumnElement[bool]) -> list[Any]:
    return [
        PointTotal.period == period,
        PointTotal.period_start == start,
        Person.active,
        participation_expr(rules) != "hidden",
        visibility.visible_condition(viewer),
        scope,
    ]


def _from_totals(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(PointTotal)
        .join(Person, Person.id == PointTotal.person_id)
        .join(Audience, Audience.id == Person.audience_id)
        .outerjoin(EngagementProfile, EngagementProfile.person_id == PointTotal.person_id)
    )


async def leaderboard(
    session: AsyncSession,
    principal: Principal,
    *,
    period: str,
    scope: BoardScope | None = None,
    first: int | None = None,
    now: datetime | None = None,
) -> Board:
    """The board of ``period`` (``week``, ``month``, ``quarter`` or ``all``) in ``scope``, best first."""
    if period not in PERIODS:
        raise ValidationError("period must be WEEK, MONTH, QUARTER or ALL_TIME.", "period")
    size = DEFAULT_SIZE if first is None else first
    if not 1 <= size <= MAX_SIZE:
        raise ValidationError(f"first must be between 1 and {MAX_SIZE}.", "first")
    viewer = await viewer_of(session, principal)
    rules = await rules_for(session, principal.tenant_id)
    in_scope = await _scope_condition(session, viewer, scope or BoardScope())
    start = period_start(period, (now or datetime.now(UTC)).astimezone(UTC).date())
    conditions = _on_board(rules, viewer, period, start, in_scope)
    participation = participation_expr(rules)
    top = await session.execute(
        _from_totals(Person, PointTotal.points, EngagementProfile.pseudonym, participation)
        .where(*conditions, PointTotal.points > 0)
        .order_by(PointTotal.points.desc(), PointTotal.person_id)
        .limit(size)
    )
    me = viewer.person_id
    entries: list[Entry] = []
    for person, points, alias, taking_part in top:
        rank = entries[-1].rank if entries and entries[-1].points == points else len(entries) + 1
        named = person.id == me or taking_part == "visible"
        entries.append(
            Entry(
                rank=rank,
                points=points,
                display_name=person.name if named else (alias or ANONYMOUS),
                person=person if named else None,
                is_viewer=person.id == me,
                level=rules.level_for(points) if period == "all" else None,
            )
        )
    viewer_rank = viewer_points = viewer_participation = None
    if me is not None:
        mine = (
            await session.execute(
                select(func.coalesce(PointTotal.points, 0), in_scope, participation)
                .select_from(Person)
                .join(Audience, Audience.id == Person.audience_id)
                .outerjoin(EngagementProfile, EngagementProfile.person_id == Person.id)
                .outerjoin(
                    PointTotal,
                    and_(
                        PointTotal.person_id == Person.id, PointTotal.period == period, PointTotal.period_start == start
                    ),
                )
                .where(Person.id == me)
            )
        ).one_or_none()
        if mine is not None and mine[1]:
            viewer_points, viewer_participation = int(mine[0]), str(mine[2])
            if viewer_points > 0:
                above = await session.scalar(
                    _from_totals(func.count()).where(*conditions, PointTotal.points > viewer_points)
                )
                viewer_rank = int(above or 0) + 1
    return Board(period, start, entries, viewer_rank, viewer_points, viewer_participation)
