"""The weekly digest: an email to each learner who asked for it (off by default) listing what
their team achieved in the past week, as the feed would show it to them.

A person's team: their direct reports, their manager and the people who share their manager.
The scheduler finds tenants with digests due (``insignia_engagement_digest_due``) and sends them
in batches; each person gets at most one digest a week, and none when there is nothing to tell.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.outbox import enqueue
from insignia.platform.credentials.models import BadgeClass
from insignia.platform.engagement import feed
from insignia.platform.engagement.models import EngagementProfile, FeedItem
from insignia.platform.pathways.models import Pathway
from insignia.tenants.auth import person_principal
from insignia.tenants.models import Person
from insignia.tenants.person import EMAIL_KIND

EVERY = timedelta(days=7)
BATCH = 200
TEMPLATE = "engagement_digest"
MAX_ITEMS = 20


def team_of(person: Person) -> Any:
    """Ids of the person's team (a subquery): reports, manager, and colleagues under that manager."""
    members = [Person.manager_id == person.id]
    if person.manager_id is not None:
        members += [
            Person.id == person.manager_id,
            and_(Person.manager_id == person.manager_id, Person.id != person.id),
        ]
    return select(Person.id).where(or_(*members))


async def _lines(session: AsyncSession, items: list[FeedItem]) -> list[dict[str, str]]:
    names = dict(
        (await session.execute(select(Person.id, Person.name).where(Person.id.in_({i.person_id for i in items})))).all()
    )
    badges = dict(
        (
            await session.execute(
                select(BadgeClass.id, BadgeClass.name).where(BadgeClass.id.in_({i.badge_class_id for i in items}))
            )
        ).all()
    )
    paths = dict(
        (
            await session.execute(select(Pathway.id, Pathway.name).where(Pathway.id.in_({i.pathway_id for i in items})))
        ).all()
    )
    lines = []
    for item in items:
        if item.kind == "award":
            what = f"earned the badge “{badges.get(item.badge_class_id) if item.badge_class_id else ''}”"
        elif item.kind == "pathway":
            what = f"completed the pathway “{paths.get(item.pathway_id) if item.pathway_id else ''}”"
        else:
            what = f"reached the level {item.level}"
        lines.append({"who": names.get(item.person_id, ""), "what": what, "on": item.created_at.date().isoformat()})
    return lines


async def send_due(session: AsyncSession, now: datetime | None = None) -> tuple[int, int]:
    """For the scheduler (in a tenant's transaction): one batch of due digests; how many people
    were due in it and how many digests were sent.
    Each person's digest shows only what their feed would show them (``feed.list_feed``)."""
    now = now or datetime.now(UTC)
    profiles = (
        await session.scalars(
            select(EngagementProfile)
            .where(
                EngagementProfile.weekly_digest,
                or_(EngagementProfile.digest_sent_at.is_(None), EngagementProfile.digest_sent_at < now - EVERY),
            )
            .order_by(EngagementProfile.person_id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not profiles:
        return 0, 0
    people: dict[uuid.UUID, Person] = {
        p.id: p for p in await session.scalars(select(Person).where(Person.id.in_([x.person_id for x in profiles])))
    }
    sent = 0
    for profile in profiles:
        profile.digest_sent_at = now
        person = people.get(profile.person_id)
        if person is None or not person.active:
            continue
        page = await feed.list_feed(
            session,
            person_principal(person),
            first=MAX_ITEMS,
            after=None,
            person_ids=team_of(person),
            since=now - EVERY,
        )
        if not page.items:
            continue
        context = {
            "name": person.name,
            "items": await _lines(session, list(page.items)),
            "more": page.has_next,
            "since": (now - EVERY).date().isoformat(),
        }
        await enqueue(
            session, profile.tenant_id, EMAIL_KIND, {"template": TEMPLATE, "to": person.email, "context": context}
        )
        sent += 1
    await session.flush()
    return len(profiles), sent
