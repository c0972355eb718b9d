"""Audience brand overrides, badge designs and tenant domains (migration 0013)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.ids import uuid7
from insignia.infra.orm import Base


class AudienceBranding(Base):
    """A partner or customer audience's overrides of the tenant's brand (None: the tenant's)."""

    __tablename__ = "audience_brandings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    audience_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    color: Mapped[str | None]
    accent_color: Mapped[str | None]
    text_color: Mapped[str | None]
    background_color: Mapped[str | None]
    typography: Mapped[str | None]
    logo_data: Mapped[bytes | None] = mapped_column(deferred=True)
    logo_type: Mapped[str | None]
    logo_light_data: Mapped[bytes | None] = mapped_column(deferred=True)
    logo_light_type: Mapped[str | None]
    logo_dark_data: Mapped[bytes | None] = mapped_column(deferred=True)
    logo_dark_type: Mapped[str | None]
    email_sender_name: Mapped[str | None]
    email_reply_to: Mapped[str | None]
    support_url: Mapped[str | None]
    footer_text: Mapped[str | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class BadgeDesignRow(Base):
    """A badge class's design and what it was last drawn as."""

    __tablename__ = "badge_designs"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    badge_class_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    design: Mapped[dict[str, Any]] = mapped_column(JSONB)
    follows_brand: Mapped[bool]
    audience_id: Mapped[uuid.UUID | None]
    svg: Mapped[str] = mapped_column(deferred=True)
    png: Mapped[bytes] = mapped_column(deferred=True)
    og_png: Mapped[bytes] = mapped_column(deferred=True)
    brand_key: Mapped[str]
    rendered_at: Mapped[datetime] = mapped_column(server_default=func.now())


class TenantDomain(Base):
    """A domain a tenant admin added; active once its DNS TXT record shows the token."""

    __tablename__ = "tenant_domains"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    domain: Mapped[str]
    token: Mapped[str]
    status: Mapped[str] = mapped_column(default="pending")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    verified_at: Mapped[datetime | None]
    last_checked_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
