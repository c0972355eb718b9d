"""OpenID Connect relying party: discovery, the authorization request (code flow with PKCE), the
code exchange and the ID token checks.

An ID token is accepted only when its signature verifies with a key from the provider's JWKS
(asymmetric algorithms only), ``iss`` is exactly the configured issuer, ``aud`` (a string or a
list) contains our client id (with ``azp`` equal to it when there are several audiences), ``exp``,
``iat`` and ``nbf`` hold within a small clock skew, and ``nonce`` is the one this browser's
sign-in started with. The callback's RFC 9207 ``iss`` parameter must be the issuer when present,
and present when the provider says it sends it (mix-up defence).

Discovery documents and JWKS are cached per issuer for a few minutes (a JWKS is fetched again at
once when a token names an unknown key). Client ids and secrets are never cached: every sign-in
reads them from the connection, so a rotated secret takes effect at once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
_CACHE_SECONDS = 300.0
MAX_DOCUMENT_BYTES = 512 * 1024

# (method, url, body, headers) -> (status, body); the caller decides how the network is reached.
Fetch = Callable[[str, str, bytes | None, dict[str, str]], Awaitable[tuple[int, bytes]]]


class OidcError(Exception):
    """The provider's answer or the ID token was refused; the message says why."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    iss_parameter_supported: bool
    token_auth_methods: tuple[str, ...]


_discovery_cache: dict[str, tuple[float, ProviderMetadata]] = {}
_jwks_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def _json(status: int, body: bytes, what: str) -> dict[str, Any]:
    if status != 200:
        raise OidcError(f"The identity provider answered {status} for its {what}.")
    try:
        document = json.loads(body)
    except ValueError:
        raise OidcError(f"The identity provider's {what} is not JSON.") from None
    if not isinstance(document, dict):
        raise OidcError(f"The identity provider's {what} is not a JSON object.")
    return document


async def discover(issuer: str, fetch: Fetch) -> ProviderMetadata:
    cached = _discovery_cache.get(issuer)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    status, body = await fetch("GET", url, None, {"Accept": "application/json"})
    document = _json(status, body, "discovery document")
    # OpenID Connect Discovery 4.3: the document's issuer must be exactly the one we asked about.
    if document.get("issuer") != issuer:
        raise OidcError(f"The discovery document names issuer {document.get('issuer')!r}, not {issuer!r}.")
    try:
        metadata = ProviderMetadata(
            issuer=issuer,
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            iss_parameter_supported=bool(document.get("authorization_response_iss_parameter_supported", False)),
            token_auth_methods=tuple(document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]),
        )
    except KeyError as exc:
        raise OidcError(f"The discovery document lacks {exc.args[0]}.") from None
    _discovery_cache[issuer] = (time.monotonic() + _CACHE_SECONDS, metadata)
    return metadata


def s256(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    return verifier, s256(verifier)


def authorization_url(
    metadata: ProviderMetadata,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: list[str],
    state: str,
    nonce: str,
    code_challenge: str,
    login_hint: str | None,
) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": state,
        "nonce": nonce,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    if login_hint:
        query["login_hint"] = login_hint
    separator = "&" if "?" in metadata.authorization_endpoint else "?"
    return metadata.authorization_endpoint + separator + urlencode(query)


def check_callback_issuer(metadata: ProviderMetadata, iss: str | None) -> None:
    """RFC 9207: the authorization response's ``iss`` must be our provider's."""
    if iss is None:
        if metadata.iss_parameter_supported:
            raise OidcError("The authorization response lacks the iss parameter its provider promises.")
        return
    if iss != metadata.issuer:
        raise OidcError("The authorization response comes from another issuer.")


async def exchange_code(
    metadata: ProviderMetadata,
    fetch: Fetch,
    *,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str,
) -> dict[str, Any]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    if "client_secret_basic" in metadata.token_auth_methods or "client_secret_post" not in metadata.token_auth_methods:
        # RFC 6749 2.3.1: both halves form-urlencoded before base64.
        basic = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(basic.encode()).decode()
    else:
        form |= {"client_id": client_id, "client_secret": client_secret}
    status, body = await fetch("POST", metadata.token_endpoint, urlencode(form).encode(), headers)
    if status != 200:
        try:
            error = json.loads(body).get("error", "")
        except (ValueError, AttributeError):
            error = ""
        if error == "invalid_client":
            raise OidcError("The identity provider refused the connection's client id or secret.")
        raise OidcError(f"The identity provider refused the code exchange ({status} {error}).".replace(" )", ")"))
    tokens = _json(status, body, "token response")
    if not isinstance(tokens.get("id_token"), str):
        raise OidcError("The token response has no ID token.")
    return tokens


async def _jwks(metadata: ProviderMetadata, fetch: Fetch, *, refresh: bool) -> KeySet:
    cached = _jwks_cache.get(metadata.jwks_uri)
    if cached is None or refresh or cached[0] <= time.monotonic():
        status, body = await fetch("GET", metadata.jwks_uri, None, {"Accept": "application/json"})
        document = _json(status, body, "JWKS")
        cached = (time.monotonic() + _CACHE_SECONDS, document)
        _jwks_cache[metadata.jwks_uri] = cached
    try:
        return KeySet.import_key_set(cached[1])  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError):
        raise OidcError("The identity provider's JWKS holds no usable keys.") from None


def _decode(id_token: str, keys: KeySet) -> dict[str, Any]:
    decoded = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    return dict(decoded.claims)


async def validate_id_token(
    id_token: str,
    metadata: ProviderMetadata,
    fetch: Fetch,
    *,
    client_id: str,
    nonce: str,
    skew_seconds: int,
    now: float | None = None,
) -> dict[str, Any]:
    try:
        try:
            claims = _decode(id_token, await _jwks(metadata, fetch, refresh=False))
        except JoseError:
            # Perhaps the provider rotated its keys since we cached them.
            claims = _decode(id_token, await _jwks(metadata, fetch, refresh=True))
    except JoseError as exc:
        raise OidcError(f"The ID token's signature does not verify ({exc.error}).") from None
    except ValueError:
        raise OidcError("The ID token is malformed.") from None
    current = time.time() if now is None else now
    if claims.get("iss") != metadata.issuer:
        raise OidcError("The ID token was issued by another issuer.")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    if client_id not in audiences:
        raise OidcError("The ID token is meant for another client (aud).")
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise OidcError("The ID token's authorized party (azp) is another client.")
    for name in ("exp", "iat"):
        if not isinstance(claims.get(name), int | float):
            raise OidcError(f"The ID token has no {name}.")
    if claims["exp"] <= current - skew_seconds:
        raise OidcError("The ID token has expired.")
    if claims["iat"] > current + skew_seconds or (
        isinstance(claims.get("nbf"), int | float) and claims["nbf"] > current + skew_seconds
    ):
        raise OidcError("The ID token is not valid yet.")
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(claims["nonce"], nonce):
        raise OidcError("The ID token's nonce does not match this sign-in.")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise OidcError("The ID token names no subject.")
    return claims
