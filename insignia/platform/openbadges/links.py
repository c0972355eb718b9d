"""Where emails send a person: a page that exists, whatever the award's visibility.

A public, accepted award links to its verification page; otherwise the person is sent to sign in
to the tenant's portal (``tenantSettingsUpdate(input: {portalUrl})``), or, without one, to the
tenant's page that explains how to see and share a badge. Decided when the email is sent, so a
badge made public meanwhile links to its page.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.platform.credentials.models import Award
from insignia.platform.openbadges.ob2 import Urls
from insignia.tenants.tenant import get_settings


def publicly_shown(award: Award) -> bool:
    """Whether anyone may open the award's page and documents (public, accepted, not withdrawn)."""
    return award.visibility == "public" and award.acceptance == "accepted"


async def link_for(session: AsyncSession, urls: Urls, tenant_id: uuid.UUID, award_id: uuid.UUID | None) -> str:
    """The link an email to the recipient gives (inside the tenant's transaction)."""
    if award_id is not None:
        award = await session.scalar(select(Award).where(Award.id == award_id))
        if award is not None and publicly_shown(award):
            return urls.page(award.id)
    settings = await get_settings(session, tenant_id)
    return settings.portal_url or urls.sharing_help
