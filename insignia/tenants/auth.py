"""Who is calling: bearer tokens for people, API keys for machines, and what each may do.

The tenant of a request always comes from a verified credential: the signed ``tid`` claim of a
token, or the tenant part of an API key whose secret is then checked *inside* that tenant's
row-level-security context (a forged tenant part finds no key there).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from sqlalchemy import exists, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.db import set_tenant
from insignia.infra.errors import PermissionDeniedError
from insignia.tenants.models import ApiKey, Person, SignInSession, Tenant

API_KEY_PREFIX = "insk"
_TOKEN_ALGORITHM = "HS256"  # noqa: S105 - an algorithm name
# last_used_at is bookkeeping, not an audit trail: refresh it at most this often per key.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    ISSUER = "issuer"
    LEARNER = "learner"
    # Manages the people of their own partner company and issues the badge classes the tenant
    # delegates to partners: rights the visibility policy scopes to that company, not scopes.
    PARTNER_ADMIN = "partner_admin"


class Scope(StrEnum):
    """Permissions. API keys hold a chosen subset; people get them from their roles."""

    PEOPLE_READ = "people:read"
    PEOPLE_WRITE = "people:write"
    AUDIENCES_WRITE = "audiences:write"
    WEBHOOKS_MANAGE = "webhooks:manage"
    JOBS_MANAGE = "jobs:manage"
    LEARNING_WRITE = "learning:write"  # skills, courses, assessments
    LEARNING_RECORD = "learning:record"  # completions and assessment results (portals, LMS, xAPI)
    BADGES_WRITE = "badges:write"  # badge classes and their criteria
    AWARDS_ISSUE = "awards:issue"  # issue, revoke, re-evaluate
    AWARDS_READ = "awards:read"  # everyone's awards and progress
    SCIM_PROVISION = "scim:provision"  # the tenant directory's SCIM 2.0 client (/scim/v2)
    # Only people (admins) configure sign-in: SSO connections, portal origins, group mappings.
    SSO_MANAGE = "sso:manage"
    # Only people (admins) manage API keys; a key can never mint another key.
    API_KEYS_MANAGE = "api_keys:manage"


API_KEY_SCOPES = frozenset(set(Scope) - {Scope.API_KEYS_MANAGE, Scope.SSO_MANAGE})

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.ADMIN: frozenset(Scope),
    Role.MANAGER: frozenset(),  # managers read their reports, a relation rather than a scope
    Role.ISSUER: frozenset(
        {
            Scope.PEOPLE_READ,
            Scope.LEARNING_WRITE,
            Scope.LEARNING_RECORD,
            Scope.BADGES_WRITE,
            Scope.AWARDS_ISSUE,
            Scope.AWARDS_READ,
        }
    ),
    Role.LEARNER: frozenset(),
    Role.PARTNER_ADMIN: frozenset(),
}


class AuthenticationError(Exception):
    """The credential is missing, malformed, expired, revoked or belongs to an inactive person."""


@dataclass(frozen=True)
class Principal:
    """The verified caller of one request or command."""

    tenant_id: uuid.UUID
    person: Person | None = None
    api_key_id: uuid.UUID | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r) for r in self.person.roles) if self.person else frozenset()

    def has(self, scope: Scope) -> bool:
        return scope in self.scopes

    def is_manager(self) -> bool:
        return Role.MANAGER in self.roles

    def person_with(self, scope: Scope) -> bool:
        """A signed-in person holding ``scope``: what admin-only settings ask for (an API key,
        even with every grantable scope, does not configure the organisation)."""
        return self.person is not None and self.has(scope)

    @property
    def label(self) -> str:
        """For logs: which credential acted."""
        if self.person is not None:
            return f"person:{self.person.id}"
        if self.api_key_id is not None:
            return f"api_key:{self.api_key_id}"
        return "operator"  # operator_principal: the command line, demo seeding


def require_person_with(principal: Principal, scope: Scope, message: str) -> None:
    if not principal.person_with(scope):
        raise PermissionDeniedError(message)


def person_principal(person: Person) -> Principal:
    scopes: set[Scope] = set()
    for role in person.roles:
        scopes |= ROLE_SCOPES[Role(role)]
    return Principal(tenant_id=person.tenant_id, person=person, scopes=frozenset(scopes))


def _token_key(secret_key: str) -> OctKey:
    # A key derived for this one purpose, so the platform secret can serve others safely.
    derived = hmac.new(secret_key.encode(), b"insignia/bearer-token/v1", hashlib.sha256).digest()
    return OctKey.import_key(derived)


def issue_token(
    secret_key: str, issuer: str, person: Person, ttl: timedelta, session_id: uuid.UUID | None = None
) -> str:
    """A signed bearer token for ``person``; it stops working when they are deactivated, and, when
    it was minted for a sign-in session (``sid``), when that session ends."""
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": issuer,
        "sub": str(person.id),
        "tid": str(person.tenant_id),
        "ver": person.session_version,
        "iat": now,
        "exp": now + int(ttl.total_seconds()),
        "jti": secrets.token_urlsafe(12),
    }
    if session_id is not None:
        claims["sid"] = str(session_id)
    return jwt.encode({"alg": _TOKEN_ALGORITHM}, claims, _token_key(secret_key))


@dataclass(frozen=True)
class _TokenClaims:
    person_id: uuid.UUID
    tenant_id: uuid.UUID
    version: int
    session_id: uuid.UUID | None


def _decode_token(secret_key: str, issuer: str, token: str) -> _TokenClaims:
    claims, expires_at = _verified_token(secret_key, issuer, token)
    if time.time() >= expires_at:
        raise AuthenticationError("The bearer token is expired.")
    return claims


@functools.lru_cache(maxsize=4096)
def _verified_token(secret_key: str, issuer: str, token: str) -> tuple[_TokenClaims, float]:
    """The claims of a token whose signature and issuer check out, with its expiry. Portals send
    the same token again and again: the signature is checked once per process (expiry is checked
    at every use by the caller); a token that fails raises and is not remembered."""
    try:
        decoded = jwt.decode(token, _token_key(secret_key), algorithms=[_TOKEN_ALGORITHM])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            exp={"essential": True},
            sub={"essential": True},
        ).validate(decoded.claims)
        claims = decoded.claims
        sid = claims.get("sid")
        return _TokenClaims(
            uuid.UUID(claims["sub"]),
            uuid.UUID(claims["tid"]),
            int(claims["ver"]),
            uuid.UUID(sid) if sid is not None else None,
        ), float(claims["exp"])
    except JoseError as exc:
        reason = "expired" if "expired" in str(exc).lower() else "invalid"
        raise AuthenticationError(f"The bearer token is {reason}.") from None
    except (KeyError, ValueError, TypeError):
        raise AuthenticationError("The bearer token is invalid.") from None


@dataclass(frozen=True)
class TokenCaller:
    tenant_id: uuid.UUID
    person_id: uuid.UUID


def token_caller(credential: str, *, secret_key: str, issuer: str) -> TokenCaller | None:
    """Who a bearer token speaks for, from its signature alone (no database): enough to refuse a
    caller over its rate limit before doing any work for it. None for API keys and bad tokens;
    ``authenticate`` still decides whether the request may go on."""
    if credential.startswith(API_KEY_PREFIX + "_"):
        return None
    try:
        claims = _decode_token(secret_key, issuer, credential)
    except AuthenticationError:
        return None
    return TokenCaller(claims.tenant_id, claims.person_id)


def hash_secret(secret: str) -> bytes:
    """How API key, session and refresh secrets are stored: they are 256-bit random, so one
    SHA-256 is enough."""
    return hashlib.sha256(secret.encode()).digest()


def format_api_key(tenant_id: uuid.UUID, key_id: uuid.UUID, secret: str) -> str:
    return f"{API_KEY_PREFIX}_{tenant_id.hex}_{key_id.hex}_{secret}"


def _parse_api_key(value: str) -> tuple[uuid.UUID, uuid.UUID, str]:
    parts = value.split("_", 3)
    if len(parts) != 4 or parts[0] != API_KEY_PREFIX:
        raise AuthenticationError("The API key is malformed.")
    try:
        return uuid.UUID(hex=parts[1]), uuid.UUID(hex=parts[2]), parts[3]
    except ValueError:
        raise AuthenticationError("The API key is malformed.") from None


async def _require_active_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    status = await session.scalar(select(Tenant.status).where(Tenant.id == tenant_id))
    if status != "active":
        raise AuthenticationError("The credential's organisation is not active.")


async def authenticate(session: AsyncSession, credential: str, *, secret_key: str, issuer: str) -> Principal:
    """Verify a bearer credential and bind ``session``'s transaction to its tenant.

    Raises ``AuthenticationError`` for anything but a valid token of an active person or a
    valid, unrevoked API key of an active tenant.
    """
    if credential.startswith(API_KEY_PREFIX + "_"):
        tenant_id, key_id, secret = _parse_api_key(credential)
        await set_tenant(session, tenant_id)
        key = await session.scalar(select(ApiKey).where(ApiKey.id == key_id))
        if key is None or not hmac.compare_digest(key.secret_hash, hash_secret(secret)):
            raise AuthenticationError("The API key is not valid.")
        if key.revoked_at is not None:
            raise AuthenticationError("The API key has been revoked.")
        await _require_active_tenant(session, tenant_id)
        now = datetime.now(UTC)
        if key.last_used_at is None or now - key.last_used_at > _LAST_USED_RESOLUTION:
            await session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now))
        return Principal(tenant_id=tenant_id, api_key_id=key_id, scopes=frozenset(key.scopes))

    token = _decode_token(secret_key, issuer, credential)
    tenant_id = token.tenant_id
    await set_tenant(session, tenant_id)
    # A token minted for a sign-in session (sid) lives only as long as the session: checked in
    # the same round trip as the person.
    live_session = (
        exists().where(
            SignInSession.id == token.session_id,
            SignInSession.person_id == Person.id,
            SignInSession.ended_at.is_(None),
            SignInSession.expires_at > func.now(),
        )
        if token.session_id is not None
        else true()
    )
    # The tenant's status too, in the same round trip (read fresh on every request, never cached:
    # a suspended organisation or a deactivated person is refused at once).
    tenant_status = select(Tenant.status).where(Tenant.id == tenant_id).scalar_subquery()
    found = (
        await session.execute(select(Person, live_session, tenant_status).where(Person.id == token.person_id))
    ).one_or_none()
    if found is None or not found[0].active or found[0].session_version != token.version:
        raise AuthenticationError("The person behind this token cannot sign in.")
    person, session_live, status = found
    if not session_live:
        raise AuthenticationError("The sign-in session behind this token has ended.")
    if status != "active":
        raise AuthenticationError("The credential's organisation is not active.")
    # The principal keeps a snapshot: a rolled-back savepoint (a failed mutation on this very
    # person) must not expire the object every later permission check reads.
    session.expunge(person)
    return person_principal(person)


def operator_principal(tenant_id: uuid.UUID) -> Principal:
    """The platform operator acting inside one tenant (CLI, demo seeding): every grantable scope."""
    return Principal(tenant_id=tenant_id, scopes=frozenset(API_KEY_SCOPES))
