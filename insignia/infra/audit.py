"""The audit log: who did what to which object, with the state before and after."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.ids import uuid7
from insignia.infra.orm import Base
from insignia.infra.pagination import Page, paginate


class AuditEvent(Base):
    __tablename__ = "audit_events"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    actor: Mapped[str]
    action: Mapped[str]
    subject_type: Mapped[str]
    subject_id: Mapped[uuid.UUID]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


async def record(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: uuid.UUID,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event in the current transaction (it exists only if the change commits)."""
    event = AuditEvent(
        tenant_id=tenant_id,
        id=uuid7(),
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )
    session.add(event)
    await session.flush()
    return event


async def trail(
    session: AsyncSession, subject_type: str, subject_id: uuid.UUID, *, first: int | None, after: str | None
) -> Page[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
    return await paginate(session, stmt, AuditEvent.id, first, after)
