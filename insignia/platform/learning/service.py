"""Skills, courses, assessments, and recording what learners did.

Recording a completion or a result also schedules (through the outbox, in the same transaction)
the evaluation of the badge classes it may unlock, so nothing is lost between "finished" and
"awarded".
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.grouping import group_by
from insignia.infra.ids import uuid7
from insignia.infra.outbox import enqueue
from insignia.infra.pagination import Page, paginate
from insignia.platform.insights import counters
from insignia.platform.learning.models import (
    Assessment,
    AssessmentResult,
    Completion,
    Course,
    CourseAudience,
    CourseSkill,
    Skill,
)
from insignia.platform.pathways import signals
from insignia.tenants.audience import audiences_by_ids
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person
from insignia.tenants.visibility import Access, access_to, open_to_viewer, viewer_of

EVALUATE_KIND = "credential.evaluate"
ASSESSMENT_KINDS = ("quiz", "exam", "practical", "assignment")
SOURCES = ("manual", "api", "import", "xapi")
MAX_LINKS = 50
# Completions dated in the future are refused; a little slack absorbs clock skew of LMSs.
_FUTURE_SLACK = timedelta(minutes=10)


def _require(principal: Principal, scope: Scope, what: str) -> None:
    if not principal.has(scope):
        raise PermissionDeniedError(f"You are not allowed to {what}.")


async def ensure_ids(
    session: AsyncSession, model: type[Skill] | type[Course], ids: Sequence[uuid.UUID], field: str
) -> list[uuid.UUID]:
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_LINKS:
        raise ValidationError(f"{field} takes at most {MAX_LINKS} values", field)
    if unique:
        found = set((await session.scalars(select(model.id).where(model.id.in_(unique)))).all())
        missing = [i for i in unique if i not in found]
        if missing:
            raise NotFoundError(f"{field} contains an unknown id.", field)
    return unique


async def ensure_audiences(session: AsyncSession, ids: Sequence[uuid.UUID], field: str) -> list[uuid.UUID]:
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_LINKS:
        raise ValidationError(f"{field} takes at most {MAX_LINKS} values", field)
    found = await audiences_by_ids(session, unique)
    if len(found) != len(unique):
        raise NotFoundError(f"{field} contains an unknown id.", field)
    return unique


# --- skills -------------------------------------------------------------------------------------


async def create_skill(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    description: str | None = None,
    framework_url: str | None = None,
    framework_group: str | None = None,
) -> Skill:
    """A skill of the tenant, optionally linked to a public framework (ESCO, O*NET, ...) and in a
    tenant framework group ("Cloud", "Safety")."""
    _require(principal, Scope.LEARNING_WRITE, "manage skills")
    name = validation.text(name, "name")
    if await session.scalar(select(Skill.id).where(Skill.name == name)) is not None:
        raise ConflictError(f"A skill named {name!r} already exists.", "name")
    skill = Skill(
        tenant_id=principal.tenant_id,
        name=name,
        description=validation.optional_text(description, "description", max_length=2000),
        framework_url=validation.optional_url(framework_url, "frameworkUrl"),
        framework_group=validation.optional_text(framework_group, "frameworkGroup", max_length=100),
    )
    session.add(skill)
    await session.flush()
    await _audit(session, principal, "skill.created", skill, after=_skill_data(skill))
    return skill


async def update_skill(
    session: AsyncSession,
    principal: Principal,
    skill_id: uuid.UUID,
    *,
    name: str | None = None,
    description: str | None = None,
    framework_url: str | None = None,
    framework_group: str | None = None,
) -> Skill:
    """Change a skill; an empty description, framework URL or group clears it."""
    _require(principal, Scope.LEARNING_WRITE, "manage skills")
    skill = await _get(session, Skill, skill_id, "skill")
    before = _skill_data(skill)
    if name is not None:
        name = validation.text(name, "name")
        if await session.scalar(select(Skill.id).where(Skill.name == name, Skill.id != skill.id)) is not None:
            raise ConflictError(f"A skill named {name!r} already exists.", "name")
        skill.name = name
    if description is not None:
        skill.description = validation.optional_text(description, "description", max_length=2000)
    if framework_url is not None:
        skill.framework_url = validation.optional_url(framework_url, "frameworkUrl")
    if framework_group is not None:
        skill.framework_group = validation.optional_text(framework_group, "frameworkGroup", max_length=100)
    await session.flush()
    await _audit(session, principal, "skill.updated", skill, before=before, after=_skill_data(skill))
    return skill


async def delete_skill(session: AsyncSession, principal: Principal, skill_id: uuid.UUID) -> Skill:
    """Delete a skill; courses and badge classes simply stop listing it."""
    _require(principal, Scope.LEARNING_WRITE, "manage skills")
    skill = await _get(session, Skill, skill_id, "skill")
    before = _skill_data(skill)
    await session.delete(skill)
    await session.flush()
    await _audit(session, principal, "skill.deleted", skill, before=before)
    return skill


Item = TypeVar("Item", Skill, Course, Assessment)


def _skill_data(skill: Skill) -> dict[str, object]:
    return {"name": skill.name, "description": skill.description, "frameworkUrl": skill.framework_url}


def _course_data(course: Course) -> dict[str, object]:
    return {
        "title": course.title,
        "description": course.description,
        "estimatedMinutes": course.estimated_minutes,
        "activityId": course.activity_id,
    }


def _assessment_data(assessment: Assessment) -> dict[str, object]:
    return {
        "courseId": assessment.course_id,
        "title": assessment.title,
        "kind": assessment.kind,
        "passingScore": assessment.passing_score,
        "activityId": assessment.activity_id,
    }


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: str,
    subject: Skill | Course | Assessment,
    *,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> None:
    """A catalog change in the audit log (an update that changed nothing is not one)."""
    if before is None or after is None or before != after:
        await audit.record(
            session, principal.tenant_id, actor=principal.label, action=action,
            subject_type=type(subject).__name__, subject_id=subject.id, before=before, after=after,
        )  # fmt: skip


async def _get(session: AsyncSession, model: type[Item], item_id: uuid.UUID, what: str) -> Item:
    item = await session.scalar(select(model).where(model.id == item_id).with_for_update())
    if item is None:
        raise NotFoundError(f"No such {what}.", "id")
    return item


async def _refuse_if_required(session: AsyncSession, item_id: uuid.UUID, what: str) -> None:
    """Courses and assessments named in badge criteria, or with records, are not deleted."""
    from insignia.platform.credentials.models import BadgeClass

    used = await session.scalar(select(BadgeClass.name).where(BadgeClass.criteria_refs.contains([item_id])).limit(1))
    if used is not None:
        raise ValidationError(f"The {what} is required by the badge class {used!r}; change its criteria first.", "id")


async def list_skills(
    session: AsyncSession, *, first: int | None, after: str | None, last: int | None = None, before: str | None = None
) -> Page[Skill]:
    return await paginate(session, select(Skill), Skill.id, first, after, last=last, before=before)


async def skills_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Skill]:
    return {s.id: s for s in await session.scalars(select(Skill).where(Skill.id.in_(ids)))}


# --- courses and assessments ---------------------------------------------------------------------


async def create_course(
    session: AsyncSession,
    principal: Principal,
    *,
    title: str,
    description: str = "",
    skill_ids: Sequence[uuid.UUID] = (),
    audience_ids: Sequence[uuid.UUID] = (),
    estimated_minutes: int | None = None,
    activity_id: str | None = None,
) -> Course:
    """A course teaching some skills, optionally limited to audiences and mapped to an xAPI activity."""
    _require(principal, Scope.LEARNING_WRITE, "manage courses")
    title = validation.text(title, "title")
    description = validation.text(description, "description", max_length=5000, min_length=0)
    if estimated_minutes is not None and not 1 <= estimated_minutes <= 100_000:
        raise ValidationError("estimatedMinutes must be between 1 and 100000", "estimatedMinutes")
    activity = validation.iri(activity_id, "activityId") if activity_id else None
    if activity and await session.scalar(select(Course.id).where(Course.activity_id == activity)) is not None:
        raise ConflictError("Another course already uses this activity id.", "activityId")
    skills = await ensure_ids(session, Skill, skill_ids, "skillIds")
    audiences = await ensure_audiences(session, audience_ids, "audienceIds")
    course = Course(
        tenant_id=principal.tenant_id,
        title=title,
        description=description,
        estimated_minutes=estimated_minutes,
        activity_id=activity,
    )
    session.add(course)
    await session.flush()
    session.add_all(CourseSkill(tenant_id=principal.tenant_id, course_id=course.id, skill_id=s) for s in skills)
    session.add_all(
        CourseAudience(tenant_id=principal.tenant_id, course_id=course.id, audience_id=a) for a in audiences
    )
    await session.flush()
    after = {**_course_data(course), "skillIds": skills, "audienceIds": audiences}
    await _audit(session, principal, "course.created", course, after=after)
    return course


async def update_course(
    session: AsyncSession,
    principal: Principal,
    course_id: uuid.UUID,
    *,
    title: str | None = None,
    description: str | None = None,
    skill_ids: Sequence[uuid.UUID] | None = None,
    audience_ids: Sequence[uuid.UUID] | None = None,
    estimated_minutes: int | None = None,
    activity_id: str | None = None,
) -> Course:
    """Change a course; given lists replace the current ones, an empty activity id clears it."""
    _require(principal, Scope.LEARNING_WRITE, "manage courses")
    course = await _get(session, Course, course_id, "course")
    before, after = _course_data(course), dict[str, object]()
    if title is not None:
        course.title = validation.text(title, "title")
    if description is not None:
        course.description = validation.text(description, "description", max_length=5000, min_length=0)
    if estimated_minutes is not None:
        if not 1 <= estimated_minutes <= 100_000:
            raise ValidationError("estimatedMinutes must be between 1 and 100000", "estimatedMinutes")
        course.estimated_minutes = estimated_minutes
    if activity_id is not None:
        activity = validation.iri(activity_id, "activityId") if activity_id.strip() else None
        clash = select(Course.id).where(Course.activity_id == activity, Course.id != course.id)
        if activity and await session.scalar(clash) is not None:
            raise ConflictError("Another course already uses this activity id.", "activityId")
        course.activity_id = activity
    if skill_ids is not None:
        skills = await ensure_ids(session, Skill, skill_ids, "skillIds")
        before["skillIds"] = sorted(
            await session.scalars(select(CourseSkill.skill_id).where(CourseSkill.course_id == course.id))
        )
        after["skillIds"] = sorted(skills)
        await session.execute(delete(CourseSkill).where(CourseSkill.course_id == course.id))
        session.add_all(CourseSkill(tenant_id=course.tenant_id, course_id=course.id, skill_id=x) for x in skills)
    if audience_ids is not None:
        audiences = await ensure_audiences(session, audience_ids, "audienceIds")
        before["audienceIds"] = sorted(
            await session.scalars(select(CourseAudience.audience_id).where(CourseAudience.course_id == course.id))
        )
        after["audienceIds"] = sorted(audiences)
        await session.execute(delete(CourseAudience).where(CourseAudience.course_id == course.id))
        session.add_all(
            CourseAudience(tenant_id=course.tenant_id, course_id=course.id, audience_id=a) for a in audiences
        )
    await session.flush()
    after = {**_course_data(course), **after}
    await _audit(session, principal, "course.updated", course, before=before, after=after)
    return course


async def delete_course(session: AsyncSession, principal: Principal, course_id: uuid.UUID) -> Course:
    """Delete a course that no badge class requires and nobody has completed (records are kept)."""
    _require(principal, Scope.LEARNING_WRITE, "manage courses")
    course = await _get(session, Course, course_id, "course")
    await _refuse_if_required(session, course.id, "course")
    assessments = [a.id for a in await session.scalars(select(Assessment).where(Assessment.course_id == course.id))]
    for assessment_id in assessments:
        await _refuse_if_required(session, assessment_id, "course's assessment")
    recorded = await session.scalar(select(Completion.id).where(Completion.course_id == course.id).limit(1))
    taken = (
        await session.scalar(
            select(AssessmentResult.id).where(AssessmentResult.assessment_id.in_(assessments)).limit(1)
        )
        if assessments
        else None
    )
    if recorded is not None or taken is not None:
        raise ValidationError("People have completions or results for this course; it cannot be deleted.", "id")
    before = _course_data(course)
    await session.delete(course)
    await session.flush()
    await _audit(session, principal, "course.deleted", course, before=before)
    return course


async def _open_courses(session: AsyncSession, principal: Principal) -> Any:
    viewer = await viewer_of(session, principal)
    return open_to_viewer(viewer, CourseAudience.course_id, CourseAudience.audience_id, Course.id)


async def list_courses(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[Course]:
    """Courses open to the principal (the visibility policy: limited courses only to their audiences)."""
    stmt = select(Course).where(await _open_courses(session, principal))
    return await paginate(session, stmt, Course.id, first, after, last=last, before=before)


async def visible_courses_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Course]:
    """Courses by id that are open to the principal (``node(id)``)."""
    stmt = select(Course).where(Course.id.in_(ids), await _open_courses(session, principal))
    return {c.id: c for c in await session.scalars(stmt)}


async def visible_assessments_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Assessment]:
    """Assessments by id whose course is open to the principal (``node(id)``)."""
    open_courses = select(Course.id).where(await _open_courses(session, principal))
    stmt = select(Assessment).where(Assessment.id.in_(ids), Assessment.course_id.in_(open_courses))
    return {a.id: a for a in await session.scalars(stmt)}


async def courses_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Course]:
    return {c.id: c for c in await session.scalars(select(Course).where(Course.id.in_(ids)))}


async def skills_by_course(session: AsyncSession, course_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Skill]]:
    rows = await session.execute(
        select(CourseSkill.course_id, Skill)
        .join(Skill, Skill.id == CourseSkill.skill_id)
        .where(CourseSkill.course_id.in_(course_ids))
        .order_by(Skill.name)
    )
    return group_by(course_ids, ((course_id, skill) for course_id, skill in rows))


async def assessments_by_course(
    session: AsyncSession, course_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Assessment]]:
    rows = await session.scalars(select(Assessment).where(Assessment.course_id.in_(course_ids)).order_by(Assessment.id))
    return group_by(course_ids, ((a.course_id, a) for a in rows))


def _score(value: float | Decimal | str, field: str) -> Decimal:
    try:
        score = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{field} must be a number between 0 and 100", field) from None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise ValidationError(f"{field} must be a number between 0 and 100", field)
    return score.quantize(Decimal("0.01"))


async def create_assessment(
    session: AsyncSession,
    principal: Principal,
    *,
    course_id: uuid.UUID,
    title: str,
    kind: str,
    passing_score: float | None = None,
    activity_id: str | None = None,
) -> Assessment:
    """An assessment of a course; results at or above ``passing_score`` (0-100) pass."""
    _require(principal, Scope.LEARNING_WRITE, "manage assessments")
    await ensure_ids(session, Course, [course_id], "courseId")
    if kind not in ASSESSMENT_KINDS:
        raise ValidationError(f"kind must be one of {', '.join(ASSESSMENT_KINDS)}", "kind")
    activity = validation.iri(activity_id, "activityId") if activity_id else None
    if activity and await session.scalar(select(Assessment.id).where(Assessment.activity_id == activity)):
        raise ConflictError("Another assessment already uses this activity id.", "activityId")
    assessment = Assessment(
        tenant_id=principal.tenant_id,
        course_id=course_id,
        title=validation.text(title, "title"),
        kind=kind,
        passing_score=_score(passing_score, "passingScore") if passing_score is not None else None,
        activity_id=activity,
    )
    session.add(assessment)
    await session.flush()
    after = _assessment_data(assessment)
    await _audit(session, principal, "assessment.created", assessment, after=after)
    return assessment


async def update_assessment(
    session: AsyncSession,
    principal: Principal,
    assessment_id: uuid.UUID,
    *,
    title: str | None = None,
    kind: str | None = None,
    passing_score: float | None = None,
    activity_id: str | None = None,
) -> Assessment:
    """Change an assessment. A new passing score applies to results recorded from now on."""
    _require(principal, Scope.LEARNING_WRITE, "manage assessments")
    assessment = await _get(session, Assessment, assessment_id, "assessment")
    before = _assessment_data(assessment)
    if title is not None:
        assessment.title = validation.text(title, "title")
    if kind is not None:
        if kind not in ASSESSMENT_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(ASSESSMENT_KINDS)}", "kind")
        assessment.kind = kind
    if passing_score is not None:
        assessment.passing_score = _score(passing_score, "passingScore")
    if activity_id is not None:
        activity = validation.iri(activity_id, "activityId") if activity_id.strip() else None
        clash = select(Assessment.id).where(Assessment.activity_id == activity, Assessment.id != assessment.id)
        if activity and await session.scalar(clash) is not None:
            raise ConflictError("Another assessment already uses this activity id.", "activityId")
        assessment.activity_id = activity
    await session.flush()
    after = _assessment_data(assessment)
    await _audit(session, principal, "assessment.updated", assessment, before=before, after=after)
    return assessment


async def delete_assessment(session: AsyncSession, principal: Principal, assessment_id: uuid.UUID) -> Assessment:
    """Delete an assessment that no badge class requires and nobody has taken."""
    _require(principal, Scope.LEARNING_WRITE, "manage assessments")
    assessment = await _get(session, Assessment, assessment_id, "assessment")
    await _refuse_if_required(session, assessment.id, "assessment")
    if await session.scalar(
        select(AssessmentResult.id).where(AssessmentResult.assessment_id == assessment.id).limit(1)
    ):
        raise ValidationError("People have results for this assessment; it cannot be deleted.", "id")
    before = _assessment_data(assessment)
    await session.delete(assessment)
    await session.flush()
    await _audit(session, principal, "assessment.deleted", assessment, before=before)
    return assessment


async def assessments_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Assessment]:
    return {a.id: a for a in await session.scalars(select(Assessment).where(Assessment.id.in_(ids)))}


# --- what people did ----------------------------------------------------------------------------


def _when(value: datetime | None, field: str) -> datetime:
    now = datetime.now(UTC)
    if value is None:
        return now
    if value.tzinfo is None:
        raise ValidationError(f"{field} needs a time zone", field)
    if value > now + _FUTURE_SLACK:
        raise ValidationError(f"{field} is in the future", field)
    return value


async def _active_person(session: AsyncSession, person_id: uuid.UUID) -> Person:
    person = await session.scalar(select(Person).where(Person.id == person_id))
    if person is None:
        raise NotFoundError("No such person.", "personId")
    if not person.active:
        raise ValidationError("The person has been deactivated.", "personId")
    return person


@dataclass(frozen=True)
class Recorded:
    """A recorded fact and whether this call created it (False: it was already there)."""

    created: bool
    completion: Completion | None = None
    result: AssessmentResult | None = None


async def _schedule_evaluation(
    session: AsyncSession, tenant_id: uuid.UUID, person_id: uuid.UUID, ref: uuid.UUID
) -> None:
    await enqueue(session, tenant_id, EVALUATE_KIND, {"personId": str(person_id), "refs": [str(ref)]})
    # Pathways and goals that count this course (or assessment) follow, in the same transaction.
    await signals.touched(session, tenant_id, person_id, [ref])


async def record_completion(
    session: AsyncSession,
    principal: Principal,
    *,
    person_id: uuid.UUID,
    course_id: uuid.UUID,
    completed_at: datetime | None = None,
    source: str = "api",
) -> Recorded:
    """Record that a person completed a course; the same completion recorded again changes nothing."""
    _require(principal, Scope.LEARNING_RECORD, "record completions")
    await _active_person(session, person_id)
    await ensure_ids(session, Course, [course_id], "courseId")
    when = _when(completed_at, "completedAt")
    inserted = await session.scalar(
        insert(Completion)
        .values(
            tenant_id=principal.tenant_id,
            id=uuid7(),
            person_id=person_id,
            course_id=course_id,
            completed_at=when,
            source=source,
            recorded_by=principal.label,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "person_id", "course_id", "completed_at"])
        .returning(Completion.id)
    )
    completion = await session.scalar(
        select(Completion).where(
            Completion.person_id == person_id, Completion.course_id == course_id, Completion.completed_at == when
        )
    )
    if inserted is not None:
        await counters.bump(
            session, principal.tenant_id, kind="course", subject_id=course_id,
            audience_id=await counters.person_audience(session, person_id), metric="completions",
        )  # fmt: skip
        await _schedule_evaluation(session, principal.tenant_id, person_id, course_id)
    return Recorded(created=inserted is not None, completion=completion)


async def record_result(
    session: AsyncSession,
    principal: Principal,
    *,
    person_id: uuid.UUID,
    assessment_id: uuid.UUID,
    score: float | Decimal | str,
    taken_at: datetime | None = None,
    source: str = "api",
) -> Recorded:
    """Record an assessment result (score 0-100; passed against the assessment's passing score)."""
    _require(principal, Scope.LEARNING_RECORD, "record assessment results")
    await _active_person(session, person_id)
    assessment = (await assessments_by_ids(session, [assessment_id])).get(assessment_id)
    if assessment is None:
        raise NotFoundError("No such assessment.", "assessmentId")
    value = _score(score, "score")
    when = _when(taken_at, "takenAt")
    passed = assessment.passing_score is None or value >= assessment.passing_score
    inserted = await session.scalar(
        insert(AssessmentResult)
        .values(
            tenant_id=principal.tenant_id,
            id=uuid7(),
            person_id=person_id,
            assessment_id=assessment_id,
            score=value,
            passed=passed,
            taken_at=when,
            source=source,
            recorded_by=principal.label,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "person_id", "assessment_id", "taken_at"])
        .returning(AssessmentResult.id)
    )
    result = await session.scalar(
        select(AssessmentResult).where(
            AssessmentResult.person_id == person_id,
            AssessmentResult.assessment_id == assessment_id,
            AssessmentResult.taken_at == when,
        )
    )
    if inserted is not None:
        await _schedule_evaluation(session, principal.tenant_id, person_id, assessment_id)
    return Recorded(created=inserted is not None, result=result)


async def completions_of(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Completion]]:
    rows = await session.scalars(
        select(Completion).where(Completion.person_id.in_(person_ids)).order_by(Completion.completed_at)
    )
    return group_by(person_ids, ((row.person_id, row) for row in rows))


async def best_scores_of(
    session: AsyncSession, person_id: uuid.UUID, *, since: datetime | None = None
) -> dict[uuid.UUID, Decimal]:
    """Each assessment's best score for the person (taken after ``since``, when given)."""
    stmt = select(AssessmentResult).where(AssessmentResult.person_id == person_id)
    if since is not None:
        stmt = stmt.where(AssessmentResult.taken_at > since)
    rows = await session.scalars(stmt)
    best: dict[uuid.UUID, Decimal] = {}
    for r in rows:
        best[r.assessment_id] = max(best.get(r.assessment_id, Decimal(0)), r.score)
    return best


async def can_see_progress(session: AsyncSession, principal: Principal, person: Person) -> bool:
    """Progress (completions, results, eligibility) is seen by whoever sees the person in full (the
    person, their managers, their partner admin, admins), by issuers and by recording keys."""
    if principal.has(Scope.AWARDS_READ) or principal.has(Scope.LEARNING_RECORD):
        return True
    return (await access_to(session, principal, [person.id])).get(person.id) is Access.FULL


async def list_completions(
    session: AsyncSession,
    principal: Principal,
    person: Person,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[Completion]:
    if not await can_see_progress(session, principal, person):
        raise PermissionDeniedError("You cannot see this person's completions.")
    return await paginate(
        session, select(Completion).where(Completion.person_id == person.id), Completion.id, first, after
    )
