"""GraphQL types of the tenants area: Tenant, Audience, Person, ApiKey."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition

from insignia.graphql.branding.loaders import brand_by_audience_id_loader
from insignia.graphql.branding.types import Branding
from insignia.graphql.context import Context
from insignia.graphql.ids import expect_id, to_global_id
from insignia.graphql.node import Node
from insignia.graphql.pagination import Connection, build_connection
from insignia.graphql.tenants.loaders import (
    access_by_person_id_loader,
    audience_by_id_loader,
    role_profile_loader,
    skill_profile_loader,
    standing_by_person_id_loader,
    target_roles_loader,
    tenant_by_id_loader,
    visible_person_by_id_loader,
)
from insignia.platform.branding import brand as branding
from insignia.platform.credentials import award as award_service
from insignia.platform.credentials import eligibility as eligibility_service
from insignia.platform.engagement import points as points_service
from insignia.platform.engagement import profile as engagement_profile
from insignia.platform.learning import service as learning
from insignia.platform.openbadges.ob2 import Urls
from insignia.platform.pathways import enrolment as enrolment_service
from insignia.platform.pathways import goal as goal_service
from insignia.platform.pathways import recommendation as recommendation_service
from insignia.platform.skills import gap as gap_service
from insignia.tenants import models
from insignia.tenants.auth import Role as RoleValue
from insignia.tenants.auth import Scope
from insignia.tenants.tenant import get_settings
from insignia.tenants.visibility import Access, Reach, rules_from

if TYPE_CHECKING:
    from insignia.graphql.credentials.inputs import AwardFilter
    from insignia.graphql.credentials.types import AwardType, Eligibility
    from insignia.graphql.engagement.types import EngagementPreferencesType, PointEntryType, ShowcaseType
    from insignia.graphql.learning.schema import CompletionType
    from insignia.graphql.pathways.types import EnrolmentType, GoalType, RecommendationType
    from insignia.graphql.skills.schema import PersonSkillType, RoleProfileType, SkillGap

# Person's awards, progress and completions are types of the credentials and learning areas, which
# refer to Person: this area names them lazily (strawberry imports them when the schema is built)
# and never imports those areas; see _schema_type.
_CREDENTIAL_TYPES = "insignia.graphql.credentials.types"
_CREDENTIAL_INPUTS = "insignia.graphql.credentials.inputs"
_LEARNING = "insignia.graphql.learning.schema"
_PATHWAYS = "insignia.graphql.pathways.types"
_ENGAGEMENT = "insignia.graphql.engagement.types"
_SKILLS = "insignia.graphql.skills.schema"


def _schema_type(info: Info[Context, None], name: str) -> Any:
    """The class of the schema's object type ``name`` (resolved from the lazy annotations when the
    schema was built), to build values of another area's type without importing that area."""
    definition = info.schema.get_type_by_name(name)
    assert isinstance(definition, StrawberryObjectDefinition)
    return definition.origin


@strawberry.enum
class AudienceKind(Enum):
    EMPLOYEE = "employee"
    PARTNER = "partner"
    CUSTOMER = "customer"


@strawberry.enum
class Role(Enum):
    ADMIN = RoleValue.ADMIN.value
    MANAGER = RoleValue.MANAGER.value
    ISSUER = RoleValue.ISSUER.value
    LEARNER = RoleValue.LEARNER.value
    PARTNER_ADMIN = RoleValue.PARTNER_ADMIN.value


@strawberry.enum(description="What an API key may do.")
class ApiKeyScope(Enum):
    PEOPLE_READ = Scope.PEOPLE_READ.value
    PEOPLE_WRITE = Scope.PEOPLE_WRITE.value
    AUDIENCES_WRITE = Scope.AUDIENCES_WRITE.value
    WEBHOOKS_MANAGE = Scope.WEBHOOKS_MANAGE.value
    JOBS_MANAGE = Scope.JOBS_MANAGE.value
    LEARNING_WRITE = Scope.LEARNING_WRITE.value
    LEARNING_RECORD = Scope.LEARNING_RECORD.value
    BADGES_WRITE = Scope.BADGES_WRITE.value
    AWARDS_ISSUE = Scope.AWARDS_ISSUE.value
    AWARDS_READ = Scope.AWARDS_READ.value
    SCIM_PROVISION = Scope.SCIM_PROVISION.value


@strawberry.enum
class ImageFormat(Enum):
    PNG = "png"
    SVG = "svg"


@strawberry.enum(description="Who sees an award.")
class Visibility(Enum):
    PUBLIC = "public"
    TENANT = "tenant"
    PRIVATE = "private"


@strawberry.enum(description="How far people of one audience kind see people of another.")
class VisibilityReach(Enum):
    NONE = Reach.NONE.value
    SAME_COMPANY = Reach.SAME_COMPANY.value
    ALL = Reach.ALL.value


@strawberry.type
class VisibilityRule:
    viewer: AudienceKind
    subject: AudienceKind
    reach: VisibilityReach
    is_default: bool


@strawberry.type(name="TenantSettings", description="What the organisation's admins configure.")
class TenantSettingsType:
    linked_in_organization_id: str | None
    visibility_rules: list[VisibilityRule] = strawberry.field(
        description=(
            "Every pair of audience kinds: what people of `viewer` see of people of `subject` (managers always "
            "see their reports, admins everyone)."
        )
    )
    default_award_visibility: Visibility
    award_acceptance: bool
    portal_url: str | None
    default_locale: str = strawberry.field(description="The language of emails to people who chose none.")

    @classmethod
    def from_model(cls, settings: models.TenantSettings) -> TenantSettingsType:
        stored = settings.visibility_rules or {}
        effective = rules_from(stored)
        return cls(
            linked_in_organization_id=settings.linkedin_organization_id,
            visibility_rules=[
                VisibilityRule(
                    viewer=AudienceKind(v),
                    subject=AudienceKind(s),
                    reach=VisibilityReach(effective[(v, s)].value),
                    is_default=f"{v}:{s}" not in stored,
                )
                for v, s in effective
            ],
            default_award_visibility=Visibility(settings.default_award_visibility or "tenant"),
            award_acceptance=bool(settings.award_acceptance),
            portal_url=settings.portal_url,
            default_locale=settings.default_locale or "en",
        )


async def caller_tenant(ctx: Context) -> models.Tenant:
    """The caller's tenant (per-request loader)."""
    found = await tenant_by_id_loader(ctx).load(ctx.principal.tenant_id)
    assert found is not None  # the principal's tenant exists: it was checked at authentication
    return found


async def tenant_urls(ctx: Context) -> Urls:
    """The public URLs of the caller's tenant: pages, documents, images, profiles."""
    return Urls.for_tenant(ctx.settings.public_url, await caller_tenant(ctx))


@strawberry.type(name="Tenant")
class TenantType(Node):
    model: strawberry.Private[models.Tenant]
    slug: str
    name: str

    @strawberry.field
    async def branding(self, info: Info[Context, None]) -> Branding:
        ctx = info.context
        found = await ctx.run(lambda s: get_settings(s, self.model.id))
        return Branding.from_brand(branding.brand(Urls.for_tenant(ctx.settings.public_url, self.model), found))

    @strawberry.field(description="The organisation's settings (admins; null for anyone else).")
    async def settings(self, info: Info[Context, None]) -> TenantSettingsType | None:
        ctx = info.context
        if not ctx.principal.person_with(Scope.API_KEYS_MANAGE):
            return None
        found = await ctx.run(lambda s: get_settings(s, self.model.id))
        return TenantSettingsType.from_model(found)

    @classmethod
    def from_model(cls, tenant: models.Tenant) -> TenantType:
        return cls(id=to_global_id("Tenant", tenant.id), model=tenant, slug=tenant.slug, name=tenant.name)


@strawberry.type(name="Audience")
class AudienceType(Node):
    model: strawberry.Private[models.Audience]
    kind: AudienceKind
    name: str
    partner_company: str | None

    @strawberry.field(description="The brand its people see: its overrides over the organisation's.")
    async def branding(self, info: Info[Context, None]) -> Branding:
        ctx = info.context
        found = await brand_by_audience_id_loader(ctx, await tenant_urls(ctx)).load(self.model.id)
        assert found is not None  # every audience asked for is resolved
        return Branding.from_brand(found)

    @classmethod
    def from_model(cls, audience: models.Audience) -> AudienceType:
        return cls(
            model=audience,
            id=to_global_id("Audience", audience.id),
            kind=AudienceKind(audience.kind),
            name=audience.name,
            partner_company=audience.partner_company,
        )


async def _seen_in_full(info: Info[Context, None], person: models.Person) -> bool:
    """Whether the caller sees ``person`` in full (the visibility policy): email, roles, manager and
    sign-in details are for admins, the person's managers and the person; colleagues see less."""
    principal = info.context.principal
    if (principal.person is not None and principal.person.id == person.id) or principal.has(Scope.PEOPLE_READ):
        return True
    return await access_by_person_id_loader(info.context).load(person.id) is Access.FULL


@strawberry.type(
    name="Person",
    description=(
        "Someone in the organisation. Colleagues see their name, audience, headline and shared awards; "
        "email, roles, manager and DID are null unless you are an admin, one of their managers or them."
    ),
)
class PersonType(Node):
    model: strawberry.Private[models.Person]
    name: str
    active: bool
    created_at: datetime
    headline: str | None = strawberry.field(description="A line they wrote about themselves.")
    profile_public: bool = strawberry.field(description="Opted in to a public profile page.")

    @strawberry.field(description="Null for colleagues: only admins, their managers and they see it.")
    async def email(self, info: Info[Context, None]) -> str | None:
        return self.model.email if await _seen_in_full(info, self.model) else None

    @strawberry.field(description="The person's DID (the subject of their OB 3.0 credentials); null for colleagues.")
    async def did(self, info: Info[Context, None]) -> str | None:
        return self.model.did if await _seen_in_full(info, self.model) else None

    @strawberry.field(
        description="The language of their emails (en, de, fr, es); null: the organisation's default. "
        "Null for colleagues."
    )
    async def locale(self, info: Info[Context, None]) -> str | None:
        return self.model.locale if await _seen_in_full(info, self.model) else None

    @strawberry.field(description="Null for colleagues: only admins, their managers and they see it.")
    async def roles(self, info: Info[Context, None]) -> list[Role] | None:
        if not await _seen_in_full(info, self.model):
            return None
        return [Role(r) for r in self.model.roles]

    @strawberry.field
    async def audience(self, info: Info[Context, None]) -> AudienceType:
        audience = await audience_by_id_loader(info.context).load(self.model.audience_id)
        assert audience is not None  # a foreign key guarantees it
        return AudienceType.from_model(audience)

    @strawberry.field(description="Null for colleagues, and when the manager is someone you may not see.")
    async def manager(self, info: Info[Context, None]) -> PersonType | None:
        if self.model.manager_id is None or not await _seen_in_full(info, self.model):
            return None
        manager = await visible_person_by_id_loader(info.context).load(self.model.manager_id)
        return PersonType.from_model(manager) if manager else None

    @strawberry.field(description="The public profile page, when the person opted in.")
    async def profile_url(self, info: Info[Context, None]) -> str | None:
        if not self.model.profile_public:
            return None
        return (await tenant_urls(info.context)).profile(self.model.id)

    @strawberry.field(description="This person's awards that you may see.")
    async def awards(
        self,
        info: Info[Context, None],
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Annotated[AwardFilter, strawberry.lazy(_CREDENTIAL_INPUTS)] | None = None,
    ) -> Connection[Annotated[AwardType, strawberry.lazy(_CREDENTIAL_TYPES)]]:
        ctx = info.context
        wanted = filter.to_service() if filter else award_service.AwardFilter()
        wanted = dataclasses.replace(wanted, recipient_id=self.model.id)
        page = await ctx.run(
            lambda s: award_service.list_awards(
                s, ctx.principal, first=first, after=after, last=last, before=before, filter=wanted
            )
        )
        return build_connection(page, _schema_type(info, "Award").from_model)

    @strawberry.field(description="For each badge class open to this person: criteria met so far.")
    async def progress(
        self, info: Info[Context, None]
    ) -> list[Annotated[Eligibility, strawberry.lazy(_CREDENTIAL_TYPES)]]:
        ctx = info.context
        results = await ctx.run(lambda s: eligibility_service.progress_of(s, ctx.principal, self.model))
        eligibility = _schema_type(info, "Eligibility")
        return [eligibility.from_result(r) for r in results]

    @strawberry.field(description="Courses this person completed (themselves, their managers, issuers).")
    async def completions(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Annotated[CompletionType, strawberry.lazy(_LEARNING)]]:
        ctx = info.context
        page = await ctx.run(
            lambda s: learning.list_completions(
                s, ctx.principal, self.model, first=first, after=after, last=last, before=before
            )
        )
        return build_connection(page, _schema_type(info, "Completion").from_model)

    @strawberry.field(
        description="Pathways this person follows (themselves, their managers, admins); ended ones on request."
    )
    async def enrolments(
        self,
        info: Info[Context, None],
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        include_ended: bool = False,
    ) -> Connection[Annotated[EnrolmentType, strawberry.lazy(_PATHWAYS)]]:
        ctx = info.context
        page = await ctx.run(
            lambda s: enrolment_service.enrolments_of(
                s,
                ctx.principal,
                self.model,
                first=first,
                after=after,
                last=last,
                before=before,
                include_ended=include_ended,
            )
        )
        return build_connection(page, _schema_type(info, "Enrolment").from_model)

    @strawberry.field(description="This person's goals, newest first (themselves, their managers, admins).")
    async def goals(self, info: Info[Context, None]) -> list[Annotated[GoalType, strawberry.lazy(_PATHWAYS)]]:
        ctx = info.context
        found = await ctx.run(lambda s: goal_service.goals_of(s, ctx.principal, self.model))
        goal = _schema_type(info, "Goal")
        return [goal.from_model(g) for g in found]

    @strawberry.field(
        description="Next steps, best first, each with the reason (only what is open to the person's audience)."
    )
    async def recommendations(
        self, info: Info[Context, None], first: int | None = None
    ) -> list[Annotated[RecommendationType, strawberry.lazy(_PATHWAYS)]]:
        ctx = info.context
        found = await ctx.run(lambda s: recommendation_service.recommendations_for(s, ctx.principal, self.model, first))
        recommendation = _schema_type(info, "Recommendation")
        return [recommendation.from_value(r) for r in found]

    @strawberry.field(
        description=(
            "Skills held through active awards, at the highest level they give; null for colleagues "
            "(for the person, their managers, partner admin and admins)."
        )
    )
    async def skills(
        self, info: Info[Context, None]
    ) -> list[Annotated[PersonSkillType, strawberry.lazy(_SKILLS)]] | None:
        if not await _seen_in_full(info, self.model):
            return None
        rows = await skill_profile_loader(info.context).load(self.model.id)
        person_skill = _schema_type(info, "PersonSkill")
        return [person_skill.from_row(r) for r in rows]

    @strawberry.field(description="The person's current job role; null for colleagues.")
    async def current_role(
        self, info: Info[Context, None]
    ) -> Annotated[RoleProfileType, strawberry.lazy(_SKILLS)] | None:
        if self.model.job_role_id is None or not await _seen_in_full(info, self.model):
            return None
        found = await role_profile_loader(info.context).load(self.model.job_role_id)
        return _schema_type(info, "RoleProfile").from_model(found) if found else None

    @strawberry.field(description="Roles the person aims for; empty for colleagues.")
    async def target_roles(
        self, info: Info[Context, None]
    ) -> list[Annotated[RoleProfileType, strawberry.lazy(_SKILLS)]]:
        if not await _seen_in_full(info, self.model):
            return []
        ids = await target_roles_loader(info.context).load(self.model.id)
        found = await role_profile_loader(info.context).load_many(ids)
        role = _schema_type(info, "RoleProfile")
        return [role.from_model(r) for r in found if r is not None]

    @strawberry.field(description="Each skill the role requires: levels, met or not, and what would close it.")
    async def skill_gap(
        self, info: Info[Context, None], role_id: strawberry.ID
    ) -> Annotated[SkillGap, strawberry.lazy(_SKILLS)]:
        ctx = info.context
        role = expect_id(role_id, "RoleProfile", "roleId")
        value = await ctx.run(lambda s: gap_service.person_gap(s, ctx.principal, self.model.id, role))
        gap: SkillGap = _schema_type(info, "SkillGap").of(value)
        return gap

    @strawberry.field(
        description=(
            "All-time points; null unless the person takes part in leaderboards visibly, or you are them, "
            "their manager or an admin (a pseudonym would mean little if profiles showed the points)."
        )
    )
    async def points(self, info: Info[Context, None]) -> int | None:
        standing = await standing_by_person_id_loader(info.context).load(self.model.id)
        return standing.points if standing else None

    @strawberry.field(description="The person's profile inside the organisation, as you may see it.")
    async def showcase(self, info: Info[Context, None]) -> Annotated[ShowcaseType, strawberry.lazy(_ENGAGEMENT)] | None:
        if await access_by_person_id_loader(info.context).load(self.model.id) is None:
            return None
        showcase: ShowcaseType = _schema_type(info, "Showcase").from_model(self.model)
        return showcase

    @strawberry.field(description="The points ledger, newest first: every change with its reason; null for colleagues.")
    async def point_entries(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Annotated[PointEntryType, strawberry.lazy(_ENGAGEMENT)]] | None:
        if not await _seen_in_full(info, self.model):
            return None
        ctx = info.context
        page = await ctx.run(lambda s: points_service.entries_of(s, self.model.id, first=first, after=after))
        return build_connection(page, _schema_type(info, "PointEntry").from_model)

    @strawberry.field(description="Your own engagement choices and pseudonym; null for anyone else.")
    async def engagement(
        self, info: Info[Context, None]
    ) -> Annotated[EngagementPreferencesType, strawberry.lazy(_ENGAGEMENT)] | None:
        ctx = info.context
        me = ctx.principal.person
        if me is None or me.id != self.model.id:
            return None

        async def load(s: AsyncSession) -> tuple[Any, str]:
            profiles = await engagement_profile.profiles_by_person(s, [self.model.id])
            effective = await engagement_profile.participation_of(s, ctx.principal.tenant_id, self.model.id)
            return profiles.get(self.model.id), effective

        profile, effective = await ctx.run(load)
        preferences: EngagementPreferencesType = _schema_type(info, "EngagementPreferences").from_values(
            profile, effective
        )
        return preferences

    @classmethod
    def from_model(cls, person: models.Person) -> PersonType:
        return cls(
            id=to_global_id("Person", person.id),
            model=person,
            name=person.name,
            active=person.active,
            created_at=person.created_at,
            headline=person.headline,
            profile_public=person.profile_public,
        )


@strawberry.type(name="ApiKey")
class ApiKeyType(Node):
    name: str
    scopes: list[ApiKeyScope]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, key: models.ApiKey) -> ApiKeyType:
        return cls(
            id=to_global_id("ApiKey", key.id),
            name=key.name,
            scopes=[ApiKeyScope(s) for s in key.scopes],
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )
