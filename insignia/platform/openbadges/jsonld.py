"""JSON-LD processing with bundled contexts only: nothing is fetched at run time.

A document naming a context that is not bundled is rejected, never fetched.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).parent / "contexts"


class UnknownContextError(ValueError):
    """The document names a JSON-LD context that is not bundled."""


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = json.loads((CONTEXTS_DIR / "index.json").read_text())
    return index


@cache
def _context(url: str) -> dict[str, Any]:
    name = _index().get(url)
    if name is None:
        raise UnknownContextError(f"unknown JSON-LD context {url!r} (only bundled contexts are used)")
    document: dict[str, Any] = json.loads((CONTEXTS_DIR / name).read_text())
    return document


def document_loader(url: str, _options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: bundled contexts only."""
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonicalize(document: dict[str, Any]) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0 / URDNA2015) as N-Quads."""
    try:
        result: str = jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
                "safe": True,
            },
        )
    except jsonld.JsonLdError as exc:
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, UnknownContextError):
                raise cause from None
            cause = getattr(cause, "cause", None) or cause.__cause__
        raise
    return result
