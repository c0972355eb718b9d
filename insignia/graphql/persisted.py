"""Persisted queries: the standard protocol Apollo clients (and the portal) speak.

A request carries ``extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}``, with or
without the document. Two modes (INSIGNIA_PERSISTED_QUERIES):

- ``automatic`` (the default): a hash the server knows runs its document; an unknown hash without
  a document answers ``PersistedQueryNotFound`` (code PERSISTED_QUERY_NOT_FOUND), and the client
  sends it again with the document, which is remembered once its sha256 matches the hash.
  Documents without a hash run as usual.
- ``allow-list`` (for production): only documents of the manifest run (a JSON object, hash ->
  document, as the portal's build writes to ``persisted-operations.json``;
  INSIGNIA_PERSISTED_QUERIES_FILE); a request naming an unknown hash, or sending a document that
  is not in the manifest, is refused (code PERSISTED_QUERY_NOT_ALLOWED).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from strawberry.http import GraphQLRequestData

# Remembered documents per process (automatic mode): bounded, least recently used out first.
_CACHE_SIZE = 2000
_MAX_DOCUMENT = 100_000


class PersistedQueryError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


NOT_FOUND = PersistedQueryError(200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")


def document_hash(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def load_manifest(path: Path) -> dict[str, str]:
    """hash -> document from a JSON manifest (keys bare hex or ``sha256:<hex>``)."""
    raw = json.loads(path.read_text())
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: a persisted-query manifest is a JSON object, hash -> document")
    manifest: dict[str, str] = {}
    for key, document in raw.items():
        if not isinstance(document, str):
            raise ValueError(f"{path}: the document of {key} is not a string")
        manifest[key.removeprefix("sha256:").lower()] = document
    return manifest


class PersistedQueries:
    def __init__(self, mode: str = "automatic", manifest: dict[str, str] | None = None) -> None:
        if mode not in ("automatic", "allow-list"):
            raise ValueError(f"persisted queries: unknown mode {mode!r} (automatic or allow-list)")
        self.mode = mode
        self.manifest = dict(manifest or {})
        self._cache: OrderedDict[str, str] = OrderedDict()

    def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """The request with the document it may run; PersistedQueryError when none."""
        wanted = _requested_hash(data)
        if self.mode == "allow-list":
            key = wanted or (document_hash(data.query) if data.query is not None else None)
            document = self.manifest.get(key) if key is not None else None
            if document is None:
                raise PersistedQueryError(
                    400, "PERSISTED_QUERY_NOT_ALLOWED", "This server runs only its persisted (allow-listed) operations."
                )
            return replace(data, query=document)
        if wanted is None:
            return data
        if data.query is None:
            document = self.manifest.get(wanted) or self._cache.get(wanted)
            if document is None:
                raise NOT_FOUND
            if wanted in self._cache:
                self._cache.move_to_end(wanted)
            return replace(data, query=document)
        if len(data.query) <= _MAX_DOCUMENT and document_hash(data.query) == wanted:
            # Remembered only when the text is the hash's: nobody can plant a document under another's hash.
            self._cache[wanted] = data.query
            self._cache.move_to_end(wanted)
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return data


def _requested_hash(data: GraphQLRequestData) -> str | None:
    extensions = data.extensions or {}
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version", 1) != 1:
        raise PersistedQueryError(400, "PERSISTED_QUERY_NOT_SUPPORTED", "Persisted queries: version 1 only.")
    value = persisted.get("sha256Hash")
    if not isinstance(value, str) or not value:
        raise PersistedQueryError(400, "BAD_REQUEST", "extensions.persistedQuery needs a sha256Hash.")
    return value.removeprefix("sha256:").lower()
