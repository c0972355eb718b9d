"""Custom domains verified by the tenant: an admin adds a domain, publishes the DNS TXT record it is
given, and the domain becomes the tenant's public origin once a check finds the record (on
``tenantDomainVerify``, and by the scheduler). Until then nothing is served on it: public pages
resolve a host only through ``tenants.domain``, which only ``insignia_domain_activate`` (a
verified domain of the caller's own tenant, and no other tenant's) or the operator sets.

The record: ``_insignia-challenge.<domain>  TXT  "insignia-domain-verification=<token>"``.
DNS is asked through ``Resolver`` (dnspython by default, optionally at given name servers), so
tests answer from a local DNS server.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

import dns.asyncresolver
import dns.exception
import dns.resolver
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit
from insignia.infra.errors import ConflictError, NotFoundError, ValidationError
from insignia.platform.branding.models import TenantDomain
from insignia.tenants.auth import Principal, Scope, require_person_with
from insignia.tenants.models import Tenant

CHALLENGE_LABEL = "_insignia-challenge"
TXT_PREFIX = "insignia-domain-verification="
MAX_DOMAINS = 10
PENDING_DAYS = 14  # the scheduler stops checking a domain left unverified this long
_DOMAIN_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")
_RESERVED = ("localhost", "local", "internal", "test", "example", "invalid", "arpa")


class Resolver(Protocol):
    """Reads TXT records; raises ``LookupError`` with a message when DNS cannot answer."""

    async def txt(self, name: str) -> list[str]: ...


class DnsResolver:
    """DNS through dnspython, at the system's name servers or the ones given (``host`` or ``host:port``)."""

    def __init__(self, nameservers: Sequence[str] = (), timeout: float = 5.0) -> None:
        self.resolver = dns.asyncresolver.Resolver(configure=not nameservers)
        if nameservers:
            self.resolver.nameservers = [n.rsplit(":", 1)[0] if n.count(":") == 1 else n for n in nameservers]
            ports = {int(n.rsplit(":", 1)[1]) for n in nameservers if n.count(":") == 1}
            if ports:
                self.resolver.port = ports.pop()
        self.resolver.lifetime = timeout

    async def txt(self, name: str) -> list[str]:
        try:
            answer = await self.resolver.resolve(name, "TXT")
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.exception.DNSException as exc:
            raise LookupError(f"DNS did not answer for {name}: {exc.__class__.__name__}") from None
        return [b"".join(record.strings).decode(errors="replace") for record in answer]


def normalise(value: str, platform_url: str, field: str = "domain") -> str:
    """A host name such as ``badges.example.com``: lower case, no scheme, port, path or trailing dot;
    not an IP address, a reserved name, or the platform's own host."""
    domain = value.strip().lower().rstrip(".")
    if len(domain) > 253 or not _DOMAIN_RE.match(domain) or domain.replace(".", "").isdigit():
        raise ValidationError(
            f"{field} must be a host name such as badges.example.com (no scheme, port or path).", field
        )
    if domain.rsplit(".", 1)[-1] in _RESERVED:
        raise ValidationError(f"{domain} is a reserved name that cannot be verified.", field)
    platform = (urlsplit(platform_url).hostname or "").lower()
    if platform and (domain == platform or domain.endswith("." + platform)):
        raise ValidationError(f"{domain} belongs to the platform, not to the organisation.", field)
    return domain


def record_name(domain: TenantDomain) -> str:
    return f"{CHALLENGE_LABEL}.{domain.domain}"


def record_value(domain: TenantDomain) -> str:
    return TXT_PREFIX + domain.token


async def _taken_by_other(session: AsyncSession, domain: str, tenant_id: uuid.UUID) -> bool:
    # The registry of tenants is readable by the application (not their settings): the domain is in
    # use if another tenant serves on it.
    found = await session.scalar(select(Tenant.id).where(Tenant.domain == domain, Tenant.id != tenant_id))
    return found is not None


async def add_domain(session: AsyncSession, principal: Principal, value: str, platform_url: str) -> TenantDomain:
    """Add a domain to verify (admins); returns it with the TXT record to publish."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can add domains.")
    domain = normalise(value, platform_url)
    if await _taken_by_other(session, domain, principal.tenant_id):
        raise ConflictError(f"{domain} is already verified by another organisation.", "domain")
    if await session.scalar(select(TenantDomain.id).where(TenantDomain.domain == domain)) is not None:
        raise ConflictError(f"{domain} has already been added.", "domain")
    count = await session.scalar(select(func.count()).select_from(TenantDomain))
    if (count or 0) >= MAX_DOMAINS:
        raise ValidationError(f"At most {MAX_DOMAINS} domains; remove one first.", "domain")
    row = TenantDomain(tenant_id=principal.tenant_id, domain=domain, token=secrets.token_urlsafe(24))
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        raise ConflictError(f"{domain} has already been added.", "domain") from None
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="tenant.domain_added",
        subject_type="TenantDomain", subject_id=row.id, after={"domain": domain},
    )  # fmt: skip
    return row


async def get_domain(session: AsyncSession, domain_id: uuid.UUID, field: str = "id") -> TenantDomain:
    found = await session.scalar(select(TenantDomain).where(TenantDomain.id == domain_id).with_for_update())
    if found is None:
        raise NotFoundError("No such domain.", field)
    return found


async def list_domains(session: AsyncSession) -> Sequence[TenantDomain]:
    return (await session.scalars(select(TenantDomain).order_by(TenantDomain.created_at))).all()


async def check(session: AsyncSession, row: TenantDomain, resolver: Resolver, *, actor: str) -> TenantDomain:
    """Look for the token in DNS; when found, make the domain the tenant's public origin (and any
    domain active before it inactive). Records what it found either way."""
    now = datetime.now(UTC)
    row.last_checked_at = now
    try:
        found = await resolver.txt(record_name(row))
    except LookupError as exc:
        row.last_error = str(exc)[:500]
        await session.flush()
        return row
    if record_value(row) not in [value.strip() for value in found]:
        row.last_error = f"No TXT record {record_value(row)!r} at {record_name(row)} yet."
        await session.flush()
        return row
    if await _taken_by_other(session, row.domain, row.tenant_id):
        row.last_error = f"{row.domain} is already verified by another organisation."
        await session.flush()
        return row
    row.verified_at = row.verified_at or now
    await session.flush()
    activated = await session.scalar(text("SELECT insignia_domain_activate(:d)"), {"d": row.domain})
    if not activated:
        row.last_error = f"{row.domain} is already verified by another organisation."
        await session.flush()
        return row
    for other in await session.scalars(
        select(TenantDomain).where(TenantDomain.status == "active", TenantDomain.id != row.id)
    ):
        other.status = "inactive"
    row.status, row.last_error = "active", None
    await session.flush()
    await audit.record(
        session, row.tenant_id, actor=actor, action="tenant.domain_verified",
        subject_type="TenantDomain", subject_id=row.id, after={"domain": row.domain},
    )  # fmt: skip
    return row


async def verify_domain(
    session: AsyncSession, principal: Principal, domain_id: uuid.UUID, resolver: Resolver
) -> TenantDomain:
    """Check a domain now (admins). A failed check is not an error: ``lastError`` says what is missing."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can verify domains.")
    row = await get_domain(session, domain_id)
    if row.status == "active":
        return row
    return await check(session, row, resolver, actor=principal.label)


async def remove_domain(session: AsyncSession, principal: Principal, domain_id: uuid.UUID) -> TenantDomain:
    """Stop serving on a domain and forget it (admins)."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can remove domains.")
    row = await get_domain(session, domain_id)
    if row.status == "active":
        await session.execute(text("SELECT insignia_domain_release(:d)"), {"d": row.domain})
    await session.delete(row)
    await session.flush()
    await audit.record(
        session, row.tenant_id, actor=principal.label, action="tenant.domain_removed",
        subject_type="TenantDomain", subject_id=row.id, before={"domain": row.domain, "status": row.status},
    )  # fmt: skip
    return row


async def domains_due(session: AsyncSession) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Every tenant's domains awaiting verification (the scheduler's cross-tenant entry point)."""
    rows = await session.execute(text("SELECT tenant_id, id FROM insignia_domains_due(:days)"), {"days": PENDING_DAYS})
    return [(r.tenant_id, r.id) for r in rows]


async def check_due(session: AsyncSession, domain_id: uuid.UUID, resolver: Resolver) -> TenantDomain | None:
    """The scheduler's check of one pending domain (inside its tenant's transaction)."""
    row = await session.scalar(
        select(TenantDomain).where(TenantDomain.id == domain_id).with_for_update(skip_locked=True)
    )
    if row is None or row.status != "pending":
        return row
    return await check(session, row, resolver, actor=audit.OPERATOR)
