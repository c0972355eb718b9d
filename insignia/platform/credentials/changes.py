"""What follows an award's change, in the same transaction: one place every area hooks into.

Issuing, revoking, suspending, reinstating and expiring an award call ``award_changed`` (bulk
issues ``awards_issued``). Each area that derives something from awards reacts here, so none is
forgotten when a new kind of change appears: pathways and goals (a job through the outbox);
skill profiles (rebuilt in this transaction); insight counters; points, levels and
the activity feed (in this transaction).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from insignia.platform.credentials.models import Award
from insignia.platform.engagement import points
from insignia.platform.insights import counters
from insignia.platform.pathways import signals
from insignia.platform.skills import profile

# issued | revoked | suspended | reinstated | expired
CHANGES = ("issued", "revoked", "suspended", "reinstated", "expired")


async def award_changed(session: AsyncSession, award: Award, change: str) -> None:
    """React to one award's change (after its row is written)."""
    assert change in CHANGES
    if change == "issued":
        await profile.add_awards(session, [award.id])
    else:
        await profile.refresh(session, [award.recipient_id])
    await counters.awards_changed(session, [award], change)
    await signals.touched(session, award.tenant_id, award.recipient_id, [award.badge_class_id])
    await points.award_changed(session, award, change)


async def awards_issued(
    session: AsyncSession, tenant_id: uuid.UUID, badge_class_id: uuid.UUID, awards: Sequence[Award]
) -> None:
    """React to a bulk issue of one badge class (a few statements for any number of awards)."""
    await profile.add_awards(session, [a.id for a in awards])
    await counters.awards_changed(session, awards, "issued")
    await signals.touched_many(session, tenant_id, [a.recipient_id for a in awards], badge_class_id)
    await points.awards_issued(session, tenant_id, badge_class_id, awards)
