"""Role profiles: a job role's required skills and levels; a person's current and target roles.

Issuers and admins (``learning:write``) define roles. A person's current role is set by admins,
by their managers (for reports), by their partner admin, or by a group mapping from the SSO
connection or SCIM directory (``groupMappingCreate(input: {roleProfileId})``). Target roles are
goals: the person's own, or set by whoever sees them in full (their managers).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import Checks, ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.grouping import group_by
from insignia.infra.ids import uuid7
from insignia.infra.pagination import Page, paginate
from insignia.platform.learning.models import Skill
from insignia.platform.skills.models import PersonTargetRole, RoleProfile, RoleSkill
from insignia.tenants.audience import audiences_by_ids
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Person
from insignia.tenants.visibility import Access, access_to

MAX_SKILLS = 100
MAX_TARGETS = 10


def _require_write(principal: Principal) -> None:
    if not principal.has(Scope.LEARNING_WRITE):
        raise PermissionDeniedError("Only issuers and admins manage role profiles.")


@dataclass(frozen=True)
class RequiredSkill:
    skill_id: uuid.UUID
    level: int


async def _checked(
    session: AsyncSession,
    checks: Checks,
    *,
    name: str | None,
    description: str | None,
    audience_id: uuid.UUID | None,
    skills: Sequence[RequiredSkill] | None,
    exclude: uuid.UUID | None,
) -> dict[str, object]:
    values: dict[str, object] = {}
    if name is not None:
        title = checks.run(lambda: validation.text(name, "name"))
        if title is not None:
            clash = select(RoleProfile.id).where(RoleProfile.name == title)
            if exclude is not None:
                clash = clash.where(RoleProfile.id != exclude)
            if await session.scalar(clash) is not None:
                checks.errors.append(ConflictError(f"A role profile named {title!r} already exists.", "name"))
        values["name"] = title
    if description is not None:
        values["description"] = checks.run(
            lambda: validation.text(description, "description", max_length=5000, min_length=0)
        )
    if audience_id is not None:
        if audience_id not in await audiences_by_ids(session, [audience_id]):
            checks.errors.append(NotFoundError("No such audience.", "audienceId"))
        values["audience_id"] = audience_id
    if skills is not None:
        if len(skills) > MAX_SKILLS:
            checks.errors.append(ValidationError(f"At most {MAX_SKILLS} skills per role.", "skills"))
        found = set(await session.scalars(select(Skill.id).where(Skill.id.in_([s.skill_id for s in skills]))))
        seen: set[uuid.UUID] = set()
        for i, wanted in enumerate(skills):
            if wanted.skill_id not in found:
                checks.errors.append(NotFoundError("No such skill.", f"skills.{i}.skillId"))
            if wanted.skill_id in seen:
                checks.errors.append(ValidationError("The skill is listed twice.", f"skills.{i}.skillId"))
            seen.add(wanted.skill_id)
            if not 1 <= wanted.level <= 5:
                checks.errors.append(ValidationError("level must be between 1 and 5.", f"skills.{i}.level"))
    return values


async def _set_skills(session: AsyncSession, role: RoleProfile, skills: Sequence[RequiredSkill] | None) -> None:
    if skills is None:
        return
    await session.execute(delete(RoleSkill).where(RoleSkill.role_id == role.id))
    session.add_all(
        RoleSkill(tenant_id=role.tenant_id, role_id=role.id, skill_id=s.skill_id, level=s.level) for s in skills
    )
    await session.flush()


def _snapshot(role: RoleProfile, skills: Sequence[RequiredSkill] | None = None) -> dict[str, object]:
    data: dict[str, object] = {"name": role.name, "audienceId": role.audience_id}
    if skills is not None:
        data["skills"] = {str(s.skill_id): s.level for s in skills}
    return data


async def create_role(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    description: str = "",
    audience_id: uuid.UUID | None = None,
    skills: Sequence[RequiredSkill] = (),
) -> RoleProfile:
    """A job role with its required skills and levels (every invalid value reported at once)."""
    _require_write(principal)
    checks = Checks()
    values = await _checked(
        session, checks, name=name, description=description, audience_id=audience_id, skills=skills, exclude=None
    )
    checks.done()
    role = RoleProfile(tenant_id=principal.tenant_id, id=uuid7(), **values)
    session.add(role)
    await session.flush()
    await _set_skills(session, role, skills)
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="role_profile.created",
        subject_type="RoleProfile", subject_id=role.id, after=_snapshot(role, skills),
    )  # fmt: skip
    return role


async def update_role(
    session: AsyncSession,
    principal: Principal,
    role_id: uuid.UUID,
    *,
    name: str | None = None,
    description: str | None = None,
    audience_id: uuid.UUID | None = None,
    skills: Sequence[RequiredSkill] | None = None,
) -> RoleProfile:
    """Change a role; only what is given changes (``skills`` replaces the list)."""
    _require_write(principal)
    role = await get_role(session, role_id)
    before = _snapshot(role)
    checks = Checks()
    values = await _checked(
        session, checks, name=name, description=description, audience_id=audience_id, skills=skills, exclude=role.id
    )
    checks.done()
    for key, value in values.items():
        setattr(role, key, value)
    await _set_skills(session, role, skills)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="role_profile.updated",
        subject_type="RoleProfile", subject_id=role.id, before=before, after=_snapshot(role, skills),
    )  # fmt: skip
    return role


async def get_role(session: AsyncSession, role_id: uuid.UUID, field: str = "id") -> RoleProfile:
    role = await session.scalar(select(RoleProfile).where(RoleProfile.id == role_id))
    if role is None:
        raise NotFoundError("No such role profile.", field)
    return role


async def list_roles(session: AsyncSession, *, first: int | None, after: str | None) -> Page[RoleProfile]:
    return await paginate(session, select(RoleProfile), RoleProfile.id, first, after)


async def roles_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, RoleProfile]:
    return {r.id: r for r in await session.scalars(select(RoleProfile).where(RoleProfile.id.in_(ids)))}


async def skills_by_role(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[RoleSkill]]:
    rows = await session.scalars(select(RoleSkill).where(RoleSkill.role_id.in_(ids)).order_by(RoleSkill.skill_id))
    return group_by(ids, ((r.role_id, r) for r in rows))


async def _managed_person(session: AsyncSession, principal: Principal, person_id: uuid.UUID) -> Person:
    """The person, if the principal sees them in full (themselves, reports, company, admins)."""
    access = (await access_to(session, principal, [person_id])).get(person_id)
    if access is None:
        raise NotFoundError("No such person.", "personId")
    if access is not Access.FULL:
        raise PermissionDeniedError("You may set roles only for yourself and the people you manage.", "personId")
    person = await session.scalar(select(Person).where(Person.id == person_id))
    assert person is not None
    return person


async def set_current_role(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, role_id: uuid.UUID | None
) -> Person:
    """A person's current job role: set by admins, their managers or partner admin (not themselves)."""
    person = await _managed_person(session, principal, person_id)
    me = principal.person.id if principal.person else None
    if person.id == me and not principal.has(Scope.PEOPLE_WRITE):
        raise PermissionDeniedError("Your current role is set by your organisation.", "personId")
    if role_id is not None:
        await get_role(session, role_id, "roleId")
    before = {"jobRoleId": person.job_role_id}
    person.job_role_id = role_id
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="person.role_changed", subject_type="Person",
        subject_id=person.id, before=before, after={"jobRoleId": role_id},
    )  # fmt: skip
    return person


async def set_target_roles(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, role_ids: Sequence[uuid.UUID]
) -> Person:
    """The roles a person aims for (their own goal, or set by their manager); replaces the list."""
    person = await _managed_person(session, principal, person_id)
    ids = list(dict.fromkeys(role_ids))
    if len(ids) > MAX_TARGETS:
        raise ValidationError(f"At most {MAX_TARGETS} target roles.", "roleIds")
    found = await roles_by_ids(session, ids)
    for i, role_id in enumerate(ids):
        if role_id not in found:
            raise NotFoundError("No such role profile.", f"roleIds.{i}")
    await session.execute(delete(PersonTargetRole).where(PersonTargetRole.person_id == person.id))
    if ids:
        await session.execute(
            insert(PersonTargetRole).values(
                [
                    {"tenant_id": person.tenant_id, "person_id": person.id, "role_id": r, "set_by": principal.label}
                    for r in ids
                ]
            )
        )
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="person.target_roles_changed",
        subject_type="Person", subject_id=person.id, after={"roleIds": [str(r) for r in ids]},
    )  # fmt: skip
    return person


async def target_roles_of(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await session.execute(
        select(PersonTargetRole.person_id, PersonTargetRole.role_id)
        .where(PersonTargetRole.person_id.in_(person_ids))
        .order_by(PersonTargetRole.created_at)
    )
    return group_by(person_ids, ((p, r) for p, r in rows))
