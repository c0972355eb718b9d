"""Expiry and reminders (run by the scheduler): awards whose time has come are marked expired, and
recipients are reminded before their awards expire.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit
from insignia.infra.outbox import enqueue
from insignia.platform.credentials import changes
from insignia.platform.credentials.award import award_data
from insignia.platform.credentials.models import Award, BadgeClass
from insignia.tenants import webhook
from insignia.tenants.models import Person


async def expire_award(session: AsyncSession, award_id: uuid.UUID) -> Award | None:
    """Mark an award whose time has come as expired (audit + ``award.expired`` webhook); idempotent."""
    award = await session.scalar(select(Award).where(Award.id == award_id).with_for_update(skip_locked=True))
    now = datetime.now(UTC)
    if (
        award is None
        or award.expired_at is not None
        or award.revoked_at is not None
        or award.expires_at is None
        or award.expires_at > now
    ):
        return None
    before = award_data(award)
    award.expired_at = now
    await session.flush()
    await audit.record(
        session, award.tenant_id, actor="scheduler", action="award.expired", subject_type="Award",
        subject_id=award.id, before=before, after=award_data(award),
    )  # fmt: skip
    await webhook.publish(session, award.tenant_id, "award.expired", award_data(award))
    await changes.award_changed(session, award, "expired")
    return award


async def remind_if_due(session: AsyncSession, award_id: uuid.UUID, offsets_days: Sequence[int]) -> int | None:
    """Send the expiry reminder whose offset has been reached and not yet sent; returns that offset."""
    award = await session.scalar(select(Award).where(Award.id == award_id).with_for_update(skip_locked=True))
    now = datetime.now(UTC)
    if award is None or award.expires_at is None or award.status(now) != "active":
        return None
    days_left = (award.expires_at - now).total_seconds() / 86400
    due = [d for d in sorted(offsets_days) if days_left <= d and d not in award.reminders_sent]
    if not due:
        return None
    offset = due[0]  # the nearest offset: one email even if several were missed
    award.reminders_sent = sorted({*award.reminders_sent, *[d for d in offsets_days if days_left <= d]})
    badge = await session.scalar(select(BadgeClass).where(BadgeClass.id == award.badge_class_id))
    person = await session.scalar(select(Person).where(Person.id == award.recipient_id))
    if badge is None or person is None or not person.active:
        return None
    await enqueue(
        session,
        award.tenant_id,
        "email.send",
        {
            "template": "award_expiring",
            "to": person.email,
            "context": {
                "name": person.name,
                "badge_name": badge.name,
                "expires_on": award.expires_at.date().isoformat(),
                "days_left": max(0, int(days_left)),
            },
            "awardId": str(award.id),
        },
    )
    await session.flush()
    return offset
