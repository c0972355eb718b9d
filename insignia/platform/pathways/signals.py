"""How credential and learning changes reach pathways and goals, without importing them.

Awards and completions call ``touched`` in the same transaction as their change; it enqueues one
``pathway.evaluate`` job when (and only when) the person has a current enrolment whose version
refers to the badge class or course, or an active goal that does. The job re-evaluates exactly
those enrolments and goals (``insignia.platform.pathways.progress.evaluate_person``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.outbox import enqueue
from insignia.platform.pathways.models import Enrolment, Goal, PathwayVersion

EVALUATE_KIND = "pathway.evaluate"


async def touched_many(
    session: AsyncSession, tenant_id: uuid.UUID, person_ids: Sequence[uuid.UUID], ref: uuid.UUID
) -> int:
    """``touched`` for many people and one badge class or course (bulk issues), in one statement
    to find who is affected; the number of evaluations scheduled."""
    if not person_ids:
        return 0
    enrolled = (
        select(Enrolment.person_id)
        .join(
            PathwayVersion,
            and_(PathwayVersion.pathway_id == Enrolment.pathway_id, PathwayVersion.version == Enrolment.version),
        )
        .where(
            Enrolment.person_id.in_(person_ids), Enrolment.unenrolled_at.is_(None), PathwayVersion.refs.contains([ref])
        )
    )
    aiming = select(Goal.person_id).where(
        Goal.person_id.in_(person_ids),
        Goal.status == "active",
        or_(
            Goal.badge_class_id == ref,
            exists().where(PathwayVersion.pathway_id == Goal.pathway_id, PathwayVersion.refs.contains([ref])),
        ),
    )
    affected = set(await session.scalars(enrolled.union(aiming)))
    for person_id in affected:
        await enqueue(session, tenant_id, EVALUATE_KIND, {"personId": str(person_id), "refs": [str(ref)]})
    return len(affected)


async def touched(session: AsyncSession, tenant_id: uuid.UUID, person_id: uuid.UUID, refs: Sequence[uuid.UUID]) -> bool:
    """Schedule the re-evaluation of what ``refs`` (badge classes, courses) change for a person;
    whether anything was scheduled."""
    if not refs:
        return False
    ref_list = list(refs)
    enrolled = exists().where(
        Enrolment.person_id == person_id,
        Enrolment.unenrolled_at.is_(None),
        PathwayVersion.pathway_id == Enrolment.pathway_id,
        PathwayVersion.version == Enrolment.version,
        PathwayVersion.refs.overlap(ref_list),
    )
    goal = exists().where(
        Goal.person_id == person_id,
        Goal.status == "active",
        or_(
            Goal.badge_class_id.in_(ref_list),
            and_(
                Goal.pathway_id.is_not(None),
                exists().where(PathwayVersion.pathway_id == Goal.pathway_id, PathwayVersion.refs.overlap(ref_list)),
            ),
        ),
    )
    if not await session.scalar(select(or_(enrolled, goal))):
        return False
    await enqueue(session, tenant_id, EVALUATE_KIND, {"personId": str(person_id), "refs": [str(r) for r in ref_list]})
    return True
