"""Queries of the tenants area, and how ``node(id)`` finds their objects."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.ids import expect_id
from insignia.graphql.node import node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.graphql.tenants.types import ApiKeyType, AudienceType, PersonType, Role, TenantType
from insignia.tenants import api_key as api_key_service
from insignia.tenants import audience as audience_service
from insignia.tenants import person as person_service
from insignia.tenants import tenant as tenant_service
from insignia.tenants.auth import Role as RoleValue


@strawberry.input
class PersonFilter:
    audience_id: strawberry.ID | None = None
    role: Role | None = None
    active: bool | None = None
    search: str | None = strawberry.field(
        default=None, description="Part of the name (or of the email, among the people you see in full)."
    )
    reports_only: bool = strawberry.field(default=False, description="Only your reports, direct and indirect.")

    def to_service(self) -> person_service.PersonFilter:
        return person_service.PersonFilter(
            audience_id=expect_id(self.audience_id, "Audience", "filter.audienceId") if self.audience_id else None,
            role=RoleValue(self.role.value) if self.role else None,
            active=self.active,
            search=self.search,
            reports_only=self.reports_only,
        )


@strawberry.type
class TenantQueries:
    @strawberry.field(description="The signed-in person; null when the caller is an API key.")
    def viewer(self, info: Info[Context, None]) -> PersonType | None:
        person = info.context.principal.person
        return PersonType.from_model(person) if person else None

    @strawberry.field(description="The caller's organisation.")
    async def tenant(self, info: Info[Context, None]) -> TenantType:
        ctx = info.context
        tenant = await ctx.run(lambda s: tenant_service.get_tenant(s, ctx.principal.tenant_id))
        return TenantType.from_model(tenant)

    @strawberry.field
    async def audiences(self, info: Info[Context, None]) -> list[AudienceType]:
        rows = await info.context.run(audience_service.list_audiences)
        return [AudienceType.from_model(a) for a in rows]

    @strawberry.field(
        description=(
            "The people you may see: everyone for admins; your reports (direct and indirect) and your partner "
            "company for partner admins, in full; colleagues by the organisation's visibility rules."
        )
    )
    async def people(
        self,
        info: Info[Context, None],
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: PersonFilter | None = None,
    ) -> Connection[PersonType]:
        ctx = info.context
        service_filter = filter.to_service() if filter else None
        page = await ctx.run(
            lambda s: person_service.list_people(
                s, ctx.principal, first=first, after=after, last=last, before=before, filter=service_filter
            )
        )
        return build_connection(page, PersonType.from_model)

    @strawberry.field(description="The organisation's API keys (admins).")
    async def api_keys(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ApiKeyType]:
        ctx = info.context
        page = await ctx.run(
            lambda s: api_key_service.list_api_keys(
                s, ctx.principal, first=first, after=after, last=last, before=before
            )
        )
        return build_connection(page, ApiKeyType.from_model)


@node_resolver("Tenant")
async def _tenant_node(ctx: Context, value: uuid.UUID) -> TenantType | None:
    if value != ctx.principal.tenant_id:
        return None
    return TenantType.from_model(await ctx.run(lambda s: tenant_service.get_tenant(s, value)))


@node_resolver("Audience")
async def _audience_node(ctx: Context, value: uuid.UUID) -> AudienceType | None:
    found = await ctx.run(lambda s: audience_service.audiences_by_ids(s, [value]))
    return AudienceType.from_model(found[value]) if value in found else None


@node_resolver("Person")
async def _person_node(ctx: Context, value: uuid.UUID) -> PersonType | None:
    found = await ctx.run(lambda s: person_service.visible_people_by_ids(s, ctx.principal, [value]))
    return PersonType.from_model(found[value]) if value in found else None


@node_resolver("ApiKey")
async def _api_key_node(ctx: Context, value: uuid.UUID) -> ApiKeyType | None:
    found = await ctx.run(lambda s: api_key_service.api_keys_by_ids(s, ctx.principal, [value]))
    return ApiKeyType.from_model(found[value]) if value in found else None
