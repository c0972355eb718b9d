"""DataLoaders of the branding area; built per request."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from insignia.graphql.context import Context, none
from insignia.platform.branding import badges
from insignia.platform.branding.design import Design


def design_by_badge_class_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Design | None]:
    return ctx.loader("DesignByBadgeClassIdLoader", badges.designs_by_badge, none)
