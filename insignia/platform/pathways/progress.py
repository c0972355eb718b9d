"""Progress along pathways: facts, evaluation of enrolments, milestones and capstones.

Evaluation is exact and immediate: an award issued, revoked, suspended, reinstated or expired, or a
completion recorded, schedules (``signals.touched``, same transaction) the re-evaluation of exactly
the enrolments whose version refers to it. Milestones and the capstone are awarded once (issuing is
idempotent). When a requirement is lost the progress goes back; an award already issued for a
milestone or the capstone stays, with an audit entry, unless its badge class is revoked with its
requirements (``revokeWithRequirements``).

Reads (``evaluations``) compute the same evaluation live, in a fixed number of statements for any
number of enrolments.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit
from insignia.infra.outbox import enqueue
from insignia.platform.credentials import award_status, issuing
from insignia.platform.credentials.models import Award, BadgeClass
from insignia.platform.engagement import points as engagement
from insignia.platform.insights import counters
from insignia.platform.learning.models import Completion, Course
from insignia.platform.pathways import tree as trees
from insignia.platform.pathways.models import Enrolment, Pathway, PathwayVersion
from insignia.tenants import webhook
from insignia.tenants.auth import operator_principal
from insignia.tenants.models import Person
from insignia.tenants.person import EMAIL_KIND

SYSTEM_ACTOR = "pathway"


async def facts_for(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], refs: set[uuid.UUID]
) -> dict[uuid.UUID, trees.Facts]:
    """What each person has done among ``refs``: active awards and completed courses (two
    statements, plus one for the names of the refs)."""
    now = datetime.now(UTC)
    held: dict[uuid.UUID, set[uuid.UUID]] = {p: set() for p in person_ids}
    done: dict[uuid.UUID, set[uuid.UUID]] = {p: set() for p in person_ids}
    names: dict[uuid.UUID, str] = {}
    if refs and person_ids:
        awards = await session.scalars(
            select(Award).where(
                Award.recipient_id.in_(person_ids),
                Award.badge_class_id.in_(refs),
                Award.revoked_at.is_(None),
                Award.superseded_at.is_(None),
            )
        )
        for award in awards:
            if award.status(now) == "active":
                held[award.recipient_id].add(award.badge_class_id)
        rows = await session.execute(
            select(Completion.person_id, Completion.course_id).where(
                Completion.person_id.in_(person_ids), Completion.course_id.in_(refs)
            )
        )
        for person_id, course_id in rows:
            done[person_id].add(course_id)
        badge_names = select(BadgeClass.id, BadgeClass.name).where(BadgeClass.id.in_(refs))
        course_names = select(Course.id, Course.title).where(Course.id.in_(refs))
        for ref, name in await session.execute(badge_names.union_all(course_names)):
            names[ref] = name
    return {p: trees.Facts(frozenset(held[p]), frozenset(done[p]), names) for p in person_ids}


@dataclass(frozen=True)
class Progress:
    enrolment: Enrolment
    version: PathwayVersion
    root: trees.Node
    evaluation: trees.Evaluation


async def evaluations(session: AsyncSession, enrolments: Sequence[Enrolment]) -> dict[uuid.UUID, Progress]:
    """The live evaluation of each enrolment, in four statements whatever their number."""
    if not enrolments:
        return {}
    keys = {(e.pathway_id, e.version) for e in enrolments}
    rows = await session.scalars(select(PathwayVersion).where(PathwayVersion.pathway_id.in_({k[0] for k in keys})))
    versions = {(v.pathway_id, v.version): v for v in rows if (v.pathway_id, v.version) in keys}
    roots = {key: trees.from_json(v.tree) for key, v in versions.items()}
    refs: set[uuid.UUID] = set()
    for root in roots.values():
        refs |= root.refs()
    facts = await facts_for(session, list({e.person_id for e in enrolments}), refs)
    out: dict[uuid.UUID, Progress] = {}
    for e in enrolments:
        key = (e.pathway_id, e.version)
        out[e.id] = Progress(e, versions[key], roots[key], trees.evaluate(roots[key], facts[e.person_id]))
    return out


async def _award_outcome(
    session: AsyncSession, enrolment: Enrolment, badge_id: uuid.UUID, earned: bool, what: str
) -> None:
    """Issue a milestone or capstone once earned; when its requirements are lost, revoke it if its
    badge class says so, else keep it and say so in the audit log."""
    if earned:
        await issuing.issue_award(
            session, None, tenant_id=enrolment.tenant_id, badge_class_id=badge_id, recipient_id=enrolment.person_id
        )
        return
    current = await session.scalar(
        select(Award).where(
            Award.badge_class_id == badge_id,
            Award.recipient_id == enrolment.person_id,
            Award.revoked_at.is_(None),
            Award.superseded_at.is_(None),
        )
    )
    if current is None:
        return
    badge = await session.scalar(select(BadgeClass).where(BadgeClass.id == badge_id))
    if badge is not None and badge.revoke_with_requirements:
        await award_status.revoke_award(
            session,
            operator_principal(enrolment.tenant_id),
            current.id,
            f"The requirements of the {what} in the pathway are no longer met.",
        )
        return
    await audit.record(
        session, enrolment.tenant_id, actor=SYSTEM_ACTOR, action="pathway.requirement_lost", subject_type="Award",
        subject_id=current.id, after={"enrolmentId": str(enrolment.id), "what": what, "kept": True},
    )  # fmt: skip


async def apply(session: AsyncSession, progress: Progress, now: datetime) -> None:
    """Write an enrolment's evaluation: percent, met steps, start and completion, milestones and
    capstone (awarded once), the ``pathway.completed`` event and email."""
    enrolment, evaluation = progress.enrolment, progress.evaluation
    previously_met = set(enrolment.met_nodes or [])
    met = evaluation.met_ids()
    enrolment.percent = round(evaluation.percent, 4)
    enrolment.met_nodes = met
    enrolment.evaluated_at = now
    if enrolment.started_at is None and evaluation.percent > 0:
        enrolment.started_at = now
    for node in progress.root.walk():
        if node.milestone is None:
            continue
        now_met = evaluation.outcomes[node.id].met
        if now_met != (str(node.id) in previously_met):
            await _award_outcome(session, enrolment, node.milestone, now_met, "milestone")
    capstone = progress.version.capstone_badge_class_id
    if evaluation.met and enrolment.completed_at is None:
        enrolment.completed_at = now
        if capstone is not None:
            await _award_outcome(session, enrolment, capstone, True, "capstone")
        await _completed(session, enrolment)
        await engagement.pathway_changed(session, enrolment, now)
    elif not evaluation.met and enrolment.completed_at is not None:
        enrolment.completed_at = None
        if capstone is not None:
            await _award_outcome(session, enrolment, capstone, False, "capstone")
        await engagement.pathway_changed(session, enrolment, now)
    await session.flush()


async def _completed(session: AsyncSession, enrolment: Enrolment) -> None:
    pathway = await session.scalar(select(Pathway).where(Pathway.id == enrolment.pathway_id))
    person = await session.scalar(select(Person).where(Person.id == enrolment.person_id))
    assert pathway is not None and person is not None
    data = {
        "enrolmentId": str(enrolment.id),
        "pathwayId": str(pathway.id),
        "personId": str(person.id),
        "version": enrolment.version,
        "completedAt": enrolment.completed_at.isoformat() if enrolment.completed_at else None,
    }
    await webhook.publish(session, enrolment.tenant_id, "pathway.completed", data)
    await counters.bump(
        session, enrolment.tenant_id, kind="pathway", subject_id=pathway.id, audience_id=person.audience_id,
        metric="completed",
    )  # fmt: skip
    if enrolment.completed_at is not None:
        await counters.record_earn_time(
            session, enrolment.tenant_id, kind="pathway", subject_id=pathway.id, audience_id=person.audience_id,
            started=enrolment.enrolled_at, finished=enrolment.completed_at,
        )  # fmt: skip
    if person.active:
        context = {"name": person.name, "pathway_name": pathway.name}
        await enqueue(
            session, enrolment.tenant_id, EMAIL_KIND,
            {"template": "pathway_completed", "to": person.email, "context": context},
        )  # fmt: skip


async def evaluate_person(
    session: AsyncSession, tenant_id: uuid.UUID, person_id: uuid.UUID, refs: Sequence[uuid.UUID] | None
) -> int:
    """Handler of ``pathway.evaluate``: re-evaluate the person's current enrolments whose version
    refers to ``refs`` (all of them when None), then their goals. The number of enrolments."""
    stmt = (
        select(Enrolment)
        .join(
            PathwayVersion,
            (PathwayVersion.pathway_id == Enrolment.pathway_id) & (PathwayVersion.version == Enrolment.version),
        )
        .where(Enrolment.person_id == person_id, Enrolment.unenrolled_at.is_(None))
        .with_for_update(of=Enrolment)
    )
    if refs:
        stmt = stmt.where(PathwayVersion.refs.overlap(list(refs)))
    enrolments = (await session.scalars(stmt)).all()
    now = datetime.now(UTC)
    for progress in (await evaluations(session, enrolments)).values():
        await apply(session, progress, now)
    from insignia.platform.pathways import goal  # goals read enrolments: evaluated after them

    await goal.settle(session, person_id)
    return len(enrolments)
