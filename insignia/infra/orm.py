"""The declarative base shared by every area's models, and a uniqueness check they share."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute

from insignia.infra.errors import ConflictError


class Base(DeclarativeBase):
    # Every timestamp column is timestamptz; Python datetimes are always aware.
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


async def ensure_unused(
    session: AsyncSession,
    column: InstrumentedAttribute[Any],
    value: object,
    *,
    exclude: uuid.UUID | None,
    message: str,
    field: str,
) -> None:
    """Refuse (``ConflictError``) a value another row of the model already has in ``column``;
    ``exclude`` is the row being changed. The unique index stays the guard against races."""
    model = column.class_
    stmt = select(model.id).where(column == value)
    if exclude is not None:
        stmt = stmt.where(model.id != exclude)
    if await session.scalar(stmt) is not None:
        raise ConflictError(message, field)
