"""Enrolments: who follows which pathway, at which version.

A learner enrols themselves in a published pathway open to their audience; a manager enrols their
reports, a partner admin the people of their company, issuers and admins anyone (one, a list, or
a whole audience as a job); a pathway can enrol its audiences by itself (``autoEnrol``).
Unenrolling keeps the enrolment (and its progress) as history. Badges and courses earned before
enrolment count: each new enrolment is evaluated at once (a job).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit
from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.ids import uuid7
from insignia.infra.outbox import enqueue
from insignia.infra.pagination import Page, paginate
from insignia.platform.insights import counters
from insignia.platform.pathways.models import Enrolment, Pathway, PathwayAudience
from insignia.platform.pathways.pathway import ENROL_AUDIENCE_KIND, get_pathway
from insignia.platform.pathways.signals import EVALUATE_KIND
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person
from insignia.tenants.visibility import Access, access_to

MAX_PEOPLE = 500


async def _enrollable(session: AsyncSession, pathway_id: uuid.UUID) -> Pathway:
    pathway = await get_pathway(session, pathway_id, field="pathwayId")
    if pathway.status != "published":
        raise ValidationError(f"The pathway is {pathway.status}; only published pathways take enrolments.", "pathwayId")
    return pathway


async def _enrol_many(session: AsyncSession, pathway: Pathway, people: Sequence[Person], actor: str) -> list[Enrolment]:
    """Enrol ``people`` (already checked) in the pathway's current version; existing current
    enrolments are kept as they are. Each new one is evaluated by a job."""
    if not people:
        return []
    rows = [
        {
            "tenant_id": pathway.tenant_id,
            "id": uuid7(),
            "pathway_id": pathway.id,
            "person_id": p.id,
            "version": pathway.version,
            "enrolled_by": actor,
            "met_nodes": [],
        }
        for p in people
    ]
    inserted = await session.execute(
        insert(Enrolment)
        .values(rows)
        .on_conflict_do_nothing(
            index_elements=["tenant_id", "pathway_id", "person_id"], index_where=Enrolment.unenrolled_at.is_(None)
        )
        .returning(Enrolment.person_id)
    )
    new = set(inserted.scalars())
    for person_id in new:
        await enqueue(session, pathway.tenant_id, EVALUATE_KIND, {"personId": str(person_id), "refs": []})
    by_audience: dict[uuid.UUID, int] = {}
    for p in people:
        if p.id in new:
            by_audience[p.audience_id] = by_audience.get(p.audience_id, 0) + 1
    for audience_id, n in by_audience.items():
        await counters.bump(
            session, pathway.tenant_id, kind="pathway", subject_id=pathway.id, audience_id=audience_id,
            metric="enrolled", delta=n,
        )  # fmt: skip
    found = await session.scalars(
        select(Enrolment)
        .where(
            Enrolment.pathway_id == pathway.id,
            Enrolment.person_id.in_([p.id for p in people]),
            Enrolment.unenrolled_at.is_(None),
        )
        .execution_options(populate_existing=True)
    )
    by_person = {e.person_id: e for e in found}
    return [by_person[p.id] for p in people if p.id in by_person]


async def enrol(
    session: AsyncSession,
    principal: Principal,
    pathway_id: uuid.UUID,
    *,
    person_ids: Sequence[uuid.UUID] | None = None,
    audience_id: uuid.UUID | None = None,
) -> list[Enrolment]:
    """Enrol the signed-in person (no ids), the given people, or (a job) a whole audience."""
    pathway = await _enrollable(session, pathway_id)
    allowed = [a for a, in (await session.execute(select(PathwayAudience.audience_id).where(
        PathwayAudience.pathway_id == pathway.id))).all()]  # fmt: skip
    if audience_id is not None:
        if person_ids is not None:
            raise ValidationError("Give people or an audience, not both.", "audienceId")
        if not principal.has(Scope.BADGES_WRITE):
            raise PermissionDeniedError("Only issuers and admins enrol a whole audience.")
        if allowed and audience_id not in allowed:
            raise ValidationError("The pathway is not open to this audience.", "audienceId")
        await enqueue(
            session, pathway.tenant_id, ENROL_AUDIENCE_KIND,
            {"pathwayId": str(pathway.id), "audienceId": str(audience_id), "actor": principal.label},
        )  # fmt: skip
        return []
    if person_ids is None:
        if principal.person is None:
            raise ValidationError("An API key enrols people by id (personIds).", "personIds")
        person_ids = [principal.person.id]
    ids = list(dict.fromkeys(person_ids))
    if not ids or len(ids) > MAX_PEOPLE:
        raise ValidationError(f"Give between 1 and {MAX_PEOPLE} people.", "personIds")
    access = await access_to(session, principal, ids)
    people = {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(ids)))}
    for i, person_id in enumerate(ids):
        where = f"personIds.{i}"
        # Others are enrolled by whoever sees them in full: their managers, partner admin, admins.
        if person_id not in people or person_id not in access:
            raise NotFoundError("No such person.", where)
        if access[person_id] is not Access.FULL:
            raise PermissionDeniedError("You may enrol only yourself and the people you manage.", where)
        person = people[person_id]
        if not person.active:
            raise ValidationError("The person has been deactivated.", where)
        if allowed and person.audience_id not in allowed:
            raise ValidationError("The pathway is not open to the person's audience.", where)
    enrolments = await _enrol_many(session, pathway, [people[i] for i in ids], principal.label)
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="pathway.enrolled", subject_type="Pathway",
        subject_id=pathway.id, after={"personIds": [str(i) for i in ids], "version": pathway.version},
    )  # fmt: skip
    return enrolments


async def enrol_audience(
    session: AsyncSession, pathway_id: uuid.UUID, audience_id: uuid.UUID | None, actor: str
) -> int:
    """Job ``pathway.enrol_audience``: enrol every active person of the audience (or, without one,
    of every audience the pathway is open to: auto-enrolment); the number newly enrolled."""
    pathway = await session.scalar(select(Pathway).where(Pathway.id == pathway_id))
    if pathway is None or pathway.status != "published":
        return 0
    stmt = select(Person).where(Person.active)
    if audience_id is not None:
        stmt = stmt.where(Person.audience_id == audience_id)
    else:
        allowed = select(PathwayAudience.audience_id).where(PathwayAudience.pathway_id == pathway.id)
        restricted = await session.scalar(select(func.count()).select_from(allowed.subquery()))
        if restricted:
            stmt = stmt.where(Person.audience_id.in_(allowed))
    already = select(Enrolment.person_id).where(Enrolment.pathway_id == pathway.id)
    people = (await session.scalars(stmt.where(Person.id.not_in(already)))).all()
    await _enrol_many(session, pathway, people, actor)
    return len(people)


async def auto_enrol_all(session: AsyncSession) -> int:
    """For the scheduler (in a tenant's transaction): newcomers of auto-enrolling pathways' audiences."""
    total = 0
    for pathway_id in await session.scalars(
        select(Pathway.id).where(Pathway.auto_enrol, Pathway.status == "published")
    ):
        total += await enrol_audience(session, pathway_id, None, "auto")
    return total


async def get_enrolment(session: AsyncSession, principal: Principal, enrolment_id: uuid.UUID) -> Enrolment:
    """An enrolment the principal sees: their own, or of someone they see in full."""
    enrolment = await session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id))
    if enrolment is None:
        raise NotFoundError("No such enrolment.", "id")
    full = (await access_to(session, principal, [enrolment.person_id])).get(enrolment.person_id) is Access.FULL
    if not full and not principal.has(Scope.AWARDS_READ):
        raise NotFoundError("No such enrolment.", "id")
    return enrolment


async def unenrol(session: AsyncSession, principal: Principal, enrolment_id: uuid.UUID) -> Enrolment:
    """End an enrolment; it stays, with its progress, as history."""
    enrolment = await get_enrolment(session, principal, enrolment_id)
    if enrolment.unenrolled_at is None:
        enrolment.unenrolled_at = datetime.now(UTC)
        await session.flush()
        await audit.record(
            session, principal.tenant_id, actor=principal.label, action="pathway.unenrolled",
            subject_type="Enrolment", subject_id=enrolment.id,
        )  # fmt: skip
    return enrolment


async def migrate(session: AsyncSession, principal: Principal, pathway_id: uuid.UUID) -> int:
    """Move every current enrolment of older versions to the pathway's newest version; progress
    counts again wherever the same badge or course appears (each is re-evaluated). The number moved."""
    if not principal.has(Scope.BADGES_WRITE):
        raise PermissionDeniedError("Only issuers and admins move enrolments to a new version.")
    pathway = await get_pathway(session, pathway_id)
    moved = (
        (
            await session.execute(
                update(Enrolment)
                .where(
                    Enrolment.pathway_id == pathway.id,
                    Enrolment.unenrolled_at.is_(None),
                    Enrolment.version < pathway.version,
                )
                .values(version=pathway.version, met_nodes=[], completed_at=None)
                .returning(Enrolment.person_id)
            )
        )
        .scalars()
        .all()
    )
    for person_id in moved:
        await enqueue(session, pathway.tenant_id, EVALUATE_KIND, {"personId": str(person_id), "refs": []})
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="pathway.migrated", subject_type="Pathway",
        subject_id=pathway.id, after={"version": pathway.version, "enrolments": len(moved)},
    )  # fmt: skip
    return len(moved)


async def enrolments_of(
    session: AsyncSession, principal: Principal, person: Person, *, first: int | None, after: str | None,
    last: int | None = None, before: str | None = None, include_ended: bool = False,
) -> Page[Enrolment]:  # fmt: skip
    """A person's enrolments: for themselves, whoever sees them in full, and issuers."""
    full = (await access_to(session, principal, [person.id])).get(person.id) is Access.FULL
    if not full and not principal.has(Scope.AWARDS_READ):
        raise PermissionDeniedError("You cannot see this person's enrolments.")
    stmt = select(Enrolment).where(Enrolment.person_id == person.id)
    if not include_ended:
        stmt = stmt.where(Enrolment.unenrolled_at.is_(None))
    return await paginate(session, stmt, Enrolment.id, first, after, last=last, before=before)


async def current_enrolments(
    session: AsyncSession, person_id: uuid.UUID, pathway_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Enrolment]:
    """The person's current enrolment in each of ``pathway_ids`` (for ``Pathway.viewerEnrolment``)."""
    rows = await session.scalars(
        select(Enrolment).where(
            Enrolment.person_id == person_id, Enrolment.pathway_id.in_(pathway_ids), Enrolment.unenrolled_at.is_(None)
        )
    )
    return {e.pathway_id: e for e in rows}
