"""Awards as they stand: who sees them (the visibility policy), the recipient's sharing choices
(visibility, acceptance), listing, and their audit trail.

Issuing is in ``issuing``, status changes (revoke, suspend, reinstate, re-issue) in ``award_status``,
expiry in ``expiry``; they share this module's snapshot of an award for audit events and webhooks.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit
from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.pagination import Page, paginate
from insignia.platform.credentials.models import Award
from insignia.tenants import visibility, webhook
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person
from insignia.tenants.visibility import viewer_of

VISIBILITIES = ("public", "tenant", "private")
# Shown to colleagues (the visibility policy decides which colleagues).
SHARED = ("public", "tenant")


def _require(principal: Principal, scope: Scope, what: str) -> None:
    if not principal.has(scope):
        raise PermissionDeniedError(f"You are not allowed to {what}.")


def check_visibility(value: str | None, field: str = "visibility") -> None:
    """An award's visibility, or a badge class's default for its awards, is one of ``VISIBILITIES``."""
    if value is not None and value not in VISIBILITIES:
        raise ValidationError(f"visibility must be one of {', '.join(VISIBILITIES)}", field)


def award_data(award: Award) -> dict[str, Any]:
    """The award as audit events (before and after) and webhook events show it."""
    return {
        "id": str(award.id),
        "badgeClassId": str(award.badge_class_id),
        "recipientId": str(award.recipient_id),
        "issuedAt": award.issued_at.isoformat(),
        "expiresAt": award.expires_at.isoformat() if award.expires_at else None,
        "revokedAt": award.revoked_at.isoformat() if award.revoked_at else None,
        "revocationReason": award.revocation_reason,
        "suspendedAt": award.suspended_at.isoformat() if award.suspended_at else None,
        "suspensionReason": award.suspension_reason,
        "criteriaVersion": award.criteria_version,
        "visibility": award.visibility,
        "acceptance": award.acceptance,
        "delegatedIssuer": award.delegated_issuer,
        "replacesAwardId": str(award.replaces_award_id) if award.replaces_award_id else None,
    }


async def get_award(session: AsyncSession, award_id: uuid.UUID, *, lock: bool = False) -> Award:
    stmt = select(Award).where(Award.id == award_id)
    if lock:
        stmt = stmt.with_for_update()
    award = await session.scalar(stmt)
    if award is None:
        raise NotFoundError("No such award.", "id")
    return award


async def _own_or_issued(session: AsyncSession, principal: Principal, award_id: uuid.UUID) -> Award:
    """The award, locked, if the principal is its recipient or may issue it (issuers, admins, the
    partner admin of the recipient's company); otherwise as if it did not exist."""
    award = (await visible_awards_by_ids(session, principal, [award_id])).get(award_id)
    if award is None:
        raise NotFoundError("No such award.", "id")
    me = principal.person.id if principal.person else None
    if award.recipient_id != me and not principal.has(Scope.AWARDS_ISSUE):
        viewer = await viewer_of(session, principal)
        company = select(Person.id).where(Person.id == award.recipient_id, visibility.full_condition(viewer))
        if viewer.partner_company is None or await session.scalar(company) is None:
            raise PermissionDeniedError("Only the recipient and the organisation's issuers can change this award.")
    return await get_award(session, award_id, lock=True)


async def set_award_visibility(session: AsyncSession, principal: Principal, award_id: uuid.UUID, value: str) -> Award:
    """Who sees an award: ``public`` (its page, documents, images and sharing links work for anyone
    at once), ``tenant`` (colleagues who may see the recipient) or ``private`` (the recipient, their
    managers and admins). The recipient decides; issuers and admins may change it too. A signed OB
    3.0 credential already handed out stays verifiable by signature and status (the standard's model)."""
    check_visibility(value)
    award = await _own_or_issued(session, principal, award_id)
    if award.visibility == value:
        return award
    before = award_data(award)
    award.visibility = value
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="award.visibility_changed", subject_type="Award",
        subject_id=award.id, before=before, after=award_data(award),
    )  # fmt: skip
    await webhook.publish(session, principal.tenant_id, "award.visibility_changed", award_data(award))
    return award


async def respond_to_award(session: AsyncSession, principal: Principal, award_id: uuid.UUID, *, accept: bool) -> Award:
    """The recipient accepts or declines an award (when the tenant asks them to): until accepted it
    is shown to nobody but them, their managers and the organisation's issuers and admins, and has
    no public page. A declined award can still be accepted later."""
    award = (await visible_awards_by_ids(session, principal, [award_id])).get(award_id)
    me = principal.person.id if principal.person else None
    if award is None or award.recipient_id != me:
        raise NotFoundError("No such award of yours.", "id")
    award = await get_award(session, award_id, lock=True)
    value = "accepted" if accept else "declined"
    if award.acceptance == "accepted" and not accept:
        raise ValidationError("The award was accepted; make it private instead (awardVisibilitySet).", "id")
    if award.acceptance == value:
        return award
    before = award_data(award)
    award.acceptance = value
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action=f"award.{value}", subject_type="Award",
        subject_id=award.id, before=before, after=award_data(award),
    )  # fmt: skip
    await webhook.publish(session, principal.tenant_id, f"award.{value}", award_data(award))
    return award


@dataclass(frozen=True)
class AwardFilter:
    badge_class_id: uuid.UUID | None = None
    recipient_id: uuid.UUID | None = None
    audience_id: uuid.UUID | None = None
    status: str | None = None
    issued_after: datetime | None = None
    issued_before: datetime | None = None
    acceptance: str | None = None
    visibility: str | None = None


async def _visible(session: AsyncSession, stmt: Select[Any], principal: Principal) -> Select[Any]:
    """Awards the principal may see (the visibility policy): every award of the people they see in
    full (themselves, their reports, their partner company for a partner admin; everyone for
    issuers and admins); of colleagues they may see, the accepted awards shared with the tenant
    or the public."""
    if principal.has(Scope.AWARDS_READ):
        return stmt
    if principal.person is None:
        raise PermissionDeniedError("This API key may not read awards (it needs the AWARDS_READ scope).")
    viewer = await viewer_of(session, principal)
    shared = (
        Award.visibility.in_(SHARED),
        Award.acceptance == "accepted",
        Award.recipient_id.in_(visibility.visible_people(viewer)),
    )
    return stmt.where(or_(Award.recipient_id.in_(visibility.fully_visible_people(viewer)), and_(*shared)))


def _apply_filter(stmt: Select[Any], f: AwardFilter, now: datetime) -> Select[Any]:
    if f.badge_class_id is not None:
        stmt = stmt.where(Award.badge_class_id == f.badge_class_id)
    if f.recipient_id is not None:
        stmt = stmt.where(Award.recipient_id == f.recipient_id)
    if f.audience_id is not None:
        stmt = stmt.where(Award.recipient_id.in_(select(Person.id).where(Person.audience_id == f.audience_id)))
    if f.status == "revoked":
        stmt = stmt.where(Award.revoked_at.is_not(None))
    elif f.status == "suspended":
        stmt = stmt.where(Award.revoked_at.is_(None), Award.suspended_at.is_not(None))
    elif f.status == "expired":
        stmt = stmt.where(
            Award.revoked_at.is_(None),
            Award.suspended_at.is_(None),
            or_(Award.expired_at.is_not(None), Award.expires_at <= now),
        )
    elif f.status == "active":
        stmt = stmt.where(
            Award.revoked_at.is_(None),
            Award.suspended_at.is_(None),
            Award.expired_at.is_(None),
            or_(Award.expires_at.is_(None), Award.expires_at > now),
        )
    elif f.status is not None:
        raise ValidationError("status must be active, suspended, expired or revoked", "filter.status")
    if f.acceptance is not None:
        stmt = stmt.where(Award.acceptance == f.acceptance)
    if f.visibility is not None:
        stmt = stmt.where(Award.visibility == f.visibility)
    if f.issued_after is not None:
        stmt = stmt.where(Award.issued_at >= f.issued_after)
    if f.issued_before is not None:
        stmt = stmt.where(Award.issued_at < f.issued_before)
    return stmt


async def list_awards(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    filter: AwardFilter | None = None,
) -> Page[Award]:
    stmt = await _visible(session, select(Award), principal)
    if filter is not None:
        stmt = _apply_filter(stmt, filter, datetime.now(UTC))
    return await paginate(session, stmt, Award.id, first, after, last=last, before=before)


async def visible_awards_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Award]:
    try:
        stmt = await _visible(session, select(Award).where(Award.id.in_(ids)), principal)
    except PermissionDeniedError:
        return {}
    return {a.id: a for a in await session.scalars(stmt)}


async def awards_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Award]:
    return {a.id: a for a in await session.scalars(select(Award).where(Award.id.in_(ids)))}


async def audit_trail(
    session: AsyncSession, principal: Principal, award_id: uuid.UUID, *, first: int | None, after: str | None
) -> Page[audit.AuditEvent]:
    _require(principal, Scope.AWARDS_READ, "read the audit trail")
    return await audit.trail(session, "Award", award_id, first=first, after=after)
