"""Verifying an Open Badges 3.0 credential the way a relying party does: the proof, the validity
period and the revocation status. Keys and status lists come from the caller (no fetching here)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from insignia.platform.openbadges import dataintegrity
from insignia.platform.openbadges.ob3 import decode_bit

KeyResolver = Callable[[str], Awaitable[Ed25519PublicKey | None]]
DocumentFetcher = Callable[[str], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class Verdict:
    verified: bool
    problem: str | None = None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


async def _proof_ok(credential: dict[str, Any], resolve_key: KeyResolver) -> bool:
    proofs = credential.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and proofs else None
    if not isinstance(proof, dict):
        return False
    key = await resolve_key(str(proof.get("verificationMethod", "")))
    return key is not None and dataintegrity.verify(credential, key)


async def verify_credential(  # noqa: PLR0911 - one verdict per check, in order
    credential: dict[str, Any], resolve_key: KeyResolver, fetch: DocumentFetcher, now: datetime | None = None
) -> Verdict:
    """Proof, then ``validFrom``/``validUntil``, then every BitstringStatusList entry."""
    now = now or datetime.now(UTC)
    if not await _proof_ok(credential, resolve_key):
        return Verdict(False, "the proof does not verify")
    valid_from, valid_until = _time(credential.get("validFrom")), _time(credential.get("validUntil"))
    if valid_from is None or valid_from > now:
        return Verdict(False, "not yet valid")
    if credential.get("validUntil") is not None and (valid_until is None or valid_until <= now):
        return Verdict(False, "expired")
    statuses = credential.get("credentialStatus") or []
    for entry in statuses if isinstance(statuses, list) else [statuses]:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return Verdict(False, "unsupported credential status")
        listing = await fetch(str(entry.get("statusListCredential")))
        if listing is None or not await _proof_ok(listing, resolve_key):
            return Verdict(False, "the status list does not verify")
        try:
            revoked = decode_bit(listing["credentialSubject"]["encodedList"], int(entry["statusListIndex"]))
        except (KeyError, ValueError, TypeError, IndexError, OSError):
            return Verdict(False, "the status list is malformed")
        if revoked:
            return Verdict(False, "revoked" if entry.get("statusPurpose") == "revocation" else "suspended")
    return Verdict(True)
