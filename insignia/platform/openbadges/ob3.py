"""Open Badges 3.0: signed ``OpenBadgeCredential`` documents, issuer keys and the DID document.

Each tenant signs with an Ed25519 key (stored encrypted, bound to its row). Rotation retires the
current key and creates a new one; retired keys stay in the DID document, and an award is always
signed with the key that was active when it was issued, so old credentials keep verifying.
The issuer is ``did:web`` on the public origin: ``did:web:<host>:t:<slug>`` resolves to
``/t/<slug>/did.json``.
"""

from __future__ import annotations

import base64
import gzip
import uuid
import zlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra import audit
from insignia.infra.crypto import SecretBox
from insignia.infra.ids import uuid7
from insignia.infra.orm import Base
from insignia.platform.credentials.models import Alignment, Award, BadgeClass
from insignia.platform.learning.models import Skill
from insignia.platform.openbadges import dataintegrity, ob2
from insignia.tenants.auth import Principal, Scope, require_person_with
from insignia.tenants.models import Person, Tenant

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    # 1EdTechJsonSchemaValidator2019 is defined here, not in context 3.0.3.
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
# 131,072 entries per list, the minimum the specification allows (a small list would reveal more).
STATUS_LIST_SIZE = 131_072
# Bits per entry. ``message`` lists hold two bits per award: the high bit says revoked, the low bit
# suspended (revoked wins); ``revocation`` lists (awards issued before suspension existed) hold one.
STATUS_SIZE = {"revocation": 1, "message": 2}
STATUS_MESSAGES = [
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "suspended"},
    {"status": "0x2", "message": "revoked"},
    {"status": "0x3", "message": "revoked"},
]
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


class SigningKey(Base):
    __tablename__ = "signing_keys"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    public_key_multibase: Mapped[str]
    private_key_encrypted: Mapped[bytes]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    retired_at: Mapped[datetime | None]


def did_for(urls: ob2.Urls) -> str:
    """``did:web:<domain>`` (document at ``/.well-known/did.json``) for a tenant with its own domain,
    else ``did:web:<platform host>:t:<slug>`` (document at ``/t/<slug>/did.json``)."""
    if urls.domain:
        return f"did:web:{urls.domain}"
    host = urlsplit(urls.base).netloc
    return f"did:web:{quote(host, safe='')}:t:{urls.slug}"


def _context(key: SigningKey) -> bytes:
    return b"signing-key:" + key.tenant_id.bytes + key.id.bytes


async def _create_key(session: AsyncSession, tenant_id: uuid.UUID, box: SecretBox) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    key = SigningKey(
        tenant_id=tenant_id,
        id=uuid7(),
        public_key_multibase=dataintegrity.public_key_multibase(private.public_key()),
        private_key_encrypted=b"",
        created_at=datetime.now(UTC),
    )
    key.private_key_encrypted = box.seal(raw.hex(), _context(key))
    session.add(key)
    await session.flush()
    return key


async def keys(session: AsyncSession) -> list[SigningKey]:
    return list((await session.scalars(select(SigningKey).order_by(SigningKey.id))).all())


async def key_for(session: AsyncSession, tenant_id: uuid.UUID, box: SecretBox, issued_at: datetime) -> SigningKey:
    """The key that signs an award issued at ``issued_at``: the one active then (or the oldest)."""
    all_keys = await keys(session)
    if not all_keys:
        # The first key is created on first use; two requests racing to create it settle on one.
        try:
            async with session.begin_nested():
                return await _create_key(session, tenant_id, box)
        except IntegrityError:
            all_keys = await keys(session)
    for key in reversed(all_keys):
        if key.created_at <= issued_at:
            return key
    return all_keys[0]


async def rotate(session: AsyncSession, principal: Principal, box: SecretBox) -> SigningKey:
    """Retire the active key and create a new one for credentials issued from now on."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can rotate signing keys.")
    active = await session.scalar(select(SigningKey).where(SigningKey.retired_at.is_(None)).with_for_update())
    if active is not None:
        active.retired_at = datetime.now(UTC)
        await session.flush()
    key = await _create_key(session, principal.tenant_id, box)
    # Public keys only: the private key never leaves its sealed column.
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="signing_key.rotated",
        subject_type="SigningKey", subject_id=key.id,
        before={"keyId": active.id, "publicKeyMultibase": active.public_key_multibase} if active else None,
        after={"keyId": key.id, "publicKeyMultibase": key.public_key_multibase},
    )  # fmt: skip
    return key


def did_document(did: str, all_keys: list[SigningKey]) -> dict[str, Any]:
    methods = [
        {
            "id": f"{did}#{k.public_key_multibase}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": k.public_key_multibase,
        }
        for k in all_keys
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def credential_document(
    urls: ob2.Urls,
    did: str,
    tenant: Tenant,
    award: Award,
    *,
    badge: BadgeClass,
    person: Person,
    skills: list[Skill],
    alignments: list[Alignment],
    secret_key: str,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of an award."""
    salt = ob2.recipient_salt(secret_key, award.id)
    achievement: dict[str, Any] = {
        "id": urls.badge(badge.id),
        "type": ["Achievement"],
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": badge.criteria_narrative or badge.description},
        "image": {"id": badge.image_url or urls.badge_image(badge.id), "type": "Image"},
    }
    if skills:
        achievement["tag"] = [s.name for s in skills]
    if award.delegated_issuer:
        # Issued by a partner company under the tenant's delegation: the tenant stays the issuer
        # (its key signs), the partner is named as the achievement's creator in this credential.
        achievement["creator"] = {
            "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, urls.root + '#' + award.delegated_issuer.lower())}",
            "type": ["Profile"],
            "name": award.delegated_issuer,
            "description": f"Issued through {award.delegated_issuer} on behalf of {tenant.name}.",
        }
    if alignments:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": a.target_name,
                "targetUrl": a.target_url,
                **({"targetFramework": a.framework} if a.framework else {}),
                **({"targetCode": a.code} if a.code else {}),
            }
            for a in alignments
        ]
    document: dict[str, Any] = {
        "@context": CONTEXTS,
        "id": urls.credential(award.id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": tenant.name, "url": urls.root},
        "validFrom": _iso(award.issued_at),
        "name": badge.name,
        "credentialSubject": {
            **({"id": person.did} if person.did else {}),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": ob2.hashed_email(person.email, salt),
                    "identityType": "emailAddress",
                    "salt": salt,
                }
            ],
            "achievement": achievement,
        },
        "credentialSchema": [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if award.expires_at is not None:
        document["validUntil"] = _iso(award.expires_at)
    if award.status_index is not None and award.status_purpose is not None:
        purpose = award.status_purpose
        number, position = divmod(award.status_index, STATUS_LIST_SIZE)
        entry: dict[str, Any] = {
            "id": f"{urls.status_list(purpose, number)}#{position}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(position),
            "statusListCredential": urls.status_list(purpose, number),
        }
        if STATUS_SIZE[purpose] > 1:
            entry["statusSize"] = STATUS_SIZE[purpose]
            entry["statusMessage"] = STATUS_MESSAGES
        document["credentialStatus"] = entry
    return document


def status_value(purpose: str, *, revoked: bool, suspended: bool) -> int:
    """An award's entry in a list of ``purpose``: 2 revoked, 1 suspended, 0 valid (``message``);
    1 revoked, else 0 (``revocation``)."""
    if purpose == "revocation":
        return int(revoked)
    return 2 if revoked else int(suspended)


def encode_status_list(values: dict[int, int], status_size: int, entries: int = STATUS_LIST_SIZE) -> str:
    """BitstringStatusList ``encodedList``: entry i is bits [i * size, (i + 1) * size), most
    significant first (bit 0 = the first byte's high bit); GZIP, base64url without padding,
    multibase prefix ``u``."""
    bits = bytearray(entries * status_size // 8)
    for index, value in values.items():
        for offset in range(status_size):
            if value >> (status_size - 1 - offset) & 1:
                position = index * status_size + offset
                bits[position // 8] |= 1 << (7 - position % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


# A decompressed list is at most this large (2 ** 20 entries of 8 bits): a verifier reads lists
# from elsewhere, and a small GZIP body could otherwise inflate without bound.
_MAX_LIST_BYTES = 1 << 20


def decode_status(encoded: str, index: int, status_size: int = 1) -> int:
    """The value of entry ``index`` in an ``encodedList`` (see ``encode_status_list``). Raises
    ``ValueError`` for a malformed list or an index past its end."""
    if not encoded.startswith("u") or not 1 <= status_size <= 8 or index < 0:
        raise ValueError("not a multibase base64url status list")
    compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    decompressor = zlib.decompressobj(wbits=31)
    raw = decompressor.decompress(compressed, _MAX_LIST_BYTES + 1)
    if len(raw) > _MAX_LIST_BYTES:
        raise ValueError("the status list is too large")
    if not decompressor.eof:
        raise ValueError("the status list is truncated")
    if len(raw) * 8 < STATUS_LIST_SIZE * status_size:
        raise ValueError("the status list is shorter than the minimum of 131,072 entries")
    if (index + 1) * status_size > len(raw) * 8:
        raise ValueError("the status list index is past the end of the list")
    value = 0
    for offset in range(status_size):
        position = index * status_size + offset
        value = value << 1 | (raw[position // 8] >> (7 - position % 8) & 1)
    return value


async def status_list_credential(
    session: AsyncSession, box: SecretBox, urls: ob2.Urls, did: str, tenant: Tenant, *, purpose: str, number: int
) -> dict[str, Any]:
    """Status list ``number`` of ``purpose`` (``message`` or ``revocation``), signed, as of the
    latest status change of an award in it."""
    low, high = number * STATUS_LIST_SIZE, (number + 1) * STATUS_LIST_SIZE
    changed = func.coalesce(Award.status_changed_at, Award.revoked_at, Award.suspended_at).label("changed")
    rows = (
        await session.execute(
            select(Award.status_index, Award.revoked_at, Award.suspended_at, changed).where(
                Award.status_purpose == purpose,
                Award.status_index >= low,
                Award.status_index < high,
                # The bits come from revoked_at and suspended_at; a revocation written without
                # status_changed_at (a process from before 0007, a hand-made fix) still counts.
                or_(
                    Award.revoked_at.is_not(None),
                    Award.suspended_at.is_not(None),
                    Award.status_changed_at.is_not(None),
                ),
            )
        )
    ).all()
    as_of = max([r.changed for r in rows if r.changed is not None], default=tenant.created_at)
    values = {
        r.status_index - low: status_value(
            purpose, revoked=r.revoked_at is not None, suspended=r.suspended_at is not None
        )
        for r in rows
    }
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": urls.status_list(purpose, number),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": _iso(as_of),
        "credentialSubject": {
            "id": f"{urls.status_list(purpose, number)}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_status_list(values, STATUS_SIZE[purpose]),
        },
    }
    # Signed by the current key: the list changes over time, unlike an award.
    key = await key_for(session, tenant.id, box, datetime.now(UTC))
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(box.open(key.private_key_encrypted, _context(key))))
    return dataintegrity.sign(
        document, private, verification_method=f"{did}#{key.public_key_multibase}", created=_iso(as_of)
    )


async def signed_credential(
    session: AsyncSession, box: SecretBox, did: str, award: Award, document: dict[str, Any]
) -> dict[str, Any]:
    """The credential signed (eddsa-rdfc-2022) by the key that was active when it was issued."""
    key = await key_for(session, award.tenant_id, box, award.issued_at)
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(box.open(key.private_key_encrypted, _context(key))))
    return dataintegrity.sign(
        document, private, verification_method=f"{did}#{key.public_key_multibase}", created=_iso(award.issued_at)
    )
