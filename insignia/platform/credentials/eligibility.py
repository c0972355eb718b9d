"""Eligibility and the rule engine: which criteria a person meets and what is missing, progress
towards every badge class open to them, awarding by rule, and re-evaluation after a rule change.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit
from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.outbox import enqueue
from insignia.platform.credentials import criteria as rules
from insignia.platform.credentials.badge_class import (
    audiences_by_badge_class,
    get_badge_class,
    in_audience,
    visible_badge_classes_by_ids,
)
from insignia.platform.credentials.issuing import issue_award
from insignia.platform.credentials.models import Award, BadgeClass, BadgeClassAudience
from insignia.platform.learning import service as learning
from insignia.platform.learning.models import Assessment, AssessmentResult, Completion, Course
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person

REEVALUATE_KIND = "credential.reevaluate"


def _require(principal: Principal, scope: Scope, what: str) -> None:
    if not principal.has(scope):
        raise PermissionDeniedError(f"You are not allowed to {what}.")


@dataclass(frozen=True)
class Eligibility:
    badge_class: BadgeClass
    eligible: bool
    awarded: bool
    criteria: list[rules.Outcome]


async def _facts(
    session: AsyncSession, person_id: uuid.UUID, groups: Sequence[rules.Group], *, since: datetime | None = None
) -> rules.Facts:
    refs: set[uuid.UUID] = set()
    for group in groups:
        refs |= group.refs()
    done = select(Completion.course_id).where(Completion.person_id == person_id)
    if since is not None:
        done = done.where(Completion.completed_at > since)
    completed = frozenset((await session.scalars(done)).all())
    scores = await learning.best_scores_of(session, person_id, since=since)
    now = datetime.now(UTC)
    held = frozenset(
        a.badge_class_id
        for a in await session.scalars(
            select(Award).where(
                Award.recipient_id == person_id, Award.revoked_at.is_(None), Award.superseded_at.is_(None)
            )
        )
        if a.status(now) == "active"
    )
    names: dict[uuid.UUID, str] = {}
    passing: dict[uuid.UUID, Any] = {}
    if refs:
        for c in await session.scalars(select(Course).where(Course.id.in_(refs))):
            names[c.id] = c.title
        for a in await session.scalars(select(Assessment).where(Assessment.id.in_(refs))):
            names[a.id] = a.title
            passing[a.id] = a.passing_score
        for b in await session.scalars(select(BadgeClass).where(BadgeClass.id.in_(refs))):
            names[b.id] = b.name
    return rules.Facts(completed, scores, held, passing, names)


async def eligibility_for(
    session: AsyncSession, person: Person, badges: Sequence[BadgeClass], *, since: datetime | None = None
) -> list[Eligibility]:
    """Explain, for each badge class, which criteria the person meets and what is missing
    (counting only completions and results after ``since``, when given)."""
    groups = [rules.parse(b.criteria) for b in badges]
    facts = await _facts(session, person.id, groups, since=since)
    audiences = await audiences_by_badge_class(session, [b.id for b in badges])
    out: list[Eligibility] = []
    for badge, group in zip(badges, groups, strict=True):
        met, outcomes = rules.evaluate(group, facts)
        checks: list[rules.Outcome] = []
        if badge.status != "published":
            checks.append(rules.Outcome("The badge class is published", False, f"The badge class is {badge.status}"))
        allowed = audiences[badge.id]
        if allowed and person.audience_id not in allowed:
            checks.append(rules.Outcome("Open to the person's audience", False, "Not open to the person's audience"))
        if group.empty:
            checks.append(rules.Outcome("Awarded by an issuer", False, "No automatic criteria: an issuer awards it"))
        outcomes = checks + outcomes
        eligible = met and all(c.met for c in checks) and not group.empty
        out.append(Eligibility(badge, eligible, badge.id in facts.held_badges, outcomes))
    return out


async def award_eligibility(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, badge_class_id: uuid.UUID
) -> Eligibility:
    person = await _person_for_progress(session, principal, person_id)
    badge = (await visible_badge_classes_by_ids(session, principal, [badge_class_id])).get(badge_class_id)
    if badge is None:
        # A manager may not see a badge class limited to their report's audience in the catalog,
        # yet may see the report's progress toward it.
        badge = await session.scalar(select(BadgeClass).where(BadgeClass.id == badge_class_id))
        if badge is None or badge.status == "draft" or not await in_audience(session, badge, person):
            raise NotFoundError("No such badge class.", "badgeClassId")
    [result] = await eligibility_for(session, person, [badge])
    return result


async def _person_for_progress(session: AsyncSession, principal: Principal, person_id: uuid.UUID) -> Person:
    """The person, if the principal may see their progress (themselves, their managers, issuers)."""
    person = await session.scalar(select(Person).where(Person.id == person_id))
    if person is None or not await learning.can_see_progress(session, principal, person):
        raise NotFoundError("No such person.", "personId")
    return person


async def progress_of(session: AsyncSession, principal: Principal, person: Person) -> list[Eligibility]:
    """Every published badge class open to the person's audience, with their progress."""
    await _person_for_progress(session, principal, person.id)
    restricted = select(BadgeClassAudience.badge_class_id).where(BadgeClassAudience.audience_id != person.audience_id)
    allowed_for_me = select(BadgeClassAudience.badge_class_id).where(
        BadgeClassAudience.audience_id == person.audience_id
    )
    badges = (
        await session.scalars(
            select(BadgeClass)
            .where(BadgeClass.status == "published")
            .where(or_(BadgeClass.id.not_in(restricted), BadgeClass.id.in_(allowed_for_me)))
            .order_by(BadgeClass.name)
        )
    ).all()
    return await eligibility_for(session, person, badges)


async def evaluate_person(
    session: AsyncSession, tenant_id: uuid.UUID, person_id: uuid.UUID, refs: Sequence[uuid.UUID]
) -> list[Award]:
    """The rule engine: award every published badge class affected by ``refs`` whose criteria the
    person now meets. Runs as an outbox job; issuing is idempotent, so a retry changes nothing.

    It never re-issues an award an issuer revoked (that takes an issuer), and it renews an expired
    award only on completions and results recorded after that award was issued (recertification).
    """
    person = await session.scalar(select(Person).where(Person.id == person_id))
    if person is None or not person.active:
        return []
    badges = (
        await session.scalars(
            select(BadgeClass).where(BadgeClass.status == "published", BadgeClass.criteria_refs.overlap(list(refs)))
        )
    ).all()
    latest: dict[uuid.UUID, Award] = {}
    for award in await session.scalars(
        select(Award)
        .where(Award.recipient_id == person_id, Award.badge_class_id.in_([b.id for b in badges]))
        .order_by(Award.id)
    ):
        latest[award.badge_class_id] = award
    now = datetime.now(UTC)
    fresh: list[BadgeClass] = []
    renewals: list[tuple[BadgeClass, Award]] = []
    for badge in badges:
        previous = latest.get(badge.id)
        if previous is None:
            fresh.append(badge)
        elif previous.revoked_at is None and previous.status(now) == "expired":
            renewals.append((badge, previous))
    issued: list[Award] = []
    candidates = list(await eligibility_for(session, person, fresh))
    for badge, expired in renewals:
        candidates += await eligibility_for(session, person, [badge], since=expired.issued_at)
    for result in candidates:
        if result.eligible and not result.awarded:
            outcome = await issue_award(
                session, None, badge_class_id=result.badge_class.id, recipient_id=person_id, tenant_id=tenant_id
            )
            if outcome.created:
                issued.append(outcome.award)
    return issued


async def request_reevaluation(session: AsyncSession, principal: Principal, badge_id: uuid.UUID) -> BadgeClass:
    """After a rule change: evaluate everyone with progress towards the badge class again (a job)."""
    _require(principal, Scope.AWARDS_ISSUE, "re-evaluate badge classes")
    badge = await get_badge_class(session, badge_id)
    if badge.status != "published":
        raise ValidationError("Only published badge classes are evaluated.", "id")
    await enqueue(session, principal.tenant_id, REEVALUATE_KIND, {"badgeClassId": str(badge.id)})
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="badge_class.reevaluation_requested",
        subject_type="BadgeClass", subject_id=badge.id,
    )  # fmt: skip
    return badge


async def fan_out_reevaluation(session: AsyncSession, tenant_id: uuid.UUID, badge_id: uuid.UUID) -> int:
    """One evaluation job per person with any completion, result or award the criteria refer to."""
    badge = await session.scalar(select(BadgeClass).where(BadgeClass.id == badge_id))
    if badge is None or not badge.criteria_refs:
        return 0
    refs = list(badge.criteria_refs)
    people = set(
        (await session.scalars(select(Completion.person_id).where(Completion.course_id.in_(refs)).distinct())).all()
    )
    people |= set(
        (
            await session.scalars(
                select(AssessmentResult.person_id).where(AssessmentResult.assessment_id.in_(refs)).distinct()
            )
        ).all()
    )
    people |= set(
        (await session.scalars(select(Award.recipient_id).where(Award.badge_class_id.in_(refs)).distinct())).all()
    )
    for person_id in sorted(people):
        await enqueue(
            session, tenant_id, learning.EVALUATE_KIND, {"personId": str(person_id), "refs": [str(r) for r in refs]}
        )
    return len(people)
