"""Verifying an Open Badges 3.0 credential the way a relying party does: the proof, the validity
period and the status (revoked, suspended). Keys and status lists come from the caller (no fetching here)."""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from insignia.platform.openbadges import dataintegrity
from insignia.platform.openbadges.ob3 import decode_status

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


# One-bit purposes: a set bit means this. A ``message`` entry names its values itself.
_ONE_BIT = {"revocation": "revoked", "suspension": "suspended"}


class _Unreadable(Exception):
    """The entry or its status list cannot be read; the message says how."""


def _status_value(entry: dict[str, Any], listing: dict[str, Any]) -> int:
    """The entry's value in the status list, checked as the specification's validation algorithm
    does (same purpose, a sane size, one message per possible value, index inside the list)."""
    subject = listing.get("credentialSubject")
    purposes = subject.get("statusPurpose") if isinstance(subject, dict) else None
    if not isinstance(subject, dict) or entry.get("statusPurpose") not in (
        purposes if isinstance(purposes, list) else [purposes]
    ):
        raise _Unreadable("the status list is for another purpose")
    size, messages = entry.get("statusSize", 1), entry.get("statusMessage")
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 8:
        raise _Unreadable("the status list entry is malformed")
    if size > 1 and (not isinstance(messages, list) or len(messages) != 2**size):
        raise _Unreadable("the status list entry is malformed")
    try:
        return decode_status(str(subject.get("encodedList")), int(entry["statusListIndex"]), size)
    except (KeyError, ValueError, TypeError, zlib.error, EOFError) as exc:
        raise _Unreadable("the status list is malformed") from exc


def _status_problem(entry: dict[str, Any], listing: dict[str, Any]) -> str | None:
    """``None`` when the entry's status is clear (0), else what it says: revoked, suspended, or the
    ``message`` entry's own message for its value."""
    try:
        value = _status_value(entry, listing)
    except _Unreadable as exc:
        return str(exc)
    if value == 0:
        return None
    if entry.get("statusPurpose") in _ONE_BIT:
        return _ONE_BIT[entry["statusPurpose"]]
    for message in entry.get("statusMessage") or []:
        status = message.get("status") if isinstance(message, dict) else None
        with contextlib.suppress(TypeError, ValueError):  # "0x1", as the specification writes them
            if str(status).lower().startswith("0x") and int(str(status), 16) == value:
                return str(message.get("message") or f"status {status}")
    return f"status {value:#x}"


async def verify_credential(  # noqa: PLR0911 - one verdict per check, in order
    credential: dict[str, Any], resolve_key: KeyResolver, fetch: DocumentFetcher, now: datetime | None = None
) -> Verdict:
    """Proof, then ``validFrom``/``validUntil``, then every BitstringStatusList entry: a revocation
    or suspension bit, or a ``message`` entry whose value is not 0 (its message is the problem)."""
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
        if entry.get("statusPurpose") not in (*_ONE_BIT, "message"):
            return Verdict(False, "unsupported credential status")
        listing = await fetch(str(entry.get("statusListCredential")))
        if listing is None or not await _proof_ok(listing, resolve_key):
            return Verdict(False, "the status list does not verify")
        problem = _status_problem(entry, listing)
        if problem is not None:
            return Verdict(False, problem)
    return Verdict(True)
