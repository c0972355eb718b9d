"""SSO connections: how a tenant's people sign in through their organisation's identity provider.

Tenant admins create, change and delete connections. An OIDC client secret is sealed (AES-GCM,
bound to the tenant and connection) and never returned; SAML connections keep the IdP's entity
id, endpoints and signing certificates, taken from its metadata or given one by one. Nothing
about a connection is cached between sign-ins, so a rotated secret or certificate counts at once.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.crypto import SecretBox
from insignia.infra.errors import NotFoundError, ValidationError
from insignia.infra.ids import uuid7
from insignia.infra.orm import ensure_unused
from insignia.tenants import saml
from insignia.tenants.audience import get_audience
from insignia.tenants.auth import Principal, Scope, require_person_with
from insignia.tenants.models import SignInSession, SsoConnection, Tenant

PROTOCOLS = ("oidc", "saml")
MAPPING_KEYS = ("email", "name", "groups")
DEFAULT_MAPPING = {"email": "email", "name": "name", "groups": "groups"}
DEFAULT_SCOPES = ["openid", "email", "profile"]
MAX_DOMAINS = 50
_SCOPE_RE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,100}$")
_DOMAIN_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


@dataclass(frozen=True)
class ConnectionUrls:
    """Where browsers and identity providers reach one connection."""

    login: str
    callback: str
    sp_entity_id: str
    sp_metadata: str
    acs: str
    slo: str

    @classmethod
    def build(cls, public_url: str, tenant: Tenant, connection_id: uuid.UUID) -> ConnectionUrls:
        base = f"{public_url}/t/{tenant.slug}/sso/{connection_id}"
        return cls(
            login=f"{base}/login",
            callback=f"{base}/callback",
            sp_entity_id=f"{base}/saml/metadata",
            sp_metadata=f"{base}/saml/metadata",
            acs=f"{base}/saml/acs",
            slo=f"{base}/saml/slo",
        )


def _secret_context(tenant_id: uuid.UUID, connection_id: uuid.UUID) -> bytes:
    return b"sso-client-secret/" + tenant_id.bytes + connection_id.bytes


def client_secret(box: SecretBox, connection: SsoConnection) -> str:
    assert connection.oidc_client_secret_encrypted is not None
    return box.open(connection.oidc_client_secret_encrypted, _secret_context(connection.tenant_id, connection.id))


def certificate_fingerprint(pem: str) -> str:
    """SHA-256 fingerprint, as admins compare it with their IdP's console."""
    der = x509.load_pem_x509_certificate(pem.encode()).fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in der)


def _require_manage(principal: Principal) -> None:
    require_person_with(principal, Scope.SSO_MANAGE, "Only tenant admins can manage SSO connections.")


def _audit_data(connection: SsoConnection) -> dict[str, object]:
    """The connection as the audit log keeps it: whether a client secret is stored, never the secret;
    the IdP certificates by fingerprint."""
    data: dict[str, object] = {
        "name": connection.name,
        "protocol": connection.protocol,
        "enabled": connection.enabled,
        "jitProvisioning": connection.jit_provisioning,
        "audienceId": connection.audience_id,
        "allowedDomains": list(connection.allowed_domains or []),
        "attributeMapping": dict(connection.attribute_mapping or {}),
    }
    if connection.protocol == "oidc":
        data |= {
            "oidcIssuer": connection.oidc_issuer,
            "oidcClientId": connection.oidc_client_id,
            "oidcScopes": list(connection.oidc_scopes or []),
            "clientSecretSet": connection.oidc_client_secret_encrypted is not None,
        }
    else:
        data |= {
            "samlEntityId": connection.saml_idp_entity_id,
            "samlSsoUrl": connection.saml_idp_sso_url,
            "samlSloUrl": connection.saml_idp_slo_url,
            "samlCertificateFingerprints": [certificate_fingerprint(c) for c in connection.saml_idp_certificates or []],
        }
    return data


def _url(value: str, field: str, *, allow_http: bool) -> str:
    url = validation.text(value, field, max_length=2000)
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password or parts.fragment:
        raise ValidationError(f"{field} must be an {' or '.join(schemes)} URL without credentials or fragment.", field)
    return url


def _domains(values: Sequence[str]) -> list[str]:
    if len(values) > MAX_DOMAINS:
        raise ValidationError(f"At most {MAX_DOMAINS} allowed email domains.", "allowedDomains")
    domains: list[str] = []
    for value in values:
        domain = value.strip().lower().lstrip("@").rstrip(".")
        if len(domain) > 253 or not _DOMAIN_RE.match(domain):
            raise ValidationError(f"{value!r} is not an email domain such as example.com.", "allowedDomains")
        if domain not in domains:
            domains.append(domain)
    return domains


def _mapping(values: dict[str, str | None] | None, current: dict[str, str] | None = None) -> dict[str, str]:
    mapping = dict(current or DEFAULT_MAPPING)
    for key, value in (values or {}).items():
        if key not in MAPPING_KEYS:
            raise ValidationError(f"Unknown mapped attribute {key!r}.", "attributeMapping")
        if value is not None:
            mapping[key] = validation.text(value, f"attributeMapping.{key}", max_length=200)
    return mapping


def _scopes(values: Sequence[str] | None) -> list[str]:
    scopes = list(dict.fromkeys(v.strip() for v in (values or DEFAULT_SCOPES) if v.strip()))
    if "openid" not in scopes:
        raise ValidationError("The scopes must include openid.", "oidc.scopes")
    if len(scopes) > 20 or any(not _SCOPE_RE.match(s) for s in scopes):
        raise ValidationError("Scopes are up to 20 space-free tokens.", "oidc.scopes")
    return scopes


@dataclass(frozen=True)
class OidcSettings:
    issuer: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scopes: Sequence[str] | None = None


@dataclass(frozen=True)
class SamlSettings:
    metadata_xml: str | None = None
    entity_id: str | None = None
    sso_url: str | None = None
    slo_url: str | None = None
    certificates: Sequence[str] | None = None


def _apply_oidc(
    connection: SsoConnection, oidc: OidcSettings, box: SecretBox, *, creating: bool, allow_http: bool
) -> None:
    if oidc.issuer is not None:
        issuer = _url(oidc.issuer, "oidc.issuer", allow_http=allow_http)
        if urlsplit(issuer).query:
            raise ValidationError("oidc.issuer must not have a query.", "oidc.issuer")
        connection.oidc_issuer = issuer.removesuffix("/.well-known/openid-configuration")
    if oidc.client_id is not None:
        connection.oidc_client_id = validation.text(oidc.client_id, "oidc.clientId", max_length=500)
    if oidc.client_secret is not None:
        secret = validation.text(oidc.client_secret, "oidc.clientSecret", max_length=2000)
        connection.oidc_client_secret_encrypted = box.seal(secret, _secret_context(connection.tenant_id, connection.id))
    if oidc.scopes is not None or creating:
        connection.oidc_scopes = _scopes(oidc.scopes)
    if creating:
        for field, present in (
            ("oidc.issuer", connection.oidc_issuer),
            ("oidc.clientId", connection.oidc_client_id),
            ("oidc.clientSecret", connection.oidc_client_secret_encrypted),
        ):
            if present is None:
                raise ValidationError(f"{field} is required for an OIDC connection.", field)


def _apply_saml(connection: SsoConnection, given: SamlSettings, *, creating: bool, allow_http: bool) -> None:
    if given.metadata_xml is not None:
        try:
            metadata = saml.parse_idp_metadata(given.metadata_xml)
        except saml.SamlError as exc:
            raise ValidationError(str(exc), "saml.metadataXml") from None
        connection.saml_idp_entity_id = metadata.entity_id
        connection.saml_idp_sso_url = _url(metadata.sso_url, "saml.metadataXml", allow_http=allow_http)
        connection.saml_idp_slo_url = (
            _url(metadata.slo_url, "saml.metadataXml", allow_http=allow_http) if metadata.slo_url else None
        )
        connection.saml_idp_certificates = metadata.certificates
    if given.entity_id is not None:
        connection.saml_idp_entity_id = validation.text(given.entity_id, "saml.entityId", max_length=1000)
    if given.sso_url is not None:
        connection.saml_idp_sso_url = _url(given.sso_url, "saml.ssoUrl", allow_http=allow_http)
    if given.slo_url is not None:
        connection.saml_idp_slo_url = (
            _url(given.slo_url, "saml.sloUrl", allow_http=allow_http) if given.slo_url.strip() else None
        )
    if given.certificates is not None:
        if not given.certificates or len(given.certificates) > 5:
            raise ValidationError("Give one to five IdP signing certificates.", "saml.certificates")
        try:
            connection.saml_idp_certificates = [saml.normalise_certificate(c) for c in given.certificates]
        except saml.SamlError as exc:
            raise ValidationError(str(exc), "saml.certificates") from None
    if creating:
        for field, present in (
            ("saml.entityId", connection.saml_idp_entity_id),
            ("saml.ssoUrl", connection.saml_idp_sso_url),
            ("saml.certificates", connection.saml_idp_certificates),
        ):
            if not present:
                raise ValidationError(f"{field} is required for a SAML connection (or give saml.metadataXml).", field)


async def _check_name_free(session: AsyncSession, name: str, exclude: uuid.UUID | None = None) -> None:
    await ensure_unused(
        session,
        SsoConnection.name,
        name,
        exclude=exclude,
        message=f"A connection named {name!r} already exists.",
        field="name",
    )


async def create_connection(
    session: AsyncSession,
    principal: Principal,
    box: SecretBox,
    *,
    name: str,
    protocol: str,
    audience_id: uuid.UUID,
    enabled: bool = True,
    jit_provisioning: bool = True,
    allowed_domains: Sequence[str] = (),
    attribute_mapping: dict[str, str | None] | None = None,
    oidc: OidcSettings | None = None,
    saml_settings: SamlSettings | None = None,
    allow_http: bool = False,
) -> SsoConnection:
    _require_manage(principal)
    name = validation.text(name, "name")
    if protocol not in PROTOCOLS:
        raise ValidationError("protocol must be OIDC or SAML.", "protocol")
    await get_audience(session, audience_id, "audienceId")
    await _check_name_free(session, name)
    connection = SsoConnection(
        tenant_id=principal.tenant_id,
        id=uuid7(),
        name=name,
        protocol=protocol,
        enabled=enabled,
        jit_provisioning=jit_provisioning,
        audience_id=audience_id,
        allowed_domains=_domains(allowed_domains),
        attribute_mapping=_mapping(attribute_mapping),
    )
    if protocol == "oidc":
        if saml_settings is not None:
            raise ValidationError("An OIDC connection takes oidc settings, not saml.", "saml")
        _apply_oidc(connection, oidc or OidcSettings(), box, creating=True, allow_http=allow_http)
    else:
        if oidc is not None:
            raise ValidationError("A SAML connection takes saml settings, not oidc.", "oidc")
        _apply_saml(connection, saml_settings or SamlSettings(), creating=True, allow_http=allow_http)
    session.add(connection)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="sso_connection.created",
        subject_type="SsoConnection", subject_id=connection.id, after=_audit_data(connection),
    )  # fmt: skip
    return connection


async def update_connection(
    session: AsyncSession,
    principal: Principal,
    box: SecretBox,
    connection_id: uuid.UUID,
    *,
    name: str | None = None,
    audience_id: uuid.UUID | None = None,
    enabled: bool | None = None,
    jit_provisioning: bool | None = None,
    allowed_domains: Sequence[str] | None = None,
    attribute_mapping: dict[str, str | None] | None = None,
    oidc: OidcSettings | None = None,
    saml_settings: SamlSettings | None = None,
    allow_http: bool = False,
) -> SsoConnection:
    """Change a connection; only given fields change. A new client secret or certificate is used
    by the very next sign-in."""
    _require_manage(principal)
    connection = await get_connection(session, connection_id)
    before = _audit_data(connection)
    if name is not None:
        name = validation.text(name, "name")
        await _check_name_free(session, name, exclude=connection.id)
        connection.name = name
    if audience_id is not None:
        await get_audience(session, audience_id, "audienceId")
        connection.audience_id = audience_id
    if enabled is not None:
        if connection.enabled and not enabled:
            await _end_sessions(session, connection.id)
        connection.enabled = enabled
    if jit_provisioning is not None:
        connection.jit_provisioning = jit_provisioning
    if allowed_domains is not None:
        connection.allowed_domains = _domains(allowed_domains)
    if attribute_mapping is not None:
        connection.attribute_mapping = _mapping(attribute_mapping, connection.attribute_mapping)
    if oidc is not None:
        if connection.protocol != "oidc":
            raise ValidationError("This is a SAML connection.", "oidc")
        _apply_oidc(connection, oidc, box, creating=False, allow_http=allow_http)
    if saml_settings is not None:
        if connection.protocol != "saml":
            raise ValidationError("This is an OIDC connection.", "saml")
        _apply_saml(connection, saml_settings, creating=False, allow_http=allow_http)
    await session.flush()
    await session.refresh(connection)  # updated_at is set by the database
    after = _audit_data(connection)
    if oidc is not None and oidc.client_secret is not None:
        after["clientSecretRotated"] = True  # the new secret is not compared, nor shown
    if after != before:
        await audit.record(
            session, principal.tenant_id, actor=principal.label, action="sso_connection.updated",
            subject_type="SsoConnection", subject_id=connection.id, before=before, after=after,
        )  # fmt: skip
    return connection


async def delete_connection(session: AsyncSession, principal: Principal, connection_id: uuid.UUID) -> SsoConnection:
    """Remove a connection: its people stay, their identities and in-flight sign-ins go."""
    _require_manage(principal)
    connection = await get_connection(session, connection_id)
    before = _audit_data(connection)
    await _end_sessions(session, connection.id)
    await session.delete(connection)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="sso_connection.deleted",
        subject_type="SsoConnection", subject_id=connection.id, before=before,
    )  # fmt: skip
    return connection


async def _end_sessions(session: AsyncSession, connection_id: uuid.UUID) -> None:
    """A disabled or removed connection (a compromised IdP, say) signs no one in any more: the
    sessions it started end too, and with them their tokens."""
    await session.execute(
        update(SignInSession)
        .where(SignInSession.connection_id == connection_id, SignInSession.ended_at.is_(None))
        .values(ended_at=func.now())
    )


async def list_connections(session: AsyncSession, principal: Principal) -> Sequence[SsoConnection]:
    _require_manage(principal)
    return (await session.scalars(select(SsoConnection).order_by(SsoConnection.name))).all()


async def get_connection(session: AsyncSession, connection_id: uuid.UUID) -> SsoConnection:
    connection = await find_connection(session, connection_id)
    if connection is None:
        raise NotFoundError("No such SSO connection.", "id")
    return connection


async def find_connection(session: AsyncSession, connection_id: uuid.UUID) -> SsoConnection | None:
    return await session.scalar(select(SsoConnection).where(SsoConnection.id == connection_id))


def mapped(connection: SsoConnection, key: str) -> str:
    value: Any = (connection.attribute_mapping or {}).get(key) or DEFAULT_MAPPING[key]
    return str(value)
