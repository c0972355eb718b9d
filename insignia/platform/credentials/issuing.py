"""Issuing awards, one or many at once: who may issue (issuers, delegated partner admins), the new
award's defaults (validity, visibility, acceptance, status list entry), renewals of expired awards,
and badge chains (holding a badge may unlock the badge classes that require it).

Every award is written to the audit log, published as a webhook event and emailed to its recipient,
in the same transaction as the award.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError, ValidationError
from insignia.infra.ids import uuid7
from insignia.infra.outbox import OutboxEvent, enqueue, new_event
from insignia.platform.credentials import changes
from insignia.platform.credentials.award import award_data, check_visibility
from insignia.platform.credentials.badge_class import audiences_by_badge_class, get_badge_class, in_audience
from insignia.platform.credentials.models import Award, BadgeClass, StatusList
from insignia.platform.learning import service as learning
from insignia.tenants import visibility, webhook
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person
from insignia.tenants.tenant import get_settings
from insignia.tenants.visibility import viewer_of

# New awards get one two-bit entry in the tenant's ``message`` status lists (valid, suspended,
# revoked); awards issued before suspension existed keep their ``revocation`` entry.
STATUS_PURPOSE = "message"


async def allocate_status_indexes(session: AsyncSession, tenant_id: uuid.UUID, count: int) -> list[int]:
    """Positions in the tenant's ``message`` status lists for ``count`` new awards (serialised per
    tenant); award position n is entry n % 131072 of list n // 131072."""
    await session.execute(
        insert(StatusList).values(tenant_id=tenant_id, purpose=STATUS_PURPOSE).on_conflict_do_nothing()
    )
    status_list = await session.scalar(select(StatusList).where(StatusList.purpose == STATUS_PURPOSE).with_for_update())
    assert status_list is not None
    start = status_list.next_index
    status_list.next_index = start + count
    return list(range(start, start + count))


_SUSPENDED_CURRENT = "The person's award of this badge class is suspended; reinstate or revoke it first."


def _award_email(award: Award, badge: BadgeClass, person: Person) -> OutboxEvent:
    """The recipient's "you earned a badge" email, sent after the award commits."""
    context = {
        "name": person.name,
        "badge_name": badge.name,
        "expires_on": award.expires_at.date().isoformat() if award.expires_at else None,
    }
    return new_event(
        award.tenant_id,
        "email.send",
        {"template": "award_issued", "to": person.email, "context": context, "awardId": str(award.id)},
    )


@dataclass(frozen=True)
class Issued:
    award: Award
    created: bool


async def _sharing_defaults(
    session: AsyncSession, tenant_id: uuid.UUID, badge: BadgeClass, visibility: str | None, replaces: Award | None
) -> dict[str, str]:
    """A new award's visibility (as given, else the badge class's default, else the tenant's) and
    acceptance (pending when the tenant asks recipients to accept; a renewal keeps the old one's)."""
    settings = await get_settings(session, tenant_id)
    chosen = visibility or badge.default_visibility or settings.default_award_visibility or "tenant"
    if replaces is not None and replaces.acceptance != "pending":
        return {"visibility": visibility or replaces.visibility, "acceptance": replaces.acceptance}
    return {"visibility": chosen, "acceptance": "pending" if settings.award_acceptance else "accepted"}


async def _delegated_issuer(session: AsyncSession, principal: Principal) -> str | None:
    """None for issuers, admins and keys with ``awards:issue``; a partner admin's company name when
    they issue under the tenant's delegation; anyone else is refused."""
    if principal.has(Scope.AWARDS_ISSUE):
        return None
    viewer = await viewer_of(session, principal)
    if viewer.partner_company is None:
        raise PermissionDeniedError("You are not allowed to issue awards.")
    return viewer.partner_company


async def _check_delegation(
    session: AsyncSession, principal: Principal, badge: BadgeClass, recipient_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """A partner admin issues delegated badge classes to people of their company: the ids among
    ``recipient_ids`` outside it (refused)."""
    if not badge.delegated:
        raise PermissionDeniedError("This badge class is not delegated to partner organisations.")
    viewer = await viewer_of(session, principal)
    inside = set(
        await session.scalars(select(Person.id).where(Person.id.in_(recipient_ids), visibility.full_condition(viewer)))
    )
    outside = set(recipient_ids) - inside
    if len(recipient_ids) == 1 and outside:
        raise NotFoundError("No such person.", "recipientId")
    return outside


async def issue_award(
    session: AsyncSession,
    principal: Principal | None,
    *,
    badge_class_id: uuid.UUID,
    recipient_id: uuid.UUID,
    evidence_url: str | None = None,
    evidence_narrative: str | None = None,
    visibility: str | None = None,
    idempotency_key: str | None = None,
    tenant_id: uuid.UUID | None = None,
    replaces: Award | None = None,
) -> Issued:
    """Award a published badge class to an active person of an allowed audience.

    Idempotent: if the person already holds a current, unexpired award of this badge class (or
    the idempotency key was used), that award is returned and nothing changes. A current award
    that has expired is renewed: the new award links to it. ``principal`` None means the rule
    engine is issuing. ``visibility`` None: the badge class's default, else the tenant's. A partner
    admin issues only delegated badge classes, to people of their own company.
    """
    delegated_issuer: str | None = None
    if principal is not None:
        delegated_issuer = await _delegated_issuer(session, principal)
        tenant = principal.tenant_id
        issuer_kind = "person" if principal.person else ("api_key" if principal.api_key_id else "operator")
        issuer_id = principal.person.id if principal.person else principal.api_key_id
        actor = principal.label
    else:
        assert tenant_id is not None
        tenant, issuer_kind, issuer_id, actor = tenant_id, "rule", None, "rule"
    check_visibility(visibility)
    key = validation.optional_text(idempotency_key, "idempotencyKey", max_length=255)
    evidence_url = validation.optional_url(evidence_url, "evidence.url")
    evidence_narrative = validation.optional_text(evidence_narrative, "evidence.narrative", max_length=5000)
    if key is not None:
        existing = await session.scalar(select(Award).where(Award.idempotency_key == key))
        if existing is not None:
            if existing.badge_class_id != badge_class_id or existing.recipient_id != recipient_id:
                raise ConflictError("This idempotency key was used for another award.", "idempotencyKey")
            return Issued(existing, created=False)
    badge = await get_badge_class(session, badge_class_id, field="badgeClassId")
    if badge.status != "published":
        raise ValidationError(f"The badge class is {badge.status}; only published ones can be awarded.", "badgeClassId")
    person = await session.scalar(select(Person).where(Person.id == recipient_id))
    if person is None:
        raise NotFoundError("No such person.", "recipientId")
    if not person.active:
        raise ValidationError("The person has been deactivated.", "recipientId")
    if not await in_audience(session, badge, person):
        raise ValidationError("This badge class is not open to the person's audience.", "recipientId")
    if delegated_issuer is not None:
        assert principal is not None
        await _check_delegation(session, principal, badge, [person.id])
    if badge.evidence_required and principal is not None and not (evidence_url or evidence_narrative):
        raise ValidationError("This badge class requires evidence (a URL or a narrative).", "evidence")
    now = datetime.now(UTC)
    current = await session.scalar(
        select(Award)
        .where(
            Award.badge_class_id == badge_class_id,
            Award.recipient_id == recipient_id,
            Award.revoked_at.is_(None),
            Award.superseded_at.is_(None),
        )
        .with_for_update()
    )
    if current is not None:
        if current.suspended_at is not None:
            raise ValidationError(_SUSPENDED_CURRENT, "recipientId")
        if current.status(now) == "active":
            return Issued(current, created=False)
        current.superseded_at = now  # renewal of an expired award
        replaces = current
    award = Award(
        tenant_id=tenant,
        id=uuid7(),
        badge_class_id=badge_class_id,
        recipient_id=recipient_id,
        criteria_version=badge.criteria_version,
        issued_at=now,
        expires_at=now + timedelta(days=badge.validity_days) if badge.validity_days else None,
        evidence_url=evidence_url,
        evidence_narrative=evidence_narrative,
        issuer_kind=issuer_kind,
        issuer_id=issuer_id,
        idempotency_key=key,
        replaces_award_id=replaces.id if replaces else None,
        reminders_sent=[],
        status_purpose=STATUS_PURPOSE,
        status_index=(await allocate_status_indexes(session, tenant, 1))[0],
        delegated_issuer=delegated_issuer,
        **await _sharing_defaults(session, tenant, badge, visibility, replaces),
    )
    session.add(award)
    await session.flush()
    await audit.record(
        session, tenant, actor=actor, action="award.issued", subject_type="Award", subject_id=award.id,
        after=award_data(award),
    )  # fmt: skip
    await webhook.publish(session, tenant, "award.issued", award_data(award))
    session.add(_award_email(award, badge, person))
    await changes.award_changed(session, award, "issued")
    await unlock_chained(session, tenant, award)
    return Issued(award, created=True)


async def unlock_chained(session: AsyncSession, tenant_id: uuid.UUID, award: Award) -> None:
    """Badges can require other badges: holding this one (again) may unlock more, so the badge
    classes that require it are evaluated for the recipient (a job)."""
    chained = await session.scalar(
        select(func.count()).where(
            BadgeClass.status == "published", BadgeClass.criteria_refs.contains([award.badge_class_id])
        )
    )
    if chained:
        await enqueue(
            session,
            tenant_id,
            learning.EVALUATE_KIND,
            {"personId": str(award.recipient_id), "refs": [str(award.badge_class_id)]},
        )


@dataclass(frozen=True)
class BulkRecipient:
    row: int
    person_id: uuid.UUID
    evidence_url: str | None = None
    evidence_narrative: str | None = None


async def issue_many(
    session: AsyncSession,
    principal: Principal,
    badge_class_id: uuid.UUID,
    recipients: Sequence[BulkRecipient],
    *,
    visibility: str | None = None,
) -> dict[int, bool | ServiceError]:
    """``issue_award`` for many people at once (bulk issue and imports), in a few statements.

    Same rules and the same effects per award (audit event, ``award.issued``, badge-chain
    evaluation); returns per row whether an award was created, or the error that refused it.
    """
    delegated_issuer = await _delegated_issuer(session, principal)
    check_visibility(visibility)
    badge = await get_badge_class(session, badge_class_id, field="badgeClassId")
    if badge.status != "published":
        raise ValidationError(f"The badge class is {badge.status}; only published ones can be awarded.", "badgeClassId")
    allowed = set((await audiences_by_badge_class(session, [badge.id]))[badge.id])
    ids = list({r.person_id for r in recipients})
    outside = await _check_delegation(session, principal, badge, ids) if delegated_issuer is not None else set()
    sharing = await _sharing_defaults(session, principal.tenant_id, badge, visibility, None)
    people = {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(ids)))}
    current = {
        a.recipient_id: a
        for a in await session.scalars(
            select(Award)
            .where(
                Award.badge_class_id == badge.id,
                Award.recipient_id.in_(ids),
                Award.revoked_at.is_(None),
                Award.superseded_at.is_(None),
            )
            .with_for_update()
        )
    }
    chained = await session.scalar(
        select(func.count()).where(BadgeClass.status == "published", BadgeClass.criteria_refs.contains([badge.id]))
    )
    now = datetime.now(UTC)
    issuer_kind = "person" if principal.person else ("api_key" if principal.api_key_id else "operator")
    issuer_id = principal.person.id if principal.person else principal.api_key_id
    outcomes: dict[int, bool | ServiceError] = {}
    published: list[dict[str, Any]] = []
    issued: list[Award] = []
    indexes = iter(await allocate_status_indexes(session, principal.tenant_id, len(recipients)))
    for r in recipients:
        person = people.get(r.person_id)
        try:
            if person is None or r.person_id in outside:
                raise NotFoundError("No such person.", "recipientId")
            if not person.active:
                raise ValidationError("The person has been deactivated.", "recipientId")
            if allowed and person.audience_id not in allowed:
                raise ValidationError("This badge class is not open to the person's audience.", "recipientId")
            evidence_url = validation.optional_url(r.evidence_url, "evidence_url")
            narrative = validation.optional_text(r.evidence_narrative, "evidence_narrative", max_length=5000)
            if badge.evidence_required and not (evidence_url or narrative):
                raise ValidationError("This badge class requires evidence (a URL or a narrative).", "evidence")
        except ServiceError as exc:
            outcomes[r.row] = exc
            continue
        existing = current.get(r.person_id)
        if existing is not None and existing.suspended_at is not None:
            outcomes[r.row] = ValidationError(_SUSPENDED_CURRENT, "recipientId")
            continue
        if existing is not None and existing.status(now) == "active":
            outcomes[r.row] = False
            continue
        if existing is not None:
            existing.superseded_at = now
        award = Award(
            tenant_id=principal.tenant_id,
            id=uuid7(),
            badge_class_id=badge.id,
            recipient_id=r.person_id,
            criteria_version=badge.criteria_version,
            issued_at=now,
            expires_at=now + timedelta(days=badge.validity_days) if badge.validity_days else None,
            evidence_url=evidence_url,
            evidence_narrative=narrative,
            issuer_kind=issuer_kind,
            issuer_id=issuer_id,
            replaces_award_id=existing.id if existing else None,
            reminders_sent=[],
            status_purpose=STATUS_PURPOSE,
            status_index=next(indexes),
            delegated_issuer=delegated_issuer,
            **sharing,
        )
        current[r.person_id] = award
        issued.append(award)
        session.add(award)
        data = award_data(award)
        session.add(
            audit.AuditEvent(
                tenant_id=principal.tenant_id, id=uuid7(), actor=principal.label, action="award.issued",
                subject_type="Award", subject_id=award.id, after=data,
            )
        )  # fmt: skip
        published.append(data)
        session.add(_award_email(award, badge, person))
        if chained:
            session.add(
                new_event(
                    principal.tenant_id, learning.EVALUATE_KIND, {"personId": str(r.person_id), "refs": [str(badge.id)]}
                )
            )
        outcomes[r.row] = True
    if published:
        session.add(webhook.publish_batch(principal.tenant_id, "award.issued", published))
    await session.flush()
    await changes.awards_issued(session, principal.tenant_id, badge.id, issued)
    return outcomes
