"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (Ed25519 over RDFC-1.0).

sign: canonicalize the proof options and the document, hash each with SHA-256, sign
``hash(proof) || hash(document)`` with Ed25519, and encode the signature as base58btc multibase.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from insignia.platform.openbadges.jsonld import canonicalize

CRYPTOSUITE = "eddsa-rdfc-2022"
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = _ALPHABET[rem] + out
    return "1" * (len(data) - len(data.lstrip(b"\x00"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _ALPHABET.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def public_key_multibase(key: Ed25519PublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` (``z6Mk...``) of an Ed25519 public key."""
    return "z" + b58encode(_ED25519_PUB_PREFIX + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    raw = b58decode(value[1:])
    if not raw.startswith(_ED25519_PUB_PREFIX) or len(raw) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """``SHA-256(canon(proof options)) || SHA-256(canon(document without proof))``."""
    proof_hash = hashlib.sha256(canonicalize(proof_options).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(document).encode()).digest()
    return proof_hash + document_hash


def sign(
    document: dict[str, Any], private_key: Ed25519PrivateKey, *, verification_method: str, created: str
) -> dict[str, Any]:
    """The document with a DataIntegrityProof appended to its ``proof`` array."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = {
        "@context": unsigned["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(hash_data(unsigned, options))
    proof = {k: v for k, v in options.items() if k != "@context"} | {"proofValue": "z" + b58encode(signature)}
    signed = copy.deepcopy(unsigned)
    signed["proof"] = [proof]
    return signed


def verify(document: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    """Whether the document's eddsa-rdfc-2022 proof verifies with ``public_key``."""
    proofs = document.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and proofs else proofs
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = {"@context": unsigned["@context"], **{k: v for k, v in proof.items() if k != "proofValue"}}
    value = proof.get("proofValue", "")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    try:
        public_key.verify(b58decode(value[1:]), hash_data(unsigned, options))
    except (InvalidSignature, ValueError):
        return False
    return True
