"""DataLoaders of the engagement area, built per request."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from insignia.graphql.context import Context, none
from insignia.platform.credentials import award as award_service
from insignia.platform.credentials.models import Award
from insignia.platform.engagement import feed, showcase
from insignia.platform.pathways.models import Pathway
from insignia.tenants.models import Person


def showcase_awards_loader(ctx: Context) -> DataLoader[uuid.UUID, tuple[list[Award], int]]:
    """Each person's showcase awards (pinned first) and how many lead as pinned."""

    async def fetch(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[list[Award], int]]:
        awards = await showcase.showcase_awards(session, ids)
        pinned = await showcase.pinned_award_ids(session, ids)
        return {p: (awards[p], sum(1 for a in awards[p] if a.id in set(pinned[p]))) for p in ids}

    return ctx.loader("ShowcaseAwardsByPersonIdLoader", fetch, lambda: ([], 0))


def completed_pathways_loader(ctx: Context) -> DataLoader[uuid.UUID, list[Pathway]]:
    return ctx.loader(
        "CompletedPathwaysByPersonIdLoader",
        lambda s, ids: showcase.completed_pathways(s, ctx.principal, ids),
        list,
    )


def visible_award_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Award | None]:
    return ctx.loader(
        "VisibleAwardByIdLoader", lambda s, ids: award_service.visible_awards_by_ids(s, ctx.principal, ids), none
    )


def congratulation_count_loader(ctx: Context) -> DataLoader[uuid.UUID, int]:
    return ctx.loader(
        "CongratulationCountByFeedItemIdLoader",
        lambda s, ids: feed.congratulation_counts(s, ctx.principal, ids),
        int,
    )


def congratulated_by_viewer_loader(ctx: Context) -> DataLoader[uuid.UUID, bool]:
    return ctx.loader(
        "ViewerCongratulatedByFeedItemIdLoader",
        lambda s, ids: feed.congratulated_by_viewer(s, ctx.principal, ids),
        bool,
    )


def congratulators_loader(ctx: Context) -> DataLoader[uuid.UUID, list[Person]]:
    return ctx.loader(
        "CongratulatorsByFeedItemIdLoader", lambda s, ids: feed.congratulators(s, ctx.principal, ids), list
    )
