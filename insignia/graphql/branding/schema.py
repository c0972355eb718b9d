"""Queries and mutations of the branding area: designs, brands (tenant and audience), domains."""

from __future__ import annotations

import base64
import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from insignia.graphql.branding.inputs import AudienceBrandingUpdateInput, BadgeDesignInput, BrandFieldsInput
from insignia.graphql.branding.types import Branding, TenantDomainType
from insignia.graphql.context import Context
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id
from insignia.graphql.node import node_resolver
from insignia.graphql.tenants.mutations import AudiencePayload
from insignia.graphql.tenants.types import AudienceType, tenant_urls
from insignia.platform.branding import badges, icons, render
from insignia.platform.branding import brand as brands
from insignia.platform.branding import domain as domains
from insignia.platform.branding.models import TenantDomain
from insignia.tenants import audience as audience_service
from insignia.tenants.auth import Scope, require_person_with
from insignia.tenants.models import Audience


@strawberry.input(description="The organisation's brand; only the fields given change.")
class TenantBrandingUpdateInput(BrandFieldsInput):
    pass


@strawberry.type
class TenantBrandingPayload:
    branding: Branding | None
    errors: list[UserError]


@strawberry.type
class TenantDomainPayload:
    domain: TenantDomainType | None
    errors: list[UserError]


def _require_admin(ctx: Context) -> None:
    require_person_with(ctx.principal, Scope.API_KEYS_MANAGE, "Only tenant admins can see branding previews.")


def resolver(ctx: Context) -> domains.Resolver:
    return domains.DnsResolver(ctx.settings.dns_nameservers)


@strawberry.type
class BrandingQueries:
    @strawberry.field(description="The SVG of a design, not saved (issuers and admins).")
    async def badge_design_preview(self, info: Info[Context, None], input: BadgeDesignInput) -> str:
        ctx = info.context
        design = input.to_design()
        urls = await tenant_urls(ctx)
        svg, _palette = await ctx.run(lambda s: badges.preview(s, ctx.principal, urls, design))
        return svg

    @strawberry.field(
        description=(
            "A design drawn as PNG, not saved: a data: URL to show at once (600 x 600, or the 1200 x 630 "
            "Open Graph card)."
        )
    )
    async def badge_design_preview_png(
        self, info: Info[Context, None], input: BadgeDesignInput, open_graph: bool = False
    ) -> str:
        ctx = info.context
        design = input.to_design()
        urls = await tenant_urls(ctx)
        svg, palette = await ctx.run(lambda s: badges.preview(s, ctx.principal, urls, design))
        if open_graph:
            tenant_name = (await ctx.run(lambda s: _tenant_name(s, ctx.principal.tenant_id))) or ""
            image = render.og_png(design, palette, tenant_name, badges.OG_CAPTION)
        else:
            image = render.png(svg)
        return "data:image/png;base64," + base64.b64encode(image).decode()

    @strawberry.field(description="The names of the designer's built-in icons.")
    def badge_icons(self) -> list[str]:
        return list(icons.NAMES)

    @strawberry.field(description="The branding that applies to an audience (its overrides over the tenant's).")
    async def branding_preview(self, info: Info[Context, None], audience_id: strawberry.ID | None = None) -> Branding:
        ctx = info.context
        _require_admin(ctx)
        audience = expect_id(audience_id, "Audience", "audienceId") if audience_id is not None else None
        urls = await tenant_urls(ctx)

        async def load(s: AsyncSession) -> brands.Brand:
            if audience is not None:
                await audience_service.get_audience(s, audience, "audienceId")
            return await brands.resolve(s, urls, ctx.principal.tenant_id, audience)

        return Branding.from_brand(await ctx.run(load))

    @strawberry.field(description="The organisation's custom domains (admins).")
    async def tenant_domains(self, info: Info[Context, None]) -> list[TenantDomainType]:
        ctx = info.context
        require_person_with(ctx.principal, Scope.API_KEYS_MANAGE, "Only tenant admins can see domains.")
        rows = await ctx.run(domains.list_domains)
        return [TenantDomainType.from_model(r) for r in rows]


async def _tenant_name(session: AsyncSession, tenant_id: uuid.UUID) -> str | None:
    from insignia.tenants.tenant import get_tenant

    return (await get_tenant(session, tenant_id)).name


def _domain_payload(row: TenantDomain | None, errors: list[UserError]) -> TenantDomainPayload:
    return TenantDomainPayload(domain=TenantDomainType.from_model(row) if row else None, errors=errors)


@strawberry.type
class BrandingMutations:
    @strawberry.mutation(
        description=(
            "The organisation's brand (admins): colours, typography, logos, email sender, support URL, footer. "
            "Text must reach WCAG AA (4.5:1) on the background."
        )
    )
    async def tenant_branding_update(
        self, info: Info[Context, None], input: TenantBrandingUpdateInput
    ) -> TenantBrandingPayload:
        ctx = info.context
        urls = await tenant_urls(ctx)

        async def op(s: AsyncSession) -> brands.Brand:
            return await brands.update_tenant_branding(s, ctx.principal, urls, input.to_changes())

        result, errors = await run_mutation(ctx, op)
        return TenantBrandingPayload(branding=Branding.from_brand(result) if result else None, errors=errors)

    @strawberry.mutation(description="A partner or customer audience's own brand over the organisation's (admins).")
    async def audience_branding_update(
        self, info: Info[Context, None], input: AudienceBrandingUpdateInput
    ) -> AudiencePayload:
        ctx = info.context
        urls = await tenant_urls(ctx)

        async def op(s: AsyncSession) -> Audience:
            audience_id = expect_id(input.audience_id, "Audience", "audienceId")
            return await brands.update_audience_branding(s, ctx.principal, urls, audience_id, input.to_changes())

        result, errors = await run_mutation(ctx, op)
        return AudiencePayload(audience=AudienceType.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(
        description="Add a domain to verify by DNS (admins); the payload says which TXT record to publish."
    )
    async def tenant_domain_add(self, info: Info[Context, None], domain: str) -> TenantDomainPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> TenantDomain:
            return await domains.add_domain(s, ctx.principal, domain, ctx.settings.public_url)

        return _domain_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(
        description="Check a domain's TXT record now; found, the domain becomes the organisation's public origin."
    )
    async def tenant_domain_verify(self, info: Info[Context, None], id: strawberry.ID) -> TenantDomainPayload:
        ctx = info.context
        dns = resolver(ctx)

        async def op(s: AsyncSession) -> TenantDomain:
            return await domains.verify_domain(s, ctx.principal, expect_id(id, "TenantDomain"), dns)

        return _domain_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="Stop serving on a domain and forget it (admins).")
    async def tenant_domain_remove(self, info: Info[Context, None], id: strawberry.ID) -> TenantDomainPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> TenantDomain:
            return await domains.remove_domain(s, ctx.principal, expect_id(id, "TenantDomain"))

        return _domain_payload(*await run_mutation(ctx, op))


@node_resolver("TenantDomain")
async def _domain_node(ctx: Context, value: uuid.UUID) -> TenantDomainType | None:
    if not ctx.principal.person_with(Scope.API_KEYS_MANAGE):
        return None
    rows = await ctx.run(domains.list_domains)
    found = next((r for r in rows if r.id == value), None)
    return TenantDomainType.from_model(found) if found else None
