"""Keyset pagination over time-ordered ids, with opaque cursors, forward (``first``/``after``)
and backward (``last``/``before``), and a total count computed only when asked for."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from insignia.infra.errors import ValidationError

T = TypeVar("T")
DEFAULT_PAGE = 20
MAX_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    has_next: bool
    has_previous: bool = False
    # The listing's statement without paging, counted only if a client asks for totalCount (then
    # with ``count_of``). None: the listing does not offer a count.
    listing: Select[Any] | None = None


def encode_cursor(value: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(b"c:" + value.bytes).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "after") -> uuid.UUID:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError("The cursor is not valid.", field) from None
    if len(raw) != 18 or not raw.startswith(b"c:"):
        raise ValidationError("The cursor is not valid.", field)
    return uuid.UUID(bytes=raw[2:])


def count_of(listing: Select[Any]) -> Select[Any]:
    """The statement counting every row of ``listing``."""
    return select(func.count()).select_from(listing.order_by(None).subquery())


def page_size(first: int | None, field: str = "first") -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0 or first > MAX_PAGE:
        raise ValidationError(f"first must be between 0 and {MAX_PAGE}", field)
    return first


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    key: InstrumentedAttribute[uuid.UUID],
    first: int | None,
    after: str | None,
    *,
    last: int | None = None,
    before: str | None = None,
) -> Page[Any]:
    """One page of ``stmt`` ordered by ``key`` (a time-ordered id), fetching one extra row to know
    if more follow: the first ``first`` after the cursor ``after``, or the last ``last`` before the
    cursor ``before`` (both cursors may bound a page; ``first`` and ``last`` exclude each other).

    As the Relay specification allows, ``hasPreviousPage`` is only known when paging backward and
    ``hasNextPage`` only when paging forward (each is false otherwise)."""
    if first is not None and last is not None:
        raise ValidationError("Ask for first or last, not both.", "last")
    listing = stmt
    if after is not None:
        stmt = stmt.where(key > decode_cursor(after))
    if before is not None:
        stmt = stmt.where(key < decode_cursor(before, "before"))
    if last is not None:
        size = page_size(last, "last")
        rows = (await session.scalars(stmt.order_by(key.desc()).limit(size + 1))).all()
        return Page(items=list(reversed(rows[:size])), has_next=False, has_previous=len(rows) > size, listing=listing)
    size = page_size(first)
    rows = (await session.scalars(stmt.order_by(key).limit(size + 1))).all()
    return Page(items=rows[:size], has_next=len(rows) > size, listing=listing)
