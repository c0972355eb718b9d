"""A tenant's brand on its public pages: a colour and a logo (PNG, or sanitised SVG).

Admins set them with ``tenantBrandingUpdate``; the verification page, the learner profile and the
Open Badges 2.0 issuer profile use them. The logo is served from the tenant's public origin
(``/brand/logo``) with a sandboxing CSP, like badge images.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import Checks, ValidationError
from insignia.platform.openbadges.images import validate_image
from insignia.platform.openbadges.ob2 import Urls
from insignia.tenants.auth import Principal, Scope, require_person_with
from insignia.tenants.models import TenantSettings
from insignia.tenants.tenant import get_settings, write_settings

DEFAULT_COLOR = "#1f6feb"
_COLOR_RE = re.compile(r"^#[0-9a-f]{6}$")


@dataclass(frozen=True)
class Brand:
    color: str
    logo_url: str | None


def brand(urls: Urls, settings: TenantSettings) -> Brand:
    logo = None
    if settings.brand_logo_type is not None and settings.updated_at is not None:
        # The version in the URL lets caches keep the logo until it changes.
        logo = f"{urls.logo}?v={int(settings.updated_at.timestamp())}"
    return Brand(color=settings.brand_color or DEFAULT_COLOR, logo_url=logo)


async def update_branding(
    session: AsyncSession,
    principal: Principal,
    *,
    color: str | None = None,
    logo: bytes | None = None,
    logo_type: str | None = None,
    remove_logo: bool = False,
) -> TenantSettings:
    """Change the colour (empty resets it) and/or the logo; only what is given changes. Every invalid
    value is reported at once, each under the input field the client sent."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can change the organisation's branding.")
    values: dict[str, object] = {}
    checks = Checks()
    if color is not None:
        value = color.strip().lower() or None
        if value is not None and not _COLOR_RE.match(value):
            checks.errors.append(ValidationError("color must be a hex colour such as #1a73e8.", "color"))
        values["brand_color"] = value
    if logo is not None:
        if remove_logo:
            checks.errors.append(ValidationError("Give a logo or remove it, not both.", "removeLogo"))
        validated = checks.run(lambda: validate_image(logo, logo_type or "", "logoBase64"))
        if validated is not None:
            values["brand_logo_data"], values["brand_logo_type"] = validated
    elif remove_logo:
        values["brand_logo_data"], values["brand_logo_type"] = None, None
    checks.done()
    if values:
        return await write_settings(
            session, principal.tenant_id, values, actor=principal.label, action="tenant.branding_updated"
        )
    return await get_settings(session, principal.tenant_id)


async def logo(session: AsyncSession, tenant_id: uuid.UUID) -> tuple[bytes, str, datetime] | None:
    row = (
        await session.execute(
            select(TenantSettings.brand_logo_data, TenantSettings.brand_logo_type, TenantSettings.updated_at).where(
                TenantSettings.tenant_id == tenant_id
            )
        )
    ).one_or_none()
    if row is None or row.brand_logo_data is None or row.brand_logo_type is None:
        return None
    return bytes(row.brand_logo_data), row.brand_logo_type, row.updated_at
