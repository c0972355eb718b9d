"""GraphQL types of the pathways area: Pathway, PathwayNode, Enrolment, NodeProgress, Goal,
Recommendation."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.ids import to_global_id
from insignia.graphql.node import Node
from insignia.graphql.pathways.loaders import (
    audiences_by_pathway_loader,
    goal_progress_loader,
    pathway_by_id_loader,
    progress_by_enrolment_loader,
    version_by_key_loader,
    viewer_enrolment_loader,
)
from insignia.graphql.tenants.loaders import audience_by_id_loader, visible_person_by_id_loader
from insignia.graphql.tenants.types import AudienceType, PersonType
from insignia.platform.pathways import tree as trees
from insignia.platform.pathways.models import Enrolment, Goal, Pathway
from insignia.platform.pathways.recommendation import Recommendation as RecommendationValue

if TYPE_CHECKING:
    from insignia.graphql.credentials.types import BadgeClassType
    from insignia.graphql.learning.schema import CourseType

_CREDENTIALS = "insignia.graphql.credentials.types"
_LEARNING = "insignia.graphql.learning.schema"
BadgeClassRef = Annotated["BadgeClassType", strawberry.lazy(_CREDENTIALS)]
CourseRef = Annotated["CourseType", strawberry.lazy(_LEARNING)]


async def _badge(info: Info[Context, None], badge_id: uuid.UUID | None) -> BadgeClassRef | None:
    if badge_id is None:
        return None
    from insignia.graphql.credentials.loaders import badge_class_by_id_loader
    from insignia.graphql.credentials.types import BadgeClassType

    found = await badge_class_by_id_loader(info.context).load(badge_id)
    return BadgeClassType.from_model(found) if found else None


async def _course(info: Info[Context, None], course_id: uuid.UUID | None) -> CourseRef | None:
    if course_id is None:
        return None
    from insignia.graphql.learning.schema import CourseType, course_by_id_loader

    found = await course_by_id_loader(info.context).load(course_id)
    return CourseType.from_model(found) if found else None


@strawberry.enum
class PathwayStatus(Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@strawberry.enum
class PathwayNodeKind(Enum):
    BADGE_CLASS = "badge"
    COURSE = "course"
    ALL_OF = "all_of"
    N_OF = "n_of"


@strawberry.type(description="A node of a pathway's requirement tree: a badge class, a course, or a group.")
class PathwayNode:
    node: strawberry.Private[trees.Node]
    index: strawberry.Private[dict[uuid.UUID, trees.Node]]
    id: strawberry.ID
    key: str | None
    title: str | None
    optional: bool = strawberry.field(description="Shown, never required.")
    kind: PathwayNodeKind

    @strawberry.field(description="Groups only: how many children must be met (all of: the required children).")
    def required(self) -> int | None:
        return None if self.node.leaf else self.node.needed()

    @strawberry.field
    def children(self) -> list[PathwayNode]:
        return [PathwayNode.of(c, self.index) for c in self.node.children]

    @strawberry.field
    def prerequisites(self) -> list[PathwayNode]:
        return [PathwayNode.of(self.index[p], self.index) for p in self.node.prerequisites if p in self.index]

    @strawberry.field
    async def badge_class(self, info: Info[Context, None]) -> BadgeClassRef | None:
        return await _badge(info, self.node.ref if self.node.kind == "badge" else None)

    @strawberry.field
    async def course(self, info: Info[Context, None]) -> CourseRef | None:
        return await _course(info, self.node.ref if self.node.kind == "course" else None)

    @strawberry.field(description="Awarded when this node is met.")
    async def milestone(self, info: Info[Context, None]) -> BadgeClassRef | None:
        return await _badge(info, self.node.milestone)

    @classmethod
    def of(cls, node: trees.Node, index: dict[uuid.UUID, trees.Node]) -> PathwayNode:
        return cls(
            node=node,
            index=index,
            id=strawberry.ID(str(node.id)),
            key=node.key,
            title=node.title,
            optional=node.optional,
            kind=PathwayNodeKind(node.kind),
        )

    @classmethod
    def root_of(cls, data: dict[str, object]) -> PathwayNode:
        root = trees.from_json(data)
        return cls.of(root, {n.id: n for n in root.walk()})


@strawberry.type(name="Pathway")
class PathwayType(Node):
    model: strawberry.Private[Pathway]
    name: str
    description: str
    image_url: str | None
    status: PathwayStatus
    version: int = strawberry.field(description="The newest published version (0 while a draft).")
    auto_enrol: bool = strawberry.field(description="Everyone in its audiences is enrolled by itself.")
    created_at: datetime
    published_at: datetime | None
    archived_at: datetime | None

    @strawberry.field(description="Who may enrol; empty means everyone in the organisation.")
    async def audiences(self, info: Info[Context, None]) -> list[AudienceType]:
        ids = await audiences_by_pathway_loader(info.context).load(self.model.id)
        found = await audience_by_id_loader(info.context).load_many(ids)
        return [AudienceType.from_model(a) for a in found if a is not None]

    @strawberry.field(description="Awarded when the whole pathway is completed.")
    async def capstone(self, info: Info[Context, None]) -> BadgeClassRef | None:
        return await _badge(info, self.model.capstone_badge_class_id)

    @strawberry.field(description="The requirement tree: the draft being edited (the newest version once published).")
    def root(self) -> PathwayNode:
        return PathwayNode.root_of(self.model.draft)

    @strawberry.field(description="The signed-in person's current enrolment, if any.")
    async def viewer_enrolment(self, info: Info[Context, None]) -> EnrolmentType | None:
        found = await viewer_enrolment_loader(info.context).load(self.model.id)
        return EnrolmentType.from_model(found) if found else None

    @classmethod
    def from_model(cls, p: Pathway) -> PathwayType:
        return cls(
            id=to_global_id("Pathway", p.id),
            model=p,
            name=p.name,
            description=p.description,
            image_url=p.image_url,
            status=PathwayStatus(p.status),
            version=p.version,
            auto_enrol=p.auto_enrol,
            created_at=p.created_at,
            published_at=p.published_at,
            archived_at=p.archived_at,
        )


@strawberry.type
class NodeProgress:
    node: PathwayNode
    met: bool
    locked: bool = strawberry.field(description="A prerequisite is not met yet.")
    percent: float
    missing: str | None = strawberry.field(description="What is left, in words.")


@strawberry.type(name="Enrolment")
class EnrolmentType(Node):
    model: strawberry.Private[Enrolment]
    enrolled_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    unenrolled_at: datetime | None
    version: int = strawberry.field(description="The pathway version this enrolment follows.")

    @strawberry.field
    async def pathway(self, info: Info[Context, None]) -> PathwayType:
        found = await pathway_by_id_loader(info.context).load(self.model.pathway_id)
        assert found is not None  # a foreign key guarantees it
        return PathwayType.from_model(found)

    @strawberry.field
    async def person(self, info: Info[Context, None]) -> PersonType | None:
        found = await visible_person_by_id_loader(info.context).load(self.model.person_id)
        return PersonType.from_model(found) if found else None

    @strawberry.field(description="Percent complete, weighted by the steps (leaves) of the tree.")
    async def percent(self, info: Info[Context, None]) -> float:
        found = await progress_by_enrolment_loader(info.context).load(self.model)
        return round(found.evaluation.percent, 2) if found else 0.0

    @strawberry.field(description="Every node of this enrolment's version: met or not, locked or not, what is missing.")
    async def nodes(self, info: Info[Context, None]) -> list[NodeProgress]:
        found = await progress_by_enrolment_loader(info.context).load(self.model)
        if found is None:
            return []
        index = {n.id: n for n in found.root.walk()}
        return [
            NodeProgress(
                node=PathwayNode.of(n, index), met=o.met, locked=o.locked, percent=o.percent, missing=o.missing
            )
            for n in found.root.walk()
            for o in [found.evaluation.outcomes[n.id]]
        ]

    @strawberry.field(description="The unlocked steps to take next, in the tree's order.")
    async def next(self, info: Info[Context, None], first: int | None = None) -> list[PathwayNode]:
        found = await progress_by_enrolment_loader(info.context).load(self.model)
        if found is None:
            return []
        index = {n.id: n for n in found.root.walk()}
        steps = found.evaluation.next_steps[: max(1, min(first or 5, 50))]
        return [PathwayNode.of(n, index) for n in steps]

    @strawberry.field(description="The tree of this enrolment's version.")
    async def root(self, info: Info[Context, None]) -> PathwayNode:
        version = await version_by_key_loader(info.context).load((self.model.pathway_id, self.model.version))
        assert version is not None
        return PathwayNode.root_of(version.tree)

    @classmethod
    def from_model(cls, e: Enrolment) -> EnrolmentType:
        return cls(
            id=to_global_id("Enrolment", e.id),
            model=e,
            enrolled_at=e.enrolled_at,
            started_at=e.started_at,
            completed_at=e.completed_at,
            unenrolled_at=e.unenrolled_at,
            version=e.version,
        )


@strawberry.enum
class GoalStatus(Enum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    ABANDONED = "abandoned"


@strawberry.type(name="Goal")
class GoalType(Node):
    model: strawberry.Private[Goal]
    title: str | None
    target_date: date | None
    status: GoalStatus
    created_at: datetime
    achieved_at: datetime | None

    @strawberry.field
    async def person(self, info: Info[Context, None]) -> PersonType | None:
        found = await visible_person_by_id_loader(info.context).load(self.model.person_id)
        return PersonType.from_model(found) if found else None

    @strawberry.field
    async def pathway(self, info: Info[Context, None]) -> PathwayType | None:
        if self.model.pathway_id is None:
            return None
        found = await pathway_by_id_loader(info.context).load(self.model.pathway_id)
        return PathwayType.from_model(found) if found else None

    @strawberry.field
    async def badge_class(self, info: Info[Context, None]) -> BadgeClassRef | None:
        return await _badge(info, self.model.badge_class_id)

    @strawberry.field
    async def percent(self, info: Info[Context, None]) -> float:
        found = await goal_progress_loader(info.context).load(self.model)
        return round(found.percent, 2) if found else 0.0

    @strawberry.field(description="Whether the pace so far reaches the target date; null without a date.")
    async def on_track(self, info: Info[Context, None]) -> bool | None:
        found = await goal_progress_loader(info.context).load(self.model)
        return found.on_track if found else None

    @classmethod
    def from_model(cls, g: Goal) -> GoalType:
        return cls(
            id=to_global_id("Goal", g.id),
            model=g,
            title=g.title,
            target_date=g.target_date,
            status=GoalStatus(g.status),
            created_at=g.created_at,
            achieved_at=g.achieved_at,
        )


@strawberry.type(name="Recommendation", description="A next step, with the reason it is suggested.")
class RecommendationType:
    value: strawberry.Private[RecommendationValue]
    reason: str
    score: float

    @strawberry.field
    async def badge_class(self, info: Info[Context, None]) -> BadgeClassRef | None:
        return await _badge(info, self.value.id if self.value.kind == "badge_class" else None)

    @strawberry.field
    async def course(self, info: Info[Context, None]) -> CourseRef | None:
        return await _course(info, self.value.id if self.value.kind == "course" else None)

    @strawberry.field
    async def pathway(self, info: Info[Context, None]) -> PathwayType | None:
        if self.value.kind != "pathway":
            return None
        found = await pathway_by_id_loader(info.context).load(self.value.id)
        return PathwayType.from_model(found) if found else None

    @classmethod
    def from_value(cls, value: RecommendationValue) -> RecommendationType:
        return cls(value=value, reason=value.reason, score=round(value.score, 2))
