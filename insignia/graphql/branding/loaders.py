"""DataLoaders of the branding area; built per request."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from insignia.graphql.context import Context, none
from insignia.platform.branding import badges
from insignia.platform.branding import brand as brands
from insignia.platform.branding.brand import Brand
from insignia.platform.branding.design import Design
from insignia.platform.openbadges.ob2 import Urls


def design_by_badge_class_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Design | None]:
    return ctx.loader("DesignByBadgeClassIdLoader", badges.designs_by_badge, none)


def brand_by_audience_id_loader(ctx: Context, urls: Urls) -> DataLoader[uuid.UUID, Brand | None]:
    """Each audience's resolved brand (its overrides over the tenant's), two queries for all."""

    async def fetch(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, Brand | None]:
        found = await brands.resolve_many(session, urls, ctx.principal.tenant_id, list(ids))
        return {i: found[i] for i in ids}

    return ctx.loader("BrandByAudienceIdLoader", fetch, none)
