"""Sign-in configuration for tenant admins: SSO connections, portal origins, group mappings."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id, to_global_id
from insignia.graphql.node import Node, node_resolver
from insignia.graphql.tenants.loaders import audience_by_id_loader
from insignia.graphql.tenants.types import AudienceType, Role
from insignia.infra.crypto import SecretBox
from insignia.infra.errors import PermissionDeniedError
from insignia.tenants import groups as group_service
from insignia.tenants import sso as sso_service
from insignia.tenants import tenant as tenant_service
from insignia.tenants.auth import Scope
from insignia.tenants.models import GroupMapping, SsoConnection, Tenant, TenantSettings


@strawberry.enum
class SsoProtocol(Enum):
    OIDC = "oidc"
    SAML = "saml"


@strawberry.type(description="Which claim (OIDC) or attribute (SAML) carries each piece of a person.")
class AttributeMapping:
    email: str
    name: str
    groups: str


@strawberry.type(name="SsoConnection")
class SsoConnectionType(Node):
    model: strawberry.Private[SsoConnection]
    name: str
    protocol: SsoProtocol
    enabled: bool
    jit_provisioning: bool = strawberry.field(description="Whether unknown people are added at their first sign-in.")
    allowed_domains: list[str] = strawberry.field(description="Email domains accepted; empty accepts any.")
    attribute_mapping: AttributeMapping
    login_url: str = strawberry.field(description="Where a portal sends a person to sign in through this connection.")
    callback_url: str | None = strawberry.field(description="OIDC only: the redirect URI to register at the IdP.")
    sp_metadata_url: str | None = strawberry.field(
        description="SAML only: this connection's service-provider metadata."
    )
    sp_entity_id: str | None = strawberry.field(description="SAML only: our entity id (the assertions' audience).")
    acs_url: str | None = strawberry.field(description="SAML only: where the IdP posts its responses.")
    oidc_issuer: str | None
    oidc_client_id: str | None
    oidc_scopes: list[str] | None
    client_secret_set: bool = strawberry.field(description="OIDC: a client secret is stored (it is never shown).")
    saml_entity_id: str | None
    saml_sso_url: str | None
    saml_slo_url: str | None
    saml_certificate_fingerprints: list[str] = strawberry.field(description="SHA-256 of the trusted IdP certificates.")
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="Where people added at first sign-in land (unless a group mapping says otherwise).")
    async def audience(self, info: Info[Context, None]) -> AudienceType:
        audience = await audience_by_id_loader(info.context).load(self.model.audience_id)
        assert audience is not None  # a foreign key guarantees it
        return AudienceType.from_model(audience)

    @classmethod
    def from_model(cls, public_url: str, tenant: Tenant, connection: SsoConnection) -> SsoConnectionType:
        urls = sso_service.ConnectionUrls.build(public_url, tenant, connection.id)
        is_saml = connection.protocol == "saml"
        mapping = connection.attribute_mapping or {}
        return cls(
            id=to_global_id("SsoConnection", connection.id),
            model=connection,
            name=connection.name,
            protocol=SsoProtocol(connection.protocol),
            enabled=connection.enabled,
            jit_provisioning=connection.jit_provisioning,
            allowed_domains=list(connection.allowed_domains),
            attribute_mapping=AttributeMapping(
                email=mapping.get("email", "email"),
                name=mapping.get("name", "name"),
                groups=mapping.get("groups", "groups"),
            ),
            login_url=urls.login,
            callback_url=None if is_saml else urls.callback,
            sp_metadata_url=urls.sp_metadata if is_saml else None,
            sp_entity_id=urls.sp_entity_id if is_saml else None,
            acs_url=urls.acs if is_saml else None,
            oidc_issuer=connection.oidc_issuer,
            oidc_client_id=connection.oidc_client_id,
            oidc_scopes=list(connection.oidc_scopes) if connection.oidc_scopes is not None else None,
            client_secret_set=connection.oidc_client_secret_encrypted is not None,
            saml_entity_id=connection.saml_idp_entity_id,
            saml_sso_url=connection.saml_idp_sso_url,
            saml_slo_url=connection.saml_idp_slo_url,
            saml_certificate_fingerprints=[
                sso_service.certificate_fingerprint(c) for c in connection.saml_idp_certificates or []
            ],
            created_at=connection.created_at,
            updated_at=connection.updated_at,
        )


@strawberry.input
class AttributeMappingInput:
    email: str | None = None
    name: str | None = None
    groups: str | None = None


@strawberry.input
class OidcSettingsInput:
    issuer: str | None = strawberry.field(default=None, description="The issuer (or its discovery URL).")
    client_id: str | None = None
    client_secret: str | None = strawberry.field(default=None, description="Stored encrypted; never shown again.")
    scopes: list[str] | None = strawberry.field(default=None, description="Default: openid email profile.")


@strawberry.input
class SamlSettingsInput:
    metadata_xml: str | None = strawberry.field(
        default=None, description="The IdP's metadata document; fills entity id, endpoints and certificates."
    )
    entity_id: str | None = None
    sso_url: str | None = strawberry.field(default=None, description="SingleSignOnService (HTTP-Redirect).")
    slo_url: str | None = strawberry.field(default=None, description="SingleLogoutService (HTTP-Redirect).")
    certificates: list[str] | None = strawberry.field(default=None, description="IdP signing certificates (PEM).")


@strawberry.input
class SsoConnectionCreateInput:
    name: str
    protocol: SsoProtocol
    audience_id: strawberry.ID
    enabled: bool = True
    jit_provisioning: bool = True
    allowed_domains: list[str] = strawberry.field(default_factory=list)
    attribute_mapping: AttributeMappingInput | None = None
    oidc: OidcSettingsInput | None = None
    saml: SamlSettingsInput | None = None


@strawberry.input
class SsoConnectionUpdateInput:
    id: strawberry.ID
    name: str | None = None
    audience_id: strawberry.ID | None = None
    enabled: bool | None = None
    jit_provisioning: bool | None = None
    allowed_domains: list[str] | None = None
    attribute_mapping: AttributeMappingInput | None = None
    oidc: OidcSettingsInput | None = None
    saml: SamlSettingsInput | None = None


@strawberry.type
class SsoConnectionPayload:
    sso_connection: SsoConnectionType | None
    errors: list[UserError]


@strawberry.type(name="GroupMapping")
class GroupMappingType(Node):
    model: strawberry.Private[GroupMapping]
    group_name: str
    role: Role | None
    connection_id: strawberry.ID | None = strawberry.field(
        description="The SSO connection whose groups this maps; null: the SCIM directory's groups."
    )
    role_profile_id: strawberry.ID | None = strawberry.field(
        description="The job role (role profile) people of this group have."
    )

    @strawberry.field
    async def audience(self, info: Info[Context, None]) -> AudienceType | None:
        if self.model.audience_id is None:
            return None
        audience = await audience_by_id_loader(info.context).load(self.model.audience_id)
        return AudienceType.from_model(audience) if audience else None

    @classmethod
    def from_model(cls, mapping: GroupMapping) -> GroupMappingType:
        return cls(
            id=to_global_id("GroupMapping", mapping.id),
            model=mapping,
            group_name=mapping.group_name,
            role=Role(mapping.role) if mapping.role else None,
            connection_id=to_global_id("SsoConnection", mapping.connection_id) if mapping.connection_id else None,
            role_profile_id=to_global_id("RoleProfile", mapping.role_profile_id) if mapping.role_profile_id else None,
        )


@strawberry.input
class GroupMappingCreateInput:
    group_name: str = strawberry.field(description="As the IdP's groups claim or SCIM names it (any case).")
    role: Role | None = None
    audience_id: strawberry.ID | None = None
    connection_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Map the groups of this SSO connection; omit for the SCIM directory's groups. A mapping "
        "applies only to groups from its own source.",
    )
    role_profile_id: strawberry.ID | None = strawberry.field(
        default=None, description="The job role (a role profile) people of this group have."
    )


@strawberry.type
class GroupMappingPayload:
    group_mapping: GroupMappingType | None
    errors: list[UserError]


@strawberry.type
class PortalOriginsPayload:
    portal_origins: list[str] | None
    errors: list[UserError]


def _mapping(value: AttributeMappingInput | None) -> dict[str, str | None] | None:
    if value is None:
        return None
    return {"email": value.email, "name": value.name, "groups": value.groups}


def _oidc(value: OidcSettingsInput | None) -> sso_service.OidcSettings | None:
    if value is None:
        return None
    return sso_service.OidcSettings(
        issuer=value.issuer, client_id=value.client_id, client_secret=value.client_secret, scopes=value.scopes
    )


def _saml(value: SamlSettingsInput | None) -> sso_service.SamlSettings | None:
    if value is None:
        return None
    return sso_service.SamlSettings(
        metadata_xml=value.metadata_xml,
        entity_id=value.entity_id,
        sso_url=value.sso_url,
        slo_url=value.slo_url,
        certificates=value.certificates,
    )


def _box(ctx: Context) -> SecretBox:
    return SecretBox(ctx.settings.secret_key)


def _allow_http(ctx: Context) -> bool:
    return ctx.settings.env != "production"


async def _connection_types(ctx: Context, connections: list[SsoConnection]) -> list[SsoConnectionType]:
    if not connections:
        return []
    tenant = await ctx.run(lambda s: tenant_service.get_tenant(s, ctx.principal.tenant_id))
    return [SsoConnectionType.from_model(ctx.settings.public_url, tenant, c) for c in connections]


async def _connection_payload(
    ctx: Context, connection: SsoConnection | None, errors: list[UserError]
) -> SsoConnectionPayload:
    found = await _connection_types(ctx, [connection] if connection else [])
    return SsoConnectionPayload(sso_connection=found[0] if found else None, errors=errors)


def _mapping_payload(mapping: GroupMapping | None, errors: list[UserError]) -> GroupMappingPayload:
    return GroupMappingPayload(group_mapping=GroupMappingType.from_model(mapping) if mapping else None, errors=errors)


@strawberry.type
class SsoQueries:
    @strawberry.field(description="The organisation's sign-in connections (admins).")
    async def sso_connections(self, info: Info[Context, None]) -> list[SsoConnectionType]:
        ctx = info.context
        rows = await ctx.run(lambda s: sso_service.list_connections(s, ctx.principal))
        return await _connection_types(ctx, list(rows))

    @strawberry.field(description="What directory groups mean here (admins).")
    async def group_mappings(self, info: Info[Context, None]) -> list[GroupMappingType]:
        ctx = info.context
        rows = await ctx.run(lambda s: group_service.list_group_mappings(s, ctx.principal))
        return [GroupMappingType.from_model(m) for m in rows]

    @strawberry.field(description="Origins of the organisation's portals: CORS and sign-in return URLs (admins).")
    async def portal_origins(self, info: Info[Context, None]) -> list[str]:
        ctx = info.context
        if not ctx.principal.person_with(Scope.SSO_MANAGE):
            raise PermissionDeniedError("Only tenant admins can see the organisation's portals.")
        found = await ctx.run(lambda s: tenant_service.get_settings(s, ctx.principal.tenant_id))
        return list(found.portal_origins or [])


@strawberry.type
class SsoMutations:
    @strawberry.mutation
    async def sso_connection_create(
        self, info: Info[Context, None], input: SsoConnectionCreateInput
    ) -> SsoConnectionPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> SsoConnection:
            return await sso_service.create_connection(
                s,
                ctx.principal,
                _box(ctx),
                name=input.name,
                protocol=input.protocol.value,
                audience_id=expect_id(input.audience_id, "Audience", "audienceId"),
                enabled=input.enabled,
                jit_provisioning=input.jit_provisioning,
                allowed_domains=input.allowed_domains,
                attribute_mapping=_mapping(input.attribute_mapping),
                oidc=_oidc(input.oidc),
                saml_settings=_saml(input.saml),
                allow_http=_allow_http(ctx),
            )

        connection, errors = await run_mutation(ctx, op)
        return await _connection_payload(ctx, connection, errors)

    @strawberry.mutation(description="Change a connection; a new secret or certificate is used by the next sign-in.")
    async def sso_connection_update(
        self, info: Info[Context, None], input: SsoConnectionUpdateInput
    ) -> SsoConnectionPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> SsoConnection:
            return await sso_service.update_connection(
                s,
                ctx.principal,
                _box(ctx),
                expect_id(input.id, "SsoConnection"),
                name=input.name,
                audience_id=expect_id(input.audience_id, "Audience", "audienceId") if input.audience_id else None,
                enabled=input.enabled,
                jit_provisioning=input.jit_provisioning,
                allowed_domains=input.allowed_domains,
                attribute_mapping=_mapping(input.attribute_mapping),
                oidc=_oidc(input.oidc),
                saml_settings=_saml(input.saml),
                allow_http=_allow_http(ctx),
            )

        connection, errors = await run_mutation(ctx, op)
        return await _connection_payload(ctx, connection, errors)

    @strawberry.mutation(description="Remove a connection; its people stay.")
    async def sso_connection_delete(self, info: Info[Context, None], id: strawberry.ID) -> SsoConnectionPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> SsoConnection:
            return await sso_service.delete_connection(s, ctx.principal, expect_id(id, "SsoConnection"))

        connection, errors = await run_mutation(ctx, op)
        return await _connection_payload(ctx, connection, errors)

    @strawberry.mutation(description="Replace the organisation's portal origins (https://portal.example.com).")
    async def portal_origins_set(self, info: Info[Context, None], origins: list[str]) -> PortalOriginsPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> TenantSettings:
            return await tenant_service.set_portal_origins(s, ctx.principal, origins, allow_http=_allow_http(ctx))

        result, errors = await run_mutation(ctx, op)
        return PortalOriginsPayload(portal_origins=list(result.portal_origins) if result else None, errors=errors)

    @strawberry.mutation
    async def group_mapping_create(
        self, info: Info[Context, None], input: GroupMappingCreateInput
    ) -> GroupMappingPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> GroupMapping:
            return await group_service.create_group_mapping(
                s,
                ctx.principal,
                group_name=input.group_name,
                role=input.role.value if input.role else None,
                audience_id=expect_id(input.audience_id, "Audience", "audienceId") if input.audience_id else None,
                connection_id=expect_id(input.connection_id, "SsoConnection", "connectionId")
                if input.connection_id
                else None,
                role_profile_id=expect_id(input.role_profile_id, "RoleProfile", "roleProfileId")
                if input.role_profile_id
                else None,
            )

        return _mapping_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def group_mapping_delete(self, info: Info[Context, None], id: strawberry.ID) -> GroupMappingPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> GroupMapping:
            return await group_service.delete_group_mapping(s, ctx.principal, expect_id(id, "GroupMapping"))

        return _mapping_payload(*await run_mutation(ctx, op))


@node_resolver("SsoConnection")
async def _connection_node(ctx: Context, value: uuid.UUID) -> SsoConnectionType | None:
    if not ctx.principal.person_with(Scope.SSO_MANAGE):
        return None
    found = await ctx.run(lambda s: sso_service.find_connection(s, value))
    matches = await _connection_types(ctx, [found] if found else [])
    return matches[0] if matches else None


@node_resolver("GroupMapping")
async def _mapping_node(ctx: Context, value: uuid.UUID) -> GroupMappingType | None:
    if not ctx.principal.person_with(Scope.SSO_MANAGE):
        return None
    found = await ctx.run(lambda s: group_service.find_group_mapping(s, value))
    return GroupMappingType.from_model(found) if found else None
