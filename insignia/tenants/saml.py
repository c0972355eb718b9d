"""SAML 2.0 service provider: metadata, AuthnRequest and LogoutRequest (HTTP-Redirect binding), and
the checks a Response must pass (HTTP-POST binding) before anyone is signed in.

A Response is accepted only when
- it parses without a DOCTYPE (no entity tricks) and is a successful ``samlp:Response``;
- the assertion is covered by an XML signature of one of the connection's IdP certificates:
  the Response's own signature or the Assertion's (RSA or ECDSA with SHA-256 or better). Only the
  bytes the signature covers (signxml's ``signed_xml``) are read afterwards, so a wrapped or
  injected second assertion is never looked at;
- Issuer is the IdP's entity id; Destination and the bearer confirmation's Recipient are our ACS;
  InResponseTo names the AuthnRequest this browser started (unsolicited responses are refused);
  the time window (NotBefore/NotOnOrAfter, with a small clock skew) holds; our entity id is in the
  AudienceRestriction; there is an AuthnStatement.
Replays are refused by the caller, which records each assertion id until it expires.
Encrypted assertions are not supported (the IdP must send them unencrypted over TLS).
"""

from __future__ import annotations

import base64
import binascii
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.verifier import SignatureConfiguration, XMLVerifier

NS = {
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}
REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
MAX_MESSAGE_BYTES = 256 * 1024

_SIGNATURE_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})


class SamlError(Exception):
    """A SAML message or metadata document was refused; the message says why."""


def _parse(data: bytes) -> Any:
    if len(data) > MAX_MESSAGE_BYTES:
        raise SamlError("The SAML document is too large.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SamlError(f"The SAML document is not well-formed XML ({exc.msg}).") from None
    if root.getroottree().docinfo.doctype:
        raise SamlError("SAML documents with a DOCTYPE are refused.")
    return root


def _text(element: Any) -> str:
    # All text nodes: a comment inside a value must not truncate it (user@evil.com<!---->.example).
    return "".join(element.itertext()).strip()


def _pem(certificate: str) -> str:
    """Normalise a certificate (PEM or bare base64 DER) to PEM, checking it parses."""
    body = certificate.strip()
    if "BEGIN CERTIFICATE" not in body:
        der = "".join(body.split())
        body = "-----BEGIN CERTIFICATE-----\n" + der + "\n-----END CERTIFICATE-----\n"
    try:
        x509.load_pem_x509_certificate(body.encode())
    except ValueError:
        raise SamlError("The IdP certificate is not a valid X.509 certificate.") from None
    return body


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    sso_url: str
    slo_url: str | None
    certificates: list[str]


def parse_idp_metadata(xml: str) -> IdpMetadata:
    """The IdP's entity id, redirect-binding SSO and SLO endpoints and signing certificates."""
    root = _parse(xml.encode())
    if root.tag == f"{{{NS['md']}}}EntitiesDescriptor":
        found = root.find("md:EntityDescriptor", NS)
        if found is None:
            raise SamlError("The metadata has no EntityDescriptor.")
        root = found
    if root.tag != f"{{{NS['md']}}}EntityDescriptor":
        raise SamlError("The metadata is not a SAML EntityDescriptor.")
    idp = root.find("md:IDPSSODescriptor", NS)
    entity_id = root.get("entityID")
    if idp is None or not entity_id:
        raise SamlError("The metadata does not describe an identity provider (IDPSSODescriptor with entityID).")
    sso = idp.find(f"md:SingleSignOnService[@Binding='{REDIRECT_BINDING}']", NS)
    if sso is None or not sso.get("Location"):
        raise SamlError("The identity provider offers no SingleSignOnService with the HTTP-Redirect binding.")
    slo = idp.find(f"md:SingleLogoutService[@Binding='{REDIRECT_BINDING}']", NS)
    certificates = []
    for descriptor in idp.findall("md:KeyDescriptor", NS):
        if descriptor.get("use", "signing") != "signing":
            continue
        for cert in descriptor.findall(".//ds:X509Certificate", NS):
            certificates.append(_pem(_text(cert)))
    if not certificates:
        raise SamlError("The metadata names no signing certificate.")
    return IdpMetadata(
        entity_id=entity_id,
        sso_url=str(sso.get("Location")),
        slo_url=str(slo.get("Location")) if slo is not None and slo.get("Location") else None,
        certificates=certificates,
    )


def normalise_certificate(certificate: str) -> str:
    return _pem(certificate)


def sp_metadata(*, entity_id: str, acs_url: str, slo_url: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<md:EntityDescriptor xmlns:md="{NS["md"]}" entityID={quoteattr(entity_id)}>\n'
        '  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
        f'    <md:SingleLogoutService Binding="{REDIRECT_BINDING}" Location={quoteattr(slo_url)}/>\n'
        f"    <md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>\n"
        "    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>\n"
        f'    <md:AssertionConsumerService Binding="{POST_BINDING}" Location={quoteattr(acs_url)} index="0" '
        'isDefault="true"/>\n'
        "  </md:SPSSODescriptor>\n"
        "</md:EntityDescriptor>\n"
    )


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def authn_request(*, request_id: str, sp_entity_id: str, acs_url: str, destination: str, now: datetime) -> str:
    return (
        f'<samlp:AuthnRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" '
        f'ID={quoteattr(request_id)} Version="2.0" IssueInstant="{_instant(now)}" '
        f"Destination={quoteattr(destination)} AssertionConsumerServiceURL={quoteattr(acs_url)} "
        f'ProtocolBinding="{POST_BINDING}">'
        f"<saml:Issuer>{escape(sp_entity_id)}</saml:Issuer>"
        '<samlp:NameIDPolicy AllowCreate="true"/>'
        "</samlp:AuthnRequest>"
    )


def logout_request(
    *, request_id: str, sp_entity_id: str, destination: str, name_id: str, session_index: str | None, now: datetime
) -> str:
    index = f"<samlp:SessionIndex>{escape(session_index)}</samlp:SessionIndex>" if session_index else ""
    return (
        f'<samlp:LogoutRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" '
        f'ID={quoteattr(request_id)} Version="2.0" IssueInstant="{_instant(now)}" '
        f"Destination={quoteattr(destination)}>"
        f"<saml:Issuer>{escape(sp_entity_id)}</saml:Issuer>"
        f"<saml:NameID>{escape(name_id)}</saml:NameID>{index}"
        "</samlp:LogoutRequest>"
    )


def redirect_url(destination: str, parameter: str, xml: str, relay_state: str | None) -> str:
    """The HTTP-Redirect binding: raw DEFLATE, base64, as a query parameter."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    deflated = compressor.compress(xml.encode()) + compressor.flush()
    query = {parameter: base64.b64encode(deflated).decode()}
    if relay_state is not None:
        query["RelayState"] = relay_state
    separator = "&" if "?" in destination else "?"
    return destination + separator + urlencode(query)


def decode_redirect(value: str) -> Any:
    """A message received through the HTTP-Redirect binding, parsed."""
    try:
        deflated = base64.b64decode(value, validate=True)
        xml = zlib.decompressobj(-15).decompress(deflated, MAX_MESSAGE_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise SamlError("The SAML message is not valid DEFLATE+base64.") from None
    return _parse(xml)


@dataclass(frozen=True)
class SamlAssertion:
    assertion_id: str
    name_id: str
    name_id_format: str | None
    session_index: str | None
    attributes: dict[str, list[str]]
    expires_at: datetime


def _time(value: str | None, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SamlError(f"{what} is not a valid time.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _verified(element: Any, certificates: list[str]) -> Any:
    """The element as covered by its enveloped signature, verified with one of ``certificates``:
    the signed bytes re-parsed, which must be that same element (same name and ID)."""
    config = SignatureConfiguration(
        location="./", expect_references=1, signature_methods=_SIGNATURE_METHODS, digest_algorithms=_DIGESTS
    )
    for certificate in certificates:
        try:
            result = XMLVerifier().verify(element, x509_cert=certificate, expect_config=config)
        except Exception:  # noqa: BLE001, S112 - any failure to verify (malformed input too) is a refusal
            continue
        signed = result.signed_xml if not isinstance(result, list) else None
        if signed is not None and signed.tag == element.tag and signed.get("ID") == element.get("ID"):
            return signed
    raise SamlError("The SAML signature does not verify with the connection's IdP certificates.")


def validate_response(
    encoded: str,
    *,
    certificates: list[str],
    idp_entity_id: str,
    sp_entity_id: str,
    acs_url: str,
    expected_request_id: str,
    now: datetime,
    skew: timedelta,
) -> SamlAssertion:
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SamlError("SAMLResponse is not valid base64.") from None
    response = _parse(raw)
    if response.tag != f"{{{NS['samlp']}}}Response":
        raise SamlError("The message is not a SAML Response.")
    status = response.find("samlp:Status/samlp:StatusCode", NS)
    if status is None or status.get("Value") != SUCCESS:
        code = status.get("Value", "missing") if status is not None else "missing"
        raise SamlError(f"The identity provider did not sign the person in (status {code.rsplit(':', 1)[-1]}).")
    if response.find("saml:EncryptedAssertion", NS) is not None:
        raise SamlError("Encrypted assertions are not supported by this connection.")

    if response.find("ds:Signature", NS) is not None:
        response = _verified(response, certificates)
        assertions = response.findall("saml:Assertion", NS)
        if len(assertions) != 1:
            raise SamlError("The SAML Response must carry exactly one assertion.")
        assertion = assertions[0]
        if assertion.find("ds:Signature", NS) is not None:
            assertion = _verified(assertion, certificates)
    else:
        assertions = response.findall("saml:Assertion", NS)
        if len(assertions) != 1:
            raise SamlError("The SAML Response must carry exactly one assertion.")
        if assertions[0].find("ds:Signature", NS) is None:
            raise SamlError("The SAML Response is not signed.")
        assertion = _verified(assertions[0], certificates)

    destination = response.get("Destination")
    if destination is not None and destination != acs_url:
        raise SamlError("The SAML Response was sent to another destination.")
    if response.get("InResponseTo") not in (None, expected_request_id):
        raise SamlError("The SAML Response answers another request.")
    response_issuer = response.find("saml:Issuer", NS)
    if response_issuer is not None and _text(response_issuer) != idp_entity_id:
        raise SamlError("The SAML Response was issued by another identity provider.")
    issuer = assertion.find("saml:Issuer", NS)
    if issuer is None or _text(issuer) != idp_entity_id:
        raise SamlError("The assertion was issued by another identity provider.")

    name_id = assertion.find("saml:Subject/saml:NameID", NS)
    if name_id is None or not _text(name_id):
        raise SamlError("The assertion names no subject.")
    confirmed = False
    for confirmation in assertion.findall("saml:Subject/saml:SubjectConfirmation", NS):
        data = confirmation.find("saml:SubjectConfirmationData", NS)
        if confirmation.get("Method") != BEARER or data is None:
            continue
        if data.get("Recipient") != acs_url or data.get("InResponseTo") != expected_request_id:
            continue
        until = _time(data.get("NotOnOrAfter"), "SubjectConfirmationData NotOnOrAfter")
        if until is None or now - skew >= until:
            continue
        since = _time(data.get("NotBefore"), "SubjectConfirmationData NotBefore")
        if since is not None:
            continue  # SAML profiles 4.1.4.2: a bearer confirmation must not carry NotBefore
        confirmed = True
    if not confirmed:
        raise SamlError(
            "The assertion has no valid bearer confirmation for this service provider and request "
            "(recipient, request or time)."
        )

    conditions = assertion.find("saml:Conditions", NS)
    if conditions is None:
        raise SamlError("The assertion has no Conditions.")
    not_before = _time(conditions.get("NotBefore"), "NotBefore")
    not_on_or_after = _time(conditions.get("NotOnOrAfter"), "NotOnOrAfter")
    if not_before is not None and now + skew < not_before:
        raise SamlError("The assertion is not valid yet.")
    if not_on_or_after is None or now - skew >= not_on_or_after:
        raise SamlError("The assertion has expired.")
    # Each AudienceRestriction must name us (several restrictions all apply).
    restrictions = conditions.findall("saml:AudienceRestriction", NS)
    if not restrictions or any(
        sp_entity_id not in [_text(a) for a in r.findall("saml:Audience", NS)] for r in restrictions
    ):
        raise SamlError("The assertion is meant for another service provider (audience).")
    statement = assertion.find("saml:AuthnStatement", NS)
    if statement is None:
        raise SamlError("The assertion has no AuthnStatement.")
    assertion_id = assertion.get("ID")
    if not assertion_id:
        raise SamlError("The assertion has no ID.")

    attributes: dict[str, list[str]] = {}
    for attribute in assertion.findall("saml:AttributeStatement/saml:Attribute", NS):
        name = attribute.get("Name")
        if name:
            values = [_text(v) for v in attribute.findall("saml:AttributeValue", NS)]
            attributes.setdefault(name, []).extend(v for v in values if v)
    return SamlAssertion(
        assertion_id=assertion_id,
        name_id=_text(name_id),
        name_id_format=name_id.get("Format"),
        session_index=statement.get("SessionIndex"),
        attributes=attributes,
        expires_at=not_on_or_after,
    )
