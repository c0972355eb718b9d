"""Skill gaps: a person against a role, a team against a role, and skills lapsing soon.

A person's gap lists each skill the role requires with the required and current level, whether it
is met, and what would close it: published badge classes open to the person's audience that grant
the skill at the required level or higher, and published pathways open to them that count those.

A team is a manager's reports (direct and indirect), an audience, or the whole tenant; who may
look at which team follows the visibility policy (managers their reports, partner admins their
company, admins anyone), and only people the viewer sees in full are counted. Team figures are
computed in a fixed number of statements from the maintained skill profiles.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.platform.credentials.models import BadgeClass, BadgeClassAudience, BadgeClassSkill
from insignia.platform.pathways.models import Pathway, PathwayAudience, PathwayVersion
from insignia.platform.skills.models import PersonSkill, RoleSkill
from insignia.platform.skills.role import get_role
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Audience, Person
from insignia.tenants.visibility import Access, access_to, full_condition, reports_of, viewer_of

MAX_LAPSING_DAYS = 366
MAX_MATRIX = 500


@dataclass(frozen=True)
class Shortfall:
    skill_id: uuid.UUID
    required: int
    current: int
    closers: list[uuid.UUID]  # badge class ids
    pathways: list[uuid.UUID]

    @property
    def met(self) -> bool:
        return self.current >= self.required


@dataclass(frozen=True)
class Gap:
    role_id: uuid.UUID
    skills: list[Shortfall]

    @property
    def coverage(self) -> float:
        return sum(1 for s in self.skills if s.met) / len(self.skills) if self.skills else 1.0


def _open_to(audience_id: uuid.UUID, owner: Any, link_owner: Any, link_audience: Any) -> Any:
    restricted = select(link_owner).where(link_owner == owner)
    mine = select(link_owner).where(link_owner == owner, link_audience == audience_id)
    return or_(~restricted.exists(), mine.exists())


async def closers_for(
    session: AsyncSession, audience_id: uuid.UUID, wanted: Sequence[tuple[uuid.UUID, int]]
) -> tuple[dict[uuid.UUID, list[uuid.UUID]], dict[uuid.UUID, list[uuid.UUID]]]:
    """For each (skill, level): badge classes open to the audience granting it at that level or
    higher, and the published pathways open to the audience that count any of them."""
    if not wanted:
        return {}, {}
    conditions = [and_(BadgeClassSkill.skill_id == s, BadgeClassSkill.level >= level) for s, level in wanted]
    rows = await session.execute(
        select(BadgeClassSkill.skill_id, BadgeClassSkill.level, BadgeClass.id)
        .join(BadgeClass, BadgeClass.id == BadgeClassSkill.badge_class_id)
        .where(
            BadgeClass.status == "published",
            or_(*conditions),
            _open_to(audience_id, BadgeClass.id, BadgeClassAudience.badge_class_id, BadgeClassAudience.audience_id),
        )
        .order_by(BadgeClass.name)
    )
    required = dict(wanted)
    badges: dict[uuid.UUID, list[uuid.UUID]] = {s: [] for s, _ in wanted}
    for skill_id, level, badge_id in rows:
        if level >= required[skill_id]:
            badges[skill_id].append(badge_id)
    every = {b for ids in badges.values() for b in ids}
    pathways: dict[uuid.UUID, list[uuid.UUID]] = {s: [] for s, _ in wanted}
    if every:
        found = await session.execute(
            select(Pathway.id, PathwayVersion.refs)
            .join(
                PathwayVersion,
                and_(PathwayVersion.pathway_id == Pathway.id, PathwayVersion.version == Pathway.version),
            )
            .where(
                Pathway.status == "published",
                PathwayVersion.refs.overlap(list(every)),
                _open_to(audience_id, Pathway.id, PathwayAudience.pathway_id, PathwayAudience.audience_id),
            )
            .order_by(Pathway.name)
        )
        for pathway_id, refs in found:
            for skill_id, ids in badges.items():
                if set(ids) & set(refs):
                    pathways[skill_id].append(pathway_id)
    return badges, pathways


async def person_gap(session: AsyncSession, principal: Principal, person_id: uuid.UUID, role_id: uuid.UUID) -> Gap:
    """A person against a role (for the person, whoever sees them in full, and issuers)."""
    access = (await access_to(session, principal, [person_id])).get(person_id)
    if access is not Access.FULL and not principal.has(Scope.AWARDS_READ):
        raise NotFoundError("No such person.", "personId")
    person = await session.scalar(select(Person).where(Person.id == person_id))
    if person is None:
        raise NotFoundError("No such person.", "personId")
    await get_role(session, role_id, "roleId")
    required = (
        await session.execute(select(RoleSkill.skill_id, RoleSkill.level).where(RoleSkill.role_id == role_id))
    ).all()
    held = {
        s: level
        for s, level in await session.execute(
            select(PersonSkill.skill_id, PersonSkill.level).where(PersonSkill.person_id == person.id)
        )
    }
    missing = [(s, level) for s, level in required if held.get(s, 0) < level]
    badges, pathways = await closers_for(session, person.audience_id, missing)
    return Gap(
        role_id,
        [
            Shortfall(s, level, held.get(s, 0), badges.get(s, []), pathways.get(s, []))
            for s, level in sorted(required, key=lambda r: str(r[0]))
        ],
    )


@dataclass(frozen=True)
class SkillCoverage:
    skill_id: uuid.UUID
    required: int
    meeting: int
    people: int

    @property
    def coverage(self) -> float:
        return self.meeting / self.people if self.people else 0.0


@dataclass(frozen=True)
class TeamGap:
    role_id: uuid.UUID
    team: Any  # a subquery of the team's person ids
    people: int
    skills: list[SkillCoverage]

    @property
    def coverage(self) -> float:
        """Share of (person, required skill) pairs met."""
        total = sum(s.people for s in self.skills)
        return sum(s.meeting for s in self.skills) / total if total else 0.0

    def ranked(self) -> list[SkillCoverage]:
        """The biggest gaps first: most people missing the skill."""
        return sorted(self.skills, key=lambda s: (-(s.people - s.meeting), s.coverage, str(s.skill_id)))


async def team_of(
    session: AsyncSession, principal: Principal, *, manager_id: uuid.UUID | None, audience_id: uuid.UUID | None
) -> Any:
    """The team: a manager's reports (their ids, read once), or an audience or the tenant (a
    subquery), limited to active people the viewer sees in full. Asking for a team one may not see
    is refused."""
    viewer = await viewer_of(session, principal)
    if manager_id is not None and audience_id is not None:
        raise ValidationError("Give a manager or an audience, not both.", "audienceId")
    base = select(Person.id).where(Person.active, full_condition(viewer))
    me = principal.person.id if principal.person else None
    if manager_id is not None:
        full = principal.has(Scope.PEOPLE_READ)
        if not full and manager_id != me:
            # A manager may look at a sub-team of theirs (a lead among their reports).
            inside = None
            if me is not None:
                inside = await session.scalar(
                    select(Person.id).where(Person.id == manager_id, Person.id.in_(reports_of(me)))
                )
            if inside is None:
                raise PermissionDeniedError("You may see only your own team.", "managerId")
        # The reports of oneself or of one's report are all seen in full: the policy's condition
        # (a scan of the tenant's people) adds nothing, so the team is read once, by its ids.
        team = select(Person.id).where(Person.active, Person.id.in_(reports_of(manager_id)))
        return list(await session.scalars(team))
    if audience_id is not None:
        audience = await session.scalar(select(Audience).where(Audience.id == audience_id))
        if audience is None:
            raise NotFoundError("No such audience.", "audienceId")
        company_admin = (
            viewer.partner_company is not None
            and audience.kind == "partner"
            and (audience.partner_company or "").lower() == viewer.partner_company.lower()
        )
        if not principal.has(Scope.PEOPLE_READ) and not company_admin:
            raise PermissionDeniedError("Only admins see an audience's skills.", "audienceId")
        return base.where(Person.audience_id == audience_id)
    if principal.has(Scope.PEOPLE_READ) or viewer.partner_company is not None:
        return base  # the tenant (admins), or the partner admin's company (the policy's full set)
    if me is None:
        raise PermissionDeniedError("An API key needs the PEOPLE_READ scope.", "managerId")
    return list(await session.scalars(select(Person.id).where(Person.active, Person.id.in_(reports_of(me)))))


async def team_gap(
    session: AsyncSession,
    principal: Principal,
    role_id: uuid.UUID,
    *,
    manager_id: uuid.UUID | None = None,
    audience_id: uuid.UUID | None = None,
) -> TeamGap:
    """Coverage of a role's skills across a team, in three statements whatever its size."""
    await get_role(session, role_id, "roleId")
    found = await team_of(session, principal, manager_id=manager_id, audience_id=audience_id)
    if isinstance(found, list):
        members: Any = found
        people = len(found)
    else:
        team = found.subquery()
        members = select(team.c.id)
        people = int(await session.scalar(select(func.count()).select_from(team)) or 0)
    rows = await session.execute(
        select(RoleSkill.skill_id, RoleSkill.level, func.count(PersonSkill.person_id))
        .outerjoin(
            PersonSkill,
            and_(
                PersonSkill.skill_id == RoleSkill.skill_id,
                PersonSkill.level >= RoleSkill.level,
                PersonSkill.person_id.in_(members),
            ),
        )
        .where(RoleSkill.role_id == role_id)
        .group_by(RoleSkill.skill_id, RoleSkill.level)
    )
    skills = [SkillCoverage(s, level, int(n), people) for s, level, n in rows]
    return TeamGap(role_id, members, people, skills)


async def team_matrix(
    session: AsyncSession, gap: TeamGap, first: int | None
) -> list[tuple[Person, dict[uuid.UUID, int]]]:
    """People by skills: each person's level in each required skill (first ``first`` people by name)."""
    limit = max(1, min(first or 100, MAX_MATRIX))
    people = (
        await session.scalars(
            select(Person).where(Person.id.in_(gap.team)).order_by(Person.name, Person.id).limit(limit)
        )
    ).all()
    skill_ids = [s.skill_id for s in gap.skills]
    levels: dict[uuid.UUID, dict[uuid.UUID, int]] = {p.id: {} for p in people}
    if people and skill_ids:
        rows = await session.execute(
            select(PersonSkill.person_id, PersonSkill.skill_id, PersonSkill.level).where(
                PersonSkill.person_id.in_([p.id for p in people]), PersonSkill.skill_id.in_(skill_ids)
            )
        )
        for person_id, skill_id, level in rows:
            levels[person_id][skill_id] = level
    return [(p, levels[p.id]) for p in people]


@dataclass(frozen=True)
class Lapsing:
    person: Person
    skill_id: uuid.UUID
    level: int
    lapses_at: datetime


async def lapsing(session: AsyncSession, team: Any, days: int, skill_ids: Sequence[uuid.UUID] | None) -> list[Lapsing]:
    """Skills of the team's people that lapse within ``days`` (soonest first), so a manager can act
    before certifications expire."""
    if not 1 <= days <= MAX_LAPSING_DAYS:
        raise ValidationError(f"days must be between 1 and {MAX_LAPSING_DAYS}.", "days")
    until = datetime.now(UTC) + timedelta(days=days)
    stmt = (
        select(Person, PersonSkill.skill_id, PersonSkill.level, PersonSkill.lapses_at)
        .join(PersonSkill, PersonSkill.person_id == Person.id)
        .where(Person.id.in_(team), PersonSkill.lapses_at.is_not(None), PersonSkill.lapses_at <= until)
        .order_by(PersonSkill.lapses_at, Person.name)
        .limit(1000)
    )
    if skill_ids is not None:
        stmt = stmt.where(PersonSkill.skill_id.in_(skill_ids))
    return [Lapsing(p, s, level, at) for p, s, level, at in await session.execute(stmt) if at is not None]
