"""Secrets at rest: AES-256-GCM under a key derived from the platform secret.

Each ciphertext is bound to a context (for example the owning tenant and row), so a value
copied into another row or tenant does not decrypt.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"


class SecretBox:
    def __init__(self, platform_secret: str, purpose: bytes = b"insignia/secret-box/v1") -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(platform_secret.encode())
        self._aead = AESGCM(key)

    def seal(self, plaintext: str, context: bytes) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), context)

    def open(self, sealed: bytes, context: bytes) -> str:
        if not sealed.startswith(_VERSION):
            raise ValueError("unknown secret format")
        nonce, ciphertext = sealed[1:13], sealed[13:]
        return self._aead.decrypt(nonce, ciphertext, context).decode()
