"""DataLoaders for tenant objects, named ``<Model>By<Key>Loader``; built per request."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from insignia.graphql.context import Context
from insignia.tenants import audience as audience_service
from insignia.tenants import person as person_service
from insignia.tenants.models import Audience, Person


def audience_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Audience | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[Audience | None]:
        found = await ctx.run(lambda s: audience_service.audiences_by_ids(s, ids))
        return [found.get(i) for i in ids]

    return ctx.loader("AudienceByIdLoader", lambda _: DataLoader(load_fn=load))  # type: ignore[no-any-return]


def person_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Person | None]:
    """People by id for relationship fields (a person's manager) of people already visible."""

    async def load(ids: Sequence[uuid.UUID]) -> list[Person | None]:
        found = await ctx.run(lambda s: person_service.people_by_ids(s, ids))
        return [found.get(i) for i in ids]

    return ctx.loader("PersonByIdLoader", lambda _: DataLoader(load_fn=load))  # type: ignore[no-any-return]
