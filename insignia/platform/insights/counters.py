"""Insight counters, maintained as the data changes (in the transaction of the change).

Each change adds to a counter per day, subject and the person's audience (``insight_daily``):

- badge classes: ``issued``, ``revoked``, ``expired``, ``renewed`` (an expired award renewed);
- skills: ``awarded`` (an award granting the skill);
- courses: ``completions``;
- pathways: ``enrolled``, ``completed``.

and records how long earning took (``earn_times``): an award, from the person's first learning
record toward it; a pathway completion, from enrolment. Reports read these, never every award.
Public page views and share-link clicks count per award and day (``award_views``), with nothing
that identifies the viewer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.platform.credentials.models import Award, BadgeClass
from insignia.platform.insights.models import AwardView, EarnTime, InsightDaily
from insignia.platform.learning.models import AssessmentResult, Completion
from insignia.tenants.models import Person


def _today() -> date:
    return datetime.now(UTC).date()


async def bump(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    kind: str,
    subject_id: uuid.UUID,
    audience_id: uuid.UUID,
    metric: str,
    delta: int = 1,
    day: date | None = None,
) -> None:
    """Add ``delta`` to one counter (created at zero)."""
    stmt = insert(InsightDaily).values(
        tenant_id=tenant_id, subject_kind=kind, metric=metric, day=day or _today(),
        subject_id=subject_id, audience_id=audience_id, value=delta,
    )  # fmt: skip
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["tenant_id", "subject_kind", "metric", "day", "subject_id", "audience_id"],
            set_={"value": InsightDaily.value + stmt.excluded.value},
        )
    )


_SKILLS_AWARDED = text(
    """
    INSERT INTO insight_daily (tenant_id, subject_kind, metric, day, subject_id, audience_id, value)
    SELECT s.tenant_id, 'skill', 'awarded', :day, s.skill_id, :audience, :n
      FROM badge_class_skills s WHERE s.badge_class_id = :badge
    ON CONFLICT (tenant_id, subject_kind, metric, day, subject_id, audience_id)
    DO UPDATE SET value = insight_daily.value + EXCLUDED.value
    """
)


async def awards_changed(session: AsyncSession, awards: Sequence[Award], change: str) -> None:
    """Count an award change (``issued``, ``revoked``, ``expired``; suspensions are not counted)
    for awards of one badge class or many, in a few statements."""
    if change not in ("issued", "revoked", "expired") or not awards:
        return
    audiences = {
        p: a
        for p, a in await session.execute(
            select(Person.id, Person.audience_id).where(Person.id.in_({a.recipient_id for a in awards}))
        )
    }
    groups: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
    renewed: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
    for award in awards:
        key = (award.badge_class_id, audiences[award.recipient_id])
        groups[key] = groups.get(key, 0) + 1
        if change == "issued" and award.replaces_award_id is not None:
            renewed[key] = renewed.get(key, 0) + 1
    tenant_id = awards[0].tenant_id
    for (badge_id, audience_id), n in groups.items():
        await bump(
            session, tenant_id, kind="badge_class", subject_id=badge_id, audience_id=audience_id, metric=change, delta=n
        )
        if change == "issued":
            await session.execute(
                _SKILLS_AWARDED, {"day": _today(), "audience": audience_id, "n": n, "badge": badge_id}
            )
    for (badge_id, audience_id), n in renewed.items():
        await bump(
            session,
            tenant_id,
            kind="badge_class",
            subject_id=badge_id,
            audience_id=audience_id,
            metric="renewed",
            delta=n,
        )
    if change == "issued" and len(awards) == 1:
        await _award_earn_time(session, awards[0], audiences[awards[0].recipient_id])


async def _award_earn_time(session: AsyncSession, award: Award, audience_id: uuid.UUID) -> None:
    """From the person's first completion or result toward the badge's criteria to the award."""
    refs = await session.scalar(select(BadgeClass.criteria_refs).where(BadgeClass.id == award.badge_class_id))
    if not refs:
        return  # awarded by hand, without learning records to start from
    first_completion = select(func.min(Completion.completed_at)).where(
        Completion.person_id == award.recipient_id, Completion.course_id.in_(refs)
    )
    first_result = select(func.min(AssessmentResult.taken_at)).where(
        AssessmentResult.person_id == award.recipient_id, AssessmentResult.assessment_id.in_(refs)
    )
    started = await session.scalar(
        select(func.least(first_completion.scalar_subquery(), first_result.scalar_subquery()))
    )
    if started is None or started > award.issued_at:
        return
    await record_earn_time(
        session, award.tenant_id, kind="badge_class", subject_id=award.badge_class_id, audience_id=audience_id,
        started=started, finished=award.issued_at,
    )  # fmt: skip


async def record_earn_time(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    kind: str,
    subject_id: uuid.UUID,
    audience_id: uuid.UUID,
    started: datetime,
    finished: datetime,
) -> None:
    session.add(
        EarnTime(
            tenant_id=tenant_id, subject_kind=kind, subject_id=subject_id, audience_id=audience_id,
            day=finished.date(), seconds=max(0.0, (finished - started).total_seconds()),
        )
    )  # fmt: skip
    await session.flush()


async def person_audience(session: AsyncSession, person_id: uuid.UUID) -> uuid.UUID:
    found = await session.scalar(select(Person.audience_id).where(Person.id == person_id))
    assert found is not None
    return found


async def viewed(session: AsyncSession, tenant_id: uuid.UUID, award_id: uuid.UUID, *, share: bool = False) -> None:
    """Count a view of an award's public page, or a click on one of its share links."""
    column = "share_clicks" if share else "views"
    stmt = insert(AwardView).values(tenant_id=tenant_id, award_id=award_id, day=_today(), **{column: 1})
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["tenant_id", "award_id", "day"],
            set_={column: getattr(AwardView, column) + 1},
        )
    )
