"""Tenants, audiences, people and API keys (migration 0001); webhook endpoints and deliveries (0002);
SSO connections, sessions, group mappings and SCIM groups (0006)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Computed, ForeignKey, LargeBinary, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.ids import uuid7
from insignia.infra.orm import Base


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    slug: Mapped[str]
    name: Mapped[str]
    status: Mapped[str] = mapped_column(default="active")
    # The tenant's own public origin (``badges.example.com``), served over https; None: the platform's.
    domain: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Audience(Base):
    __tablename__ = "audiences"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    kind: Mapped[str]
    name: Mapped[str]
    partner_company: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Person(Base):
    __tablename__ = "people"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    email: Mapped[str]
    name: Mapped[str]
    audience_id: Mapped[uuid.UUID]
    manager_id: Mapped[uuid.UUID | None]
    roles: Mapped[list[str]] = mapped_column(ARRAY(Text))
    active: Mapped[bool] = mapped_column(default=True)
    deactivated_at: Mapped[datetime | None]
    deactivated_by: Mapped[str | None]  # "admin" | "directory"
    session_version: Mapped[int] = mapped_column(default=1)
    profile_public: Mapped[bool] = mapped_column(default=False)
    headline: Mapped[str | None]
    # The person's current job role (a role profile of the skills area), e.g. from a group mapping.
    job_role_id: Mapped[uuid.UUID | None]
    did: Mapped[str | None]
    # Directory attributes (SCIM): the directory's login name and id, and the name's parts.
    user_name: Mapped[str | None]
    user_name_key: Mapped[str | None] = mapped_column(Computed("lower(user_name)"))  # for lookups
    external_id: Mapped[str | None]
    given_name: Mapped[str | None]
    family_name: Mapped[str | None]
    # The language of the person's emails ("de"); None: the tenant's default (migration 0013).
    locale: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class ApiKey(Base):
    __tablename__ = "api_keys"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    name: Mapped[str]
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    created_by_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    url: Mapped[str]
    description: Mapped[str | None]
    event_types: Mapped[list[str]] = mapped_column(ARRAY(Text))
    secret_encrypted: Mapped[bytes]
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    endpoint_id: Mapped[uuid.UUID]
    event_id: Mapped[uuid.UUID]
    event_type: Mapped[str]
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    response_status: Mapped[int | None]
    latency_ms: Mapped[int | None]
    last_error: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    delivered_at: Mapped[datetime | None]


class WebhookDeliveryAttempt(Base):
    __tablename__ = "webhook_delivery_attempts"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    delivery_id: Mapped[uuid.UUID]
    attempted_at: Mapped[datetime] = mapped_column(server_default=func.now())
    response_status: Mapped[int | None]
    latency_ms: Mapped[int]
    error: Mapped[str | None]


class TenantSettings(Base):
    """What a tenant's admins configure (the tenants registry itself is platform-owned)."""

    __tablename__ = "tenant_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    linkedin_organization_id: Mapped[str | None]
    # Origins (https://portal.example.com) of the tenant's portals: CORS and sign-in return URLs.
    portal_origins: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    brand_color: Mapped[str | None]
    brand_logo_data: Mapped[bytes | None] = mapped_column(deferred=True)
    brand_logo_type: Mapped[str | None]
    # Who sees whom, per (viewer kind, person kind) pair: see insignia.tenants.visibility.
    visibility_rules: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    default_award_visibility: Mapped[str] = mapped_column(default="tenant")
    # New awards wait for the recipient to accept them before anyone else sees them.
    award_acceptance: Mapped[bool] = mapped_column(default=False)
    # The tenant's learner portal (https://academy.example.com): emails link there to sign in.
    portal_url: Mapped[str | None]
    # The rest of the brand (migration 0013; see insignia.platform.branding.brand).
    brand_accent_color: Mapped[str | None]
    brand_text_color: Mapped[str | None]
    brand_background_color: Mapped[str | None]
    brand_typography: Mapped[str | None]
    brand_logo_light_data: Mapped[bytes | None] = mapped_column(deferred=True)
    brand_logo_light_type: Mapped[str | None]
    brand_logo_dark_data: Mapped[bytes | None] = mapped_column(deferred=True)
    brand_logo_dark_type: Mapped[str | None]
    email_sender_name: Mapped[str | None]
    email_reply_to: Mapped[str | None]
    support_url: Mapped[str | None]
    footer_text: Mapped[str | None]
    default_locale: Mapped[str] = mapped_column(default="en")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class SsoConnection(Base):
    __tablename__ = "sso_connections"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    name: Mapped[str]
    protocol: Mapped[str]  # "oidc" | "saml"
    enabled: Mapped[bool] = mapped_column(default=True)
    jit_provisioning: Mapped[bool] = mapped_column(default=True)
    audience_id: Mapped[uuid.UUID]
    allowed_domains: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    attribute_mapping: Mapped[dict[str, str]] = mapped_column(JSONB)
    oidc_issuer: Mapped[str | None]
    oidc_client_id: Mapped[str | None]
    oidc_client_secret_encrypted: Mapped[bytes | None]
    oidc_scopes: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    saml_idp_entity_id: Mapped[str | None]
    saml_idp_sso_url: Mapped[str | None]
    saml_idp_slo_url: Mapped[str | None]
    saml_idp_certificates: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class SsoIdentity(Base):
    __tablename__ = "sso_identities"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    connection_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_sign_in_at: Mapped[datetime] = mapped_column(server_default=func.now())


class SsoLoginRequest(Base):
    __tablename__ = "sso_login_requests"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    connection_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(default="login")  # "login" | "logout"
    nonce: Mapped[str | None]
    code_verifier: Mapped[str | None]
    saml_request_id: Mapped[str | None]
    return_url: Mapped[str | None]
    portal_code_challenge: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]


class SamlAssertionUsed(Base):
    __tablename__ = "saml_assertions_used"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    connection_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    assertion_id: Mapped[str] = mapped_column(primary_key=True)
    expires_at: Mapped[datetime]


class SignInSession(Base):
    """A person signed in through a connection (a browser session with its cookie)."""

    __tablename__ = "sessions"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    person_id: Mapped[uuid.UUID]
    connection_id: Mapped[uuid.UUID | None]
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary)
    refresh_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    previous_refresh_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    handover_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    handover_challenge: Mapped[str | None]
    handover_expires_at: Mapped[datetime | None]
    saml_name_id: Mapped[str | None]
    saml_session_index: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class GroupMapping(Base):
    """A directory group's meaning in the tenant: a role and/or an audience."""

    __tablename__ = "group_mappings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    connection_id: Mapped[uuid.UUID | None]  # None: SCIM directory groups
    group_name: Mapped[str]
    role: Mapped[str | None]
    audience_id: Mapped[uuid.UUID | None]
    role_profile_id: Mapped[uuid.UUID | None]  # sets the person's job role (skills area)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ScimGroup(Base):
    __tablename__ = "scim_groups"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    display_name: Mapped[str]
    display_name_key: Mapped[str] = mapped_column(Computed("lower(display_name)"))  # for lookups
    external_id: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class ScimGroupMember(Base):
    __tablename__ = "scim_group_members"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    group_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
