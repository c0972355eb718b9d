"""Award status changes by issuers: revoke, suspend, reinstate, re-issue.

Each is written to the audit log, published as a webhook event and emailed to the recipient, in the
same transaction as the change.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import PermissionDeniedError, ValidationError
from insignia.infra.outbox import new_event
from insignia.platform.credentials import changes
from insignia.platform.credentials.award import award_data, get_award
from insignia.platform.credentials.issuing import STATUS_PURPOSE, Issued, issue_award, unlock_chained
from insignia.platform.credentials.models import Award, BadgeClass
from insignia.tenants import webhook
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person


def _require(principal: Principal, scope: Scope, what: str) -> None:
    if not principal.has(scope):
        raise PermissionDeniedError(f"You are not allowed to {what}.")


async def _status_changed(session: AsyncSession, principal: Principal, award: Award, event: str, before: Any) -> None:
    """Record a revoke, suspend or reinstate: audit event, webhook, and an email telling the
    recipient (with the reason, which is theirs to know), after the row is written."""
    await session.flush()
    # Revoked or suspended, it stops counting (reinstated, it counts again: unlock_chained says so).
    if event in ("award.revoked", "award.suspended"):
        await changes.award_changed(session, award, event.removeprefix("award."))
    after = award_data(award)
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action=event, subject_type="Award",
        subject_id=award.id, before=before, after=after,
    )  # fmt: skip
    await webhook.publish(session, principal.tenant_id, event, after)
    person = await session.scalar(select(Person).where(Person.id == award.recipient_id))
    badge_name = await session.scalar(select(BadgeClass.name).where(BadgeClass.id == award.badge_class_id))
    if person is not None and person.active:
        status = event.removeprefix("award.")
        context = {
            "name": person.name,
            "badge_name": badge_name,
            "status": status,
            "reason": award.revocation_reason if status == "revoked" else award.suspension_reason,
        }
        session.add(
            new_event(
                award.tenant_id,
                "email.send",
                {"template": "award_status", "to": person.email, "context": context, "awardId": str(award.id)},
            )
        )


async def revoke_award(session: AsyncSession, principal: Principal, award_id: uuid.UUID, reason: str) -> Award:
    """Revoke an award with a reason, for good; verifiers see it revoked from now on. Revoking a
    suspended award ends the suspension: revoked is what it is from then on."""
    _require(principal, Scope.AWARDS_ISSUE, "revoke awards")
    reason = validation.text(reason, "reason", max_length=1000)
    award = await get_award(session, award_id, lock=True)
    if award.revoked_at is not None:
        raise ValidationError("The award is already revoked.", "id")
    before = award_data(award)
    award.revoked_at = award.status_changed_at = datetime.now(UTC)
    award.revocation_reason = reason
    award.suspended_at = award.suspension_reason = None
    await _status_changed(session, principal, award, "award.revoked", before)
    return award


async def suspend_award(session: AsyncSession, principal: Principal, award_id: uuid.UUID, reason: str) -> Award:
    """Put an award on hold (for example during an investigation): it stops counting and verifiers
    see it suspended until it is reinstated. The reason stays inside the tenant."""
    _require(principal, Scope.AWARDS_ISSUE, "suspend awards")
    reason = validation.text(reason, "reason", max_length=1000)
    award = await get_award(session, award_id, lock=True)
    if award.revoked_at is not None:
        raise ValidationError("The award is revoked; a revoked award cannot be suspended.", "id")
    if award.suspended_at is not None:
        raise ValidationError("The award is already suspended.", "id")
    if award.superseded_at is not None:
        raise ValidationError("The award has been renewed; suspend the current award instead.", "id")
    if award.status_purpose != STATUS_PURPOSE:
        raise ValidationError(
            "This award was issued before suspension existed: its credential can only show revocation. "
            "Revoke it, or revoke and re-issue it.",
            "id",
        )
    before = award_data(award)
    award.suspended_at = award.status_changed_at = datetime.now(UTC)
    award.suspension_reason = reason
    await _status_changed(session, principal, award, "award.suspended", before)
    return award


async def reinstate_award(session: AsyncSession, principal: Principal, award_id: uuid.UUID) -> Award:
    """End a suspension: the award is valid again (or expired, if its time ran out meanwhile)."""
    _require(principal, Scope.AWARDS_ISSUE, "reinstate awards")
    award = await get_award(session, award_id, lock=True)
    if award.suspended_at is None:
        raise ValidationError("The award is not suspended.", "id")
    before = award_data(award)
    award.suspended_at = award.suspension_reason = None
    award.status_changed_at = datetime.now(UTC)
    await _status_changed(session, principal, award, "award.reinstated", before)
    if award.status(datetime.now(UTC)) == "active":
        # What was evaluated while it did not count may be met now.
        await changes.award_changed(session, award, "reinstated")
        await unlock_chained(session, principal.tenant_id, award)
    return award


async def reissue_award(session: AsyncSession, principal: Principal, award_id: uuid.UUID) -> Issued:
    """Issue a revoked or expired award anew; the new award links to the old one."""
    _require(principal, Scope.AWARDS_ISSUE, "re-issue awards")
    old = await get_award(session, award_id, lock=True)
    status = old.status(datetime.now(UTC))
    if status == "active":
        raise ValidationError("The award is still active; there is nothing to re-issue.", "id")
    if status == "suspended":
        raise ValidationError("The award is suspended; reinstate it instead.", "id")
    return await issue_award(
        session,
        principal,
        badge_class_id=old.badge_class_id,
        recipient_id=old.recipient_id,
        evidence_url=old.evidence_url,
        evidence_narrative=old.evidence_narrative,
        visibility=old.visibility,
        replaces=old,
    )
