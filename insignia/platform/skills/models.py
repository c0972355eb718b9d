"""Skill profiles, role profiles and target roles (migration 0011)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.ids import uuid7
from insignia.infra.orm import Base


class PersonSkill(Base):
    """A skill a person holds through active awards, at the highest level they give."""

    __tablename__ = "person_skills"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    skill_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    level: Mapped[int]
    lapses_at: Mapped[datetime | None]
    award_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class RoleProfile(Base):
    __tablename__ = "role_profiles"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    name: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    audience_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class RoleSkill(Base):
    __tablename__ = "role_skills"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    role_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    skill_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    level: Mapped[int]


class PersonTargetRole(Base):
    __tablename__ = "person_target_roles"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    role_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    set_by: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
