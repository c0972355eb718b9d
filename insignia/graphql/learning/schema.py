"""Skills, courses, assessments, completions and results: types, loaders, queries, mutations."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from insignia.graphql.context import Context, none
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id, to_global_id
from insignia.graphql.node import Node, node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.infra.errors import ValidationError
from insignia.platform.learning import service as learning
from insignia.platform.learning.models import Assessment, AssessmentResult, Completion, Course, Skill

MAX_IDS = 50


def _ids(values: list[strawberry.ID] | None, type_name: str, field: str) -> list[uuid.UUID]:
    values = values or []
    if len(values) > MAX_IDS:
        raise ValidationError(f"{field} takes at most {MAX_IDS} values", field)
    return [expect_id(v, type_name, field) for v in values]


def skills_by_course_loader(ctx: Context) -> DataLoader[uuid.UUID, list[Skill]]:
    return ctx.loader("SkillsByCourseIdLoader", learning.skills_by_course, list)


def assessments_by_course_loader(ctx: Context) -> DataLoader[uuid.UUID, list[Assessment]]:
    return ctx.loader("AssessmentsByCourseIdLoader", learning.assessments_by_course, list)


def course_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Course | None]:
    return ctx.loader("CourseByIdLoader", learning.courses_by_ids, none)


def assessment_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Assessment | None]:
    return ctx.loader("AssessmentByIdLoader", learning.assessments_by_ids, none)


@strawberry.type(name="Skill")
class SkillType(Node):
    name: str
    description: str | None
    framework_url: str | None
    framework_group: str | None = strawberry.field(description="The tenant framework group, e.g. Cloud.")

    @classmethod
    def from_model(cls, skill: Skill) -> SkillType:
        return cls(
            id=to_global_id("Skill", skill.id),
            name=skill.name,
            description=skill.description,
            framework_url=skill.framework_url,
            framework_group=skill.framework_group,
        )


@strawberry.enum
class AssessmentKind(Enum):
    QUIZ = "quiz"
    EXAM = "exam"
    PRACTICAL = "practical"
    ASSIGNMENT = "assignment"


@strawberry.type(name="Assessment")
class AssessmentType(Node):
    model: strawberry.Private[Assessment]
    title: str
    kind: AssessmentKind
    passing_score: float | None
    activity_id: str | None

    @strawberry.field
    async def course(self, info: Info[Context, None]) -> CourseType:
        course = await course_by_id_loader(info.context).load(self.model.course_id)
        assert course is not None  # a foreign key guarantees it
        return CourseType.from_model(course)

    @classmethod
    def from_model(cls, a: Assessment) -> AssessmentType:
        return cls(
            id=to_global_id("Assessment", a.id),
            model=a,
            title=a.title,
            kind=AssessmentKind(a.kind),
            passing_score=float(a.passing_score) if a.passing_score is not None else None,
            activity_id=a.activity_id,
        )


@strawberry.type(name="Course")
class CourseType(Node):
    model: strawberry.Private[Course]
    title: str
    description: str
    estimated_minutes: int | None
    activity_id: str | None

    @strawberry.field
    async def skills(self, info: Info[Context, None]) -> list[SkillType]:
        return [SkillType.from_model(s) for s in await skills_by_course_loader(info.context).load(self.model.id)]

    @strawberry.field
    async def assessments(self, info: Info[Context, None]) -> list[AssessmentType]:
        rows = await assessments_by_course_loader(info.context).load(self.model.id)
        return [AssessmentType.from_model(a) for a in rows]

    @classmethod
    def from_model(cls, c: Course) -> CourseType:
        return cls(
            id=to_global_id("Course", c.id),
            model=c,
            title=c.title,
            description=c.description,
            estimated_minutes=c.estimated_minutes,
            activity_id=c.activity_id,
        )


@strawberry.type(name="Completion")
class CompletionType(Node):
    model: strawberry.Private[Completion]
    completed_at: datetime
    source: str

    @strawberry.field
    async def course(self, info: Info[Context, None]) -> CourseType:
        course = await course_by_id_loader(info.context).load(self.model.course_id)
        assert course is not None
        return CourseType.from_model(course)

    @classmethod
    def from_model(cls, c: Completion) -> CompletionType:
        return cls(id=to_global_id("Completion", c.id), model=c, completed_at=c.completed_at, source=c.source)


@strawberry.type(name="AssessmentResult")
class AssessmentResultType(Node):
    model: strawberry.Private[AssessmentResult]
    score: float
    passed: bool
    taken_at: datetime
    source: str

    @strawberry.field
    async def assessment(self, info: Info[Context, None]) -> AssessmentType:
        assessment = await assessment_by_id_loader(info.context).load(self.model.assessment_id)
        assert assessment is not None
        return AssessmentType.from_model(assessment)

    @classmethod
    def from_model(cls, r: AssessmentResult) -> AssessmentResultType:
        return cls(
            id=to_global_id("AssessmentResult", r.id),
            model=r,
            score=float(r.score),
            passed=r.passed,
            taken_at=r.taken_at,
            source=r.source,
        )


@strawberry.input
class SkillCreateInput:
    name: str
    description: str | None = None
    framework_url: str | None = strawberry.field(default=None, description="A public framework URI (ESCO, O*NET).")
    framework_group: str | None = strawberry.field(default=None, description="A tenant framework group, e.g. Cloud.")


@strawberry.input
class CourseCreateInput:
    title: str
    description: str = ""
    skill_ids: list[strawberry.ID] | None = None
    audience_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Empty: open to everyone.")
    estimated_minutes: int | None = None
    activity_id: str | None = strawberry.field(default=None, description="The xAPI activity id of the course.")


@strawberry.input
class AssessmentCreateInput:
    course_id: strawberry.ID
    title: str
    kind: AssessmentKind
    passing_score: float | None = strawberry.field(default=None, description="0-100; at or above passes.")
    activity_id: str | None = None


@strawberry.input
class CompletionRecordInput:
    person_id: strawberry.ID
    course_id: strawberry.ID
    completed_at: datetime | None = strawberry.field(default=None, description="Defaults to now.")


@strawberry.input
class AssessmentResultRecordInput:
    person_id: strawberry.ID
    assessment_id: strawberry.ID
    score: float
    taken_at: datetime | None = None


@strawberry.input
class SkillUpdateInput:
    id: strawberry.ID
    name: str | None = None
    description: str | None = strawberry.field(default=None, description="Empty clears it.")
    framework_url: str | None = strawberry.field(default=None, description="Empty clears it.")
    framework_group: str | None = strawberry.field(default=None, description="Empty clears it.")


@strawberry.input
class CourseUpdateInput:
    id: strawberry.ID
    title: str | None = None
    description: str | None = None
    skill_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Replaces the skills.")
    audience_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Replaces the audiences.")
    estimated_minutes: int | None = None
    activity_id: str | None = strawberry.field(default=None, description="Empty clears it.")


@strawberry.input
class AssessmentUpdateInput:
    id: strawberry.ID
    title: str | None = None
    kind: AssessmentKind | None = None
    passing_score: float | None = None
    activity_id: str | None = None


@strawberry.type
class SkillPayload:
    skill: SkillType | None
    errors: list[UserError]


@strawberry.type
class CoursePayload:
    course: CourseType | None
    errors: list[UserError]


@strawberry.type
class AssessmentPayload:
    assessment: AssessmentType | None
    errors: list[UserError]


@strawberry.type
class CompletionPayload:
    completion: CompletionType | None
    created: bool = strawberry.field(description="False when this completion was already recorded.")
    errors: list[UserError]


@strawberry.type
class AssessmentResultPayload:
    assessment_result: AssessmentResultType | None
    created: bool
    errors: list[UserError]


def _source(ctx: Context) -> str:
    return "api" if ctx.principal.person is None else "manual"


@strawberry.type
class LearningQueries:
    @strawberry.field
    async def skills(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[SkillType]:
        page = await info.context.run(
            lambda s: learning.list_skills(s, first=first, after=after, last=last, before=before)
        )
        return build_connection(page, SkillType.from_model)

    @strawberry.field
    async def courses(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CourseType]:
        page = await info.context.run(
            lambda s: learning.list_courses(
                s, info.context.principal, first=first, after=after, last=last, before=before
            )
        )
        return build_connection(page, CourseType.from_model)


@strawberry.type
class LearningMutations:
    @strawberry.mutation
    async def skill_create(self, info: Info[Context, None], input: SkillCreateInput) -> SkillPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Skill:
            return await learning.create_skill(
                s,
                ctx.principal,
                name=input.name,
                description=input.description,
                framework_url=input.framework_url,
                framework_group=input.framework_group,
            )

        skill, errors = await run_mutation(ctx, op)
        return SkillPayload(skill=SkillType.from_model(skill) if skill else None, errors=errors)

    @strawberry.mutation
    async def skill_update(self, info: Info[Context, None], input: SkillUpdateInput) -> SkillPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Skill:
            return await learning.update_skill(
                s,
                ctx.principal,
                expect_id(input.id, "Skill"),
                name=input.name,
                description=input.description,
                framework_url=input.framework_url,
                framework_group=input.framework_group,
            )

        skill, errors = await run_mutation(ctx, op)
        return SkillPayload(skill=SkillType.from_model(skill) if skill else None, errors=errors)

    @strawberry.mutation(description="Courses and badge classes stop listing the skill.")
    async def skill_delete(self, info: Info[Context, None], id: strawberry.ID) -> SkillPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Skill:
            return await learning.delete_skill(s, ctx.principal, expect_id(id, "Skill"))

        skill, errors = await run_mutation(ctx, op)
        return SkillPayload(skill=SkillType.from_model(skill) if skill else None, errors=errors)

    @strawberry.mutation
    async def course_update(self, info: Info[Context, None], input: CourseUpdateInput) -> CoursePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Course:
            return await learning.update_course(
                s,
                ctx.principal,
                expect_id(input.id, "Course"),
                title=input.title,
                description=input.description,
                skill_ids=_ids(input.skill_ids, "Skill", "skillIds") if input.skill_ids is not None else None,
                audience_ids=_ids(input.audience_ids, "Audience", "audienceIds")
                if input.audience_ids is not None
                else None,
                estimated_minutes=input.estimated_minutes,
                activity_id=input.activity_id,
            )

        course, errors = await run_mutation(ctx, op)
        return CoursePayload(course=CourseType.from_model(course) if course else None, errors=errors)

    @strawberry.mutation(description="Only a course no badge class requires and nobody has completed.")
    async def course_delete(self, info: Info[Context, None], id: strawberry.ID) -> CoursePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Course:
            return await learning.delete_course(s, ctx.principal, expect_id(id, "Course"))

        course, errors = await run_mutation(ctx, op)
        return CoursePayload(course=CourseType.from_model(course) if course else None, errors=errors)

    @strawberry.mutation
    async def assessment_update(self, info: Info[Context, None], input: AssessmentUpdateInput) -> AssessmentPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Assessment:
            return await learning.update_assessment(
                s,
                ctx.principal,
                expect_id(input.id, "Assessment"),
                title=input.title,
                kind=input.kind.value if input.kind else None,
                passing_score=input.passing_score,
                activity_id=input.activity_id,
            )

        assessment, errors = await run_mutation(ctx, op)
        return AssessmentPayload(
            assessment=AssessmentType.from_model(assessment) if assessment else None, errors=errors
        )

    @strawberry.mutation(description="Only an assessment no badge class requires and nobody has taken.")
    async def assessment_delete(self, info: Info[Context, None], id: strawberry.ID) -> AssessmentPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Assessment:
            return await learning.delete_assessment(s, ctx.principal, expect_id(id, "Assessment"))

        assessment, errors = await run_mutation(ctx, op)
        return AssessmentPayload(
            assessment=AssessmentType.from_model(assessment) if assessment else None, errors=errors
        )

    @strawberry.mutation
    async def course_create(self, info: Info[Context, None], input: CourseCreateInput) -> CoursePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Course:
            return await learning.create_course(
                s,
                ctx.principal,
                title=input.title,
                description=input.description,
                skill_ids=_ids(input.skill_ids, "Skill", "skillIds"),
                audience_ids=_ids(input.audience_ids, "Audience", "audienceIds"),
                estimated_minutes=input.estimated_minutes,
                activity_id=input.activity_id,
            )

        course, errors = await run_mutation(ctx, op)
        return CoursePayload(course=CourseType.from_model(course) if course else None, errors=errors)

    @strawberry.mutation
    async def assessment_create(self, info: Info[Context, None], input: AssessmentCreateInput) -> AssessmentPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Assessment:
            return await learning.create_assessment(
                s,
                ctx.principal,
                course_id=expect_id(input.course_id, "Course", "courseId"),
                title=input.title,
                kind=input.kind.value,
                passing_score=input.passing_score,
                activity_id=input.activity_id,
            )

        assessment, errors = await run_mutation(ctx, op)
        return AssessmentPayload(
            assessment=AssessmentType.from_model(assessment) if assessment else None, errors=errors
        )

    @strawberry.mutation(description="Record a course completion; badge classes it unlocks are awarded right after.")
    async def completion_record(self, info: Info[Context, None], input: CompletionRecordInput) -> CompletionPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> learning.Recorded:
            return await learning.record_completion(
                s,
                ctx.principal,
                person_id=expect_id(input.person_id, "Person", "personId"),
                course_id=expect_id(input.course_id, "Course", "courseId"),
                completed_at=input.completed_at,
                source=_source(ctx),
            )

        recorded, errors = await run_mutation(ctx, op)
        if recorded is None or recorded.completion is None:
            return CompletionPayload(completion=None, created=False, errors=errors)
        return CompletionPayload(
            completion=CompletionType.from_model(recorded.completion), created=recorded.created, errors=[]
        )

    @strawberry.mutation(description="Record an assessment result (score 0-100).")
    async def assessment_result_record(
        self, info: Info[Context, None], input: AssessmentResultRecordInput
    ) -> AssessmentResultPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> learning.Recorded:
            return await learning.record_result(
                s,
                ctx.principal,
                person_id=expect_id(input.person_id, "Person", "personId"),
                assessment_id=expect_id(input.assessment_id, "Assessment", "assessmentId"),
                score=input.score,
                taken_at=input.taken_at,
                source=_source(ctx),
            )

        recorded, errors = await run_mutation(ctx, op)
        if recorded is None or recorded.result is None:
            return AssessmentResultPayload(assessment_result=None, created=False, errors=errors)
        return AssessmentResultPayload(
            assessment_result=AssessmentResultType.from_model(recorded.result), created=recorded.created, errors=[]
        )


@node_resolver("Skill")
async def _skill_node(ctx: Context, value: uuid.UUID) -> SkillType | None:
    found = await ctx.run(lambda s: learning.skills_by_ids(s, [value]))
    return SkillType.from_model(found[value]) if value in found else None


@node_resolver("Course")
async def _course_node(ctx: Context, value: uuid.UUID) -> CourseType | None:
    found = await ctx.run(lambda s: learning.visible_courses_by_ids(s, ctx.principal, [value]))
    return CourseType.from_model(found[value]) if value in found else None


@node_resolver("Assessment")
async def _assessment_node(ctx: Context, value: uuid.UUID) -> AssessmentType | None:
    found = await ctx.run(lambda s: learning.visible_assessments_by_ids(s, ctx.principal, [value]))
    return AssessmentType.from_model(found[value]) if value in found else None
