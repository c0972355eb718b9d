"""Queries and mutations of the engagement area, with their inputs and payloads; ``node(id)`` for
FeedItem."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.engagement.types import (
    EngagementSettingsType,
    FeedItemType,
    Leaderboard,
    LeaderboardParticipation,
    LeaderboardPeriod,
    PointEntryType,
)
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id
from insignia.graphql.node import node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.graphql.tenants.types import AudienceKind
from insignia.infra.errors import Checks, NotFoundError, ValidationError
from insignia.platform.engagement import feed, points
from insignia.platform.engagement import leaderboard as boards
from insignia.platform.engagement import rules as engagement_rules
from insignia.platform.engagement.models import FeedItem, PointEntry

MAX_LEVELS_GIVEN = engagement_rules.MAX_LEVELS


@strawberry.input
class LevelInput:
    name: str
    points: int


@strawberry.input
class ParticipationDefaultInput:
    kind: AudienceKind
    participation: LeaderboardParticipation


@strawberry.input(description="Only the fields given change.")
class EngagementSettingsInput:
    levels: list[LevelInput] | None = strawberry.field(
        default=None, description="The whole scale, e.g. Bronze 50, Silver 150, Gold 300 (empty: no levels)."
    )
    first_badge_points: int | None = None
    pathway_points: int | None = None
    before_goal_points: int | None = None
    expired_awards_keep_points: bool | None = strawberry.field(
        default=None, description="Changing it re-counts every expired award's points (a job)."
    )
    default_participation: list[ParticipationDefaultInput] | None = strawberry.field(
        default=None,
        description="Per audience kind (kinds not named: employees VISIBLE, partners and customers PSEUDONYMOUS).",
    )


@strawberry.input
class PointsAdjustInput:
    person_id: strawberry.ID
    points: int = strawberry.field(description="Added (or, negative, taken away).")
    reason: str


@strawberry.type
class FeedItemPayload:
    feed_item: FeedItemType | None
    errors: list[UserError]


@strawberry.type
class EngagementSettingsPayload:
    settings: EngagementSettingsType | None
    errors: list[UserError]


@strawberry.type
class PointEntryPayload:
    entry: PointEntryType | None
    errors: list[UserError]


@strawberry.type
class PointsRecomputePayload:
    queued: bool
    errors: list[UserError]


def _optional_id(value: strawberry.ID | None, type_name: str, field: str) -> uuid.UUID | None:
    return expect_id(value, type_name, field) if value is not None else None


@strawberry.type
class EngagementQueries:
    @strawberry.field(
        description=(
            "People ranked by the points they earned in the period, among those you may see who take part "
            "(pseudonymous people by their pseudonym), within at most one scope: an audience, a partner or "
            "customer company, a manager's team (the team, its managers and admins), a pathway's learners. "
            "Your own rank and points even outside the page."
        )
    )
    async def leaderboard(
        self,
        info: Info[Context, None],
        *,
        period: LeaderboardPeriod,
        audience_id: strawberry.ID | None = None,
        company: str | None = None,
        manager_id: strawberry.ID | None = None,
        pathway_id: strawberry.ID | None = None,
        first: Annotated[int | None, strawberry.argument(description="Entries on the page (1-100; 10).")] = None,
    ) -> Leaderboard:
        ctx = info.context
        scope = boards.BoardScope(
            audience_id=_optional_id(audience_id, "Audience", "audienceId"),
            company=company,
            manager_id=_optional_id(manager_id, "Person", "managerId"),
            pathway_id=_optional_id(pathway_id, "Pathway", "pathwayId"),
        )
        board = await ctx.run(
            lambda s: boards.leaderboard(s, ctx.principal, period=period.value, scope=scope, first=first)
        )
        return Leaderboard.from_value(board)

    @strawberry.field(
        description=(
            "Awards issued, pathways completed and levels reached by people you may see who take part visibly, "
            "newest first (awards only while shared with the organisation or the public)."
        )
    )
    async def activity_feed(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[FeedItemType]:
        ctx = info.context
        page = await ctx.run(lambda s: feed.list_feed(s, ctx.principal, first=first, after=after))
        return build_connection(page, FeedItemType.from_model)

    @strawberry.field(description="The organisation's point rules, levels and leaderboard defaults.")
    async def engagement_settings(self, info: Info[Context, None]) -> EngagementSettingsType:
        ctx = info.context
        return EngagementSettingsType.from_rules(
            await ctx.run(lambda s: engagement_rules.rules_for(s, ctx.principal.tenant_id))
        )


@strawberry.type
class EngagementMutations:
    @strawberry.mutation(description="Congratulate a colleague on a feed item (once; never yourself).")
    async def feed_item_congratulate(self, info: Info[Context, None], id: strawberry.ID) -> FeedItemPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> FeedItem:
            return await feed.congratulate(s, ctx.principal, expect_id(id, "FeedItem"))

        result, errors = await run_mutation(ctx, op)
        return FeedItemPayload(feed_item=FeedItemType.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="Point rules, levels and defaults (admins); every invalid field at once.")
    async def engagement_settings_update(
        self, info: Info[Context, None], input: EngagementSettingsInput
    ) -> EngagementSettingsPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> engagement_rules.Rules:
            if input.levels is not None and len(input.levels) > MAX_LEVELS_GIVEN:
                raise ValidationError(f"At most {MAX_LEVELS_GIVEN} levels.", "levels")
            if input.default_participation is not None and len(input.default_participation) > 3:
                raise ValidationError("At most one default per audience kind.", "defaultParticipation")
            return await engagement_rules.update_rules(
                s,
                ctx.principal,
                levels=[(v.name, v.points) for v in input.levels] if input.levels is not None else None,
                first_badge_points=input.first_badge_points,
                pathway_points=input.pathway_points,
                before_goal_points=input.before_goal_points,
                expired_keep_points=input.expired_awards_keep_points,
                default_participation=[(d.kind.value, d.participation.value) for d in input.default_participation]
                if input.default_participation is not None
                else None,
            )

        result, errors = await run_mutation(ctx, op)
        return EngagementSettingsPayload(
            settings=EngagementSettingsType.from_rules(result) if result else None, errors=errors
        )

    @strawberry.mutation(description="Add or take away points, with a reason (admins; audited).")
    async def points_adjust(self, info: Info[Context, None], input: PointsAdjustInput) -> PointEntryPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> PointEntry:
            checks = Checks()
            person_id = None
            try:
                person_id = expect_id(input.person_id, "Person", "personId")
            except NotFoundError as exc:
                checks.errors.append(exc)
            return await points.adjust(
                s, ctx.principal, person_id, points=input.points, reason=input.reason, checks=checks
            )

        result, errors = await run_mutation(ctx, op)
        return PointEntryPayload(entry=PointEntryType.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="Rebuild every total from the points ledger (admins; a job).")
    async def points_recompute(self, info: Info[Context, None]) -> PointsRecomputePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> bool:
            await points.schedule_recompute(s, ctx.principal)
            return True

        result, errors = await run_mutation(ctx, op)
        return PointsRecomputePayload(queued=bool(result), errors=errors)


@node_resolver("FeedItem")
async def _feed_item_node(ctx: Context, value: uuid.UUID) -> FeedItemType | None:
    found = await ctx.run(lambda s: feed.visible_items_by_ids(s, ctx.principal, [value]))
    return FeedItemType.from_model(found[value]) if value in found else None
