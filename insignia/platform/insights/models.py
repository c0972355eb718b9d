"""Insight counters, earn times, page views and report exports (migration 0011)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.ids import uuid7
from insignia.infra.orm import Base


class InsightDaily(Base):
    """A counter per day, subject (badge class, course, pathway, skill) and audience."""

    __tablename__ = "insight_daily"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    audience_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class EarnTime(Base):
    """How long one award (from the first learning record toward it) or one pathway completion
    (from enrolment) took."""

    __tablename__ = "earn_times"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    subject_kind: Mapped[str]
    subject_id: Mapped[uuid.UUID]
    audience_id: Mapped[uuid.UUID]
    day: Mapped[date]
    seconds: Mapped[float]


class AwardView(Base):
    """Views of an award's public page and clicks on its share links, per day (nothing about who)."""

    __tablename__ = "award_views"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    award_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
    share_clicks: Mapped[int] = mapped_column(default=0)


class ReportExport(Base):
    __tablename__ = "report_exports"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    report: Mapped[str]
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(default="pending")
    rows: Mapped[int | None]
    content: Mapped[str | None] = mapped_column(deferred=True)
    error: Mapped[str | None]
    requested_by: Mapped[str]
    requested_by_person_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
