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

from sqlalchemy import ColumnElement, String, and_, cast, func, or_, select, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.grouping import group_by
from insignia.infra.ids import uuid7
from insignia.infra.pagination import Page, decode_cursor, page_size
from insignia.platform.credentials.award import SHARED
from insignia.platform.credentials.models import Award
from insignia.platform.engagement.models import Congratulation, FeedItem
from insignia.platform.engagement.profile import participates, without_jit
from insignia.platform.engagement.rules import Rules, rules_for
from insignia.platform.pathways.models import Enrolment, PathwayAudience
from insignia.tenants import visibility
from insignia.tenants.auth import Principal
from insignia.tenants.models import Person
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


async def _shown(session: AsyncSession, viewer: Viewer, item: Any = FeedItem) -> ColumnElement[bool]:
    """Items the viewer may see (see the module's rules), decided on the item's columns (its person
    and the copy of their audience: ``visibility.visible_on``) and, for awards, the award's row.
    ``item``: ``FeedItem`` or an alias of it over a subquery."""
    rules = await rules_for(session, viewer.principal.tenant_id)
    me = viewer.person_id
    person, audience = item.person_id, item.audience_id
    takes_part = participates(rules, person, audience, ("visible",))
    person_ok = and_(
        visibility.visible_on(viewer, person, audience), or_(person == me, takes_part) if me is not None else takes_part
    )
    shared_award = (
        select(Award.id)
        .where(
            Award.tenant_id == item.tenant_id,  # the whole key: an index lookup, not a scan
            Award.id == item.award_id,
            Award.visibility.in_(SHARED),
            Award.acceptance == "accepted",
            Award.revoked_at.is_(None),
            Award.suspended_at.is_(None),
        )
        .exists()
    )
    award_ok = or_(item.kind != "award", shared_award)
    pathway_ok = or_(
        item.kind != "pathway",
        visibility.open_to_viewer(viewer, PathwayAudience.pathway_id, PathwayAudience.audience_id, item.pathway_id),
    )
    return and_(person_ok, award_ok, pathway_ok)


# How many of the newest items a page looks at before it asks, person by person, for older ones.
WINDOW = 1000


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
    ``person_ids`` (a subquery or list) and ``since`` narrow it (the weekly digest).

    Work is bounded for every viewer: the page is first looked for among the tenant's newest
    ``WINDOW`` items, newest first, stopping as soon as it is full (enough for a viewer who sees many
    people); when they hold too few, the rest comes from the newest items of each person who may
    appear (few, for a viewer who sees few)."""
    size = page_size(first)
    before = decode_cursor(after) if after is not None else None
    viewer = await viewer_of(session, principal)
    rules = await rules_for(session, principal.tenant_id)
    await without_jit(session)
    newest = select(FeedItem).order_by(FeedItem.id.desc()).limit(WINDOW)
    if before is not None:
        newest = newest.where(FeedItem.id < before)
    window = aliased(FeedItem, newest.subquery(), name="newest")
    conditions = [await _shown(session, viewer, window), *_narrowed(window, person_ids, since)]
    found = list(
        (await session.scalars(select(window).where(*conditions).order_by(window.id.desc()).limit(size + 1))).all()
    )
    if len(found) <= size:
        # How many the window held, and its oldest (PostgreSQL 15 has no min(uuid); the canonical
        # text of uuids sorts as they do).
        ids = newest.with_only_columns(FeedItem.id).subquery()
        held, oldest = (await session.execute(select(func.count(), func.min(cast(ids.c.id, String))))).one()
        if held == WINDOW and oldest is not None:
            need = size + 1 - len(found)
            found += await _older(
                session, viewer, rules, before=uuid.UUID(oldest), need=need, person_ids=person_ids, since=since
            )
    return Page(items=found[:size], has_next=len(found) > size)


def _narrowed(item: Any, person_ids: Any, since: datetime | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if person_ids is not None:
        conditions.append(item.person_id.in_(person_ids))
    if since is not None:
        conditions.append(item.created_at >= since)
    return conditions


async def _older(
    session: AsyncSession,
    viewer: Viewer,
    rules: Rules,
    *,
    before: uuid.UUID,
    need: int,
    person_ids: Any,
    since: datetime | None,
) -> list[FeedItem]:
    """The newest ``need`` items before ``before``, looked up person by person among those who may
    appear in the viewer's feed (each person's newest items through their index)."""
    me = viewer.person_id
    seen = visibility.visible_ids(viewer)
    people = (seen if seen is not None else select(Person.id, Person.audience_id)).subquery()  # None: everyone
    takes_part = participates(rules, people.c.id, people.c.audience_id, ("visible",))
    candidates = (
        select(people.c.id)
        .where(or_(people.c.id == me, takes_part) if me is not None else takes_part)
        .where(people.c.id.in_(person_ids) if person_ids is not None else true())
        .subquery()
    )
    per_person = (
        select(FeedItem.id)
        .where(
            FeedItem.person_id == candidates.c.id,
            FeedItem.id < before,
            await _shown(session, viewer),
            *_narrowed(FeedItem, None, since),
        )
        .order_by(FeedItem.id.desc())
        .limit(need)
        .lateral()
    )
    ids = list(
        await session.scalars(
            select(per_person.c.id)
            .select_from(candidates)
            .join(per_person, true())
            .order_by(per_person.c.id.desc())
            .limit(need)
        )
    )
    rows = await session.scalars(select(FeedItem).where(FeedItem.id.in_(ids)).order_by(FeedItem.id.desc()))
    return list(rows.all())


async def visible_items_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, FeedItem]:
    """Items by id that the principal may see; the others are as if they did not exist."""
    if not ids:
        return {}
    viewer = await viewer_of(session, principal)
    stmt = select(FeedItem).where(FeedItem.id.in_(ids), await _shown(session, viewer))
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
