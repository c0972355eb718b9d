"""DataLoaders of the pathways area, built per request."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from insignia.graphql.context import Context, none
from insignia.platform.pathways import enrolment as enrolments
from insignia.platform.pathways import goal as goals
from insignia.platform.pathways import pathway as pathways
from insignia.platform.pathways import progress
from insignia.platform.pathways.models import Enrolment, Goal, Pathway, PathwayVersion


def pathway_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Pathway | None]:
    """Unfiltered: for an enrolment's or goal's pathway (the caller already sees those)."""
    return ctx.loader("PathwayByIdLoader", pathways.pathways_by_ids, none)


def audiences_by_pathway_loader(ctx: Context) -> DataLoader[uuid.UUID, list[uuid.UUID]]:
    return ctx.loader("AudiencesByPathwayIdLoader", pathways.audiences_by_pathway, list)


def version_by_key_loader(ctx: Context) -> DataLoader[tuple[uuid.UUID, int], PathwayVersion | None]:
    return ctx.loader("PathwayVersionByKeyLoader", pathways.versions_by_keys, none)


def progress_by_enrolment_loader(ctx: Context) -> DataLoader[Enrolment, progress.Progress | None]:
    """Live evaluations of enrolments, all of a request's in one batch (a fixed number of statements)."""

    async def fetch(session: AsyncSession, keys: Sequence[Enrolment]) -> dict[Enrolment, progress.Progress]:
        found = await progress.evaluations(session, keys)
        return {e: found[e.id] for e in keys if e.id in found}

    return ctx.loader("ProgressByEnrolmentLoader", fetch, none)


def viewer_enrolment_loader(ctx: Context) -> DataLoader[uuid.UUID, Enrolment | None]:
    """The signed-in person's current enrolment by pathway id."""

    async def fetch(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Enrolment]:
        person = ctx.principal.person
        if person is None:
            return {}
        return await enrolments.current_enrolments(session, person.id, ids)

    return ctx.loader("ViewerEnrolmentByPathwayIdLoader", fetch, none)


def goal_progress_loader(ctx: Context) -> DataLoader[Goal, goals.GoalProgress | None]:
    async def fetch(session: AsyncSession, keys: Sequence[Goal]) -> dict[Goal, goals.GoalProgress]:
        found = await goals.progress_of_goals(session, keys)
        return {g: found[g.id] for g in keys if g.id in found}

    return ctx.loader("ProgressByGoalLoader", fetch, none)
