"""Engagement settings and profiles, the points ledger and its totals, the feed (migration 0012)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import FetchedValue, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.ids import uuid7
from insignia.infra.orm import Base


class EngagementSettings(Base):
    """A tenant's point rules, levels and leaderboard defaults (defaults when never saved)."""

    __tablename__ = "engagement_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # [{"name": "Bronze", "points": 50}, ...], ascending by points.
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    first_badge_points: Mapped[int] = mapped_column(default=0)
    pathway_points: Mapped[int] = mapped_column(default=0)
    before_goal_points: Mapped[int] = mapped_column(default=0)
    expired_keep_points: Mapped[bool] = mapped_column(default=True)
    # audience kind -> participation, over the defaults (insignia.platform.engagement.rules).
    default_participation: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class EngagementProfile(Base):
    """A person's engagement choices and pseudonym; made when they first need one."""

    __tablename__ = "engagement_profiles"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    participation: Mapped[str | None]  # None: the tenant's default for the person's audience kind
    pseudonym: Mapped[str]
    pinned_award_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    weekly_digest: Mapped[bool] = mapped_column(default=False)
    digest_sent_at: Mapped[datetime | None]
    # The threshold of the highest level announced (person.level_reached), so none is announced twice.
    level_points: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class PointEntry(Base):
    """One change of a person's points, with its reason: the ledger totals are sums of."""

    __tablename__ = "point_entries"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    person_id: Mapped[uuid.UUID]
    points: Mapped[int]
    source: Mapped[str]  # award | first_badge | pathway | before_goal | adjustment
    reason: Mapped[str]
    badge_class_id: Mapped[uuid.UUID | None]
    award_id: Mapped[uuid.UUID | None]
    pathway_id: Mapped[uuid.UUID | None]
    enrolment_id: Mapped[uuid.UUID | None]
    actor: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class PointTotal(Base):
    """The sum of a person's ledger entries in one period (``all``: all time)."""

    __tablename__ = "point_totals"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # A copy of the person's audience, kept by triggers (migration 0012): boards apply the visibility
    # policy to it without reading ``people`` row by row.
    audience_id: Mapped[uuid.UUID] = mapped_column(server_default=FetchedValue())
    points: Mapped[int]


class FeedItem(Base):
    """Something a person achieved: an award issued, a pathway completed, a level reached."""

    __tablename__ = "feed_items"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    person_id: Mapped[uuid.UUID]
    audience_id: Mapped[uuid.UUID] = mapped_column(server_default=FetchedValue())  # kept by triggers
    kind: Mapped[str]  # award | pathway | level
    award_id: Mapped[uuid.UUID | None]
    badge_class_id: Mapped[uuid.UUID | None]
    pathway_id: Mapped[uuid.UUID | None]
    enrolment_id: Mapped[uuid.UUID | None]
    level: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Congratulation(Base):
    __tablename__ = "feed_congratulations"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    feed_item_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
