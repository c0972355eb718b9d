"""The activity feed: awards issued, pathways completed and levels reached, and congratulations.

Items are written when the thing happens (in its transaction) and filtered when read, so the feed
always follows the current state of every choice it depends on:

- the person must be someone the viewer may see (the visibility policy) and take part in
  leaderboards and the feed visibly (their own items are always theirs to see);
- an award's item shows only while the award is accepted, shared (``TENANT`` or ``PUBLIC``) and
  stands (not revoked or suspended);
- a pathway's item shows only to viewers the pathway is open to (the catalog rule).

Congratulating is the one reaction: idempotent, only on an item the viewer may see, never on one's
own. Congratulators are counted and listed only as far as the viewer may see them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.grouping import group_by
from insignia.infra.ids import uuid7
from insignia.infra.pagination import Page, decode_cursor, page_size
from insignia.platform.credentials.award import SHARED
from insignia.platform.credentials.models import Award
from insignia.platform.engagement.models import Congratulation, EngagementProfile, FeedItem
from insignia.platform.engagement.profile import participation_expr
from insignia.platform.engagement.rules import rules_for
from insignia.platform.pathways.models import Enrolment, PathwayAudience
from insignia.tenants import visibility
from insignia.tenants.auth import Principal
from insignia.tenants.models import Audience, Person
from insignia.tenants.visibility import Viewer, viewer_of

KINDS = ("award", "pathway", "level")


async def add_awards(session: AsyncSession, tenant_id: uuid.UUID, awards: Sequence[Award]) -> None:
    """Items for new awards (once per award)."""
    if not awards:
        return
    rows = [
        {
            "tenant_id": tenant_id,
            "id": uuid7(),
            "person_id": a.recipient_id,
            "kind": "award",
            "award_id": a.id,
            "badge_class_id": a.badge_class_id,
            "created_at": a.issued_at,
        }
        for a in awards
    ]
    await session.execute(insert(FeedItem).values(rows).on_conflict_do_nothing())


async def add_pathway(session: AsyncSession, enrolment: Enrolment, now: datetime) -> None:
    """An item for a completed pathway (once per enrolment, even if completed again)."""
    exists = await session.scalar(
        select(FeedItem.id).where(FeedItem.person_id == enrolment.person_id, FeedItem.enrolment_id == enrolment.id)
    )
    if exists is None:
        session.add(
            FeedItem(
                tenant_id=enrolment.tenant_id,
                id=uuid7(),
                person_id=enrolment.person_id,
                kind="pathway",
                pathway_id=enrolment.pathway_id,
                enrolment_id=enrolment.id,
                created_at=now,
            )
        )
        await session.flush()


async def add_levels(
    session: AsyncSession, tenant_id: uuid.UUID, reached: Sequence[tuple[uuid.UUID, str]], now: datetime
) -> None:
    """Items for levels reached (the caller announces each level once)."""
    if reached:
        rows = [
            {"tenant_id": tenant_id, "id": uuid7(), "person_id": p, "kind": "level", "level": name, "created_at": now}
            for p, name in reached
        ]
        await session.execute(insert(FeedItem).values(rows))


async def _shown(session: AsyncSession, viewer: Viewer) -> ColumnElement[bool]:
    """Items the viewer may see, for a statement made by ``_base`` (see the module's rules)."""
    rules = await rules_for(session, viewer.principal.tenant_id)
    me = viewer.person_id
    takes_part = participation_expr(rules) == "visible"
    person_ok = and_(
        visibility.visible_condition(viewer), or_(Person.id == me, takes_part) if me is not None else takes_part
    )
    award_ok = or_(
        FeedItem.kind != "award",
        and_(
            Award.visibility.in_(SHARED),
            Award.acceptance == "accepted",
            Award.revoked_at.is_(None),
            Award.suspended_at.is_(None),
        ),
    )
    pathway_ok = or_(
        FeedItem.kind != "pathway",
        visibility.open_to_viewer(viewer, PathwayAudience.pathway_id, PathwayAudience.audience_id, FeedItem.pathway_id),
    )
    return and_(person_ok, award_ok, pathway_ok)


def _base(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(FeedItem)
        .join(Person, Person.id == FeedItem.person_id)
        .join(Audience, Audience.id == Person.audience_id)
        .outerjoin(EngagementProfile, EngagementProfile.person_id == FeedItem.person_id)
        .outerjoin(Award, Award.id == FeedItem.award_id)
    )


async def list_feed(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    person_ids: Any = None,
    since: datetime | None = None,
) -> Page[FeedItem]:
    """What the people the principal may see achieved, newest first (see the module's rules);
    ``person_ids`` (a subquery or list) and ``since`` narrow it (the weekly digest)."""
    viewer = await viewer_of(session, principal)
    size = page_size(first)
    stmt = _base(FeedItem).where(await _shown(session, viewer))
    if after is not None:
        stmt = stmt.where(FeedItem.id < decode_cursor(after))
    if person_ids is not None:
        stmt = stmt.where(FeedItem.person_id.in_(person_ids))
    if since is not None:
        stmt = stmt.where(FeedItem.created_at >= since)
    rows = (await session.scalars(stmt.order_by(FeedItem.id.desc()).limit(size + 1))).all()
    return Page(items=rows[:size], has_next=len(rows) > size)


async def visible_items_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, FeedItem]:
    """Items by id that the principal may see; the others are as if they did not exist."""
    if not ids:
        return {}
    viewer = await viewer_of(session, principal)
    stmt = _base(FeedItem).where(FeedItem.id.in_(ids), await _shown(session, viewer))
    return {item.id: item for item in await session.scalars(stmt)}


async def congratulate(session: AsyncSession, principal: Principal, item_id: uuid.UUID) -> FeedItem:
    """Congratulate the earner of an item one may see (once: again changes nothing)."""
    if principal.person is None:
        raise PermissionDeniedError("Only a signed-in person can congratulate.")
    item = (await visible_items_by_ids(session, principal, [item_id])).get(item_id)
    if item is None:
        raise NotFoundError("No such feed item.", "id")
    if item.person_id == principal.person.id:
        raise ValidationError("You cannot congratulate yourself.", "id")
    await session.execute(
        insert(Congratulation)
        .values(tenant_id=principal.tenant_id, feed_item_id=item.id, person_id=principal.person.id)
        .on_conflict_do_nothing()
    )
    return item


async def congratulation_counts(
    session: AsyncSession, principal: Principal, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """How many people the principal may see congratulated each item."""
    viewer = await viewer_of(session, principal)
    rows = await session.execute(
        select(Congratulation.feed_item_id, func.count())
        .join(Person, Person.id == Congratulation.person_id)
        .where(Congratulation.feed_item_id.in_(item_ids), visibility.visible_condition(viewer))
        .group_by(Congratulation.feed_item_id)
    )
    return {item: int(count) for item, count in rows}


async def congratulated_by_viewer(
    session: AsyncSession, principal: Principal, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, bool]:
    if principal.person is None:
        return {}
    rows = await session.scalars(
        select(Congratulation.feed_item_id).where(
            Congratulation.feed_item_id.in_(item_ids), Congratulation.person_id == principal.person.id
        )
    )
    return dict.fromkeys(rows, True)


async def congratulators(
    session: AsyncSession, principal: Principal, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Person]]:
    """Who congratulated each of the principal's own items (as far as they may see them), first
    first; other people's items have no list."""
    if principal.person is None:
        return {}
    viewer = await viewer_of(session, principal)
    rows = await session.execute(
        select(Congratulation.feed_item_id, Person)
        .join(Person, Person.id == Congratulation.person_id)
        .join(FeedItem, FeedItem.id == Congratulation.feed_item_id)
        .where(
            Congratulation.feed_item_id.in_(item_ids),
            FeedItem.person_id == principal.person.id,
            visibility.visible_condition(viewer),
        )
        .order_by(Congratulation.created_at, Person.id)
    )
    return group_by(list(item_ids), ((item, person) for item, person in rows))
