"""How an email to a person looks and speaks: their audience's brand (else the tenant's) and their
locale (else the tenant's default)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import i18n
from insignia.platform.branding import brand as brands
from insignia.platform.openbadges.ob2 import Urls
from insignia.tenants.models import Person
from insignia.tenants.tenant import get_settings


@dataclass(frozen=True)
class Look:
    locale: str
    look: dict[str, Any]  # what the email templates' layout uses (insignia.infra.email.DEFAULT_LOOK)
    sender_name: str | None
    reply_to: str | None


def look_of(brand: brands.Brand) -> dict[str, Any]:
    """The brand as the email layout uses it: the header on the primary colour carries the logo
    made for dark or light backgrounds, whichever the colour is."""
    dark_header = brand.on_color == "#ffffff"
    logo = (brand.logo_dark_url if dark_header else brand.logo_light_url) or brand.logo_url
    return {
        "color": brand.color,
        "on_color": brand.on_color,
        "link": brand.link_color,
        "text": brand.text_color,
        "background": brand.background_color,
        "font": brand.font_stack,
        "logo_url": logo,
        "footer": brand.footer_text,
        "support_url": brand.support_url,
    }


async def look_for(session: AsyncSession, urls: Urls, tenant_id: uuid.UUID, address: str) -> Look:
    """The look and language of an email to ``address`` (a person of the tenant, or someone who is
    not: then the tenant's brand and default locale)."""
    person = await session.scalar(select(Person).where(Person.email == address.lower()))
    settings = await get_settings(session, tenant_id)
    brand = brands.brand(urls, settings, await brands.override_of(session, person.audience_id if person else None))
    locale = i18n.normalise(person.locale if person else None) or settings.default_locale or i18n.DEFAULT
    return Look(locale=locale, look=look_of(brand), sender_name=brand.email_sender_name, reply_to=brand.email_reply_to)
