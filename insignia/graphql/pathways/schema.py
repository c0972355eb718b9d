"""Queries and mutations of the pathways area, with their inputs and payloads; ``node(id)`` for
Pathway, Enrolment and Goal."""

from __future__ import annotations

import uuid
from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id
from insignia.graphql.node import node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.graphql.pathways.types import (
    EnrolmentType,
    GoalStatus,
    GoalType,
    PathwayStatus,
    PathwayType,
    RecommendationType,
)
from insignia.infra.errors import NotFoundError, ValidationError
from insignia.platform.pathways import enrolment as enrolments
from insignia.platform.pathways import goal as goals
from insignia.platform.pathways import pathway as pathways
from insignia.platform.pathways import recommendation as recommendations
from insignia.platform.pathways import tree as trees
from insignia.platform.pathways.models import Enrolment, Goal, Pathway
from insignia.tenants.models import Person

MAX_LIST = 500


@strawberry.input(description="Exactly one of badgeClassId, courseId, allOf or nOf.")
class NOfInput:
    n: int
    of: list[RequirementInput]


@strawberry.input(
    name="RequirementInput", description="A requirement tree: exactly one of badgeClassId, courseId, allOf, nOf."
)
class RequirementInput:
    title: str | None = None
    optional: bool = strawberry.field(default=False, description="Shown, never required.")
    milestone_badge_class_id: strawberry.ID | None = strawberry.field(
        default=None, description="Awarded when this node is met."
    )
    badge_class_id: strawberry.ID | None = None
    course_id: strawberry.ID | None = None
    all_of: list[RequirementInput] | None = None
    n_of: NOfInput | None = None
    key: str | None = strawberry.field(
        default=None,
        description="Names the node (unique in the tree): keeps its id across versions, for prerequisites.",
    )
    prerequisite_keys: list[str] | None = strawberry.field(
        default=None, description="Keys of the nodes that must be met first (shown as locked until then)."
    )


def to_tree(value: RequirementInput, path: str = "requirement") -> trees.NodeInput:
    """The client's tree as the service takes it; ids are checked here, with the field's path."""
    children_all = (
        [to_tree(c, f"{path}.allOf.{i}") for i, c in enumerate(value.all_of)] if value.all_of is not None else None
    )
    children_n = (
        [to_tree(c, f"{path}.nOf.of.{i}") for i, c in enumerate(value.n_of.of)] if value.n_of is not None else None
    )
    if len(value.prerequisite_keys or []) > 20:
        raise ValidationError("At most 20 prerequisites per node.", f"{path}.prerequisiteKeys")
    return trees.NodeInput(
        path=path,
        key=value.key,
        title=value.title,
        optional=value.optional,
        milestone=expect_id(value.milestone_badge_class_id, "BadgeClass", f"{path}.milestoneBadgeClassId")
        if value.milestone_badge_class_id
        else None,
        badge=expect_id(value.badge_class_id, "BadgeClass", f"{path}.badgeClassId") if value.badge_class_id else None,
        course=expect_id(value.course_id, "Course", f"{path}.courseId") if value.course_id else None,
        all_of=children_all,
        n=value.n_of.n if value.n_of is not None else None,
        n_of=children_n,
        prerequisite_keys=list(value.prerequisite_keys or []),
    )


def _audience_ids(values: list[strawberry.ID] | None) -> list[uuid.UUID] | None:
    if values is None:
        return None
    if len(values) > 50:
        raise ValidationError("At most 50 audiences.", "audienceIds")
    return [expect_id(v, "Audience", f"audienceIds.{i}") for i, v in enumerate(values)]


@strawberry.input
class PathwayCreateInput:
    name: str
    description: str | None = None
    image_url: str | None = None
    requirement: RequirementInput
    capstone_badge_class_id: strawberry.ID | None = None
    audience_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="None: everyone.")
    auto_enrol: bool = False


@strawberry.input(description="Only the fields given change; a new tree on a published pathway is a new version.")
class PathwayUpdateInput:
    id: strawberry.ID
    name: str | None = None
    description: str | None = None
    image_url: str | None = None
    requirement: RequirementInput | None = None
    capstone_badge_class_id: strawberry.ID | None = None
    clear_capstone: bool = False
    audience_ids: list[strawberry.ID] | None = None
    auto_enrol: bool | None = None


@strawberry.input(
    description="Nobody given: the signed-in person. Or people (managers, admins), or a whole audience (a job)."
)
class PathwayEnrolInput:
    pathway_id: strawberry.ID
    person_ids: list[strawberry.ID] | None = None
    audience_id: strawberry.ID | None = None


@strawberry.input
class GoalCreateInput:
    person_id: strawberry.ID | None = strawberry.field(default=None, description="Default: the signed-in person.")
    pathway_id: strawberry.ID | None = None
    badge_class_id: strawberry.ID | None = None
    target_date: date | None = None
    title: str | None = None


@strawberry.input
class GoalUpdateInput:
    id: strawberry.ID
    target_date: date | None = None
    clear_target_date: bool = False
    status: GoalStatus | None = strawberry.field(default=None, description="ACTIVE or ABANDONED.")
    title: str | None = None


@strawberry.input
class PathwayFilter:
    status: PathwayStatus | None = None


@strawberry.type
class PathwayPayload:
    pathway: PathwayType | None
    errors: list[UserError]


@strawberry.type
class EnrolmentPayload:
    enrolment: EnrolmentType | None = strawberry.field(description="The (first) enrolment made or found.")
    enrolments: list[EnrolmentType]
    errors: list[UserError]


@strawberry.type
class PathwayMigratePayload:
    pathway: PathwayType | None
    moved: int = strawberry.field(description="Enrolments moved to the newest version.")
    errors: list[UserError]


@strawberry.type
class GoalPayload:
    goal: GoalType | None
    errors: list[UserError]


def _given(value: PathwayCreateInput | PathwayUpdateInput) -> pathways.PathwayInput:
    capstone = (
        expect_id(value.capstone_badge_class_id, "BadgeClass", "capstoneBadgeClassId")
        if value.capstone_badge_class_id
        else None
    )
    return pathways.PathwayInput(
        name=value.name,
        description=value.description,
        image_url=value.image_url,
        requirement=to_tree(value.requirement) if value.requirement is not None else None,
        capstone_badge_class_id=capstone,
        clear_capstone=getattr(value, "clear_capstone", False),
        audience_ids=_audience_ids(value.audience_ids),
        auto_enrol=value.auto_enrol,
    )


def _pathway_payload(result: Pathway | None, errors: list[UserError]) -> PathwayPayload:
    return PathwayPayload(pathway=PathwayType.from_model(result) if result else None, errors=errors)


def _goal_payload(result: Goal | None, errors: list[UserError]) -> GoalPayload:
    return GoalPayload(goal=GoalType.from_model(result) if result else None, errors=errors)


@strawberry.type
class PathwayQueries:
    @strawberry.field(
        description=(
            "Pathways open to you: published ones open to your audience (archived ones when filtered for); "
            "drafts too for issuers and admins."
        )
    )
    async def pathways(
        self,
        info: Info[Context, None],
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: PathwayFilter | None = None,
    ) -> Connection[PathwayType]:
        ctx = info.context
        status = filter.status.value if filter and filter.status else None
        page = await ctx.run(
            lambda s: pathways.list_pathways(
                s, ctx.principal, first=first, after=after, last=last, before=before, status=status
            )
        )
        return build_connection(page, PathwayType.from_model)


@strawberry.type
class PathwayMutations:
    @strawberry.mutation(description="A draft pathway (issuers, admins); every invalid field is reported at once.")
    async def pathway_create(self, info: Info[Context, None], input: PathwayCreateInput) -> PathwayPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Pathway:
            return await pathways.create_pathway(s, ctx.principal, _given(input))

        return _pathway_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="On a published pathway, a new tree or capstone is published as a new version.")
    async def pathway_update(self, info: Info[Context, None], input: PathwayUpdateInput) -> PathwayPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Pathway:
            return await pathways.update_pathway(s, ctx.principal, expect_id(input.id, "Pathway"), _given(input))

        return _pathway_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="Publish a draft as version 1: learners can enrol.")
    async def pathway_publish(self, info: Info[Context, None], id: strawberry.ID) -> PathwayPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Pathway:
            return await pathways.publish_pathway(s, ctx.principal, expect_id(id, "Pathway"))

        return _pathway_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="No new enrolments; current ones and awards already earned stay.")
    async def pathway_archive(self, info: Info[Context, None], id: strawberry.ID) -> PathwayPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Pathway:
            return await pathways.archive_pathway(s, ctx.principal, expect_id(id, "Pathway"))

        return _pathway_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(
        description=(
            "Move enrolments of older versions to the newest one; progress counts wherever the same step appears."
        )
    )
    async def pathway_migrate(self, info: Info[Context, None], id: strawberry.ID) -> PathwayMigratePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> tuple[Pathway, int]:
            pathway_id = expect_id(id, "Pathway")
            moved = await enrolments.migrate(s, ctx.principal, pathway_id)
            return await pathways.get_pathway(s, pathway_id), moved

        result, errors = await run_mutation(ctx, op)
        if result is None:
            return PathwayMigratePayload(pathway=None, moved=0, errors=errors)
        return PathwayMigratePayload(pathway=PathwayType.from_model(result[0]), moved=result[1], errors=[])

    @strawberry.mutation(description="Enrol the viewer, or (managers, admins) the given people, or a whole audience.")
    async def pathway_enrol(self, info: Info[Context, None], input: PathwayEnrolInput) -> EnrolmentPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> list[Enrolment]:
            if input.person_ids is not None and len(input.person_ids) > MAX_LIST:
                raise ValidationError(f"At most {MAX_LIST} people per call; enrol an audience instead.", "personIds")
            return await enrolments.enrol(
                s,
                ctx.principal,
                expect_id(input.pathway_id, "Pathway", "pathwayId"),
                person_ids=[expect_id(p, "Person", f"personIds.{i}") for i, p in enumerate(input.person_ids)]
                if input.person_ids is not None
                else None,
                audience_id=expect_id(input.audience_id, "Audience", "audienceId") if input.audience_id else None,
            )

        result, errors = await run_mutation(ctx, op)
        made = [EnrolmentType.from_model(e) for e in result or []]
        return EnrolmentPayload(enrolment=made[0] if made else None, enrolments=made, errors=errors)

    @strawberry.mutation(description="End an enrolment; it stays, with its progress, as history.")
    async def pathway_unenrol(self, info: Info[Context, None], id: strawberry.ID) -> EnrolmentPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> list[Enrolment]:
            return [await enrolments.unenrol(s, ctx.principal, expect_id(id, "Enrolment"))]

        result, errors = await run_mutation(ctx, op)
        made = [EnrolmentType.from_model(e) for e in result or []]
        return EnrolmentPayload(enrolment=made[0] if made else None, enrolments=made, errors=errors)

    @strawberry.mutation(description="A goal for yourself, or (managers) for a report: a pathway or a badge class.")
    async def goal_create(self, info: Info[Context, None], input: GoalCreateInput) -> GoalPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Goal:
            return await goals.create_goal(
                s,
                ctx.principal,
                person_id=expect_id(input.person_id, "Person", "personId") if input.person_id else None,
                pathway_id=expect_id(input.pathway_id, "Pathway", "pathwayId") if input.pathway_id else None,
                badge_class_id=expect_id(input.badge_class_id, "BadgeClass", "badgeClassId")
                if input.badge_class_id
                else None,
                target_date=input.target_date,
                title=input.title,
            )

        return _goal_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def goal_update(self, info: Info[Context, None], input: GoalUpdateInput) -> GoalPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Goal:
            return await goals.update_goal(
                s,
                ctx.principal,
                expect_id(input.id, "Goal"),
                target_date=input.target_date,
                clear_target_date=input.clear_target_date,
                status=input.status.value if input.status else None,
                title=input.title,
            )

        return _goal_payload(*await run_mutation(ctx, op))


# --- the person's fields (Person.enrolments, goals, recommendations) ---------------------------------


async def person_enrolments(
    ctx: Context,
    person: Person,
    first: int | None,
    after: str | None,
    include_ended: bool,
    *,
    last: int | None = None,
    before: str | None = None,
) -> Connection[EnrolmentType]:
    page = await ctx.run(
        lambda s: enrolments.enrolments_of(
            s, ctx.principal, person, first=first, after=after, last=last, before=before, include_ended=include_ended
        )
    )
    return build_connection(page, EnrolmentType.from_model)


async def person_goals(ctx: Context, person: Person) -> list[GoalType]:
    return [GoalType.from_model(g) for g in await ctx.run(lambda s: goals.goals_of(s, ctx.principal, person))]


async def person_recommendations(ctx: Context, person: Person, first: int | None) -> list[RecommendationType]:
    found = await ctx.run(lambda s: recommendations.recommendations_for(s, ctx.principal, person, first))
    return [RecommendationType.from_value(r) for r in found]


@node_resolver("Pathway")
async def _pathway_node(ctx: Context, value: uuid.UUID) -> PathwayType | None:
    found = await ctx.run(lambda s: pathways.visible_pathways_by_ids(s, ctx.principal, [value]))
    return PathwayType.from_model(found[value]) if value in found else None


@node_resolver("Enrolment")
async def _enrolment_node(ctx: Context, value: uuid.UUID) -> EnrolmentType | None:
    async def find(s: AsyncSession) -> Enrolment | None:
        try:
            return await enrolments.get_enrolment(s, ctx.principal, value)
        except NotFoundError:  # not found or not visible: the same answer
            return None

    found = await ctx.run(find)
    return EnrolmentType.from_model(found) if found else None


@node_resolver("Goal")
async def _goal_node(ctx: Context, value: uuid.UUID) -> GoalType | None:
    async def find(s: AsyncSession) -> Goal | None:
        try:
            return await goals.get_goal(s, ctx.principal, value)
        except NotFoundError:  # not found or not visible: the same answer
            return None

    found = await ctx.run(find)
    return GoalType.from_model(found) if found else None
