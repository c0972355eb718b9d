"""Skill profiles: what each person can show, derived only from verified credentials.

A person holds a skill at the highest level any of their active awards grants it (not revoked,
suspended, expired or superseded), through those awards, until the earliest of their expiry
dates. ``refresh`` rewrites the profile of the given people in two statements; every award change
calls it in the same transaction (``credentials.changes``), so profiles are never stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.grouping import group_by
from insignia.platform.skills.models import PersonSkill

_REBUILD = text(
    """
    INSERT INTO person_skills (tenant_id, person_id, skill_id, level, lapses_at, award_ids)
    SELECT a.tenant_id, a.recipient_id, s.skill_id, max(s.level), min(a.expires_at), array_agg(a.id ORDER BY a.id)
      FROM awards a
      JOIN badge_class_skills s ON s.tenant_id = a.tenant_id AND s.badge_class_id = a.badge_class_id
     WHERE a.recipient_id = ANY(CAST(:people AS uuid[]))
       AND a.revoked_at IS NULL AND a.suspended_at IS NULL AND a.superseded_at IS NULL
       AND a.expired_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > now())
     GROUP BY a.tenant_id, a.recipient_id, s.skill_id
    """
)


_ADD = text(
    """
    INSERT INTO person_skills (tenant_id, person_id, skill_id, level, lapses_at, award_ids)
    SELECT a.tenant_id, a.recipient_id, s.skill_id, s.level, a.expires_at, ARRAY[a.id]
      FROM awards a
      JOIN badge_class_skills s ON s.tenant_id = a.tenant_id AND s.badge_class_id = a.badge_class_id
     WHERE a.id = ANY(CAST(:awards AS uuid[]))
    ON CONFLICT (tenant_id, person_id, skill_id) DO UPDATE SET
        level = greatest(person_skills.level, EXCLUDED.level),
        lapses_at = least(person_skills.lapses_at, EXCLUDED.lapses_at),
        award_ids = person_skills.award_ids || EXCLUDED.award_ids,
        updated_at = now()
    """
)


async def add_awards(session: AsyncSession, award_ids: Sequence[uuid.UUID]) -> None:
    """New active awards only add to profiles (a higher level, an earlier lapse, one more award):
    one statement for a bulk issue of any size. Anything that takes away rebuilds (``refresh``)."""
    if award_ids:
        await session.execute(_ADD, {"awards": [str(a) for a in award_ids]})


async def refresh(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> None:
    """Rebuild the skill profiles of ``person_ids`` from their awards (in the caller's transaction)."""
    people = list(dict.fromkeys(person_ids))
    if not people:
        return
    await session.execute(delete(PersonSkill).where(PersonSkill.person_id.in_(people)))
    await session.execute(_REBUILD, {"people": [str(p) for p in people]})


async def refresh_holders(session: AsyncSession, badge_class_id: uuid.UUID) -> int:
    """After a badge class's skills or levels change: rebuild its holders' profiles (a job)."""
    holders = list(
        await session.scalars(
            text("SELECT DISTINCT recipient_id FROM awards WHERE badge_class_id = :b AND revoked_at IS NULL"),
            {"b": badge_class_id},
        )
    )
    for offset in range(0, len(holders), 1000):
        await refresh(session, holders[offset : offset + 1000])
    return len(holders)


async def profiles_of(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[PersonSkill]]:
    """Each person's skills (for loaders: one statement for many people)."""
    rows = await session.scalars(
        select(PersonSkill).where(PersonSkill.person_id.in_(person_ids)).order_by(PersonSkill.skill_id)
    )
    return group_by(person_ids, ((r.person_id, r) for r in rows))
