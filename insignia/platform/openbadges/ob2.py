"""Open Badges 2.0 hosted documents: Issuer profile, BadgeClass and Assertion (JSON-LD).

Every document's ``id`` is the URL it is served at, on the tenant's public origin. Recipients
are identified by a salted SHA-256 of their email, so a verifier who knows the email can check
it and nobody else learns it.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insignia.platform.credentials.models import Alignment, Award, BadgeClass
from insignia.platform.learning.models import Skill
from insignia.tenants.models import Tenant

CONTEXT = "https://w3id.org/openbadges/v2"
SUSPENDED_REASON = "Suspended by the issuer (it may be reinstated)."


@dataclass(frozen=True)
class Urls:
    """Where a tenant's public documents live: ``<public url>/t/<slug>``, or the root of the
    tenant's own domain when it has one."""

    base: str
    slug: str
    domain: str | None = None

    @classmethod
    def for_tenant(cls, public_url: str, tenant: Tenant) -> Urls:
        return cls(public_url, tenant.slug, tenant.domain)

    @property
    def root(self) -> str:
        return f"https://{self.domain}" if self.domain else f"{self.base}/t/{self.slug}"

    @property
    def issuer(self) -> str:
        return f"{self.root}/ob2/issuer"

    def badge(self, badge_id: uuid.UUID) -> str:
        return f"{self.root}/ob2/badges/{badge_id}"

    def assertion(self, award_id: uuid.UUID) -> str:
        return f"{self.root}/ob2/assertions/{award_id}"

    def credential(self, award_id: uuid.UUID) -> str:
        return f"{self.root}/ob3/credentials/{award_id}"

    def status_list(self, purpose: str, number: int) -> str:
        return f"{self.root}/ob3/status/{purpose}/{number}"

    @property
    def did_document(self) -> str:
        return f"{self.root}/did.json"

    def profile(self, person_id: uuid.UUID) -> str:
        return f"{self.root}/people/{person_id}"

    def page(self, award_id: uuid.UUID) -> str:
        return f"{self.root}/awards/{award_id}"

    def image(self, award_id: uuid.UUID, fmt: str) -> str:
        return f"{self.root}/awards/{award_id}/image.{fmt}"

    def og_image(self, award_id: uuid.UUID) -> str:
        """The 1200 x 630 card shared links unfurl to (Open Graph)."""
        return f"{self.root}/awards/{award_id}/og.png"

    def baked(self, award_id: uuid.UUID, fmt: str, version: str = "ob2") -> str:
        return f"{self.root}/awards/{award_id}/baked/{version}.{fmt}"

    @property
    def sharing_help(self) -> str:
        """The page emails fall back to: how to see and share a badge that is not public."""
        return f"{self.root}/sharing"

    @property
    def logo(self) -> str:
        return f"{self.root}/brand/logo"

    def badge_image(self, badge_id: uuid.UUID) -> str:
        return f"{self.root}/ob2/badges/{badge_id}/image"


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def recipient_salt(secret_key: str, award_id: uuid.UUID) -> str:
    """A per-award salt, stable so the hosted document never changes under a verifier."""
    return hmac.new(secret_key.encode(), b"ob2-salt:" + award_id.bytes, hashlib.sha256).hexdigest()[:16]


def hashed_email(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()


def issuer_document(urls: Urls, tenant: Tenant, logo_url: str | None = None) -> dict[str, Any]:
    document = {"@context": CONTEXT, "type": "Issuer", "id": urls.issuer, "name": tenant.name, "url": urls.root}
    if logo_url is not None:
        document["image"] = logo_url
    return document


def badge_class_document(
    urls: Urls, badge: BadgeClass, skills: list[Skill], alignments: list[Alignment]
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": urls.badge(badge.id),
        "name": badge.name,
        "description": badge.description,
        "image": badge.image_url or urls.badge_image(badge.id),
        "criteria": {"narrative": badge.criteria_narrative or badge.description},
        "issuer": urls.issuer,
        "tags": [s.name for s in skills],
    }
    if alignments:
        document["alignment"] = [
            {
                "targetName": a.target_name,
                "targetUrl": a.target_url,
                **({"targetFramework": a.framework} if a.framework else {}),
                **({"targetCode": a.code} if a.code else {}),
            }
            for a in alignments
        ]
    return document


def assertion_document(urls: Urls, award: Award, recipient_email: str, secret_key: str) -> dict[str, Any]:
    salt = recipient_salt(secret_key, award.id)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": urls.assertion(award.id),
        "recipient": {"type": "email", "hashed": True, "salt": salt, "identity": hashed_email(recipient_email, salt)},
        "badge": urls.badge(award.badge_class_id),
        "verification": {"type": "HostedBadge"},
        "issuedOn": _iso(award.issued_at),
        "image": urls.image(award.id, "svg"),
    }
    if award.expires_at is not None:
        document["expires"] = _iso(award.expires_at)
    evidence: dict[str, Any] = {}
    if award.evidence_url:
        evidence["id"] = award.evidence_url
    if award.evidence_narrative:
        evidence["narrative"] = award.evidence_narrative
    if evidence:
        document["evidence"] = evidence
    if award.suspended_at is not None:
        # Open Badges 2.0 knows no suspension; while it lasts, verifiers must refuse the assertion.
        # The issuer's reason stays inside the tenant.
        document["revoked"] = True
        document["revocationReason"] = SUSPENDED_REASON
    return document


def revoked_document(urls: Urls, award: Award) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": urls.assertion(award.id),
        "revoked": True,
        "revocationReason": award.revocation_reason or "",
    }
