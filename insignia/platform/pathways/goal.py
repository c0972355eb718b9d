"""Goals: a person's own target (a pathway or a badge class), optionally by a date.

A learner sets their goals; a manager (or partner admin, or admin) sets goals for the people they
see in full. A goal shows its progress, whether it is on track for its date (from the pace so
far), and is marked achieved by itself when the pathway is completed or the badge is held. A goal
with a date that falls behind gets a reminder email, at most one a week.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import Checks, NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.outbox import enqueue
from insignia.platform.credentials import badge_class as badge_classes
from insignia.platform.credentials import eligibility
from insignia.platform.credentials.models import BadgeClass
from insignia.platform.pathways import tree as trees
from insignia.platform.pathways.models import Enrolment, Goal, Pathway, PathwayVersion
from insignia.platform.pathways.progress import facts_for
from insignia.tenants import webhook
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person
from insignia.tenants.person import EMAIL_KIND
from insignia.tenants.visibility import Access, access_to

STATUSES = ("active", "achieved", "abandoned")
REMIND_EVERY = timedelta(days=7)
MAX_ACTIVE_GOALS = 50


async def _person_for(session: AsyncSession, principal: Principal, person_id: uuid.UUID | None) -> Person:
    """The person a goal is for: the caller, or someone they see in full (a report, for a manager)."""
    if person_id is None:
        if principal.person is None:
            raise ValidationError("An API key sets goals for a person (personId).", "personId")
        person_id = principal.person.id
    access = (await access_to(session, principal, [person_id])).get(person_id)
    if access is None:
        raise NotFoundError("No such person.", "personId")
    if access is not Access.FULL:
        raise PermissionDeniedError("You may set goals only for yourself and the people you manage.", "personId")
    person = await session.scalar(select(Person).where(Person.id == person_id))
    assert person is not None
    return person


def _target_date(value: date | None, field: str = "targetDate") -> date | None:
    if value is not None and value < datetime.now(UTC).date():
        raise ValidationError("targetDate must not be in the past.", field)
    return value


async def create_goal(
    session: AsyncSession,
    principal: Principal,
    *,
    person_id: uuid.UUID | None = None,
    pathway_id: uuid.UUID | None = None,
    badge_class_id: uuid.UUID | None = None,
    target_date: date | None = None,
    title: str | None = None,
) -> Goal:
    """A goal toward a pathway or a badge class open to the person (every error at once)."""
    person = await _person_for(session, principal, person_id)
    checks = Checks()
    if (pathway_id is None) == (badge_class_id is None):
        checks.errors.append(ValidationError("Give exactly one of pathwayId or badgeClassId.", "pathwayId"))
    if pathway_id is not None:
        pathway = await session.scalar(select(Pathway).where(Pathway.id == pathway_id))
        from insignia.platform.pathways.pathway import open_to_person

        if (
            pathway is None
            or pathway.status != "published"
            or not await open_to_person(session, pathway, person.audience_id)
        ):
            checks.errors.append(NotFoundError("No such pathway open to the person.", "pathwayId"))
    if badge_class_id is not None:
        badge = await session.scalar(select(BadgeClass).where(BadgeClass.id == badge_class_id))
        if badge is None or badge.status != "published" or not await badge_classes.in_audience(session, badge, person):
            checks.errors.append(NotFoundError("No such badge class open to the person.", "badgeClassId"))
    checks.run(lambda: _target_date(target_date))
    name = checks.run(lambda: validation.optional_text(title, "title"))
    active = await session.scalar(
        select(Goal.id).where(Goal.person_id == person.id, Goal.status == "active").offset(MAX_ACTIVE_GOALS - 1)
    )
    if active is not None:
        checks.errors.append(ValidationError(f"At most {MAX_ACTIVE_GOALS} active goals per person.", "personId"))
    checks.done()
    goal = Goal(
        tenant_id=principal.tenant_id,
        person_id=person.id,
        pathway_id=pathway_id,
        badge_class_id=badge_class_id,
        target_date=target_date,
        title=name,
        created_by=principal.label,
    )
    session.add(goal)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="goal.created", subject_type="Goal",
        subject_id=goal.id, after=_snapshot(goal),
    )  # fmt: skip
    await settle(session, person.id)
    return goal


def _snapshot(goal: Goal) -> dict[str, object]:
    return {
        "personId": str(goal.person_id),
        "pathwayId": str(goal.pathway_id) if goal.pathway_id else None,
        "badgeClassId": str(goal.badge_class_id) if goal.badge_class_id else None,
        "targetDate": goal.target_date.isoformat() if goal.target_date else None,
        "status": goal.status,
        "title": goal.title,
    }


async def get_goal(session: AsyncSession, principal: Principal, goal_id: uuid.UUID) -> Goal:
    goal = await session.scalar(select(Goal).where(Goal.id == goal_id))
    if goal is None or (await access_to(session, principal, [goal.person_id])).get(goal.person_id) is not Access.FULL:
        raise NotFoundError("No such goal.", "id")
    return goal


async def update_goal(
    session: AsyncSession,
    principal: Principal,
    goal_id: uuid.UUID,
    *,
    target_date: date | None = None,
    clear_target_date: bool = False,
    status: str | None = None,
    title: str | None = None,
) -> Goal:
    """Change a goal's date, title, or abandon (``abandoned``) / resume (``active``) it."""
    goal = await get_goal(session, principal, goal_id)
    before = _snapshot(goal)
    checks = Checks()
    if clear_target_date:
        goal.target_date = None
    elif target_date is not None and checks.run(lambda: _target_date(target_date)) is not None:
        goal.target_date = target_date
        goal.reminded_at = None
    if status is not None:
        if status not in ("active", "abandoned"):
            checks.errors.append(ValidationError("status can be set to ACTIVE or ABANDONED.", "status"))
        elif goal.status == "achieved":
            checks.errors.append(ValidationError("An achieved goal stays achieved.", "status"))
        else:
            goal.status = status
    if title is not None:
        goal.title = checks.run(lambda: validation.optional_text(title, "title"))
    checks.done()
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="goal.updated", subject_type="Goal",
        subject_id=goal.id, before=before, after=_snapshot(goal),
    )  # fmt: skip
    return goal


async def goals_of(session: AsyncSession, principal: Principal, person: Person) -> list[Goal]:
    """A person's goals, for whoever sees them in full (newest first)."""
    full = (await access_to(session, principal, [person.id])).get(person.id) is Access.FULL
    if not full and not principal.has(Scope.AWARDS_READ):
        return []
    rows = await session.scalars(select(Goal).where(Goal.person_id == person.id).order_by(Goal.id.desc()))
    return list(rows)


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    percent: float
    on_track: bool | None


def _on_track(goal: Goal, percent: float, now: datetime) -> bool | None:
    """From the pace so far: the share done is at least the share of the time gone (less 10 points)."""
    if goal.status == "achieved":
        return True
    if goal.target_date is None or goal.status != "active":
        return None
    start = goal.created_at
    end = datetime.combine(goal.target_date, datetime.max.time(), tzinfo=UTC)
    if now >= end:
        return False
    elapsed = max(0.0, (now - start).total_seconds() / max(1.0, (end - start).total_seconds()))
    return percent / 100 >= elapsed - 0.10


async def progress_of_goals(session: AsyncSession, goals: Sequence[Goal]) -> dict[uuid.UUID, GoalProgress]:
    """Each goal's percent and whether it is on track, in a fixed number of statements: a pathway
    goal follows the person's enrolment (or, not enrolled, the pathway's newest version); a badge
    goal is 100 when held, else the share of its criteria met."""
    now = datetime.now(UTC)
    out: dict[uuid.UUID, GoalProgress] = {}
    pathway_goals = [g for g in goals if g.pathway_id is not None]
    badge_goals = [g for g in goals if g.badge_class_id is not None]
    if pathway_goals:
        people = list({g.person_id for g in pathway_goals})
        pathway_ids = list({g.pathway_id for g in pathway_goals if g.pathway_id})
        enrolled = {
            (e.person_id, e.pathway_id): e.version
            for e in await session.scalars(
                select(Enrolment).where(
                    Enrolment.person_id.in_(people),
                    Enrolment.pathway_id.in_(pathway_ids),
                    Enrolment.unenrolled_at.is_(None),
                )
            )
        }
        newest = {p.id: p.version for p in await session.scalars(select(Pathway).where(Pathway.id.in_(pathway_ids)))}
        versions = {
            (v.pathway_id, v.version): trees.from_json(v.tree)
            for v in await session.scalars(select(PathwayVersion).where(PathwayVersion.pathway_id.in_(pathway_ids)))
        }
        refs: set[uuid.UUID] = set()
        for root in versions.values():
            refs |= root.refs()
        facts = await facts_for(session, people, refs)
        for g in pathway_goals:
            assert g.pathway_id is not None
            version = enrolled.get((g.person_id, g.pathway_id), newest.get(g.pathway_id, 0))
            tree = versions.get((g.pathway_id, version))
            percent = 100.0 if g.status == "achieved" else (
                trees.evaluate(tree, facts[g.person_id]).percent if tree is not None else 0.0
            )  # fmt: skip
            out[g.id] = GoalProgress(g, percent, _on_track(g, percent, now))
    if badge_goals:
        people_by_id = {
            p.id: p
            for p in await session.scalars(select(Person).where(Person.id.in_({g.person_id for g in badge_goals})))
        }
        badges = {
            b.id: b
            for b in await session.scalars(
                select(BadgeClass).where(BadgeClass.id.in_({g.badge_class_id for g in badge_goals}))
            )
        }
        for g in badge_goals:
            assert g.badge_class_id is not None
            [result] = await eligibility.eligibility_for(session, people_by_id[g.person_id], [badges[g.badge_class_id]])
            if g.status == "achieved" or result.awarded:
                percent = 100.0
            else:
                counted = [c for c in result.criteria if c.description not in _CHECKS]
                percent = 100.0 * sum(1 for c in counted if c.met) / len(counted) if counted else 0.0
            out[g.id] = GoalProgress(g, percent, _on_track(g, percent, now))
    return out


# Eligibility checks that are not steps a person takes.
_CHECKS = {"The badge class is published", "Open to the person's audience", "Awarded by an issuer"}


async def settle(session: AsyncSession, person_id: uuid.UUID) -> int:
    """Mark the person's active goals achieved once met (pathway completed, badge held); the
    ``goal.achieved`` event. The number achieved."""
    goals = (
        await session.scalars(
            select(Goal).where(Goal.person_id == person_id, Goal.status == "active").with_for_update()
        )
    ).all()
    if not goals:
        return 0
    achieved = 0
    now = datetime.now(UTC)
    for progress in (await progress_of_goals(session, goals)).values():
        if progress.percent >= 100.0:
            goal = progress.goal
            goal.status = "achieved"
            goal.achieved_at = now
            achieved += 1
            await webhook.publish(session, goal.tenant_id, "goal.achieved", {"goalId": str(goal.id), **_snapshot(goal)})
    await session.flush()
    return achieved


async def remind_behind(session: AsyncSession) -> int:
    """For the scheduler (in a tenant's transaction): email the people whose dated goals fell
    behind, at most once a week per goal. The number of reminders."""
    now = datetime.now(UTC)
    goals = (
        await session.scalars(
            select(Goal)
            .where(
                Goal.status == "active",
                Goal.target_date.is_not(None),
                or_(Goal.reminded_at.is_(None), Goal.reminded_at < now - REMIND_EVERY),
            )
            .limit(500)
            .with_for_update(skip_locked=True)
        )
    ).all()
    sent = 0
    progress = await progress_of_goals(session, goals)
    people = {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_({g.person_id for g in goals})))}
    for goal in goals:
        p = progress[goal.id]
        person = people.get(goal.person_id)
        if p.on_track is not False or person is None or not person.active:
            continue
        goal.reminded_at = now
        context = {
            "name": person.name,
            "goal": goal.title or "your goal",
            "percent": int(p.percent),
            "target_date": goal.target_date.isoformat() if goal.target_date else None,
        }
        await enqueue(
            session, goal.tenant_id, EMAIL_KIND, {"template": "goal_behind", "to": person.email, "context": context}
        )
        sent += 1
    await session.flush()
    return sent
