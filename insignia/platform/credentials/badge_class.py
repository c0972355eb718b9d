"""Badge classes: define, change (criteria versions), publish, archive; their images, skills,
audiences and alignments; the catalog each viewer may see.

Every change is written to the audit log in the same transaction as the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import Checks, ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.grouping import group_by
from insignia.infra.ids import uuid7
from insignia.infra.outbox import enqueue
from insignia.infra.pagination import Page, paginate
from insignia.platform.branding.models import BadgeDesignRow
from insignia.platform.credentials import criteria as rules
from insignia.platform.credentials.award import check_visibility
from insignia.platform.credentials.models import (
    Alignment,
    BadgeClass,
    BadgeClassAudience,
    BadgeClassSkill,
    CriteriaVersion,
)
from insignia.platform.learning import service as learning
from insignia.platform.learning.models import Assessment, Course, Skill
from insignia.tenants import visibility
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person
from insignia.tenants.visibility import Viewer, viewer_of

STATUSES = ("draft", "published", "archived")
MAX_ALIGNMENTS = 20


# Rebuild the skill profiles of a badge class's holders (its skills or levels changed).
REFRESH_SKILLS_KIND = "skills.refresh"


def _require(principal: Principal, scope: Scope, what: str) -> None:
    if not principal.has(scope):
        raise PermissionDeniedError(f"You are not allowed to {what}.")


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
    *,
    skill_levels: Mapping[uuid.UUID, int] | None = None,
) -> None:
    if skill_ids is not None or skill_levels is not None:
        levels = dict(skill_levels or {})
        for level in levels.values():
            if not 1 <= level <= 5:
                raise ValidationError("A skill level is between 1 and 5.", "skillLevels")
        wanted = list(dict.fromkeys([*(skill_ids or []), *levels]))
        skills = await learning.ensure_ids(session, Skill, wanted, "skillIds")
        await session.execute(delete(BadgeClassSkill).where(BadgeClassSkill.badge_class_id == badge.id))
        session.add_all(
            BadgeClassSkill(tenant_id=badge.tenant_id, badge_class_id=badge.id, skill_id=s, level=levels.get(s, 1))
            for s in skills
        )
        if badge.status != "draft":
            # Holders' skill profiles follow the badge's skills and levels (a job).
            await enqueue(session, badge.tenant_id, REFRESH_SKILLS_KIND, {"badgeClassId": str(badge.id)})
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
    skill_levels: Mapping[uuid.UUID, int] | None = None,
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
    checks.run(lambda: check_visibility(default_visibility, "defaultVisibility"))
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
    await _replace_links(session, badge, skill_ids, audience_ids, alignments, skill_levels=skill_levels)
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
    skill_levels: Mapping[uuid.UUID, int] | None = None,
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
    awards keep the version they were issued under, and nobody is re-evaluated until an admin asks.
    Every invalid value is reported at once, and nothing changes then."""
    _require(principal, Scope.BADGES_WRITE, "manage badge classes")
    badge = await get_badge_class(session, badge_id, lock=True)
    if badge.status == "archived":
        raise ValidationError("An archived badge class cannot be changed.", "id")
    before = _snapshot(badge)
    checks = Checks()
    title = checks.run(lambda: validation.text(name, "name")) if name is not None else None
    if title is not None:
        clash = await session.scalar(select(BadgeClass.id).where(BadgeClass.name == title, BadgeClass.id != badge.id))
        if clash is not None:
            checks.errors.append(ConflictError(f"A badge class named {title!r} already exists.", "name"))
    text = (
        checks.run(lambda: validation.text(description, "description", max_length=5000))
        if description is not None
        else None
    )
    image = checks.run(lambda: validation.optional_url(image_url, "imageUrl") or "") if image_url is not None else None
    validity = checks.run(lambda: _validity(validity_days)) if validity_days is not None else None
    if points is not None and not 0 <= points <= 100_000:
        checks.errors.append(ValidationError("points must be between 0 and 100000", "points"))
    checks.run(lambda: check_visibility(default_visibility, "defaultVisibility"))
    narrative = (
        checks.run(lambda: validation.text(criteria_narrative, "criteriaNarrative", max_length=10000, min_length=0))
        if criteria_narrative is not None
        else None
    )
    group = checks.run(lambda: rules.parse(criteria)) if criteria is not None else None
    if group is not None:
        await checks.run_async(lambda: _check_refs(session, group, badge.id))
    checks.done()
    if title is not None:
        badge.name = title
    if text is not None:
        badge.description = text
    if image is not None:
        badge.image_url = image
    if validity_days is not None:
        badge.validity_days = validity
    if points is not None:
        badge.points = points
    if evidence_required is not None:
        badge.evidence_required = evidence_required
    if clear_default_visibility:
        badge.default_visibility = None
    elif default_visibility is not None:
        badge.default_visibility = default_visibility
    if delegated is not None:
        badge.delegated = delegated
    rule_change = False
    if narrative is not None:
        rule_change |= narrative != badge.criteria_narrative
        badge.criteria_narrative = narrative
    if group is not None:
        rule_change |= group.to_json() != badge.criteria
        badge.criteria = group.to_json()
        badge.criteria_refs = sorted(group.refs())
    await _replace_links(session, badge, skill_ids, audience_ids, alignments, skill_levels=skill_levels)
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
    # An uploaded image replaces a design (insignia.platform.branding.badges).
    await session.execute(delete(BadgeDesignRow).where(BadgeDesignRow.badge_class_id == badge.id))
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
    last: int | None = None,
    before: str | None = None,
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
    return await paginate(session, stmt, BadgeClass.id, first, after, last=last, before=before)


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


async def skill_levels_by_badge_class(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[Skill, int]]]:
    """Each badge class's skills with the level (1-5) it grants them at."""
    rows = await session.execute(
        select(BadgeClassSkill.badge_class_id, Skill, BadgeClassSkill.level)
        .join(Skill, Skill.id == BadgeClassSkill.skill_id)
        .where(BadgeClassSkill.badge_class_id.in_(ids))
        .order_by(Skill.name)
    )
    return group_by(ids, ((badge_id, (skill, level)) for badge_id, skill, level in rows))


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


async def in_audience(session: AsyncSession, badge: BadgeClass, person: Person) -> bool:
    """Whether the badge class is open to the person's audience (a badge class limited to none is open to all)."""
    allowed = (await audiences_by_badge_class(session, [badge.id]))[badge.id]
    return not allowed or person.audience_id in allowed
