"""Pathways: define a requirement tree toward a larger goal, publish it as a version, archive it.

Issuers and admins (``badges:write``) author pathways. Publishing freezes the draft tree as
version 1; changing the tree (or capstone) of a published pathway publishes a new version at once.
Enrolled learners keep their version until an admin moves them (``enrolment.migrate``). Archiving
stops new enrolments; awards already earned stay valid.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import (
    Checks,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from insignia.infra.grouping import group_by
from insignia.infra.ids import uuid7
from insignia.infra.outbox import enqueue
from insignia.infra.pagination import Page, paginate
from insignia.platform.credentials.models import BadgeClass
from insignia.platform.learning.models import Course
from insignia.platform.pathways import tree as trees
from insignia.platform.pathways.models import Pathway, PathwayAudience, PathwayVersion
from insignia.tenants.audience import audiences_by_ids
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.visibility import open_to_viewer, viewer_of

STATUSES = ("draft", "published", "archived")
ENROL_AUDIENCE_KIND = "pathway.enrol_audience"


def _require_write(principal: Principal) -> None:
    if not principal.has(Scope.BADGES_WRITE):
        raise PermissionDeniedError("Only issuers and admins can manage pathways.")


def _sees_drafts(principal: Principal) -> bool:
    return principal.has(Scope.BADGES_WRITE) or principal.has(Scope.AWARDS_READ)


async def _check_refs(session: AsyncSession, root: trees.NodeInput, capstone: uuid.UUID | None, checks: Checks) -> None:
    """Every badge class (steps, milestones, capstone) exists and is not archived; every course
    exists. Another tenant's ids are not found (row-level security)."""
    badges: list[tuple[uuid.UUID, str]] = []
    courses: list[tuple[uuid.UUID, str]] = []

    def walk(node: trees.NodeInput) -> None:
        if node.badge is not None:
            badges.append((node.badge, f"{node.path}.badgeClassId"))
        if node.course is not None:
            courses.append((node.course, f"{node.path}.courseId"))
        if node.milestone is not None:
            badges.append((node.milestone, f"{node.path}.milestoneBadgeClassId"))
        for child in (node.all_of or []) + (node.n_of or []):
            walk(child)

    walk(root)
    if capstone is not None:
        badges.append((capstone, "capstoneBadgeClassId"))
    found_badges = {
        b.id: b.status
        for b in await session.scalars(select(BadgeClass).where(BadgeClass.id.in_({b for b, _ in badges})))
    }
    found_courses = set(await session.scalars(select(Course.id).where(Course.id.in_({c for c, _ in courses}))))
    for badge_id, where in badges:
        if badge_id not in found_badges:
            checks.errors.append(NotFoundError("No such badge class.", where))
        elif found_badges[badge_id] == "archived":
            checks.errors.append(ValidationError("The badge class is archived.", where))
    for course_id, where in courses:
        if course_id not in found_courses:
            checks.errors.append(NotFoundError("No such course.", where))


@dataclass(frozen=True)
class PathwayInput:
    name: str | None = None
    description: str | None = None
    image_url: str | None = None
    requirement: trees.NodeInput | None = None
    capstone_badge_class_id: uuid.UUID | None = None
    clear_capstone: bool = False
    audience_ids: Sequence[uuid.UUID] | None = None
    auto_enrol: bool | None = None


async def _validated(
    session: AsyncSession, pathway_id: uuid.UUID, given: PathwayInput, *, exclude: uuid.UUID | None
) -> tuple[dict[str, Any], trees.Node | None, list[uuid.UUID] | None]:
    """Check every field of ``given`` (all errors at once); the column values, the built tree and
    the audiences."""
    checks = Checks()
    values: dict[str, Any] = {}
    if given.name is not None:
        name = checks.run(lambda: validation.text(given.name or "", "name"))
        if name is not None:
            clash = select(Pathway.id).where(Pathway.name == name)
            if exclude is not None:
                clash = clash.where(Pathway.id != exclude)
            if await session.scalar(clash) is not None:
                checks.errors.append(ConflictError(f"A pathway named {name!r} already exists.", "name"))
        values["name"] = name
    if given.description is not None:
        values["description"] = checks.run(
            lambda: validation.text(given.description or "", "description", max_length=5000, min_length=0)
        )
    if given.image_url is not None:
        values["image_url"] = checks.run(lambda: validation.optional_url(given.image_url, "imageUrl"))
    built: trees.Node | None = None
    if given.requirement is not None:
        await _check_refs(session, given.requirement, given.capstone_badge_class_id, checks)
        built = trees.build(given.requirement, pathway_id, checks)
    elif given.capstone_badge_class_id is not None:
        found = await session.scalar(select(BadgeClass.status).where(BadgeClass.id == given.capstone_badge_class_id))
        if found is None:
            checks.errors.append(NotFoundError("No such badge class.", "capstoneBadgeClassId"))
        elif found == "archived":
            checks.errors.append(ValidationError("The badge class is archived.", "capstoneBadgeClassId"))
    if given.capstone_badge_class_id is not None:
        values["capstone_badge_class_id"] = given.capstone_badge_class_id
    elif given.clear_capstone:
        values["capstone_badge_class_id"] = None
    audiences: list[uuid.UUID] | None = None
    if given.audience_ids is not None:
        unique = list(dict.fromkeys(given.audience_ids))
        if len(unique) > 50:
            checks.errors.append(ValidationError("At most 50 audiences.", "audienceIds"))
        found_audiences = await audiences_by_ids(session, unique)
        for i, audience_id in enumerate(unique):
            if audience_id not in found_audiences:
                checks.errors.append(NotFoundError("No such audience.", f"audienceIds.{i}"))
        audiences = unique
    if given.auto_enrol is not None:
        values["auto_enrol"] = given.auto_enrol
    checks.done()
    return values, built, audiences


def snapshot(pathway: Pathway) -> dict[str, Any]:
    return {
        "name": pathway.name,
        "status": pathway.status,
        "version": pathway.version,
        "capstoneBadgeClassId": str(pathway.capstone_badge_class_id) if pathway.capstone_badge_class_id else None,
        "autoEnrol": pathway.auto_enrol,
        "tree": pathway.draft,
    }


async def _set_audiences(session: AsyncSession, pathway: Pathway, audiences: list[uuid.UUID] | None) -> None:
    if audiences is None:
        return
    await session.execute(delete(PathwayAudience).where(PathwayAudience.pathway_id == pathway.id))
    session.add_all(
        PathwayAudience(tenant_id=pathway.tenant_id, pathway_id=pathway.id, audience_id=a) for a in audiences
    )
    await session.flush()


async def create_pathway(session: AsyncSession, principal: Principal, given: PathwayInput) -> Pathway:
    """A draft pathway; learners can enrol once it is published."""
    _require_write(principal)
    if given.name is None or given.requirement is None:
        raise ValidationError("A pathway needs a name and a requirement tree.", "requirement" if given.name else "name")
    pathway_id = uuid7()
    values, built, audiences = await _validated(session, pathway_id, given, exclude=None)
    assert built is not None
    pathway = Pathway(
        tenant_id=principal.tenant_id, id=pathway_id, draft=built.to_json(), status="draft", version=0,
        **{"description": "", **values},
    )  # fmt: skip
    session.add(pathway)
    await session.flush()
    await _set_audiences(session, pathway, audiences)
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="pathway.created", subject_type="Pathway",
        subject_id=pathway.id, after=snapshot(pathway),
    )  # fmt: skip
    return pathway


async def get_pathway(
    session: AsyncSession, pathway_id: uuid.UUID, *, lock: bool = False, field: str = "id"
) -> Pathway:
    stmt = select(Pathway).where(Pathway.id == pathway_id)
    if lock:
        stmt = stmt.with_for_update()
    pathway = await session.scalar(stmt)
    if pathway is None:
        raise NotFoundError("No such pathway.", field)
    return pathway


async def _freeze(session: AsyncSession, pathway: Pathway) -> PathwayVersion:
    """Publish the draft as the next version."""
    root = trees.from_json(pathway.draft)
    pathway.version += 1
    version = PathwayVersion(
        tenant_id=pathway.tenant_id,
        pathway_id=pathway.id,
        version=pathway.version,
        tree=pathway.draft,
        capstone_badge_class_id=pathway.capstone_badge_class_id,
        refs=sorted(root.refs()),
    )
    session.add(version)
    await session.flush()
    return version


async def update_pathway(
    session: AsyncSession, principal: Principal, pathway_id: uuid.UUID, given: PathwayInput
) -> Pathway:
    """Change a pathway; only what is given changes. On a published pathway a new tree or capstone
    is published at once as a new version (enrolled learners keep theirs until migrated)."""
    _require_write(principal)
    pathway = await get_pathway(session, pathway_id, lock=True)
    if pathway.status == "archived":
        raise ValidationError("An archived pathway cannot be changed.", "id")
    before = snapshot(pathway)
    values, built, audiences = await _validated(session, pathway.id, given, exclude=pathway.id)
    for key, value in values.items():
        setattr(pathway, key, value)
    if built is not None:
        pathway.draft = built.to_json()
    await _set_audiences(session, pathway, audiences)
    action = "pathway.updated"
    changed_rules = built is not None or "capstone_badge_class_id" in values
    if pathway.status == "published" and changed_rules:
        await _freeze(session, pathway)
        action = "pathway.version_published"
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action=action, subject_type="Pathway",
        subject_id=pathway.id, before=before, after=snapshot(pathway),
    )  # fmt: skip
    return pathway


async def publish_pathway(session: AsyncSession, principal: Principal, pathway_id: uuid.UUID) -> Pathway:
    """Publish a draft as version 1 (learners can enrol; auto-enrolment runs as a job)."""
    _require_write(principal)
    pathway = await get_pathway(session, pathway_id, lock=True)
    if pathway.status != "draft":
        raise ValidationError(f"The pathway is {pathway.status}; only drafts are published.", "id")
    checks = Checks()
    given = _input_from(trees.from_json(pathway.draft))
    await _check_refs(session, given, pathway.capstone_badge_class_id, checks)  # a step archived meanwhile
    checks.done()
    before = snapshot(pathway)
    pathway.status = "published"
    pathway.published_at = datetime.now(UTC)
    await _freeze(session, pathway)
    if pathway.auto_enrol:
        await enqueue(session, pathway.tenant_id, ENROL_AUDIENCE_KIND, {"pathwayId": str(pathway.id)})
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="pathway.published", subject_type="Pathway",
        subject_id=pathway.id, before=before, after=snapshot(pathway),
    )  # fmt: skip
    return pathway


def _input_from(node: trees.Node, path: str = "requirement") -> trees.NodeInput:
    """A stored node as input again (to re-check its references)."""
    inner = f"{path}.allOf" if node.kind == "all_of" else f"{path}.nOf.of"
    children = [_input_from(c, f"{inner}.{i}") for i, c in enumerate(node.children)]
    return trees.NodeInput(
        path=path,
        milestone=node.milestone,
        badge=node.ref if node.kind == "badge" else None,
        course=node.ref if node.kind == "course" else None,
        all_of=children if node.kind == "all_of" else None,
        n_of=children if node.kind == "n_of" else None,
    )


async def archive_pathway(session: AsyncSession, principal: Principal, pathway_id: uuid.UUID) -> Pathway:
    """No new enrolments; current ones and awards already earned stay."""
    _require_write(principal)
    pathway = await get_pathway(session, pathway_id, lock=True)
    if pathway.status == "archived":
        return pathway
    before = snapshot(pathway)
    pathway.status = "archived"
    pathway.archived_at = datetime.now(UTC)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="pathway.archived", subject_type="Pathway",
        subject_id=pathway.id, before=before, after=snapshot(pathway),
    )  # fmt: skip
    return pathway


async def _open(session: AsyncSession, principal: Principal) -> Any:
    viewer = await viewer_of(session, principal)
    condition = open_to_viewer(viewer, PathwayAudience.pathway_id, PathwayAudience.audience_id, Pathway.id)
    if not _sees_drafts(principal):
        condition = condition & (Pathway.status != "draft")
    return condition


async def list_pathways(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    status: str | None = None,
) -> Page[Pathway]:
    """Pathways open to the principal (the visibility policy): published ones open to their
    audience, archived ones when asked for; drafts for issuers and admins."""
    if status is not None and status not in STATUSES:
        raise ValidationError("status must be DRAFT, PUBLISHED or ARCHIVED.", "filter.status")
    if status is None and not _sees_drafts(principal):
        status = "published"
    stmt = select(Pathway).where(await _open(session, principal))
    if status is not None:
        stmt = stmt.where(Pathway.status == status)
    return await paginate(session, stmt, Pathway.id, first, after, last=last, before=before)


async def visible_pathways_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Pathway]:
    stmt = select(Pathway).where(Pathway.id.in_(ids), await _open(session, principal))
    return {p.id: p for p in await session.scalars(stmt)}


async def pathways_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Pathway]:
    """Unfiltered: for relationship fields of objects the caller may already see (an enrolment's)."""
    return {p.id: p for p in await session.scalars(select(Pathway).where(Pathway.id.in_(ids)))}


async def audiences_by_pathway(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await session.execute(
        select(PathwayAudience.pathway_id, PathwayAudience.audience_id).where(PathwayAudience.pathway_id.in_(ids))
    )
    return group_by(ids, ((p, a) for p, a in rows))


async def versions_by_keys(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, int]]
) -> dict[tuple[uuid.UUID, int], PathwayVersion]:
    """Frozen versions by (pathway, version)."""
    if not keys:
        return {}
    pathway_ids = {k[0] for k in keys}
    rows = await session.scalars(select(PathwayVersion).where(PathwayVersion.pathway_id.in_(pathway_ids)))
    wanted = set(keys)
    return {(v.pathway_id, v.version): v for v in rows if (v.pathway_id, v.version) in wanted}


async def pathway_of_badge(session: AsyncSession, badge_id: uuid.UUID) -> Pathway | None:
    """The published pathway (first by name) open to everyone whose current version counts the
    badge class as a step or milestone, or awards it as its capstone: for public pages."""
    counted = select(PathwayVersion.pathway_id).where(
        PathwayVersion.pathway_id == Pathway.id,
        PathwayVersion.version == Pathway.version,
        PathwayVersion.refs.contains([badge_id]),
    )
    limited = select(PathwayAudience.pathway_id).where(PathwayAudience.pathway_id == Pathway.id)
    stmt = (
        select(Pathway)
        .where(Pathway.status == "published", counted.exists() | (Pathway.capstone_badge_class_id == badge_id))
        .where(~limited.exists())
        .order_by(Pathway.name)
        .limit(1)
    )
    return await session.scalar(stmt)


async def open_to_person(session: AsyncSession, pathway: Pathway, audience_id: uuid.UUID) -> bool:
    allowed = (await audiences_by_pathway(session, [pathway.id]))[pathway.id]
    return not allowed or audience_id in allowed
