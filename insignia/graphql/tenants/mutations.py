"""Mutations of the tenants area: audiences, people, API keys (tenant admins)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id
from insignia.graphql.tenants.types import (
    ApiKeyScope,
    ApiKeyType,
    AudienceKind,
    AudienceType,
    PersonType,
    Role,
    TenantSettingsType,
    Visibility,
    VisibilityReach,
)
from insignia.infra.errors import Checks, NotFoundError, ValidationError
from insignia.platform.engagement import profile as engagement_profile
from insignia.tenants import api_key as api_key_service
from insignia.tenants import audience as audience_service
from insignia.tenants import person as person_service
from insignia.tenants import tenant as tenant_service
from insignia.tenants.models import ApiKey, Audience, Person, TenantSettings

if TYPE_CHECKING:
    from insignia.graphql.engagement.types import LeaderboardParticipation

# The engagement area's enum, named lazily: this area does not import other GraphQL areas.
_ENGAGEMENT = "insignia.graphql.engagement.types"


def _award_id(value: str, field: str, checks: Checks) -> uuid.UUID | None:
    """An award's id, or None with the error noted (reported with every other error at once)."""
    try:
        return expect_id(value, "Award", field)
    except NotFoundError as exc:
        checks.errors.append(exc)
        return None


MAX_LIST_INPUT = 10


@strawberry.input
class AudienceCreateInput:
    kind: AudienceKind
    name: str
    partner_company: str | None = None


@strawberry.input
class AudienceUpdateInput:
    id: strawberry.ID
    name: str | None = None
    partner_company: str | None = strawberry.field(
        default=strawberry.UNSET, description="Null clears it; omitted leaves it."
    )


@strawberry.input
class PersonInviteInput:
    email: str
    name: str
    audience_id: strawberry.ID
    manager_id: strawberry.ID | None = None
    roles: list[Role] = strawberry.field(default_factory=lambda: [Role.LEARNER])


@strawberry.input
class PersonUpdateInput:
    id: strawberry.ID
    email: str | None = None
    name: str | None = None
    audience_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Null removes the manager; omitted leaves it."
    )
    roles: list[Role] | None = None
    locale: str | None = strawberry.field(
        default=None, description="The language of their emails (en, de, fr, es); empty: the organisation's."
    )


@strawberry.input
class ApiKeyCreateInput:
    name: str
    scopes: list[ApiKeyScope]


@strawberry.type
class AudiencePayload:
    audience: AudienceType | None
    errors: list[UserError]


@strawberry.type
class PersonPayload:
    person: PersonType | None
    errors: list[UserError]


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKeyType | None
    errors: list[UserError]


@strawberry.type
class ApiKeyCreatePayload:
    api_key: ApiKeyType | None
    secret: str | None = strawberry.field(description="The credential; shown this once, never again.")
    errors: list[UserError]


def _audience_payload(result: Audience | None, errors: list[UserError]) -> AudiencePayload:
    return AudiencePayload(audience=AudienceType.from_model(result) if result else None, errors=errors)


def _person_payload(result: Person | None, errors: list[UserError]) -> PersonPayload:
    return PersonPayload(person=PersonType.from_model(result) if result else None, errors=errors)


def _bounded(values: list[Role] | list[ApiKeyScope], field: str) -> list[str]:
    if len(values) > MAX_LIST_INPUT:
        raise ValidationError(f"{field} takes at most {MAX_LIST_INPUT} values", field)
    return [v.value for v in values]


def _roles(values: list[Role]) -> list[str]:
    return _bounded(values, "roles")


def _scopes(values: list[ApiKeyScope]) -> list[str]:
    return _bounded(values, "scopes")


@strawberry.input(description="What people of one audience kind see of people of another.")
class VisibilityRuleInput:
    viewer: AudienceKind
    subject: AudienceKind
    reach: VisibilityReach


@strawberry.input(description="Only the fields given change.")
class TenantSettingsUpdateInput:
    linked_in_organization_id: str | None = strawberry.field(
        default=None, description="The number in the organisation's LinkedIn company page URL; empty clears it."
    )
    visibility_rules: list[VisibilityRuleInput] | None = strawberry.field(
        default=None,
        description="Replaces the organisation's rules; pairs not named take the safe defaults (see Tenant.settings).",
    )
    default_award_visibility: Visibility | None = strawberry.field(
        default=None, description="The default of badge classes' default visibility for new awards."
    )
    award_acceptance: bool | None = strawberry.field(
        default=None, description="New awards wait for their recipient to accept them before anyone else sees them."
    )
    portal_url: str | None = strawberry.field(
        default=None, description="The learner portal emails send people to (https://...); empty clears it."
    )
    default_locale: str | None = strawberry.field(
        default=None, description="The language of emails to people who chose none (en, de, fr, es)."
    )


@strawberry.type
class TenantSettingsPayload:
    linked_in_organization_id: str | None
    settings: TenantSettingsType | None
    errors: list[UserError]


@strawberry.type
class TenantMutations:
    @strawberry.mutation(description="Organisation settings (admins).")
    async def tenant_settings_update(
        self, info: Info[Context, None], input: TenantSettingsUpdateInput
    ) -> TenantSettingsPayload:
        ctx = info.context

        rules = input.visibility_rules
        if rules is not None and len(rules) > 50:
            return TenantSettingsPayload(
                linked_in_organization_id=None,
                settings=None,
                errors=[UserError(code="INVALID", field="visibilityRules", message="At most 50 rules.")],
            )

        async def op(s: AsyncSession) -> TenantSettings:
            return await tenant_service.update_settings(
                s,
                ctx.principal,
                linkedin_organization_id=input.linked_in_organization_id,
                visibility_rules=[(r.viewer.value, r.subject.value, r.reach.value) for r in rules]
                if rules is not None
                else None,
                default_award_visibility=input.default_award_visibility.value
                if input.default_award_visibility
                else None,
                award_acceptance=input.award_acceptance,
                portal_url=input.portal_url,
                default_locale=input.default_locale,
            )

        result, errors = await run_mutation(ctx, op)
        return TenantSettingsPayload(
            linked_in_organization_id=result.linkedin_organization_id if result else None,
            settings=TenantSettingsType.from_model(result) if result else None,
            errors=errors,
        )

    @strawberry.mutation
    async def audience_create(self, info: Info[Context, None], input: AudienceCreateInput) -> AudiencePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Audience:
            return await audience_service.create_audience(
                s, ctx.principal, kind=input.kind.value, name=input.name, partner_company=input.partner_company
            )

        return _audience_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def audience_update(self, info: Info[Context, None], input: AudienceUpdateInput) -> AudiencePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Audience:
            company = input.partner_company
            return await audience_service.update_audience(
                s,
                ctx.principal,
                expect_id(input.id, "Audience"),
                name=input.name,
                partner_company=company if company is not strawberry.UNSET else None,
                clear_partner_company=company is None,
            )

        return _audience_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def person_invite(self, info: Info[Context, None], input: PersonInviteInput) -> PersonPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Person:
            return await person_service.invite_person(
                s,
                ctx.principal,
                email=input.email,
                name=input.name,
                audience_id=expect_id(input.audience_id, "Audience", "audienceId"),
                manager_id=expect_id(input.manager_id, "Person", "managerId") if input.manager_id else None,
                roles=_roles(input.roles),
            )

        return _person_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def person_update(self, info: Info[Context, None], input: PersonUpdateInput) -> PersonPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Person:
            manager = input.manager_id
            return await person_service.update_person(
                s,
                ctx.principal,
                expect_id(input.id, "Person"),
                email=input.email,
                name=input.name,
                audience_id=expect_id(input.audience_id, "Audience", "audienceId") if input.audience_id else None,
                manager_id=expect_id(manager, "Person", "managerId") if manager else None,
                clear_manager=manager is None,
                roles=_roles(input.roles) if input.roles is not None else None,
                locale=input.locale,
            )

        return _person_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(
        description=(
            "The signed-in person's choices: a public profile page; their DID for OB 3.0 credentials; "
            "a headline colleagues see (empty clears it); how they take part in leaderboards and the feed, the "
            "awards pinned first on their showcase (in order; empty unpins), the weekly digest of their team. "
            "Every invalid field is reported at once and nothing changes."
        )
    )
    async def viewer_profile_update(
        self,
        info: Info[Context, None],
        *,
        profile_public: bool | None = None,
        did: str | None = None,
        headline: str | None = None,
        leaderboard_participation: Annotated[LeaderboardParticipation, strawberry.lazy(_ENGAGEMENT)] | None = None,
        pinned_award_ids: list[strawberry.ID] | None = None,
        weekly_digest: bool | None = None,
        locale: Annotated[
            str | None,
            strawberry.argument(description="The language of their emails: en, de, fr or es; empty: the default."),
        ] = None,
    ) -> PersonPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Person:
            checks = Checks()
            pinned: list[uuid.UUID | None] | None = None
            if pinned_award_ids is not None:
                if len(pinned_award_ids) > engagement_profile.MAX_PINNED:
                    raise ValidationError(f"At most {engagement_profile.MAX_PINNED} pinned awards.", "pinnedAwardIds")
                pinned = [_award_id(v, f"pinnedAwardIds.{i}", checks) for i, v in enumerate(pinned_award_ids)]
            person = await checks.run_async(
                lambda: person_service.update_own_profile(
                    s, ctx.principal, profile_public=profile_public, did=did, headline=headline, locale=locale
                )
            )
            await engagement_profile.update_preferences(
                s,
                ctx.principal,
                checks,
                participation=leaderboard_participation.value if leaderboard_participation else None,
                pinned_award_ids=pinned,
                weekly_digest=weekly_digest,
            )
            checks.done()
            assert person is not None
            return person

        return _person_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="Deactivate a person: sign-in and existing tokens stop working at once.")
    async def person_deactivate(self, info: Info[Context, None], id: strawberry.ID) -> PersonPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> Person:
            return await person_service.deactivate_person(s, ctx.principal, expect_id(id, "Person"))

        return _person_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="Create an API key; its secret is in the payload once.")
    async def api_key_create(self, info: Info[Context, None], input: ApiKeyCreateInput) -> ApiKeyCreatePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> tuple[ApiKey, str]:
            return await api_key_service.create_api_key(s, ctx.principal, name=input.name, scopes=_scopes(input.scopes))

        result, errors = await run_mutation(ctx, op)
        if result is None:
            return ApiKeyCreatePayload(api_key=None, secret=None, errors=errors)
        key, secret = result
        return ApiKeyCreatePayload(api_key=ApiKeyType.from_model(key), secret=secret, errors=[])

    @strawberry.mutation
    async def api_key_revoke(self, info: Info[Context, None], id: strawberry.ID) -> ApiKeyPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> ApiKey:
            return await api_key_service.revoke_api_key(s, ctx.principal, expect_id(id, "ApiKey"))

        key, errors = await run_mutation(ctx, op)
        return ApiKeyPayload(api_key=ApiKeyType.from_model(key) if key else None, errors=errors)
