"""Badge classes and awards: define, publish, issue (by hand or by rule), revoke, expire, explain.

Every issue, revoke, expiry and rule change is written to the audit log and, for awards, published
as a webhook event, in the same transaction as the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import (
    Checks,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
    ValidationError,
)
from insignia.infra.grouping import group_by
from insignia.infra.ids import uuid7
from insignia.infra.outbox import OutboxEvent, enqueue, new_event
from insignia.infra.pagination import Page, paginate
from insignia.platform.credentials import criteria as rules
from insignia.platform.credentials.models import (
    Alignment,
    Award,
    BadgeClass,
    BadgeClassAudience,
    BadgeClassSkill,
    CriteriaVersion,
    StatusList,
)
from insignia.platform.learning import service as learning
from insignia.platform.learning.models import Assessment, AssessmentResult, Completion, Course, Skill
from insignia.tenants import visibility, webhook
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person
from insignia.tenants.tenant import get_settings
from insignia.tenants.visibility import Viewer, viewer_of

STATUSES = ("draft", "published", "archived")
VISIBILITIES = ("public", "tenant", "private")
# Shown to colleagues (the visibility policy decides which colleagues).
SHARED = ("public", "tenant")
REEVALUATE_KIND = "credential.reevaluate"
MAX_ALIGNMENTS = 20


def _require(principal: Principal, scope: Scope, what: str) -> None:
    if not principal.has(scope):
        raise PermissionDeniedError(f"You are not allowed to {what}.")


# --- badge classes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlignmentInput:
    target_name: str
    target_url: str
    framework: str | None = None
    code: str | None = None


async def _check_refs(session: AsyncSession, group: rules.Group, self_id: uuid.UUID | None) -> None:
    """Every id in the criteria names a course, assessment or badge class of this tenant."""
    by_type: dict[str, set[uuid.UUID]] = {"course": set(), "assessment": set(), "badge": set()}
    for leaf in group.leaves():
        by_type[leaf.type].add(leaf.id)
    if self_id is not None and self_id in by_type["badge"]:
        raise ValidationError("A badge class cannot require itself.", "criteria")
    for kind, model in (("course", Course), ("assessment", Assessment), ("badge", BadgeClass)):
        wanted = by_type[kind]
        if wanted:
            found = set((await session.scalars(select(model.id).where(model.id.in_(wanted)))).all())
            if wanted - found:
                raise NotFoundError(f"The criteria name a {kind} that does not exist.", "criteria")


def _validity(days: int | None) -> int | None:
    if days is not None and not 1 <= days <= 36500:
        raise ValidationError("validityDays must be between 1 and 36500", "validityDays")
    return days


def _alignments(values: Sequence[AlignmentInput]) -> list[AlignmentInput]:
    if len(values) > MAX_ALIGNMENTS:
        raise ValidationError(f"alignments takes at most {MAX_ALIGNMENTS} values", "alignments")
    return [
        AlignmentInput(
            target_name=validation.text(a.target_name, f"alignments.{i}.targetName"),
            target_url=validation.url(a.target_url, f"alignments.{i}.targetUrl"),
            framework=validation.optional_text(a.framework, f"alignments.{i}.framework"),
            code=validation.optional_text(a.code, f"alignments.{i}.code", max_length=100),
        )
        for i, a in enumerate(values)
    ]


async def _replace_links(
    session: AsyncSession,
    badge: BadgeClass,
    skill_ids: Sequence[uuid.UUID] | None,
    audience_ids: Sequence[uuid.UUID] | None,
    alignments: Sequence[AlignmentInput] | None,
) -> None:
    if skill_ids is not None:
        skills = await learning.ensure_ids(session, Skill, skill_ids, "skillIds")
        await session.execute(delete(BadgeClassSkill).where(BadgeClassSkill.badge_class_id == badge.id))
        session.add_all(BadgeClassSkill(tenant_id=badge.tenant_id, badge_class_id=badge.id, skill_id=s) for s in skills)
    if audience_ids is not None:
        audiences = await learning.ensure_audiences(session, audience_ids, "audienceIds")
        await session.execute(delete(BadgeClassAudience).where(BadgeClassAudience.badge_class_id == badge.id))
        session.add_all(
            BadgeClassAudience(tenant_id=badge.tenant_id, badge_class_id=badge.id, audience_id=a) for a in audiences
        )
    if alignments is not None:
        checked = _alignments(alignments)
        await session.execute(delete(Alignment).where(Alignment.badge_class_id == badge.id))
        session.add_all(
            Alignment(
                tenant_id=badge.tenant_id,
                badge_class_id=badge.id,
                target_name=a.target_name,
                target_url=a.target_url,
                framework=a.framework,
                code=a.code,
            )
            for a in checked
        )
    await session.flush()


def _snapshot(badge: BadgeClass) -> dict[str, Any]:
    return {
        "name": badge.name,
        "status": badge.status,
        "criteria": badge.criteria,
        "criteriaVersion": badge.criteria_version,
        "criteriaNarrative": badge.criteria_narrative,
        "validityDays": badge.validity_days,
        "points": badge.points,
        "defaultVisibility": badge.default_visibility,
        "delegated": badge.delegated,
    }


async def create_badge_class(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    description: str,
    image_url: str | None = None,
    criteria_narrative: str = "",
    criteria: dict[str, Any] | None = None,
    skill_ids: Sequence[uuid.UUID] = (),
    audience_ids: Sequence[uuid.UUID] = (),
    alignments: Sequence[AlignmentInput] = (),
    validity_days: int | None = None,
    points: int = 0,
    evidence_required: bool = False,
    default_visibility: str | None = None,
    delegated: bool = False,
) -> BadgeClass:
    """A draft badge class; it can be awarded once published. Every invalid value is reported at once."""
    _require(principal, Scope.BADGES_WRITE, "manage badge classes")
    checks = Checks()
    checks.run(lambda: _check_visibility(default_visibility, "defaultVisibility"))
    title = checks.run(lambda: validation.text(name, "name"))
    if title is not None and await session.scalar(select(BadgeClass.id).where(BadgeClass.name == title)) is not None:
        checks.errors.append(ConflictError(f"A badge class named {title!r} already exists.", "name"))
    text = checks.run(lambda: validation.text(description, "description", max_length=5000))
    image = checks.run(lambda: validation.optional_url(image_url, "imageUrl"))
    narrative = checks.run(
        lambda: validation.text(criteria_narrative, "criteriaNarrative", max_length=10000, min_length=0)
    )
    validity = checks.run(lambda: _validity(validity_days))
    group = checks.run(lambda: rules.parse(criteria or {}))
    if group is not None:
        await checks.run_async(lambda: _check_refs(session, group, None))
    if not 0 <= points <= 100_000:
        checks.errors.append(ValidationError("points must be between 0 and 100000", "points"))
    checks.done()
    assert title is not None and text is not None and narrative is not None and group is not None
    badge = BadgeClass(
        tenant_id=principal.tenant_id,
        id=uuid7(),
        name=title,
        description=text,
        image_url=image or "",
        criteria_narrative=narrative,
        criteria=group.to_json(),
        criteria_refs=sorted(group.refs()),
        validity_days=validity,
        points=points,
        evidence_required=evidence_required,
        default_visibility=default_visibility,
        delegated=delegated,
    )
    session.add(badge)
    await session.flush()
    await _replace_links(session, badge, skill_ids, audience_ids, alignments)
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="badge_class.created",
        subject_type="BadgeClass", subject_id=badge.id, after=_snapshot(badge),
    )  # fmt: skip
    return badge


async def update_badge_class(
    session: AsyncSession,
    principal: Principal,
    badge_id: uuid.UUID,
    *,
    name: str | None = None,
    description: str | None = None,
    image_url: str | None = None,
    criteria_narrative: str | None = None,
    criteria: dict[str, Any] | None = None,
    skill_ids: Sequence[uuid.UUID] | None = None,
    audience_ids: Sequence[uuid.UUID] | None = None,
    alignments: Sequence[AlignmentInput] | None = None,
    validity_days: int | None = None,
    points: int | None = None,
    evidence_required: bool | None = None,
    default_visibility: str | None = None,
    clear_default_visibility: bool = False,
    delegated: bool | None = None,
) -> BadgeClass:
    """Change a badge class. On a published one, new criteria become a new version; existing
    awards keep the version they were issued under, and nobody is re-evaluated until an admin asks."""
    _require(principal, Scope.BADGES_WRITE, "manage badge classes")
    badge = await get_badge_class(session, badge_id, lock=True)
    if badge.status == "archived":
        raise ValidationError("An archived badge class cannot be changed.", "id")
    before = _snapshot(badge)
    if name is not None:
        name = validation.text(name, "name")
        clash = await session.scalar(select(BadgeClass.id).where(BadgeClass.name == name, BadgeClass.id != badge.id))
        if clash is not None:
            raise ConflictError(f"A badge class named {name!r} already exists.", "name")
        badge.name = name
    if description is not None:
        badge.description = validation.text(description, "description", max_length=5000)
    if image_url is not None:
        badge.image_url = validation.optional_url(image_url, "imageUrl") or ""
    if validity_days is not None:
        badge.validity_days = _validity(validity_days)
    if points is not None:
        if not 0 <= points <= 100_000:
            raise ValidationError("points must be between 0 and 100000", "points")
        badge.points = points
    if evidence_required is not None:
        badge.evidence_required = evidence_required
    _check_visibility(default_visibility, "defaultVisibility")
    if clear_default_visibility:
        badge.default_visibility = None
    elif default_visibility is not None:
        badge.default_visibility = default_visibility
    if delegated is not None:
        badge.delegated = delegated
    rule_change = False
    if criteria_narrative is not None:
        narrative = validation.text(criteria_narrative, "criteriaNarrative", max_length=10000, min_length=0)
        rule_change |= narrative != badge.criteria_narrative
        badge.criteria_narrative = narrative
    if criteria is not None:
        group = rules.parse(criteria)
        await _check_refs(session, group, badge.id)
        rule_change |= group.to_json() != badge.criteria
        badge.criteria = group.to_json()
        badge.criteria_refs = sorted(group.refs())
    await _replace_links(session, badge, skill_ids, audience_ids, alignments)
    action = "badge_class.updated"
    if rule_change and badge.status == "published":
        await _new_version(session, principal, badge)
        action = "badge_class.criteria_changed"
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action=action,
        subject_type="BadgeClass", subject_id=badge.id, before=before, after=_snapshot(badge),
    )  # fmt: skip
    return badge


async def _new_version(session: AsyncSession, principal: Principal, badge: BadgeClass) -> None:
    badge.criteria_version += 1
    session.add(
        CriteriaVersion(
            tenant_id=badge.tenant_id,
            badge_class_id=badge.id,
            version=badge.criteria_version,
            criteria=badge.criteria,
            narrative=badge.criteria_narrative,
            created_by=principal.label,
        )
    )


async def set_badge_image(
    session: AsyncSession, principal: Principal, badge_id: uuid.UUID, data: bytes, content_type: str
) -> BadgeClass:
    """Upload the badge class's image (PNG, or SVG which is sanitised); it replaces ``imageUrl``."""
    from insignia.platform.openbadges.images import validate_image

    _require(principal, Scope.BADGES_WRITE, "manage badge classes")
    badge = await get_badge_class(session, badge_id, lock=True)
    stored, kind = validate_image(data, content_type, "imageBase64")
    badge.image_data, badge.image_type, badge.image_url = stored, kind, ""
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="badge_class.image_set",
        subject_type="BadgeClass", subject_id=badge.id, after={"imageType": kind, "bytes": len(stored)},
    )  # fmt: skip
    return badge


async def badge_image(session: AsyncSession, badge_id: uuid.UUID) -> tuple[bytes, str] | None:
    """The uploaded image of a badge class, if any."""
    row = (
        await session.execute(select(BadgeClass.image_data, BadgeClass.image_type).where(BadgeClass.id == badge_id))
    ).one_or_none()
    if row is None or row.image_data is None or row.image_type is None:
        return None
    return bytes(row.image_data), row.image_type


async def publish_badge_class(session: AsyncSession, principal: Principal, badge_id: uuid.UUID) -> BadgeClass:
    """Make a draft badge class awardable; its criteria become version 1."""
    _require(principal, Scope.BADGES_WRITE, "publish badge classes")
    badge = await get_badge_class(session, badge_id, lock=True)
    if badge.status != "draft":
        raise ValidationError(f"Only a draft can be published; this badge class is {badge.status}.", "id")
    before = _snapshot(badge)
    badge.status = "published"
    badge.published_at = datetime.now(UTC)
    await _new_version(session, principal, badge)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="badge_class.published",
        subject_type="BadgeClass", subject_id=badge.id, before=before, after=_snapshot(badge),
    )  # fmt: skip
    return badge


async def archive_badge_class(session: AsyncSession, principal: Principal, badge_id: uuid.UUID) -> BadgeClass:
    """Stop awarding a badge class; awards already issued stay valid."""
    _require(principal, Scope.BADGES_WRITE, "archive badge classes")
    badge = await get_badge_class(session, badge_id, lock=True)
    if badge.status == "archived":
        return badge
    before = _snapshot(badge)
    badge.status = "archived"
    badge.archived_at = datetime.now(UTC)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="badge_class.archived",
        subject_type="BadgeClass", subject_id=badge.id, before=before, after=_snapshot(badge),
    )  # fmt: skip
    return badge


async def get_badge_class(
    session: AsyncSession, badge_id: uuid.UUID, *, lock: bool = False, field: str = "id"
) -> BadgeClass:
    stmt = select(BadgeClass).where(BadgeClass.id == badge_id)
    if lock:
        stmt = stmt.with_for_update()
    badge = await session.scalar(stmt)
    if badge is None:
        raise NotFoundError("No such badge class.", field)
    return badge


def _sees_drafts(principal: Principal) -> bool:
    return principal.has(Scope.BADGES_WRITE) or principal.has(Scope.AWARDS_READ)


def _open_badges(viewer: Viewer) -> Any:
    """Badge classes the viewer may see: drafts only for staff; ones limited to audiences only
    inside them (the visibility policy)."""
    condition = visibility.open_to_viewer(
        viewer, BadgeClassAudience.badge_class_id, BadgeClassAudience.audience_id, BadgeClass.id
    )
    if not _sees_drafts(viewer.principal):
        condition = condition & (BadgeClass.status != "draft")
    return condition


async def list_badge_classes(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    status: str | None = None,
    search: str | None = None,
) -> Page[BadgeClass]:
    """Badge classes the principal may see: published ones open to their audience (archived ones
    too when asked for); drafts for issuers and admins."""
    if status is None and not _sees_drafts(principal):
        status = "published"
    stmt = select(BadgeClass).where(_open_badges(await viewer_of(session, principal)))
    if status is not None:
        stmt = stmt.where(BadgeClass.status == status)
    if search:
        term = validation.text(search, "filter.search", max_length=100)
        stmt = stmt.where(BadgeClass.name.ilike("%" + term.replace("%", "\\%").replace("_", "\\_") + "%"))
    return await paginate(session, stmt, BadgeClass.id, first, after)


async def badge_classes_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, BadgeClass]:
    """Unfiltered: for relationship fields of objects the caller may already see (an award's badge)."""
    return {b.id: b for b in await session.scalars(select(BadgeClass).where(BadgeClass.id.in_(ids)))}


async def visible_badge_classes_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, BadgeClass]:
    """Badge classes by id that the principal may see (``node(id)``)."""
    stmt = select(BadgeClass).where(BadgeClass.id.in_(ids), _open_badges(await viewer_of(session, principal)))
    return {b.id: b for b in await session.scalars(stmt)}


async def skills_by_badge_class(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Skill]]:
    rows = await session.execute(
        select(BadgeClassSkill.badge_class_id, Skill)
        .join(Skill, Skill.id == BadgeClassSkill.skill_id)
        .where(BadgeClassSkill.badge_class_id.in_(ids))
        .order_by(Skill.name)
    )
    return group_by(ids, ((badge_id, skill) for badge_id, skill in rows))


async def audiences_by_badge_class(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await session.execute(
        select(BadgeClassAudience.badge_class_id, BadgeClassAudience.audience_id).where(
            BadgeClassAudience.badge_class_id.in_(ids)
        )
    )
    return group_by(ids, ((badge_id, audience_id) for badge_id, audience_id in rows))


async def alignments_by_badge_class(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Alignment]]:
    rows = await session.scalars(select(Alignment).where(Alignment.badge_class_id.in_(ids)).order_by(Alignment.id))
    return group_by(ids, ((a.badge_class_id, a) for a in rows))


# --- awards ---------------------------------------------------------------------------------------


def _award_data(award: Award) -> dict[str, Any]:
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


async def _in_audience(session: AsyncSession, badge: BadgeClass, person: Person) -> bool:
    allowed = (await audiences_by_badge_class(session, [badge.id]))[badge.id]
    return not allowed or person.audience_id in allowed


def _check_visibility(value: str | None, field: str = "visibility") -> None:
    if value is not None and value not in VISIBILITIES:
        raise ValidationError(f"visibility must be one of {', '.join(VISIBILITIES)}", field)


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
    _check_visibility(visibility)
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
    if not await _in_audience(session, badge, person):
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
        after=_award_data(award),
    )  # fmt: skip
    await webhook.publish(session, tenant, "award.issued", _award_data(award))
    session.add(_award_email(award, badge, person))
    await _unlock_chained(session, tenant, award)
    return Issued(award, created=True)


async def _unlock_chained(session: AsyncSession, tenant_id: uuid.UUID, award: Award) -> None:
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
    _check_visibility(visibility)
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
        session.add(award)
        data = _award_data(award)
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
    return outcomes


async def get_award(session: AsyncSession, award_id: uuid.UUID, *, lock: bool = False) -> Award:
    stmt = select(Award).where(Award.id == award_id)
    if lock:
        stmt = stmt.with_for_update()
    award = await session.scalar(stmt)
    if award is None:
        raise NotFoundError("No such award.", "id")
    return award


async def _status_changed(session: AsyncSession, principal: Principal, award: Award, event: str, before: Any) -> None:
    """Record a revoke, suspend or reinstate: audit event, webhook, and an email telling the
    recipient (with the reason, which is theirs to know), after the row is written."""
    await session.flush()
    after = _award_data(award)
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
    _check_visibility(value)
    award = await _own_or_issued(session, principal, award_id)
    if award.visibility == value:
        return award
    before = _award_data(award)
    award.visibility = value
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="award.visibility_changed", subject_type="Award",
        subject_id=award.id, before=before, after=_award_data(award),
    )  # fmt: skip
    await webhook.publish(session, principal.tenant_id, "award.visibility_changed", _award_data(award))
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
    before = _award_data(award)
    award.acceptance = value
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action=f"award.{value}", subject_type="Award",
        subject_id=award.id, before=before, after=_award_data(award),
    )  # fmt: skip
    await webhook.publish(session, principal.tenant_id, f"award.{value}", _award_data(award))
    return award


async def revoke_award(session: AsyncSession, principal: Principal, award_id: uuid.UUID, reason: str) -> Award:
    """Revoke an award with a reason, for good; verifiers see it revoked from now on. Revoking a
    suspended award ends the suspension: revoked is what it is from then on."""
    _require(principal, Scope.AWARDS_ISSUE, "revoke awards")
    reason = validation.text(reason, "reason", max_length=1000)
    award = await get_award(session, award_id, lock=True)
    if award.revoked_at is not None:
        raise ValidationError("The award is already revoked.", "id")
    before = _award_data(award)
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
    before = _award_data(award)
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
    before = _award_data(award)
    award.suspended_at = award.suspension_reason = None
    award.status_changed_at = datetime.now(UTC)
    await _status_changed(session, principal, award, "award.reinstated", before)
    if award.status(datetime.now(UTC)) == "active":
        # What was evaluated while it did not count may be met now.
        await _unlock_chained(session, principal.tenant_id, award)
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
    filter: AwardFilter | None = None,
) -> Page[Award]:
    stmt = await _visible(session, select(Award), principal)
    if filter is not None:
        stmt = _apply_filter(stmt, filter, datetime.now(UTC))
    return await paginate(session, stmt, Award.id, first, after)


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


# --- eligibility and the rule engine --------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    badge_class: BadgeClass
    eligible: bool
    awarded: bool
    criteria: list[rules.Outcome]


async def _facts(
    session: AsyncSession, person_id: uuid.UUID, groups: Sequence[rules.Group], *, since: datetime | None = None
) -> rules.Facts:
    refs: set[uuid.UUID] = set()
    for group in groups:
        refs |= group.refs()
    done = select(Completion.course_id).where(Completion.person_id == person_id)
    if since is not None:
        done = done.where(Completion.completed_at > since)
    completed = frozenset((await session.scalars(done)).all())
    scores = await learning.best_scores_of(session, person_id, since=since)
    now = datetime.now(UTC)
    held = frozenset(
        a.badge_class_id
        for a in await session.scalars(
            select(Award).where(
                Award.recipient_id == person_id, Award.revoked_at.is_(None), Award.superseded_at.is_(None)
            )
        )
        if a.status(now) == "active"
    )
    names: dict[uuid.UUID, str] = {}
    passing: dict[uuid.UUID, Any] = {}
    if refs:
        for c in await session.scalars(select(Course).where(Course.id.in_(refs))):
            names[c.id] = c.title
        for a in await session.scalars(select(Assessment).where(Assessment.id.in_(refs))):
            names[a.id] = a.title
            passing[a.id] = a.passing_score
        for b in await session.scalars(select(BadgeClass).where(BadgeClass.id.in_(refs))):
            names[b.id] = b.name
    return rules.Facts(completed, scores, held, passing, names)


async def eligibility_for(
    session: AsyncSession, person: Person, badges: Sequence[BadgeClass], *, since: datetime | None = None
) -> list[Eligibility]:
    """Explain, for each badge class, which criteria the person meets and what is missing
    (counting only completions and results after ``since``, when given)."""
    groups = [rules.parse(b.criteria) for b in badges]
    facts = await _facts(session, person.id, groups, since=since)
    audiences = await audiences_by_badge_class(session, [b.id for b in badges])
    out: list[Eligibility] = []
    for badge, group in zip(badges, groups, strict=True):
        met, outcomes = rules.evaluate(group, facts)
        checks: list[rules.Outcome] = []
        if badge.status != "published":
            checks.append(rules.Outcome("The badge class is published", False, f"The badge class is {badge.status}"))
        allowed = audiences[badge.id]
        if allowed and person.audience_id not in allowed:
            checks.append(rules.Outcome("Open to the person's audience", False, "Not open to the person's audience"))
        if group.empty:
            checks.append(rules.Outcome("Awarded by an issuer", False, "No automatic criteria: an issuer awards it"))
        outcomes = checks + outcomes
        eligible = met and all(c.met for c in checks) and not group.empty
        out.append(Eligibility(badge, eligible, badge.id in facts.held_badges, outcomes))
    return out


async def award_eligibility(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, badge_class_id: uuid.UUID
) -> Eligibility:
    person = await _person_for_progress(session, principal, person_id)
    badge = (await visible_badge_classes_by_ids(session, principal, [badge_class_id])).get(badge_class_id)
    if badge is None:
        # A manager may not see a badge class limited to their report's audience in the catalog,
        # yet may see the report's progress toward it.
        badge = await session.scalar(select(BadgeClass).where(BadgeClass.id == badge_class_id))
        if badge is None or badge.status == "draft" or not await _in_audience(session, badge, person):
            raise NotFoundError("No such badge class.", "badgeClassId")
    [result] = await eligibility_for(session, person, [badge])
    return result


async def _person_for_progress(session: AsyncSession, principal: Principal, person_id: uuid.UUID) -> Person:
    """The person, if the principal may see their progress (themselves, their managers, issuers)."""
    person = await session.scalar(select(Person).where(Person.id == person_id))
    if person is None or not await learning.can_see_progress(session, principal, person):
        raise NotFoundError("No such person.", "personId")
    return person


async def progress_of(session: AsyncSession, principal: Principal, person: Person) -> list[Eligibility]:
    """Every published badge class open to the person's audience, with their progress."""
    await _person_for_progress(session, principal, person.id)
    restricted = select(BadgeClassAudience.badge_class_id).where(BadgeClassAudience.audience_id != person.audience_id)
    allowed_for_me = select(BadgeClassAudience.badge_class_id).where(
        BadgeClassAudience.audience_id == person.audience_id
    )
    badges = (
        await session.scalars(
            select(BadgeClass)
            .where(BadgeClass.status == "published")
            .where(or_(BadgeClass.id.not_in(restricted), BadgeClass.id.in_(allowed_for_me)))
            .order_by(BadgeClass.name)
        )
    ).all()
    return await eligibility_for(session, person, badges)


async def evaluate_person(
    session: AsyncSession, tenant_id: uuid.UUID, person_id: uuid.UUID, refs: Sequence[uuid.UUID]
) -> list[Award]:
    """The rule engine: award every published badge class affected by ``refs`` whose criteria the
    person now meets. Runs as an outbox job; issuing is idempotent, so a retry changes nothing.

    It never re-issues an award an issuer revoked (that takes an issuer), and it renews an expired
    award only on completions and results recorded after that award was issued (recertification).
    """
    person = await session.scalar(select(Person).where(Person.id == person_id))
    if person is None or not person.active:
        return []
    badges = (
        await session.scalars(
            select(BadgeClass).where(BadgeClass.status == "published", BadgeClass.criteria_refs.overlap(list(refs)))
        )
    ).all()
    latest: dict[uuid.UUID, Award] = {}
    for award in await session.scalars(
        select(Award)
        .where(Award.recipient_id == person_id, Award.badge_class_id.in_([b.id for b in badges]))
        .order_by(Award.id)
    ):
        latest[award.badge_class_id] = award
    now = datetime.now(UTC)
    fresh: list[BadgeClass] = []
    renewals: list[tuple[BadgeClass, Award]] = []
    for badge in badges:
        previous = latest.get(badge.id)
        if previous is None:
            fresh.append(badge)
        elif previous.revoked_at is None and previous.status(now) == "expired":
            renewals.append((badge, previous))
    issued: list[Award] = []
    candidates = list(await eligibility_for(session, person, fresh))
    for badge, expired in renewals:
        candidates += await eligibility_for(session, person, [badge], since=expired.issued_at)
    for result in candidates:
        if result.eligible and not result.awarded:
            outcome = await issue_award(
                session, None, badge_class_id=result.badge_class.id, recipient_id=person_id, tenant_id=tenant_id
            )
            if outcome.created:
                issued.append(outcome.award)
    return issued


async def request_reevaluation(session: AsyncSession, principal: Principal, badge_id: uuid.UUID) -> BadgeClass:
    """After a rule change: evaluate everyone with progress towards the badge class again (a job)."""
    _require(principal, Scope.AWARDS_ISSUE, "re-evaluate badge classes")
    badge = await get_badge_class(session, badge_id)
    if badge.status != "published":
        raise ValidationError("Only published badge classes are evaluated.", "id")
    await enqueue(session, principal.tenant_id, REEVALUATE_KIND, {"badgeClassId": str(badge.id)})
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="badge_class.reevaluation_requested",
        subject_type="BadgeClass", subject_id=badge.id,
    )  # fmt: skip
    return badge


async def fan_out_reevaluation(session: AsyncSession, tenant_id: uuid.UUID, badge_id: uuid.UUID) -> int:
    """One evaluation job per person with any completion, result or award the criteria refer to."""
    badge = await session.scalar(select(BadgeClass).where(BadgeClass.id == badge_id))
    if badge is None or not badge.criteria_refs:
        return 0
    refs = list(badge.criteria_refs)
    people = set(
        (await session.scalars(select(Completion.person_id).where(Completion.course_id.in_(refs)).distinct())).all()
    )
    people |= set(
        (
            await session.scalars(
                select(AssessmentResult.person_id).where(AssessmentResult.assessment_id.in_(refs)).distinct()
            )
        ).all()
    )
    people |= set(
        (await session.scalars(select(Award.recipient_id).where(Award.badge_class_id.in_(refs)).distinct())).all()
    )
    for person_id in sorted(people):
        await enqueue(
            session, tenant_id, learning.EVALUATE_KIND, {"personId": str(person_id), "refs": [str(r) for r in refs]}
        )
    return len(people)


# --- expiry and reminders -------------------------------------------------------------------------


async def expire_award(session: AsyncSession, award_id: uuid.UUID) -> Award | None:
    """Mark an award whose time has come as expired (audit + ``award.expired`` webhook); idempotent."""
    award = await session.scalar(select(Award).where(Award.id == award_id).with_for_update(skip_locked=True))
    now = datetime.now(UTC)
    if (
        award is None
        or award.expired_at is not None
        or award.revoked_at is not None
        or award.expires_at is None
        or award.expires_at > now
    ):
        return None
    before = _award_data(award)
    award.expired_at = now
    await session.flush()
    await audit.record(
        session, award.tenant_id, actor="scheduler", action="award.expired", subject_type="Award",
        subject_id=award.id, before=before, after=_award_data(award),
    )  # fmt: skip
    await webhook.publish(session, award.tenant_id, "award.expired", _award_data(award))
    return award


async def remind_if_due(session: AsyncSession, award_id: uuid.UUID, offsets_days: Sequence[int]) -> int | None:
    """Send the expiry reminder whose offset has been reached and not yet sent; returns that offset."""
    award = await session.scalar(select(Award).where(Award.id == award_id).with_for_update(skip_locked=True))
    now = datetime.now(UTC)
    if award is None or award.expires_at is None or award.status(now) != "active":
        return None
    days_left = (award.expires_at - now).total_seconds() / 86400
    due = [d for d in sorted(offsets_days) if days_left <= d and d not in award.reminders_sent]
    if not due:
        return None
    offset = due[0]  # the nearest offset: one email even if several were missed
    award.reminders_sent = sorted({*award.reminders_sent, *[d for d in offsets_days if days_left <= d]})
    badge = await session.scalar(select(BadgeClass).where(BadgeClass.id == award.badge_class_id))
    person = await session.scalar(select(Person).where(Person.id == award.recipient_id))
    if badge is None or person is None or not person.active:
        return None
    await enqueue(
        session,
        award.tenant_id,
        "email.send",
        {
            "template": "award_expiring",
            "to": person.email,
            "context": {
                "name": person.name,
                "badge_name": badge.name,
                "expires_on": award.expires_at.date().isoformat(),
                "days_left": max(0, int(days_left)),
            },
            "awardId": str(award.id),
        },
    )
    await session.flush()
    return offset
