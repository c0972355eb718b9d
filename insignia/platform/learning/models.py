"""Skills, courses, assessments, and what people did: completions and assessment results."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Numeric, func
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.ids import uuid7
from insignia.infra.orm import Base


class Skill(Base):
    __tablename__ = "skills"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    name: Mapped[str]
    description: Mapped[str | None]
    framework_url: Mapped[str | None]
    framework_group: Mapped[str | None]  # a tenant framework group, e.g. "Cloud"
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Course(Base):
    __tablename__ = "courses"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    title: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    estimated_minutes: Mapped[int | None]
    activity_id: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class CourseSkill(Base):
    __tablename__ = "course_skills"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    skill_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class CourseAudience(Base):
    __tablename__ = "course_audiences"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    audience_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class Assessment(Base):
    __tablename__ = "assessments"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    course_id: Mapped[uuid.UUID]
    title: Mapped[str]
    kind: Mapped[str]
    passing_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    activity_id: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Completion(Base):
    __tablename__ = "completions"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    person_id: Mapped[uuid.UUID]
    course_id: Mapped[uuid.UUID]
    completed_at: Mapped[datetime]
    source: Mapped[str]
    recorded_by: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class AssessmentResult(Base):
    __tablename__ = "assessment_results"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    person_id: Mapped[uuid.UUID]
    assessment_id: Mapped[uuid.UUID]
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    passed: Mapped[bool]
    taken_at: Mapped[datetime]
    source: Mapped[str]
    recorded_by: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
