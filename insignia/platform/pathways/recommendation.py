"""Next steps for a person: a ranked, explained list of badge classes, courses and pathways.

Deterministic given the data, limited to what is open to the person's audience, and built only
from their own progress and from counts over their own company (never from another person's
data: a popularity count under ``MIN_POPULAR`` is not shown). Sources, strongest first:

1. the unlocked next steps of their current enrolments ("2 of 3 steps done in Partner Onboarding");
2. their active goals ("your goal: Certified Partner");
3. badge classes whose criteria they have partly met ("1 of 2 criteria met");
4. pathways popular with people of their own company or audience ("popular with partners at Initech").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import NotFoundError
from insignia.platform.credentials import eligibility
from insignia.platform.credentials.models import BadgeClass
from insignia.platform.pathways.models import Enrolment, Goal, Pathway, PathwayAudience
from insignia.platform.pathways.progress import evaluations
from insignia.tenants.auth import Principal
from insignia.tenants.models import Audience, Person
from insignia.tenants.visibility import Access, access_to

MIN_POPULAR = 3
MAX_RESULTS = 50


@dataclass(frozen=True)
class Recommendation:
    kind: str  # "badge_class" | "course" | "pathway"
    id: uuid.UUID
    name: str
    reason: str
    score: float


async def recommendations_for(
    session: AsyncSession, principal: Principal, person: Person, first: int | None
) -> list[Recommendation]:
    """The person's next steps, best first (for the person and whoever sees them in full)."""
    if (await access_to(session, principal, [person.id])).get(person.id) is not Access.FULL:
        raise NotFoundError("No such person.", "id")
    limit = max(1, min(first or 10, MAX_RESULTS))
    found: dict[tuple[str, uuid.UUID], Recommendation] = {}

    def offer(item: Recommendation) -> None:
        key = (item.kind, item.id)
        if key not in found or found[key].score < item.score:
            found[key] = item

    enrolments = (
        await session.scalars(
            select(Enrolment).where(Enrolment.person_id == person.id, Enrolment.unenrolled_at.is_(None))
        )
    ).all()
    enrolled = {e.pathway_id for e in enrolments}
    pathways = {p.id: p for p in await session.scalars(select(Pathway).where(Pathway.id.in_(enrolled)))}
    for progress in (await evaluations(session, enrolments)).values():
        if progress.evaluation.met:
            continue
        pathway = pathways[progress.enrolment.pathway_id]
        leaves = [n for n in progress.root.walk() if n.leaf and not n.optional]
        done = sum(1 for n in leaves if progress.evaluation.outcomes[n.id].met)
        for rank, node in enumerate(progress.evaluation.next_steps[:3]):
            assert node.ref is not None
            reason = f"{done} of {len(leaves)} steps done in {pathway.name}"
            kind = "badge_class" if node.kind == "badge" else "course"
            name = progress.evaluation.outcomes[node.id].missing or ""
            offer(Recommendation(kind, node.ref, name, reason, 100 + progress.evaluation.percent / 10 - rank))

    goals = (await session.scalars(select(Goal).where(Goal.person_id == person.id, Goal.status == "active"))).all()
    for goal in goals:
        if goal.pathway_id is not None and goal.pathway_id not in enrolled:
            target = await session.scalar(select(Pathway).where(Pathway.id == goal.pathway_id))
            if target is not None and target.status == "published":
                offer(Recommendation("pathway", target.id, target.name, f"Your goal: {goal.title or target.name}", 95))
        if goal.badge_class_id is not None:
            badge = await session.scalar(select(BadgeClass).where(BadgeClass.id == goal.badge_class_id))
            if badge is not None:
                offer(Recommendation("badge_class", badge.id, badge.name, f"Your goal: {goal.title or badge.name}", 95))

    for result in await eligibility.progress_of(session, principal, person):
        if result.awarded or result.eligible:
            continue
        steps = [c for c in result.criteria if c.description not in _CHECKS]
        met = sum(1 for c in steps if c.met)
        if steps and 0 < met < len(steps):
            b = result.badge_class
            offer(
                Recommendation(
                    "badge_class", b.id, b.name, f"{met} of {len(steps)} criteria met", 60 + 30 * met / len(steps)
                )
            )

    for pathway, count, where in await _popular(session, person, enrolled):
        offer(Recommendation("pathway", pathway.id, pathway.name, f"Popular with {where}", 50 + min(count, 40) / 2))

    ranked = sorted(found.values(), key=lambda r: (-r.score, r.name, str(r.id)))
    return ranked[:limit]


_CHECKS = {"The badge class is published", "Open to the person's audience", "Awarded by an issuer"}
_PLURAL = {"employee": "colleagues", "partner": "partners", "customer": "customers"}


async def _popular(session: AsyncSession, person: Person, enrolled: set[uuid.UUID]) -> list[tuple[Pathway, int, str]]:
    """Published pathways open to the person, with how many people of their own company (or
    audience) are enrolled; only counts of at least ``MIN_POPULAR``."""
    audience = await session.scalar(select(Audience).where(Audience.id == person.audience_id))
    assert audience is not None
    if audience.partner_company:
        peers = select(Audience.id).where(
            Audience.kind == audience.kind,
            func.lower(Audience.partner_company) == audience.partner_company.lower(),
        )
        where = f"{_PLURAL[audience.kind]} at {audience.partner_company}"
    else:
        peers = select(Audience.id).where(Audience.id == audience.id)
        where = f"{_PLURAL[audience.kind]} in {audience.name}"
    restricted = select(PathwayAudience.pathway_id).where(PathwayAudience.pathway_id == Pathway.id)
    mine = select(PathwayAudience.pathway_id).where(
        PathwayAudience.pathway_id == Pathway.id, PathwayAudience.audience_id == person.audience_id
    )
    rows = await session.execute(
        select(Pathway, func.count(Enrolment.id))
        .join(Enrolment, Enrolment.pathway_id == Pathway.id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(
            Pathway.status == "published",
            Pathway.id.not_in(enrolled) if enrolled else Pathway.id.is_not(None),
            (~restricted.exists()) | mine.exists(),
            Person.audience_id.in_(peers),
            Person.id != person.id,
        )
        .group_by(Pathway.tenant_id, Pathway.id)
        .having(func.count(Enrolment.id) >= MIN_POPULAR)
    )
    return [(p, int(n), where) for p, n in rows]
