"""Queries of the credentials area (badge classes, awards, eligibility), and how ``node(id)`` finds
their objects."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.credentials.inputs import AwardFilter, BadgeClassFilter
from insignia.graphql.credentials.types import AwardType, BadgeClassType, Eligibility
from insignia.graphql.ids import expect_id
from insignia.graphql.node import node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.platform.credentials import award as award_service
from insignia.platform.credentials import badge_class as badge_class_service
from insignia.platform.credentials import eligibility as eligibility_service


@strawberry.type
class CredentialQueries:
    @strawberry.field(
        description=(
            "Badge classes open to you: published ones (archived ones when filtered for), limited ones only "
            "inside their audiences; drafts too for issuers and admins."
        )
    )
    async def badge_classes(
        self,
        info: Info[Context, None],
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: BadgeClassFilter | None = None,
    ) -> Connection[BadgeClassType]:
        ctx = info.context
        status = filter.status.value if filter and filter.status else None
        search = filter.search if filter else None
        page = await ctx.run(
            lambda s: badge_class_service.list_badge_classes(
                s, ctx.principal, first=first, after=after, last=last, before=before, status=status, search=search
            )
        )
        return build_connection(page, BadgeClassType.from_model)

    @strawberry.field(
        description=(
            "Awards you may see: all for issuers and admins; yours, your reports', and others' non-private ones."
        )
    )
    async def awards(
        self,
        info: Info[Context, None],
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AwardFilter | None = None,
    ) -> Connection[AwardType]:
        ctx = info.context
        service_filter = filter.to_service() if filter else None
        page = await ctx.run(
            lambda s: award_service.list_awards(
                s, ctx.principal, first=first, after=after, last=last, before=before, filter=service_filter
            )
        )
        return build_connection(page, AwardType.from_model)

    @strawberry.field(
        description="Why a person has, or has not yet, earned a badge class: each criterion met or missing."
    )
    async def award_eligibility(
        self, info: Info[Context, None], person_id: strawberry.ID, badge_class_id: strawberry.ID
    ) -> Eligibility:
        ctx = info.context
        person = expect_id(person_id, "Person", "personId")
        badge = expect_id(badge_class_id, "BadgeClass", "badgeClassId")
        result = await ctx.run(lambda s: eligibility_service.award_eligibility(s, ctx.principal, person, badge))
        return Eligibility.from_result(result)


@node_resolver("BadgeClass")
async def _badge_class_node(ctx: Context, value: uuid.UUID) -> BadgeClassType | None:
    found = await ctx.run(lambda s: badge_class_service.visible_badge_classes_by_ids(s, ctx.principal, [value]))
    return BadgeClassType.from_model(found[value]) if value in found else None


@node_resolver("Award")
async def _award_node(ctx: Context, value: uuid.UUID) -> AwardType | None:
    found = await ctx.run(lambda s: award_service.visible_awards_by_ids(s, ctx.principal, [value]))
    return AwardType.from_model(found[value]) if value in found else None
