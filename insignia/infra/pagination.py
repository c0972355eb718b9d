"""Keyset pagination over time-ordered ids, with opaque cursors."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
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
) -> Page[Any]:
    """One page of ``stmt`` ordered by ``key`` (a time-ordered id), fetching one extra row to know if more follow."""
    size = page_size(first)
    if after is not None:
        stmt = stmt.where(key > decode_cursor(after))
    rows = (await session.scalars(stmt.order_by(key).limit(size + 1))).all()
    return Page(items=rows[:size], has_next=len(rows) > size)
