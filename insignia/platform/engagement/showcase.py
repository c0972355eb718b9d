"""A person's in-tenant showcase: headline, audience, shared awards (pinned first), pathways
completed, points and level, as the viewer may see them.

The showcase adds nothing to what the visibility policy shows: the person must be visible to the
viewer; awards appear only when accepted, shared with the organisation or the public, and standing
(``PRIVATE`` ones never, even to the person themselves: the showcase is what others see); pathways
only when open to the viewer. Points and level are shown to the person, to those who see them in
full (their managers, admins) and, for people who take part in leaderboards visibly, to everyone
who may see them: a pseudonym would mean little if a profile showed the same points.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.platform.credentials.award import SHARED
from insignia.platform.credentials.models import Award
from insignia.platform.engagement.models import EngagementProfile, PointTotal
from insignia.platform.engagement.points import EPOCH
from insignia.platform.engagement.profile import participation_expr, profiles_by_person
from insignia.platform.engagement.rules import Level, rules_for
from insignia.platform.pathways import pathway as pathways
from insignia.platform.pathways.models import Enrolment, Pathway
from insignia.tenants import visibility
from insignia.tenants.auth import Principal
from insignia.tenants.models import Audience, Person
from insignia.tenants.visibility import viewer_of

MAX_AWARDS = 100


@dataclass(frozen=True)
class Standing:
    points: int
    level: Level | None
    next_level: Level | None


async def standings(
    session: AsyncSession, principal: Principal, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Standing]:
    """All-time points and level of each person whose points the principal may see (see the
    module's rule); the others are absent. One statement for any number of people."""
    if not person_ids:
        return {}
    viewer = await viewer_of(session, principal)
    rules = await rules_for(session, principal.tenant_id)
    full = literal(True) if viewer.sees_everyone else case((visibility.full_condition(viewer), True), else_=False)
    rows = await session.execute(
        select(Person.id, func.coalesce(PointTotal.points, 0), full, participation_expr(rules))
        .select_from(Person)
        .join(Audience, Audience.id == Person.audience_id)
        .outerjoin(EngagementProfile, EngagementProfile.person_id == Person.id)
        .outerjoin(
            PointTotal,
            and_(PointTotal.person_id == Person.id, PointTotal.period == "all", PointTotal.period_start == EPOCH),
        )
        .where(Person.id.in_(person_ids), visibility.visible_condition(viewer))
    )
    return {
        person_id: Standing(int(points), rules.level_for(int(points)), rules.next_level(int(points)))
        for person_id, points, in_full, taking_part in rows
        if in_full or taking_part == "visible"
    }


async def showcase_awards(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], limit: int = MAX_AWARDS
) -> dict[uuid.UUID, list[Award]]:
    """Each person's shared, accepted, standing awards: pinned ones first in the order chosen, then
    the newest (two statements for any number of people; the caller checked they are visible)."""
    rows = await session.scalars(
        select(Award)
        .where(
            Award.recipient_id.in_(person_ids),
            Award.visibility.in_(SHARED),
            Award.acceptance == "accepted",
            Award.revoked_at.is_(None),
            Award.superseded_at.is_(None),
            Award.suspended_at.is_(None),
        )
        .order_by(Award.issued_at.desc(), Award.id.desc())
    )
    held: dict[uuid.UUID, list[Award]] = {p: [] for p in person_ids}
    for award in rows:
        held[award.recipient_id].append(award)
    profiles = await profiles_by_person(session, person_ids)
    out: dict[uuid.UUID, list[Award]] = {}
    for person_id, awards in held.items():
        order = {a: i for i, a in enumerate(profiles[person_id].pinned_award_ids)} if person_id in profiles else {}
        awards.sort(key=lambda a: order.get(a.id, len(order)))  # stable: the rest stay newest first
        out[person_id] = awards[:limit]
    return out


async def pinned_award_ids(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    profiles = await profiles_by_person(session, person_ids)
    return {p: list(profiles[p].pinned_award_ids) if p in profiles else [] for p in person_ids}


async def completed_pathways(
    session: AsyncSession, principal: Principal, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Pathway]]:
    """Pathways each person completed, most recent first, among those open to the principal."""
    rows = (
        await session.execute(
            select(Enrolment.person_id, Enrolment.pathway_id)
            .where(Enrolment.person_id.in_(person_ids), Enrolment.completed_at.is_not(None))
            .order_by(Enrolment.completed_at.desc())
        )
    ).all()
    open_to_viewer = await pathways.visible_pathways_by_ids(session, principal, list({p for _, p in rows}))
    out: dict[uuid.UUID, list[Pathway]] = {p: [] for p in person_ids}
    for person_id, pathway_id in rows:
        found = open_to_viewer.get(pathway_id)
        if found is not None and found not in out[person_id]:
            out[person_id].append(found)
    return out
