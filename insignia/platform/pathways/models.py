"""Pathways (versioned requirement trees), their audiences, enrolments and goals (migration 0010)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.ids import uuid7
from insignia.infra.orm import Base


class Pathway(Base):
    __tablename__ = "pathways"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    name: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    image_url: Mapped[str | None]
    status: Mapped[str] = mapped_column(default="draft")
    # The tree being edited; publishing freezes it as a new version.
    draft: Mapped[dict[str, Any]] = mapped_column(JSONB)
    capstone_badge_class_id: Mapped[uuid.UUID | None]
    version: Mapped[int] = mapped_column(default=0)  # the newest published version (0: none yet)
    auto_enrol: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    published_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]


class PathwayAudience(Base):
    __tablename__ = "pathway_audiences"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    pathway_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    audience_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class PathwayVersion(Base):
    __tablename__ = "pathway_versions"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    pathway_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    tree: Mapped[dict[str, Any]] = mapped_column(JSONB)
    capstone_badge_class_id: Mapped[uuid.UUID | None]
    # Badge classes and courses the tree depends on: which enrolments an award or completion touches.
    refs: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Enrolment(Base):
    __tablename__ = "enrolments"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    pathway_id: Mapped[uuid.UUID]
    person_id: Mapped[uuid.UUID]
    version: Mapped[int]
    enrolled_at: Mapped[datetime] = mapped_column(server_default=func.now())
    enrolled_by: Mapped[str]
    started_at: Mapped[datetime | None]  # the first step met
    completed_at: Mapped[datetime | None]
    unenrolled_at: Mapped[datetime | None]
    percent: Mapped[float] = mapped_column(default=0.0)
    met_nodes: Mapped[list[str]] = mapped_column(JSONB, default=list)
    evaluated_at: Mapped[datetime | None]


class Goal(Base):
    __tablename__ = "goals"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    person_id: Mapped[uuid.UUID]
    pathway_id: Mapped[uuid.UUID | None]
    badge_class_id: Mapped[uuid.UUID | None]
    title: Mapped[str | None]
    target_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(default="active")  # active | achieved | abandoned
    created_by: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    achieved_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
