"""The official OB 3.0 eddsa-rdfc-2022 test vector (shared/standards/openbadges-3.0/test-vector)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from insignia.platform.openbadges import dataintegrity
from insignia.platform.openbadges.jsonld import UnknownContextError, canonicalize

# Copied from shared/standards/openbadges-3.0/test-vector (the official OB 3.0 implementation guide vector).
VECTOR = Path(__file__).resolve().parent / "vectors"
CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
CREDENTIAL = {
    "@context": CONTEXTS,
    "id": "http://example.com/credentials/3527",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "https://example.edu/issuers/565049",
        "type": ["Profile"],
        "name": "Example Corp",
        "url": "https://www.imsglobal.org",
    },
    "validFrom": "2010-01-01T00:00:00Z",
    "name": "Teamwork Badge",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.com/achievements/21st-century-skills/teamwork",
            "type": ["Achievement"],
            "criteria": {
                "narrative": "Team members are nominated for this badge by their peers and recognized upon review by Example Corp management."
            },
            "description": "This badge recognizes the development of the capacity to collaborate within a group environment.",
            "name": "Teamwork",
        },
    },
}
KEY = Ed25519PrivateKey.from_private_bytes(
    bytes.fromhex("6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4")
)
METHOD = "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def test_canonical_forms_and_hashes_match_the_vector() -> None:
    document = canonicalize(CREDENTIAL)
    assert document == (VECTOR / "document-canon.txt").read_text()
    assert (
        hashlib.sha256(document.encode()).hexdigest()
        == "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773"
    )
    options = {
        "@context": CONTEXTS,
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2010-01-01T19:23:24Z",
        "verificationMethod": METHOD,
        "proofPurpose": "assertionMethod",
    }
    proof = canonicalize(options)
    assert proof == (VECTOR / "proof-canon.txt").read_text()
    assert (
        hashlib.sha256(proof.encode()).hexdigest() == "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19"
    )


def test_signature_and_proof_value_match_the_vector() -> None:
    assert dataintegrity.public_key_multibase(KEY.public_key()) == "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    signed = dataintegrity.sign(CREDENTIAL, KEY, verification_method=METHOD, created="2010-01-01T19:23:24Z")
    [proof] = signed["proof"]
    assert (
        proof["proofValue"]
        == "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"
    )
    assert dataintegrity.b58decode(proof["proofValue"][1:]).hex() == (
        "f7a017acf7d27983267ec362657c0fb08e955549f49dac5bf36a03c4f2c3a4f1e3738a6c5ecd7ffba7135cb9cd754e6196f4b73082ea8df8e703c8ecd4333503"
    )
    assert dataintegrity.verify(signed, KEY.public_key())


def test_tampering_and_wrong_keys_fail_and_unknown_contexts_are_refused() -> None:
    signed = dataintegrity.sign(CREDENTIAL, KEY, verification_method=METHOD, created="2010-01-01T19:23:24Z")
    tampered = {**signed, "name": "Leadership Badge"}
    assert not dataintegrity.verify(tampered, KEY.public_key())
    assert not dataintegrity.verify(signed, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(UnknownContextError):
        canonicalize({**CREDENTIAL, "@context": [*CONTEXTS, "https://evil.example/context.json"]})


def _raw(encoded: str) -> bytes:
    import base64
    import gzip

    return gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))


def test_status_list_bit_order() -> None:
    from insignia.platform.openbadges.ob3 import STATUS_LIST_SIZE, decode_status, encode_status_list

    encoded = encode_status_list({0: 1, 9: 1, STATUS_LIST_SIZE - 1: 1}, 1)
    assert encoded.startswith("u")
    assert [decode_status(encoded, i) for i in (0, 1, 8, 9, 10, STATUS_LIST_SIZE - 1)] == [1, 0, 0, 1, 0, 1]
    raw = _raw(encoded)
    assert len(raw) == 16_384 and raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000
    with pytest.raises(ValueError, match="past the end"):
        decode_status(encoded, STATUS_LIST_SIZE)


def test_two_bit_status_entries_are_most_significant_bit_first() -> None:
    """Message lists: entry i is bits 2i and 2i+1, the high bit first (1 suspended, 2 revoked)."""
    from insignia.platform.openbadges.ob3 import STATUS_LIST_SIZE, decode_status, encode_status_list

    encoded = encode_status_list({0: 2, 1: 1, 3: 3, STATUS_LIST_SIZE - 1: 1}, 2)
    raw = _raw(encoded)
    assert len(raw) == 32_768  # 131,072 entries of two bits
    assert raw[0] == 0b10_01_00_11 and raw[-1] == 0b00_00_00_01
    assert [decode_status(encoded, i, 2) for i in (0, 1, 2, 3, STATUS_LIST_SIZE - 1)] == [2, 1, 0, 3, 1]
    # Read as a one-bit list, the same bytes say something else: the size is part of the entry.
    assert [decode_status(encoded, i, 1) for i in (0, 1, 2, 3)] == [1, 0, 0, 1]
    import base64

    cut = "u" + base64.urlsafe_b64encode(base64.urlsafe_b64decode(encoded[1:] + "==")[:-6]).decode().rstrip("=")
    with pytest.raises(ValueError, match="truncated"):
        decode_status(cut, 0, 2)  # a list cut before its GZIP trailer (no CRC to check) is refused
    with pytest.raises(ValueError, match="shorter"):
        decode_status(encode_status_list({}, 1), 0, 2)  # a 16 KiB list cannot hold 131,072 two-bit entries
