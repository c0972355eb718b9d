"""Signing people in through their organisation's identity provider, and their sessions.

The flow, for both protocols:

1. ``begin``: a portal sends the browser to a connection's login URL (optionally with a return
   URL on one of the tenant's registered portal origins). We record the sign-in in flight (state,
   nonce and PKCE verifier for OIDC; the AuthnRequest id for SAML) and redirect to the IdP.
2. ``complete_oidc`` / ``complete_saml``: the IdP sends the browser back. The sign-in in flight is
   taken (used once, expires after ten minutes), the IdP's answer is checked (see ``oidc`` and
   ``saml``), and the person is found by (connection, subject), linked by a verified email, or
   created just in time when the connection allows it. They must belong to *this* tenant: the
   email must be in the connection's allowed domains (when it names any) and, without JIT, already
   be a person here. Deactivated people are refused. Their groups, when the IdP sends them,
   update their roles and audience through the tenant's group mappings.
3. A session starts: the browser gets a cookie (secure, HTTP-only, SameSite=Lax), and the return
   URL gets a one-time hand-over code, which a portal exchanges for a short-lived bearer token and
   a rotating refresh token (``token_*``). A reused refresh token ends the session (it was stolen
   or replayed). Tokens minted for a session stop working when it ends (logout, deactivation).
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, i18n, outbound
from insignia.infra.crypto import SecretBox
from insignia.infra.errors import NotFoundError, ServiceError
from insignia.infra.ids import uuid7
from insignia.infra.settings import Settings
from insignia.tenants import groups, oidc, saml, sso
from insignia.tenants import person as people
from insignia.tenants.auth import Role, hash_secret, issue_token
from insignia.tenants.models import (
    Person,
    SamlAssertionUsed,
    SignInSession,
    SsoConnection,
    SsoIdentity,
    SsoLoginRequest,
    Tenant,
)
from insignia.tenants.tenant import normalise_origin, portal_origin_allowed

logger = logging.getLogger("insignia.sso")

LOGIN_TTL = timedelta(minutes=10)
_CHALLENGE_RE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")
BAD_REQUEST = "invalid_request"
BAD_GRANT = "invalid_grant"
HANDOVER_TTL = timedelta(minutes=2)


class SignInError(Exception):
    """A sign-in or token request that is refused: ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str, code: str = "access_denied") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


@dataclass(frozen=True)
class SignInConfig:
    box: SecretBox
    public_url: str
    secret_key: str
    token_issuer: str
    allow_private: bool
    timeout: float
    skew: timedelta
    session_ttl: timedelta
    access_ttl: timedelta
    allow_http_portals: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInConfig:
        return cls(
            box=SecretBox(settings.secret_key),
            public_url=settings.public_url,
            secret_key=settings.secret_key,
            token_issuer=settings.token_issuer,
            allow_private=settings.sso_allow_private,
            timeout=settings.sso_timeout_seconds,
            skew=timedelta(seconds=settings.sso_clock_skew_seconds),
            session_ttl=timedelta(seconds=settings.session_ttl_seconds),
            access_ttl=timedelta(seconds=settings.access_token_ttl_seconds),
            allow_http_portals=settings.env != "production",
        )

    def fetcher(self) -> oidc.Fetch:
        async def fetch(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
            try:
                answer = await outbound.send(
                    method,
                    url,
                    body=body,
                    headers=headers,
                    timeout=self.timeout,
                    allow_private=self.allow_private,
                    max_bytes=oidc.MAX_DOCUMENT_BYTES,
                )
            except outbound.OutboundRefused as exc:
                raise oidc.OidcError(f"The identity provider's address is refused: {exc}.") from None
            except httpx.HTTPError as exc:
                raise oidc.OidcError(f"The identity provider cannot be reached ({type(exc).__name__}).") from None
            return answer.status, answer.body

        return fetch


def _now() -> datetime:
    return datetime.now(UTC)


async def check_return_url(
    session: AsyncSession, config: SignInConfig, tenant: Tenant, return_url: str | None
) -> str | None:
    """A portal URL to send the person back to: only on the tenant's registered portal origins."""
    if not return_url:
        return None
    if len(return_url) > 2000 or "\\" in return_url or any(ord(c) < 0x21 for c in return_url):
        raise SignInError(400, "The return URL is not valid.", BAD_REQUEST)
    try:
        parts = urlsplit(return_url)
        origin = normalise_origin(f"{parts.scheme}://{parts.netloc}", allow_http=config.allow_http_portals)
    except (ServiceError, ValueError):
        raise SignInError(400, "The return URL must be an absolute URL on a registered portal.", BAD_REQUEST) from None
    if not await portal_origin_allowed(session, tenant.id, origin):
        raise SignInError(400, "The return URL is not on one of this organisation's registered portals.", BAD_REQUEST)
    if "insignia_code" in parse_qs(parts.query):
        # A code planted in the return URL would be read before the real one.
        raise SignInError(400, "The return URL must not carry an insignia_code.", BAD_REQUEST)
    return return_url


async def _connection(session: AsyncSession, connection_id: uuid.UUID) -> SsoConnection:
    try:
        connection = await sso.get_connection(session, connection_id)
    except NotFoundError:
        raise SignInError(404, "No such sign-in connection.", "not_found") from None
    if not connection.enabled:
        raise SignInError(403, "This sign-in connection is disabled.")
    return connection


async def begin(
    session: AsyncSession,
    config: SignInConfig,
    tenant: Tenant,
    connection_id: uuid.UUID,
    *,
    return_url: str | None,
    login_hint: str | None,
    code_challenge: str | None = None,
) -> tuple[str, str]:
    """Start a sign-in: (the IdP URL to redirect to, the state to bind to this browser).

    A portal that wants the person back (``return_url``) sends the S256 ``code_challenge`` of a
    verifier it keeps: the hand-over code it receives is only good with that verifier, so a code
    that leaks, or one an attacker plants in a victim's portal, is worth nothing."""
    connection = await _connection(session, connection_id)
    return_url = await check_return_url(session, config, tenant, return_url)
    if return_url is not None and (code_challenge is None or not _CHALLENGE_RE.match(code_challenge)):
        raise SignInError(
            400, "A return URL needs the portal's code_challenge (S256 of a code verifier, base64url).", BAD_REQUEST
        )
    urls = sso.ConnectionUrls.build(config.public_url, tenant, connection.id)
    request = SsoLoginRequest(
        tenant_id=tenant.id,
        id=uuid.uuid4(),  # the state: random, not time-ordered
        connection_id=connection.id,
        return_url=return_url,
        portal_code_challenge=code_challenge if return_url is not None else None,
        expires_at=_now() + LOGIN_TTL,
    )
    state = request.id.hex
    if connection.protocol == "oidc":
        if not (connection.oidc_issuer and connection.oidc_client_id):
            raise SignInError(500, "This connection is not configured completely.", "server_error")
        try:
            metadata = await oidc.discover(connection.oidc_issuer, config.fetcher())
        except oidc.OidcError as exc:
            # The details (addresses, answers) are for the tenant's admins, in the log.
            logger.warning("identity provider discovery failed for connection %s: %s", connection.id, exc)
            raise SignInError(
                502, "The organisation's identity provider cannot be reached right now.", "idp_unavailable"
            ) from None
        verifier, challenge = oidc.pkce_pair()
        request.nonce = secrets.token_urlsafe(24)
        request.code_verifier = verifier
        hint = login_hint.strip()[:320] if login_hint and login_hint.strip() else None
        target = oidc.authorization_url(
            metadata,
            client_id=connection.oidc_client_id,
            redirect_uri=urls.callback,
            scopes=list(connection.oidc_scopes or sso.DEFAULT_SCOPES),
            state=state,
            nonce=request.nonce,
            code_challenge=challenge,
            login_hint=hint,
        )
    else:
        if not connection.saml_idp_sso_url:
            raise SignInError(500, "This connection is not configured completely.", "server_error")
        request.saml_request_id = "_" + secrets.token_hex(20)
        xml = saml.authn_request(
            request_id=request.saml_request_id,
            sp_entity_id=urls.sp_entity_id,
            acs_url=urls.acs,
            destination=connection.saml_idp_sso_url,
            now=_now(),
        )
        target = saml.redirect_url(connection.saml_idp_sso_url, "SAMLRequest", xml, state)
    session.add(request)
    await session.flush()
    return target, state


async def _take_request(
    session: AsyncSession, connection: SsoConnection, state: str | None, kind: str = "login"
) -> SsoLoginRequest:
    """The sign-in (or single logout) in flight named by ``state``: removed so it cannot be
    completed twice."""
    try:
        request_id = uuid.UUID(hex=state or "")
    except ValueError:
        raise SignInError(400, "The sign-in state is missing or malformed; start again.", BAD_REQUEST) from None
    request = await session.scalar(
        delete(SsoLoginRequest)
        .where(
            SsoLoginRequest.id == request_id,
            SsoLoginRequest.connection_id == connection.id,
            SsoLoginRequest.kind == kind,
        )
        .returning(SsoLoginRequest)
    )
    if not isinstance(request, SsoLoginRequest):
        raise SignInError(400, "This sign-in has already been completed or was never started; start again.")
    if request.expires_at <= _now():
        raise SignInError(400, "This sign-in took too long; start again.")
    return request


async def _take_bound_request(
    session: AsyncSession, connection: SsoConnection, state: str | None, bound_state: str | None
) -> SsoLoginRequest:
    """The sign-in in flight, which must be the one this browser started (its state cookie):
    otherwise an attacker's own answer from the IdP could sign a victim's browser in (login CSRF)."""
    request = await _take_request(session, connection, state)
    if bound_state is None or not hmac.compare_digest(bound_state, state or ""):
        raise SignInError(400, "This sign-in was started in another browser; start again.")
    return request


async def spend_state(session: AsyncSession, connection_id: uuid.UUID, state: str | None) -> None:
    """Forget a sign-in in flight whose completion was refused."""
    try:
        request_id = uuid.UUID(hex=state or "")
    except ValueError:
        return
    await session.execute(
        delete(SsoLoginRequest).where(SsoLoginRequest.id == request_id, SsoLoginRequest.connection_id == connection_id)
    )


@dataclass(frozen=True)
class SignedIn:
    person: Person
    cookie: str
    handover_code: str
    return_url: str | None


def _claim_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _claim_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


async def complete_oidc(
    session: AsyncSession,
    config: SignInConfig,
    tenant: Tenant,
    connection_id: uuid.UUID,
    params: Mapping[str, str],
    *,
    bound_state: str | None,
) -> SignedIn:
    connection = await _connection(session, connection_id)
    request = await _take_bound_request(session, connection, params.get("state"), bound_state)
    if "error" in params:
        detail = params.get("error_description") or params["error"]
        raise SignInError(403, f"The identity provider did not sign you in: {detail[:200]}")
    code = params.get("code")
    if not code:
        raise SignInError(400, "The identity provider sent no authorization code.", BAD_REQUEST)
    if not (connection.oidc_issuer and connection.oidc_client_id and request.nonce and request.code_verifier):
        raise SignInError(400, "This sign-in was not started for OpenID Connect; start again.", BAD_REQUEST)
    fetch = config.fetcher()
    urls = sso.ConnectionUrls.build(config.public_url, tenant, connection.id)
    try:
        metadata = await oidc.discover(connection.oidc_issuer, fetch)
        oidc.check_callback_issuer(metadata, params.get("iss"))
        tokens = await oidc.exchange_code(
            metadata,
            fetch,
            client_id=connection.oidc_client_id,
            client_secret=sso.client_secret(config.box, connection),
            code=code,
            redirect_uri=urls.callback,
            code_verifier=request.code_verifier,
        )
        claims = await oidc.validate_id_token(
            tokens["id_token"],
            metadata,
            fetch,
            client_id=connection.oidc_client_id,
            nonce=request.nonce,
            skew_seconds=int(config.skew.total_seconds()),
        )
    except oidc.OidcError as exc:
        raise SignInError(403, f"Sign-in refused: {exc}") from None
    email = _claim_text(claims.get(sso.mapped(connection, "email")))
    verified_claim = claims.get("email_verified")
    # An unverified email must not take over someone's account; IdPs that do not say (Entra ID,
    # for one) are trusted only for connections that pin the organisation's email domains.
    verified = verified_claim is True or (verified_claim is None and bool(connection.allowed_domains))
    return await _sign_in(
        session,
        config,
        tenant,
        connection,
        request,
        subject=str(claims["sub"]),
        email=email,
        email_verified=verified,
        name=_claim_text(claims.get(sso.mapped(connection, "name"))),
        group_names=_claim_list(claims.get(sso.mapped(connection, "groups"))),
        locale=_claim_text(claims.get("locale")),
    )


async def complete_saml(
    session: AsyncSession,
    config: SignInConfig,
    tenant: Tenant,
    connection_id: uuid.UUID,
    form: Mapping[str, str],
    *,
    bound_state: str | None,
) -> SignedIn:
    connection = await _connection(session, connection_id)
    encoded = form.get("SAMLResponse")
    if not encoded:
        raise SignInError(400, "No SAMLResponse was posted.", BAD_REQUEST)
    request = await _take_bound_request(session, connection, form.get("RelayState"), bound_state)
    if not (connection.saml_idp_entity_id and connection.saml_idp_certificates and request.saml_request_id):
        raise SignInError(400, "This sign-in was not started for SAML; start again.", BAD_REQUEST)
    urls = sso.ConnectionUrls.build(config.public_url, tenant, connection.id)
    now = _now()
    try:
        assertion = saml.validate_response(
            encoded,
            certificates=list(connection.saml_idp_certificates),
            idp_entity_id=connection.saml_idp_entity_id,
            sp_entity_id=urls.sp_entity_id,
            acs_url=urls.acs,
            expected_request_id=request.saml_request_id,
            now=now,
            skew=config.skew,
        )
    except saml.SamlError as exc:
        raise SignInError(403, f"Sign-in refused: {exc}") from None
    used = await session.scalar(
        insert(SamlAssertionUsed)
        .values(
            tenant_id=tenant.id,
            connection_id=connection.id,
            assertion_id=assertion.assertion_id,
            expires_at=max(assertion.expires_at, now) + config.skew,
        )
        .on_conflict_do_nothing()
        .returning(SamlAssertionUsed.assertion_id)
    )
    if used is None:
        raise SignInError(403, "Sign-in refused: this SAML assertion was already used.")
    attributes = assertion.attributes
    email = _claim_text(attributes.get(sso.mapped(connection, "email")))
    if email is None and (assertion.name_id_format == saml.EMAIL_FORMAT or "@" in assertion.name_id):
        email = assertion.name_id
    group_attribute = sso.mapped(connection, "groups")
    # The NameID format is part of who someone is: the same value in another format is another subject.
    subject = f"{assertion.name_id_format}|{assertion.name_id}" if assertion.name_id_format else assertion.name_id
    return await _sign_in(
        session,
        config,
        tenant,
        connection,
        request,
        subject=subject,
        email=email,
        email_verified=True,  # the IdP asserts it, signed
        name=_claim_text(attributes.get(sso.mapped(connection, "name"))),
        group_names=attributes.get(group_attribute) if group_attribute in attributes else None,
        locale=_claim_text(attributes.get("preferredLanguage") or attributes.get("locale")),
        saml_name_id=assertion.name_id,
        saml_session_index=assertion.session_index,
    )


async def _sign_in(
    session: AsyncSession,
    config: SignInConfig,
    tenant: Tenant,
    connection: SsoConnection,
    request: SsoLoginRequest,
    *,
    subject: str,
    email: str | None,
    email_verified: bool,
    name: str | None,
    group_names: Sequence[str] | None,
    locale: str | None = None,
    saml_name_id: str | None = None,
    saml_session_index: str | None = None,
) -> SignedIn:
    email = email.lower() if email else None
    pinned = bool(connection.allowed_domains)
    if email is not None and pinned:
        domain = email.rpartition("@")[2]
        if domain not in connection.allowed_domains:
            raise SignInError(403, f"{email} is not in an email domain that {tenant.name}'s sign-in accepts.")
    if not 0 < len(subject) <= 500:
        raise SignInError(403, "The identity provider's subject identifier is empty or too long.")
    identity = await session.scalar(
        select(SsoIdentity).where(SsoIdentity.connection_id == connection.id, SsoIdentity.subject == subject)
    )
    person: Person | None = None
    if identity is not None:
        person = await session.scalar(select(Person).where(Person.id == identity.person_id))
    if person is None:
        if email is None or not email_verified:
            raise SignInError(403, "The identity provider did not give a verified email address for this person.")
        person = await session.scalar(select(Person).where(Person.email == email))
        if person is not None and not pinned:
            # Only a connection that is authoritative for the email's domain may vouch that this
            # is the person who already has the address here (else any IdP could take them over).
            raise SignInError(
                403,
                f"{email} already belongs to someone in {tenant.name}; this sign-in connection may only link "
                "people whose email domain it is pinned to (its allowed domains).",
            )
        if person is None:
            if not connection.jit_provisioning:
                raise SignInError(
                    403, f"{email} is not a member of {tenant.name}, and this sign-in does not add people."
                )
            grant = await groups.resolve_groups(session, group_names or [], connection.id)
            try:
                person = await people.provision_person(
                    session,
                    tenant.id,
                    email=email,
                    name=name or email.partition("@")[0],
                    audience_id=grant.audience_id or connection.audience_id,
                    roles=grant.roles or [Role.LEARNER.value],
                    actor=audit.connection_actor(connection.id),
                    locale=locale,
                )
            except ServiceError as exc:
                raise SignInError(403, f"{email} cannot be added to {tenant.name}: {exc.message}") from None
        if identity is None:
            identity = SsoIdentity(
                tenant_id=tenant.id, connection_id=connection.id, subject=subject, person_id=person.id
            )
            session.add(identity)
            # Which IdP identity signs a person in is security-relevant (a connection pinned to the
            # email's domain links someone who was already here).
            await audit.record(
                session, tenant.id, actor=audit.connection_actor(connection.id), action="person.sso_linked",
                subject_type="Person", subject_id=person.id,
                after={"connectionId": connection.id, "subject": subject, "email": person.email},
            )  # fmt: skip
    if not person.active:
        raise SignInError(403, f"This person has been deactivated in {tenant.name}.")
    if group_names is not None:
        await groups.apply_groups(session, person, group_names, connection.id)
    if person.locale is None and i18n.normalise(locale):
        person.locale = i18n.normalise(locale)  # the IdP's locale claim, until the person chooses one
    if identity is not None:
        identity.last_sign_in_at = _now()
    secret, code = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    signed_in = SignInSession(
        tenant_id=tenant.id,
        id=uuid7(),
        person_id=person.id,
        connection_id=connection.id,
        secret_hash=hash_secret(secret),
        handover_hash=hash_secret(code),
        handover_challenge=request.portal_code_challenge,
        handover_expires_at=now + HANDOVER_TTL,
        saml_name_id=saml_name_id,
        saml_session_index=saml_session_index,
        expires_at=now + config.session_ttl,
    )
    session.add(signed_in)
    await session.flush()
    return SignedIn(
        person=person,
        cookie=f"{signed_in.id.hex}.{secret}",
        handover_code=f"{signed_in.id.hex}.{code}",
        return_url=request.return_url,
    )


@dataclass(frozen=True)
class Tokens:
    access_token: str
    expires_in: int
    refresh_token: str | None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }
        if self.refresh_token is not None:
            body["refresh_token"] = self.refresh_token
        return body


def _split(credential: str | None) -> tuple[uuid.UUID, str]:
    session_hex, _, secret = (credential or "").partition(".")
    try:
        return uuid.UUID(hex=session_hex), secret
    except ValueError:
        raise SignInError(400, "The credential is malformed.", BAD_GRANT) from None


async def _live_session(session: AsyncSession, session_id: uuid.UUID) -> tuple[SignInSession, Person]:
    found = (
        await session.execute(
            select(SignInSession, Person)
            .join(Person, Person.id == SignInSession.person_id)
            .where(SignInSession.id == session_id)
            .with_for_update(of=SignInSession)
        )
    ).one_or_none()
    if found is None:
        raise SignInError(400, "No such session.", BAD_GRANT)
    signed_in, person = found
    if signed_in.ended_at is not None or signed_in.expires_at <= _now():
        raise SignInError(400, "The session has ended; sign in again.", BAD_GRANT)
    if not person.active:
        raise SignInError(400, "This person has been deactivated.", BAD_GRANT)
    return signed_in, person


def _access(config: SignInConfig, signed_in: SignInSession, person: Person) -> tuple[str, int]:
    remaining = signed_in.expires_at - _now()
    ttl = min(config.access_ttl, remaining)
    return issue_token(config.secret_key, config.token_issuer, person, ttl, session_id=signed_in.id), int(
        ttl.total_seconds()
    )


async def token_from_cookie(session: AsyncSession, config: SignInConfig, cookie: str | None) -> Tokens:
    """A bearer token for the browser holding the session cookie (same-site portals)."""
    if not cookie:
        raise SignInError(401, "Not signed in.", BAD_GRANT)
    try:
        session_id, secret = _split(cookie)
        signed_in, person = await _live_session(session, session_id)
    except SignInError as exc:
        raise SignInError(401, f"Not signed in: {exc.message}", BAD_GRANT) from None
    if not hmac.compare_digest(signed_in.secret_hash, hash_secret(secret)):
        raise SignInError(401, "Not signed in.", BAD_GRANT)
    signed_in.last_used_at = _now()
    token, ttl = _access(config, signed_in, person)
    return Tokens(token, ttl, None)


async def _rotate_refresh(signed_in: SignInSession) -> str:
    refresh = secrets.token_urlsafe(32)
    signed_in.previous_refresh_hash = signed_in.refresh_hash
    signed_in.refresh_hash = hash_secret(refresh)
    signed_in.last_used_at = _now()
    return f"{signed_in.id.hex}.{refresh}"


async def token_from_code(
    session: AsyncSession, config: SignInConfig, code: str | None, code_verifier: str | None
) -> Tokens:
    """Exchange the one-time hand-over code a portal received on its return URL, with the verifier
    of the code_challenge it started the sign-in with."""
    session_id, secret = _split(code)
    signed_in, person = await _live_session(session, session_id)
    if (
        signed_in.handover_hash is None
        or signed_in.handover_expires_at is None
        or signed_in.handover_expires_at <= _now()
        or not hmac.compare_digest(signed_in.handover_hash, hash_secret(secret))
    ):
        raise SignInError(400, "The code is invalid, expired or already used.", BAD_GRANT)
    if signed_in.handover_challenge is None or not hmac.compare_digest(
        signed_in.handover_challenge, oidc.s256(code_verifier or "")
    ):
        raise SignInError(400, "The code_verifier does not match the sign-in's code_challenge.", BAD_GRANT)
    signed_in.handover_hash = None
    signed_in.handover_expires_at = None
    refresh = await _rotate_refresh(signed_in)
    token, ttl = _access(config, signed_in, person)
    await session.flush()
    return Tokens(token, ttl, refresh)


async def token_from_refresh(session: AsyncSession, config: SignInConfig, refresh_token: str | None) -> Tokens:
    """A new bearer token and a new refresh token; the old refresh token is spent. Presenting a
    spent one ends the session: someone else holds a copy."""
    session_id, secret = _split(refresh_token)
    signed_in, person = await _live_session(session, session_id)
    digest = hash_secret(secret)
    if signed_in.refresh_hash is None or not hmac.compare_digest(signed_in.refresh_hash, digest):
        # Only a token that *was* valid proves a copy exists; a made-up one is merely refused
        # (the session id is visible in access tokens, so that must not end the session).
        if signed_in.previous_refresh_hash is None or not hmac.compare_digest(signed_in.previous_refresh_hash, digest):
            raise SignInError(400, "The refresh token is not valid.", BAD_GRANT)
        signed_in.ended_at = _now()
        await session.flush()
        raise ReusedRefreshToken(400, "The refresh token was already used; the session has been ended.", BAD_GRANT)
    refresh = await _rotate_refresh(signed_in)
    token, ttl = _access(config, signed_in, person)
    await session.flush()
    return Tokens(token, ttl, refresh)


class ReusedRefreshToken(SignInError):
    """Refused, but the session's end must be committed."""


@dataclass(frozen=True)
class SignedOut:
    connection: SsoConnection | None
    saml_name_id: str | None
    saml_session_index: str | None


async def end_session(session: AsyncSession, credential: str | None) -> SignedOut | None:
    """End the session a cookie or refresh token names (either proves possession)."""
    if not credential:
        return None
    try:
        session_id, secret = _split(credential)
    except SignInError:
        return None
    signed_in = await session.scalar(
        select(SignInSession).where(SignInSession.id == session_id, SignInSession.ended_at.is_(None))
    )
    if signed_in is None:
        return None
    digest = hash_secret(secret)
    if not any(
        stored is not None and hmac.compare_digest(stored, digest)
        for stored in (signed_in.secret_hash, signed_in.refresh_hash)
    ):
        return None
    signed_in.ended_at = _now()
    await session.flush()
    connection = None
    if signed_in.connection_id is not None:
        connection = await sso.find_connection(session, signed_in.connection_id)
    return SignedOut(connection, signed_in.saml_name_id, signed_in.saml_session_index)


async def saml_logout_url(
    session: AsyncSession, config: SignInConfig, tenant: Tenant, signed_out: SignedOut, return_url: str | None
) -> str | None:
    """SP-initiated single logout at the IdP, when the session came from a SAML IdP with SLO."""
    connection = signed_out.connection
    if connection is None or connection.protocol != "saml" or not connection.saml_idp_slo_url:
        return None
    if not signed_out.saml_name_id:
        return None
    urls = sso.ConnectionUrls.build(config.public_url, tenant, connection.id)
    request = SsoLoginRequest(
        tenant_id=tenant.id,
        id=uuid.uuid4(),
        connection_id=connection.id,
        kind="logout",
        saml_request_id="_" + secrets.token_hex(20),
        return_url=return_url,
        expires_at=_now() + LOGIN_TTL,
    )
    session.add(request)
    await session.flush()
    assert request.saml_request_id
    xml = saml.logout_request(
        request_id=request.saml_request_id,
        sp_entity_id=urls.sp_entity_id,
        destination=connection.saml_idp_slo_url,
        name_id=signed_out.saml_name_id,
        session_index=signed_out.saml_session_index,
        now=_now(),
    )
    return saml.redirect_url(connection.saml_idp_slo_url, "SAMLRequest", xml, request.id.hex)


async def finish_saml_logout(
    session: AsyncSession, tenant: Tenant, connection_id: uuid.UUID, encoded: str | None, relay_state: str | None
) -> str | None:
    """The IdP's LogoutResponse: where to send the browser now (the portal's return URL, if any)."""
    connection = await sso.find_connection(session, connection_id)
    if connection is None:
        raise SignInError(404, "No such sign-in connection.", "not_found")
    if not encoded:
        raise SignInError(400, "No SAMLResponse was sent.", BAD_REQUEST)
    request = await _take_request(session, connection, relay_state, kind="logout")
    try:
        response = saml.decode_redirect(encoded)
    except saml.SamlError as exc:
        raise SignInError(400, str(exc), BAD_REQUEST) from None
    answers = response.get("InResponseTo") == request.saml_request_id
    if response.tag != f"{{{saml.NS['samlp']}}}LogoutResponse" or not answers:
        raise SignInError(400, "This is not the answer to our logout request.", BAD_REQUEST)
    # Our session ended before the browser went to the IdP; its answer only says where to go next.
    return request.return_url


async def housekeeping(session: AsyncSession) -> int:
    """Forget abandoned sign-ins and expired SAML assertion ids of every tenant; how many."""
    return int(await session.scalar(text("SELECT insignia_sign_in_housekeeping()")) or 0)
