"""Tenants: the platform's organisations. Creating one is platform administration."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from sqlalchemy import LargeBinary, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, i18n, validation
from insignia.infra.db import set_tenant
from insignia.infra.errors import Checks, ConflictError, NotFoundError, ValidationError
from insignia.infra.logging import principal_var
from insignia.tenants import visibility
from insignia.tenants.auth import Principal, Role, Scope, require_person_with
from insignia.tenants.models import Audience, Person, Tenant, TenantSettings


async def create_tenant(
    session: AsyncSession, *, slug: str, name: str, admin_email: str, admin_name: str | None = None
) -> tuple[Tenant, Person]:
    """Create a tenant with an ``Employees`` audience and its first admin; flushes, never commits."""
    slug = validation.slug(slug)
    name = validation.text(name, "name")
    admin_email = validation.email(admin_email, "admin_email")
    admin_name = validation.text(admin_name or admin_email.split("@")[0], "admin_name")
    if await session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        raise ConflictError(f"A tenant with slug {slug!r} already exists.", "slug")
    tenant = Tenant(slug=slug, name=name)
    session.add(tenant)
    try:
        await session.flush()
    except IntegrityError:
        raise ConflictError(f"A tenant with slug {slug!r} already exists.", "slug") from None
    await set_tenant(session, tenant.id)
    audience = Audience(tenant_id=tenant.id, kind="employee", name="Employees")
    session.add(audience)
    await session.flush()
    admin = Person(
        tenant_id=tenant.id,
        email=admin_email,
        name=admin_name,
        audience_id=audience.id,
        roles=[Role.ADMIN.value, Role.LEARNER.value],
    )
    session.add(admin)
    await session.flush()
    await audit.record(
        session, tenant.id, actor=audit.OPERATOR, action="tenant.created", subject_type="Tenant", subject_id=tenant.id,
        after={"slug": slug, "name": name, "adminId": admin.id, "adminEmail": admin_email},
    )  # fmt: skip
    return tenant, admin


async def list_tenants(session: AsyncSession) -> Sequence[Tenant]:
    return (await session.scalars(select(Tenant).order_by(Tenant.slug))).all()


async def get_tenant_by_slug(session: AsyncSession, slug: str) -> Tenant:
    tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise NotFoundError(f"No tenant with slug {slug!r}.", "tenant")
    return tenant


async def get_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> Tenant:
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFoundError("No such tenant.", "tenant")
    return tenant


async def tenants_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Tenant]:
    """For loaders: callers pass only their own tenant's id (the principal's)."""
    return {t.id: t for t in await session.scalars(select(Tenant).where(Tenant.id.in_(ids)))}


async def get_settings(session: AsyncSession, tenant_id: uuid.UUID) -> TenantSettings:
    """The tenant's settings (defaults when never saved)."""
    found = await session.scalar(select(TenantSettings).where(TenantSettings.tenant_id == tenant_id))
    return found or TenantSettings(
        tenant_id=tenant_id,
        linkedin_organization_id=None,
        portal_origins=[],
        visibility_rules={},
        default_award_visibility="tenant",
        award_acceptance=False,
        portal_url=None,
    )


async def update_settings(
    session: AsyncSession,
    principal: Principal,
    *,
    linkedin_organization_id: str | None = None,
    visibility_rules: Sequence[tuple[str, str, str]] | None = None,
    default_award_visibility: str | None = None,
    award_acceptance: bool | None = None,
    portal_url: str | None = None,
    default_locale: str | None = None,
) -> TenantSettings:
    """Change the tenant's settings (admins); only what is given changes, an empty string clears
    the LinkedIn organisation id or the portal URL. Every invalid value is reported at once.

    ``visibility_rules`` are (viewer kind, subject kind, reach) triples replacing the tenant's
    choices; pairs not named take the safe defaults (``insignia.tenants.visibility``)."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can change the organisation's settings.")
    checks = Checks()
    values: dict[str, object] = {}
    if linkedin_organization_id is not None:
        value = linkedin_organization_id.strip() or None
        if value is not None and not (value.isdigit() and len(value) <= 20):
            checks.errors.append(
                ValidationError(
                    "The LinkedIn organisation id is the number in its company page URL.", "linkedInOrganizationId"
                )
            )
        values["linkedin_organization_id"] = value
    if visibility_rules is not None:
        values["visibility_rules"] = checks.run(lambda: visibility.validate_rules(visibility_rules, "visibilityRules"))
    if default_award_visibility is not None:
        if default_award_visibility not in ("public", "tenant", "private"):
            checks.errors.append(
                ValidationError("defaultAwardVisibility must be PUBLIC, TENANT or PRIVATE.", "defaultAwardVisibility")
            )
        values["default_award_visibility"] = default_award_visibility
    if award_acceptance is not None:
        values["award_acceptance"] = award_acceptance
    if portal_url is not None:
        values["portal_url"] = checks.run(lambda: validation.optional_url(portal_url.strip() or None, "portalUrl"))
    if default_locale is not None:
        values["default_locale"] = checks.run(lambda: i18n.validate(default_locale, "defaultLocale"))
    checks.done()
    if not values:
        return await get_settings(session, principal.tenant_id)
    visibility.forget(session)
    return await save_settings(session, principal.tenant_id, **values)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


async def _settings_snapshot(session: AsyncSession, tenant_id: uuid.UUID, keys: Sequence[str]) -> dict[str, object]:
    """The current values of some settings as the audit log keeps them (binary ones summarised in
    the database, so a logo is not read just to be counted)."""
    columns = []
    for key in keys:
        column = TenantSettings.__table__.c[key]
        if isinstance(column.type, LargeBinary):
            summary = func.jsonb_build_object(
                "bytes", func.octet_length(column), "sha256", func.encode(func.sha256(column), "hex")
            )
            columns.append(func.nullif(summary, func.jsonb_build_object("bytes", None, "sha256", None)).label(key))
        else:
            columns.append(column.label(key))
    row = (await session.execute(select(*columns).where(TenantSettings.tenant_id == tenant_id))).one_or_none()
    found = row._mapping if row is not None else {}
    return {_camel(key): found.get(key) for key in keys}


async def save_settings(session: AsyncSession, tenant_id: uuid.UUID, **values: object) -> TenantSettings:
    """Write some of the tenant's settings (its row is created on first use); the saved row.

    Audited as ``tenant.settings_updated`` by the principal of the request being served (settings
    change through admins' requests); see ``write_settings``."""
    actor = principal_var.get() or audit.OPERATOR
    return await write_settings(session, tenant_id, values, actor=actor, action="tenant.settings_updated")


async def write_settings(
    session: AsyncSession, tenant_id: uuid.UUID, values: Mapping[str, object], *, actor: str, action: str
) -> TenantSettings:
    """``save_settings`` with the audit event's actor and action named: the event is recorded only
    if a value really changes, binary values by size and digest."""
    before = await _settings_snapshot(session, tenant_id, list(values))
    await session.execute(
        insert(TenantSettings)
        .values(tenant_id=tenant_id, **values)
        .on_conflict_do_update(index_elements=["tenant_id"], set_={**values, "updated_at": func.now()})
    )
    saved = await session.scalar(
        select(TenantSettings).where(TenantSettings.tenant_id == tenant_id).execution_options(populate_existing=True)
    )
    assert saved is not None
    before_json = audit.jsonable(before)
    after_json = audit.jsonable({_camel(key): value for key, value in values.items()})
    if before_json != after_json:
        await audit.record(
            session, tenant_id, actor=actor, action=action,
            subject_type="Tenant", subject_id=tenant_id, before=before_json, after=after_json,
        )  # fmt: skip
    return saved


MAX_PORTAL_ORIGINS = 20


def normalise_origin(value: str, *, allow_http: bool) -> str:
    """``https://portal.example.com[:port]``: scheme, host and port only, lowercase."""
    parts = urlsplit(value.strip())
    schemes = ("https", "http") if allow_http else ("https",)
    if (
        parts.scheme.lower() not in schemes
        or not parts.hostname
        or parts.username
        or parts.password
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValidationError(
            f"{value!r} is not an origin such as https://portal.example.com (scheme, host and port only).",
            "portalOrigins",
        )
    try:
        port = parts.port
    except ValueError:
        raise ValidationError(f"{value!r} has an invalid port.", "portalOrigins") from None
    default = 443 if parts.scheme.lower() == "https" else 80
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port and port != default else "")


async def set_portal_origins(
    session: AsyncSession, principal: Principal, origins: Sequence[str], *, allow_http: bool
) -> TenantSettings:
    """The tenant's portals: the origins allowed to call GraphQL from a browser (CORS) and to
    receive people after sign-in (return URLs). Replaces the list."""
    require_person_with(principal, Scope.SSO_MANAGE, "Only tenant admins can change the organisation's portals.")
    if len(origins) > MAX_PORTAL_ORIGINS:
        raise ValidationError(f"At most {MAX_PORTAL_ORIGINS} portal origins.", "portalOrigins")
    values = {"portal_origins": list(dict.fromkeys(normalise_origin(o, allow_http=allow_http) for o in origins))}
    action = "tenant.portal_origins_set"
    return await write_settings(session, principal.tenant_id, values, actor=principal.label, action=action)


async def portal_origin_allowed(session: AsyncSession, tenant_id: uuid.UUID, origin: str) -> bool:
    """Whether ``origin`` is one of the tenant's registered portals (the session is bound to it)."""
    found = await session.scalar(
        select(TenantSettings.tenant_id).where(
            TenantSettings.tenant_id == tenant_id, TenantSettings.portal_origins.any_() == origin
        )
    )
    return found is not None


async def portal_origin_known(session: AsyncSession, origin: str) -> bool:
    """Whether any tenant registered ``origin`` (for CORS preflights, which carry no credential)."""
    return bool(await session.scalar(select(func.insignia_portal_origin_known(origin))))


async def settings_by_tenant_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, TenantSettings]:
    rows = await session.scalars(select(TenantSettings).where(TenantSettings.tenant_id.in_(ids)))
    return {r.tenant_id: r for r in rows}


_DOMAIN_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


async def set_domain(session: AsyncSession, slug: str, domain: str | None) -> Tenant:
    """Give a tenant its own public origin (https://<domain>) for badge pages and documents, or
    take it away (None). Platform administration: the DNS and TLS certificate are the operator's."""
    tenant = await get_tenant_by_slug(session, slug)
    value = (domain or "").strip().lower().rstrip(".") or None
    if value is not None:
        if len(value) > 253 or not _DOMAIN_RE.match(value) or value.replace(".", "").isdigit():
            raise ValidationError("domain must be a host name such as badges.example.com", "domain")
        taken = await session.scalar(select(Tenant.slug).where(Tenant.domain == value, Tenant.id != tenant.id))
        if taken is not None:
            raise ConflictError(f"The domain {value} is already used by tenant {taken!r}.", "domain")
    before = tenant.domain
    tenant.domain = value
    await session.flush()
    if before != value:
        await set_tenant(session, tenant.id)
        await audit.record(
            session, tenant.id, actor=audit.OPERATOR, action="tenant.domain_set", subject_type="Tenant",
            subject_id=tenant.id, before={"domain": before}, after={"domain": value},
        )  # fmt: skip
    return tenant
