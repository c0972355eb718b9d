"""Badge classes (Open Badges Achievement) and awards (Assertion / OpenBadgeCredential)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import Integer

from insignia.infra.ids import uuid7
from insignia.infra.orm import Base


class BadgeClass(Base):
    __tablename__ = "badge_classes"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    name: Mapped[str]
    description: Mapped[str]
    image_url: Mapped[str] = mapped_column(default="")
    # An uploaded image (PNG, or SVG already sanitised) takes precedence over image_url.
    image_data: Mapped[bytes | None] = mapped_column(deferred=True)
    image_type: Mapped[str | None]
    criteria_narrative: Mapped[str] = mapped_column(default="")
    status: Mapped[str] = mapped_column(default="draft")
    validity_days: Mapped[int | None]
    points: Mapped[int] = mapped_column(default=0)
    evidence_required: Mapped[bool] = mapped_column(default=False)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSONB)
    criteria_version: Mapped[int] = mapped_column(default=0)
    criteria_refs: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    # The visibility new awards get (None: the tenant's default_award_visibility).
    default_visibility: Mapped[str | None]
    # Partner admins may issue it to people of their own partner company.
    delegated: Mapped[bool] = mapped_column(default=False)
    # As a pathway milestone or capstone: revoked when the pathway's requirements are lost.
    revoke_with_requirements: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    published_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]


class CriteriaVersion(Base):
    __tablename__ = "badge_class_criteria_versions"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    badge_class_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSONB)
    narrative: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    created_by: Mapped[str]


class BadgeClassSkill(Base):
    __tablename__ = "badge_class_skills"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    badge_class_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    skill_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(default=1)  # 1-5: the level the badge grants the skill at


class BadgeClassAudience(Base):
    __tablename__ = "badge_class_audiences"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    badge_class_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    audience_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class Alignment(Base):
    __tablename__ = "badge_class_alignments"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    badge_class_id: Mapped[uuid.UUID]
    target_name: Mapped[str]
    target_url: Mapped[str]
    framework: Mapped[str | None]
    code: Mapped[str | None]


class Award(Base):
    __tablename__ = "awards"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    badge_class_id: Mapped[uuid.UUID]
    recipient_id: Mapped[uuid.UUID]
    criteria_version: Mapped[int]
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None]
    superseded_at: Mapped[datetime | None]
    replaces_award_id: Mapped[uuid.UUID | None]
    evidence_url: Mapped[str | None]
    evidence_narrative: Mapped[str | None]
    issuer_kind: Mapped[str]
    issuer_id: Mapped[uuid.UUID | None]
    idempotency_key: Mapped[str | None]
    visibility: Mapped[str] = mapped_column(default="tenant")
    reminders_sent: Mapped[list[int]] = mapped_column(ARRAY(Integer), default=list)
    # The award's entry in the tenant's BitstringStatusLists, allocated at issue: ``message`` lists
    # (two bits: valid, suspended, revoked) since suspension exists, ``revocation`` lists before.
    status_purpose: Mapped[str | None]
    status_index: Mapped[int | None]
    suspended_at: Mapped[datetime | None]
    suspension_reason: Mapped[str | None]
    status_changed_at: Mapped[datetime | None]
    # "accepted", or "pending"/"declined" when the tenant asks recipients to accept (not shown to
    # anyone else until accepted).
    acceptance: Mapped[str] = mapped_column(default="accepted")
    # The partner company that issued it under the tenant's delegation (shown in the credential).
    delegated_issuer: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    def status(self, now: datetime) -> str:
        """``revoked``, ``suspended``, ``expired`` or ``active`` at ``now`` (expiry is live, not only
        when swept). A suspended award that expires meanwhile is ``expired`` once reinstated."""
        if self.revoked_at is not None:
            return "revoked"
        if self.suspended_at is not None:
            return "suspended"
        if self.expired_at is not None or (self.expires_at is not None and self.expires_at <= now):
            return "expired"
        return "active"


class StatusList(Base):
    __tablename__ = "status_lists"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(primary_key=True)
    next_index: Mapped[int] = mapped_column(default=0)
