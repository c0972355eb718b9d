"""Skills intelligence in GraphQL: role profiles, skill profiles, gaps (person and team), lapsing
skills; the person's skill fields are resolved through ``person_*`` helpers of this module."""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from insignia.graphql.context import Context, none
from insignia.graphql.credentials.loaders import award_by_id_loader, badge_class_by_id_loader
from insignia.graphql.credentials.types import AwardType, BadgeClassType
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id, to_global_id
from insignia.graphql.learning.schema import SkillType
from insignia.graphql.node import Node, node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.graphql.pathways.loaders import pathway_by_id_loader
from insignia.graphql.pathways.types import PathwayType
from insignia.graphql.tenants.loaders import audience_by_id_loader, role_profile_loader
from insignia.graphql.tenants.types import AudienceType, PersonType
from insignia.infra.errors import ValidationError
from insignia.platform.learning import service as learning
from insignia.platform.learning.models import Skill
from insignia.platform.skills import gap as gap_service
from insignia.platform.skills import role as roles
from insignia.platform.skills.models import PersonSkill, RoleProfile, RoleSkill
from insignia.tenants.models import Person

# --- loaders --------------------------------------------------------------------------------------


def skill_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Skill | None]:
    return ctx.loader("SkillByIdLoader", learning.skills_by_ids, none)


def skills_by_role_loader(ctx: Context) -> DataLoader[uuid.UUID, list[RoleSkill]]:
    return ctx.loader("RoleSkillsByRoleIdLoader", roles.skills_by_role, list)


async def _skill(info: Info[Context, None], skill_id: uuid.UUID) -> SkillType:
    found = await skill_by_id_loader(info.context).load(skill_id)
    assert found is not None  # a foreign key guarantees it
    return SkillType.from_model(found)


# --- types ----------------------------------------------------------------------------------------


@strawberry.type
class RoleSkillType:
    skill_id: strawberry.Private[uuid.UUID]
    level: int

    @strawberry.field
    async def skill(self, info: Info[Context, None]) -> SkillType:
        return await _skill(info, self.skill_id)


@strawberry.type(name="RoleProfile")
class RoleProfileType(Node):
    model: strawberry.Private[RoleProfile]
    name: str
    description: str

    @strawberry.field(description="The skills the role requires, each at a level.")
    async def skills(self, info: Info[Context, None]) -> list[RoleSkillType]:
        rows = await skills_by_role_loader(info.context).load(self.model.id)
        return [RoleSkillType(skill_id=r.skill_id, level=r.level) for r in rows]

    @strawberry.field
    async def audience(self, info: Info[Context, None]) -> AudienceType | None:
        if self.model.audience_id is None:
            return None
        found = await audience_by_id_loader(info.context).load(self.model.audience_id)
        return AudienceType.from_model(found) if found else None

    @classmethod
    def from_model(cls, r: RoleProfile) -> RoleProfileType:
        return cls(id=to_global_id("RoleProfile", r.id), model=r, name=r.name, description=r.description)


@strawberry.type(name="PersonSkill", description="A skill a person holds through active awards.")
class PersonSkillType:
    row: strawberry.Private[PersonSkill]
    level: int = strawberry.field(description="The highest level their active awards give (1-5).")
    lapses_at: str | None = strawberry.field(description="When the earliest of those awards expires.")

    @strawberry.field
    async def skill(self, info: Info[Context, None]) -> SkillType:
        return await _skill(info, self.row.skill_id)

    @strawberry.field(description="The awards that give it.")
    async def awards(self, info: Info[Context, None]) -> list[AwardType]:
        found = await award_by_id_loader(info.context).load_many(self.row.award_ids)
        return [AwardType.from_model(a) for a in found if a is not None]

    @classmethod
    def from_row(cls, row: PersonSkill) -> PersonSkillType:
        return cls(row=row, level=row.level, lapses_at=row.lapses_at.isoformat() if row.lapses_at else None)


async def _badges(info: Info[Context, None], ids: list[uuid.UUID]) -> list[BadgeClassType]:
    found = await badge_class_by_id_loader(info.context).load_many(ids)
    return [BadgeClassType.from_model(b) for b in found if b is not None]


async def _pathways(info: Info[Context, None], ids: list[uuid.UUID]) -> list[PathwayType]:
    found = await pathway_by_id_loader(info.context).load_many(ids)
    return [PathwayType.from_model(p) for p in found if p is not None]


@strawberry.type
class SkillShortfall:
    value: strawberry.Private[gap_service.Shortfall]
    required_level: int
    current_level: int
    met: bool

    @strawberry.field
    async def skill(self, info: Info[Context, None]) -> SkillType:
        return await _skill(info, self.value.skill_id)

    @strawberry.field(description="Badge classes open to the person that grant the skill at the required level.")
    async def closers(self, info: Info[Context, None]) -> list[BadgeClassType]:
        return await _badges(info, self.value.closers)

    @strawberry.field(description="Pathways open to the person that count one of those badge classes.")
    async def pathways(self, info: Info[Context, None]) -> list[PathwayType]:
        return await _pathways(info, self.value.pathways)

    @classmethod
    def of(cls, value: gap_service.Shortfall) -> SkillShortfall:
        return cls(value=value, required_level=value.required, current_level=value.current, met=value.met)


@strawberry.type
class SkillGap:
    role_id: strawberry.Private[uuid.UUID]
    coverage: float = strawberry.field(description="Share of the role's skills met (0-1).")
    skills: list[SkillShortfall]

    @classmethod
    def of(cls, value: gap_service.Gap) -> SkillGap:
        shortfalls = [SkillShortfall.of(x) for x in value.skills]
        return cls(role_id=value.role_id, coverage=round(value.coverage, 4), skills=shortfalls)

    @strawberry.field
    async def role(self, info: Info[Context, None]) -> RoleProfileType:
        found = await role_profile_loader(info.context).load(self.role_id)
        assert found is not None
        return RoleProfileType.from_model(found)


@strawberry.type
class SkillCoverageType:
    value: strawberry.Private[gap_service.SkillCoverage]
    required_level: int
    meeting: int = strawberry.field(description="People meeting the required level.")
    missing: int
    coverage: float

    @strawberry.field
    async def skill(self, info: Info[Context, None]) -> SkillType:
        return await _skill(info, self.value.skill_id)

    @classmethod
    def of(cls, v: gap_service.SkillCoverage) -> SkillCoverageType:
        return cls(
            value=v, required_level=v.required, meeting=v.meeting, missing=v.people - v.meeting,
            coverage=round(v.coverage, 4),
        )  # fmt: skip


@strawberry.type
class SkillCell:
    skill_id: strawberry.Private[uuid.UUID]
    level: int = strawberry.field(description="0 when the person does not hold the skill.")
    required_level: int
    met: bool

    @strawberry.field
    async def skill(self, info: Info[Context, None]) -> SkillType:
        return await _skill(info, self.skill_id)


@strawberry.type
class TeamMember:
    person: PersonType
    skills: list[SkillCell]
    met: int = strawberry.field(description="How many of the role's skills the person meets.")


@strawberry.type
class LapsingSkill:
    person: PersonType
    level: int
    lapses_at: str
    skill_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def skill(self, info: Info[Context, None]) -> SkillType:
        return await _skill(info, self.skill_id)


@strawberry.type
class TeamSkillGap:
    value: strawberry.Private[gap_service.TeamGap]
    people: int = strawberry.field(description="People in the team (active, seen in full by you).")
    coverage: float = strawberry.field(description="Share of (person, required skill) pairs met (0-1).")

    @strawberry.field
    async def role(self, info: Info[Context, None]) -> RoleProfileType:
        found = await role_profile_loader(info.context).load(self.value.role_id)
        assert found is not None
        return RoleProfileType.from_model(found)

    @strawberry.field(description="Coverage per required skill.")
    def skills(self) -> list[SkillCoverageType]:
        return [SkillCoverageType.of(s) for s in self.value.skills]

    @strawberry.field(description="The biggest gaps first: the skills most people miss.")
    def gaps(self, first: int | None = None) -> list[SkillCoverageType]:
        ranked = [s for s in self.value.ranked() if s.meeting < s.people]
        return [SkillCoverageType.of(s) for s in ranked[: max(1, min(first or 10, 100))]]

    @strawberry.field(description="People by skills (by name; at most 500).")
    async def matrix(self, info: Info[Context, None], first: int | None = None) -> list[TeamMember]:
        rows = await info.context.run(lambda s: gap_service.team_matrix(s, self.value, first))
        required = {c.skill_id: c.required for c in self.value.skills}
        return [
            TeamMember(
                person=PersonType.from_model(person),
                skills=[
                    SkillCell(skill_id=s, level=levels.get(s, 0), required_level=r, met=levels.get(s, 0) >= r)
                    for s, r in required.items()
                ],
                met=sum(1 for s, r in required.items() if levels.get(s, 0) >= r),
            )
            for person, levels in rows
        ]

    @strawberry.field(description="The role's skills held by the team that lapse within `days` (soonest first).")
    async def lapsing(self, info: Info[Context, None], days: int = 30, all_skills: bool = False) -> list[LapsingSkill]:
        skill_ids = None if all_skills else [c.skill_id for c in self.value.skills]
        found = await info.context.run(lambda s: gap_service.lapsing(s, self.value.team, days, skill_ids))
        return [
            LapsingSkill(
                person=PersonType.from_model(x.person), level=x.level, lapses_at=x.lapses_at.isoformat(),
                skill_id=x.skill_id,
            )
            for x in found
        ]  # fmt: skip


# --- inputs, queries, mutations -------------------------------------------------------------------


@strawberry.input
class RoleSkillInput:
    skill_id: strawberry.ID
    level: int = 1


@strawberry.input
class RoleProfileCreateInput:
    name: str
    description: str = ""
    audience_id: strawberry.ID | None = None
    skills: list[RoleSkillInput] = strawberry.field(default_factory=list)


@strawberry.input(description="Only the fields given change; skills replaces the list.")
class RoleProfileUpdateInput:
    id: strawberry.ID
    name: str | None = None
    description: str | None = None
    audience_id: strawberry.ID | None = None
    skills: list[RoleSkillInput] | None = None


def _required(values: list[RoleSkillInput] | None) -> list[roles.RequiredSkill] | None:
    if values is None:
        return None
    if len(values) > roles.MAX_SKILLS:
        raise ValidationError(f"At most {roles.MAX_SKILLS} skills per role.", "skills")
    return [
        roles.RequiredSkill(expect_id(v.skill_id, "Skill", f"skills.{i}.skillId"), v.level)
        for i, v in enumerate(values)
    ]


@strawberry.type
class RoleProfilePayload:
    role_profile: RoleProfileType | None
    errors: list[UserError]


@strawberry.type
class PersonRolesPayload:
    person: PersonType | None
    errors: list[UserError]


@strawberry.type
class SkillsQueries:
    @strawberry.field(description="The organisation's role profiles.")
    async def role_profiles(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[RoleProfileType]:
        page = await info.context.run(lambda s: roles.list_roles(s, first=first, after=after))
        return build_connection(page, RoleProfileType.from_model)

    @strawberry.field(
        description=(
            "A team against a role: a manager's (transitive) reports (default: yours), an audience, or the "
            "tenant (admins, without arguments); partner admins see their company."
        )
    )
    async def team_skill_gap(
        self,
        info: Info[Context, None],
        role_id: strawberry.ID,
        manager_id: strawberry.ID | None = None,
        audience_id: strawberry.ID | None = None,
    ) -> TeamSkillGap:
        ctx = info.context
        role = expect_id(role_id, "RoleProfile", "roleId")
        manager = expect_id(manager_id, "Person", "managerId") if manager_id else None
        audience = expect_id(audience_id, "Audience", "audienceId") if audience_id else None
        value = await ctx.run(
            lambda s: gap_service.team_gap(s, ctx.principal, role, manager_id=manager, audience_id=audience)
        )
        return TeamSkillGap(value=value, people=value.people, coverage=round(value.coverage, 4))


@strawberry.type
class SkillsMutations:
    @strawberry.mutation(description="A job role with the skills and levels it needs (issuers, admins).")
    async def role_profile_create(self, info: Info[Context, None], input: RoleProfileCreateInput) -> RoleProfilePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> RoleProfile:
            return await roles.create_role(
                s,
                ctx.principal,
                name=input.name,
                description=input.description,
                audience_id=expect_id(input.audience_id, "Audience", "audienceId") if input.audience_id else None,
                skills=_required(input.skills) or [],
            )

        result, errors = await run_mutation(ctx, op)
        return RoleProfilePayload(role_profile=RoleProfileType.from_model(result) if result else None, errors=errors)

    @strawberry.mutation
    async def role_profile_update(self, info: Info[Context, None], input: RoleProfileUpdateInput) -> RoleProfilePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> RoleProfile:
            return await roles.update_role(
                s,
                ctx.principal,
                expect_id(input.id, "RoleProfile"),
                name=input.name,
                description=input.description,
                audience_id=expect_id(input.audience_id, "Audience", "audienceId") if input.audience_id else None,
                skills=_required(input.skills),
            )

        result, errors = await run_mutation(ctx, op)
        return RoleProfilePayload(role_profile=RoleProfileType.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="A person's current job role (admins, their managers, their partner admin).")
    async def person_role_set(
        self, info: Info[Context, None], person_id: strawberry.ID, role_id: strawberry.ID | None
    ) -> PersonRolesPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Person:
            return await roles.set_current_role(
                s,
                ctx.principal,
                expect_id(person_id, "Person", "personId"),
                expect_id(role_id, "RoleProfile", "roleId") if role_id else None,
            )

        result, errors = await run_mutation(ctx, op)
        return PersonRolesPayload(person=PersonType.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="The roles a person aims for: their own goal, or set by their manager.")
    async def person_target_roles_set(
        self, info: Info[Context, None], person_id: strawberry.ID, role_ids: list[strawberry.ID]
    ) -> PersonRolesPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Person:
            if len(role_ids) > roles.MAX_TARGETS:
                raise ValidationError(f"At most {roles.MAX_TARGETS} target roles.", "roleIds")
            return await roles.set_target_roles(
                s,
                ctx.principal,
                expect_id(person_id, "Person", "personId"),
                [expect_id(r, "RoleProfile", f"roleIds.{i}") for i, r in enumerate(role_ids)],
            )

        result, errors = await run_mutation(ctx, op)
        return PersonRolesPayload(person=PersonType.from_model(result) if result else None, errors=errors)


@node_resolver("RoleProfile")
async def _role_node(ctx: Context, value: uuid.UUID) -> RoleProfileType | None:
    found = await role_profile_loader(ctx).load(value)
    return RoleProfileType.from_model(found) if found else None
