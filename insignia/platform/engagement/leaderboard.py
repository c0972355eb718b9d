"""Leaderboards: people ranked by the points they earned in a period, within a scope.

Who is on a board the viewer asks for: people the viewer may see (the visibility policy), active,
taking part (not ``hidden``), with points in the period, in the scope (the tenant; an audience; a
partner or customer company; a manager's team; a pathway's enrolled people). A pseudonymous person
is shown by their pseudonym and no person; the viewer always sees themselves by name. Ranks are
counted among the people on the viewer's board only ("1224": equal points, equal rank), so nobody
the viewer may not see, and nobody hidden, moves a rank they are shown. The viewer's own rank and
points are given even when outside the page (when they take part; hidden, they see where they would
stand).

A page costs three statements (the top, the viewer's points, how many are above them). The policy
is applied to each row's person and its copy of their audience (``visibility.visible_on``), so the
top and the count walk the ``point_totals`` index of the period without reading ``people``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.platform.engagement.models import EngagementProfile, PointTotal
from insignia.platform.engagement.points import PERIODS, period_start
from insignia.platform.engagement.profile import audience_kinds, participates, participation_expr, without_jit
from insignia.platform.engagement.rules import Level, Rules, rules_for
from insignia.platform.pathways import pathway as pathways
from insignia.platform.pathways.models import Enrolment
from insignia.tenants import visibility
from insignia.tenants.auth import Principal
from insignia.tenants.models import Audience, Person
from insignia.tenants.person import visible_people_by_ids
from insignia.tenants.visibility import Viewer, viewer_of

TAKING_PART = ("visible", "pseudonymous")
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


Columns = Callable[[Any, Any], ColumnElement[bool]]  # (person id column, audience id column) -> condition


async def _scope_condition(session: AsyncSession, viewer: Viewer, scope: BoardScope) -> Columns:
    """Who a scope holds (a condition on a person's id and audience id columns); a scope the viewer
    may not see is refused, and one naming something the viewer may not see at all answers as one
    that does not exist."""
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
        audience_id = audience.id
        return lambda _person, audience_col: audience_col == audience_id
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
        ids = [a.id for a in audiences]
        return lambda _person, audience_col: audience_col.in_(ids)
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
        return lambda person_col, _audience: or_(person_col == manager, person_col.in_(visibility.reports_of(manager)))
    if scope.pathway_id is not None:
        pathway_id = scope.pathway_id
        if not await pathways.visible_pathways_by_ids(session, principal, [pathway_id]):
            raise NotFoundError("No such pathway.", "pathwayId")
        enrolled = select(Enrolment.person_id).where(
            Enrolment.pathway_id == pathway_id, Enrolment.unenrolled_at.is_(None)
        )
        return lambda person_col, _audience: person_col.in_(enrolled)
    return lambda _person, _audience: true()


@dataclass(frozen=True)
class _Board:
    """What decides who is on a viewer's board: conditions on ``point_totals`` rows."""

    conditions: list[ColumnElement[bool]]


async def _on_board(
    session: AsyncSession, rules: Rules, viewer: Viewer, *, period: str, start: date, scope: Columns
) -> _Board:
    """Rows of ``point_totals`` on the viewer's board: the period; people the viewer may see, active,
    taking part, in the scope (each decided on the row's person and audience columns, the tenant's
    few audiences resolved first so that each row costs a short list and a few hashed lookups)."""
    person, audience = PointTotal.person_id, PointTotal.audience_id
    colleagues = await visibility.colleague_audience_list(session, viewer)
    kinds = await audience_kinds(session)
    conditions = [
        PointTotal.period == period,
        PointTotal.period_start == start,
        scope(person, audience),
        visibility.visible_on(viewer, person, audience, colleague_audiences=colleagues, active_only=True),
        person.not_in(visibility.inactive_people()),
        participates(rules, person, audience, TAKING_PART, kinds),
    ]
    return _Board(conditions)


async def _count_above(session: AsyncSession, board: _Board, points: int) -> int:
    """How many on the board have more than ``points``: the rows above, walked in the period's index
    and tested each (a short audience list first, then a few hashed lookups)."""
    return int(await session.scalar(select(func.count()).where(*board.conditions, PointTotal.points > points)) or 0)


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
    await without_jit(session)
    start = period_start(period, (now or datetime.now(UTC)).astimezone(UTC).date())
    board = await _on_board(session, rules, viewer, period=period, start=start, scope=in_scope)
    conditions = board.conditions
    top = (
        select(PointTotal.person_id, PointTotal.points)
        .where(*conditions, PointTotal.points > 0)
        .order_by(PointTotal.points.desc(), PointTotal.person_id)
        .limit(size)
        .subquery()
    )
    participation = participation_expr(rules)
    rows = await session.execute(
        select(Person, top.c.points, EngagementProfile.pseudonym, participation)
        .select_from(top)
        .join(Person, and_(Person.tenant_id == principal.tenant_id, Person.id == top.c.person_id))
        .join(Audience, and_(Audience.tenant_id == principal.tenant_id, Audience.id == Person.audience_id))
        .outerjoin(
            EngagementProfile,
            and_(EngagementProfile.tenant_id == principal.tenant_id, EngagementProfile.person_id == Person.id),
        )
        .order_by(top.c.points.desc(), top.c.person_id)
    )
    me = viewer.person_id
    entries: list[Entry] = []
    for person, points, alias, taking_part in rows:
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
                select(func.coalesce(PointTotal.points, 0), in_scope(Person.id, Person.audience_id), participation)
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
                viewer_rank = await _count_above(session, board, viewer_points) + 1
    return Board(period, start, entries, viewer_rank, viewer_points, viewer_participation)
