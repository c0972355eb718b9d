"""GraphQL types of the engagement area: Showcase, Leaderboard, LeaderboardEntry, FeedItem,
PointEntry, EngagementPreferences, EngagementSettings."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.credentials.loaders import award_by_id_loader, badge_class_by_id_loader
from insignia.graphql.credentials.types import AwardType, BadgeClassType
from insignia.graphql.engagement.loaders import (
    completed_pathways_loader,
    congratulated_by_viewer_loader,
    congratulation_count_loader,
    congratulators_loader,
    showcase_awards_loader,
    visible_award_by_id_loader,
)
from insignia.graphql.ids import to_global_id
from insignia.graphql.node import Node
from insignia.graphql.pathways.loaders import pathway_by_id_loader
from insignia.graphql.pathways.types import PathwayType
from insignia.graphql.tenants.loaders import audience_by_id_loader, person_by_id_loader, standing_by_person_id_loader
from insignia.graphql.tenants.types import AudienceKind, AudienceType, PersonType
from insignia.platform.engagement import leaderboard as boards
from insignia.platform.engagement import rules as engagement_rules
from insignia.platform.engagement.models import EngagementProfile, FeedItem, PointEntry
from insignia.tenants.models import Person


@strawberry.enum(description="How a person takes part in leaderboards and the activity feed.")
class LeaderboardParticipation(Enum):
    VISIBLE = "visible"
    PSEUDONYMOUS = "pseudonymous"
    HIDDEN = "hidden"


@strawberry.enum
class LeaderboardPeriod(Enum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    ALL_TIME = "all"


@strawberry.enum
class FeedItemKind(Enum):
    AWARD_ISSUED = "award"
    PATHWAY_COMPLETED = "pathway"
    LEVEL_REACHED = "level"


@strawberry.enum(description="Where points came from.")
class PointSource(Enum):
    AWARD = "award"
    FIRST_BADGE = "first_badge"
    PATHWAY = "pathway"
    BEFORE_GOAL = "before_goal"
    ADJUSTMENT = "adjustment"


@strawberry.type(description="A level of the organisation's scale (e.g. Bronze at 50 points).")
class Level:
    name: str
    points: int

    @classmethod
    def of(cls, level: engagement_rules.Level | None) -> Level | None:
        return cls(name=level.name, points=level.points) if level else None


@strawberry.type(
    name="Showcase",
    description=(
        "A person's profile inside the organisation, as you may see it: only awards shared with the organisation "
        "or the public (pinned ones first), pathways open to you; points and level when they take part visibly "
        "(or you are them, their manager or an admin)."
    ),
)
class ShowcaseType:
    model: strawberry.Private[Person]
    headline: str | None

    @strawberry.field
    async def audience(self, info: Info[Context, None]) -> AudienceType:
        audience = await audience_by_id_loader(info.context).load(self.model.audience_id)
        assert audience is not None  # a foreign key guarantees it
        return AudienceType.from_model(audience)

    @strawberry.field(description="Shared, accepted awards that stand: pinned first in the chosen order, then newest.")
    async def awards(self, info: Info[Context, None], first: int | None = None) -> list[AwardType]:
        awards, _pinned = await showcase_awards_loader(info.context).load(self.model.id)
        return [AwardType.from_model(a) for a in awards[: first if first is not None and first >= 0 else None]]

    @strawberry.field(description="How many of the first awards are pinned.")
    async def pinned(self, info: Info[Context, None]) -> int:
        _awards, pinned = await showcase_awards_loader(info.context).load(self.model.id)
        return pinned

    @strawberry.field(description="All-time points; null when not yours to see.")
    async def points(self, info: Info[Context, None]) -> int | None:
        standing = await standing_by_person_id_loader(info.context).load(self.model.id)
        return standing.points if standing else None

    @strawberry.field(description="The level reached (the organisation's scale); null when none or not yours to see.")
    async def level(self, info: Info[Context, None]) -> str | None:
        standing = await standing_by_person_id_loader(info.context).load(self.model.id)
        return standing.level.name if standing and standing.level else None

    @strawberry.field(description="The next level and its threshold; null at the top or when not yours to see.")
    async def next_level(self, info: Info[Context, None]) -> Level | None:
        standing = await standing_by_person_id_loader(info.context).load(self.model.id)
        return Level.of(standing.next_level) if standing else None

    @strawberry.field(description="Pathways completed, most recent first (those open to you).")
    async def pathways_completed(self, info: Info[Context, None]) -> list[PathwayType]:
        return [PathwayType.from_model(p) for p in await completed_pathways_loader(info.context).load(self.model.id)]

    @classmethod
    def from_model(cls, person: Person) -> ShowcaseType:
        return cls(model=person, headline=person.headline)


@strawberry.type
class LeaderboardEntry:
    person_model: strawberry.Private[Person | None]
    rank: int
    display_name: str = strawberry.field(description="The name, or the person's pseudonym.")
    points: int
    is_viewer: bool
    level: str | None = strawberry.field(description="All-time boards: the level these points reach.")

    @strawberry.field(description="Null for people shown by their pseudonym.")
    def person(self) -> PersonType | None:
        return PersonType.from_model(self.person_model) if self.person_model else None

    @classmethod
    def from_value(cls, entry: boards.Entry) -> LeaderboardEntry:
        return cls(
            person_model=entry.person,
            rank=entry.rank,
            display_name=entry.display_name,
            points=entry.points,
            is_viewer=entry.is_viewer,
            level=entry.level.name if entry.level else None,
        )


@strawberry.type
class Leaderboard:
    period: LeaderboardPeriod
    period_start: date = strawberry.field(description="The first day (UTC) of the period; weeks start on Monday.")
    entries: list[LeaderboardEntry]
    viewer_rank: int | None = strawberry.field(
        description="Your rank on this board, even outside the page; null without points in the period or outside it."
    )
    viewer_points: int | None
    viewer_participation: LeaderboardParticipation | None

    @classmethod
    def from_value(cls, board: boards.Board) -> Leaderboard:
        return cls(
            period=LeaderboardPeriod(board.period),
            period_start=board.period_start,
            entries=[LeaderboardEntry.from_value(e) for e in board.entries],
            viewer_rank=board.viewer_rank,
            viewer_points=board.viewer_points,
            viewer_participation=LeaderboardParticipation(board.viewer_participation)
            if board.viewer_participation
            else None,
        )


@strawberry.type(name="FeedItem", description="Something a colleague achieved.")
class FeedItemType(Node):
    model: strawberry.Private[FeedItem]
    kind: FeedItemKind
    created_at: datetime
    level: str | None = strawberry.field(description="LEVEL_REACHED: the level.")

    @strawberry.field
    async def person(self, info: Info[Context, None]) -> PersonType:
        found = await person_by_id_loader(info.context).load(self.model.person_id)
        assert found is not None  # the item is shown only with its person
        return PersonType.from_model(found)

    @strawberry.field(description="AWARD_ISSUED: the award.")
    async def award(self, info: Info[Context, None]) -> AwardType | None:
        if self.model.award_id is None:
            return None
        found = await visible_award_by_id_loader(info.context).load(self.model.award_id)
        return AwardType.from_model(found) if found else None

    @strawberry.field(description="AWARD_ISSUED: the badge class.")
    async def badge_class(self, info: Info[Context, None]) -> BadgeClassType | None:
        if self.model.badge_class_id is None:
            return None
        found = await badge_class_by_id_loader(info.context).load(self.model.badge_class_id)
        return BadgeClassType.from_model(found) if found else None

    @strawberry.field(description="PATHWAY_COMPLETED: the pathway.")
    async def pathway(self, info: Info[Context, None]) -> PathwayType | None:
        if self.model.pathway_id is None:
            return None
        found = await pathway_by_id_loader(info.context).load(self.model.pathway_id)
        return PathwayType.from_model(found) if found else None

    @strawberry.field(description="How many people you may see congratulated it.")
    async def congratulations(self, info: Info[Context, None]) -> int:
        return await congratulation_count_loader(info.context).load(self.model.id)

    @strawberry.field
    async def viewer_congratulated(self, info: Info[Context, None]) -> bool:
        return await congratulated_by_viewer_loader(info.context).load(self.model.id)

    @strawberry.field(description="Your own items: who congratulated you (as far as you may see them); else null.")
    async def congratulated_by(self, info: Info[Context, None]) -> list[PersonType] | None:
        me = info.context.principal.person
        if me is None or me.id != self.model.person_id:
            return None
        return [PersonType.from_model(p) for p in await congratulators_loader(info.context).load(self.model.id)]

    @classmethod
    def from_model(cls, item: FeedItem) -> FeedItemType:
        return cls(
            id=to_global_id("FeedItem", item.id),
            model=item,
            kind=FeedItemKind(item.kind),
            created_at=item.created_at,
            level=item.level,
        )


@strawberry.type(name="PointEntry", description="One change of a person's points, with its reason.")
class PointEntryType:
    model: strawberry.Private[PointEntry]
    id: strawberry.ID
    points: int
    source: PointSource
    reason: str = strawberry.field(
        description="What happened: award.issued, award.revoked, ..., pathway.completed, or an admin's words."
    )
    created_at: datetime

    @strawberry.field
    async def badge_class(self, info: Info[Context, None]) -> BadgeClassType | None:
        if self.model.badge_class_id is None:
            return None
        found = await badge_class_by_id_loader(info.context).load(self.model.badge_class_id)
        return BadgeClassType.from_model(found) if found else None

    @strawberry.field(description="The award, if it is still yours to see.")
    async def award(self, info: Info[Context, None]) -> AwardType | None:
        if self.model.award_id is None:
            return None
        found = await award_by_id_loader(info.context).load(self.model.award_id)
        return AwardType.from_model(found) if found else None

    @strawberry.field
    async def pathway(self, info: Info[Context, None]) -> PathwayType | None:
        if self.model.pathway_id is None:
            return None
        found = await pathway_by_id_loader(info.context).load(self.model.pathway_id)
        return PathwayType.from_model(found) if found else None

    @classmethod
    def from_model(cls, entry: PointEntry) -> PointEntryType:
        return cls(
            model=entry,
            id=strawberry.ID(str(entry.id)),
            points=entry.points,
            source=PointSource(entry.source),
            reason=entry.reason,
            created_at=entry.created_at,
        )


@strawberry.type(name="EngagementPreferences", description="Your own engagement choices (null for anyone else's).")
class EngagementPreferencesType:
    leaderboard_participation: LeaderboardParticipation | None = strawberry.field(
        description="Your choice; null: the organisation's default for your audience."
    )
    effective_participation: LeaderboardParticipation
    pseudonym: str | None = strawberry.field(
        description="The name others see on leaderboards when you take part pseudonymously (drawn when first needed)."
    )
    weekly_digest: bool
    pinned_award_ids: list[strawberry.ID]

    @classmethod
    def from_values(cls, profile: EngagementProfile | None, effective: str) -> EngagementPreferencesType:
        return cls(
            leaderboard_participation=LeaderboardParticipation(profile.participation)
            if profile and profile.participation
            else None,
            effective_participation=LeaderboardParticipation(effective),
            pseudonym=profile.pseudonym if profile else None,
            weekly_digest=bool(profile and profile.weekly_digest),
            pinned_award_ids=[to_global_id("Award", a) for a in (profile.pinned_award_ids if profile else [])],
        )


@strawberry.type
class ParticipationDefault:
    kind: AudienceKind
    participation: LeaderboardParticipation


@strawberry.type(name="EngagementSettings", description="The organisation's point rules, levels and defaults.")
class EngagementSettingsType:
    levels: list[Level]
    first_badge_points: int = strawberry.field(description="Added for a person's first badge.")
    pathway_points: int = strawberry.field(description="Added for completing a pathway.")
    before_goal_points: int = strawberry.field(
        description="Added for completing a pathway by the target date of a goal set for it."
    )
    expired_awards_keep_points: bool = strawberry.field(
        description="Expired awards keep their points (else lose them)."
    )
    default_participation: list[ParticipationDefault]

    @classmethod
    def from_rules(cls, rules: engagement_rules.Rules) -> EngagementSettingsType:
        return cls(
            levels=[Level(name=v.name, points=v.points) for v in rules.levels],
            first_badge_points=rules.first_badge_points,
            pathway_points=rules.pathway_points,
            before_goal_points=rules.before_goal_points,
            expired_awards_keep_points=rules.expired_keep_points,
            default_participation=[
                ParticipationDefault(kind=AudienceKind(k), participation=LeaderboardParticipation(v))
                for k, v in rules.participation
            ],
        )
