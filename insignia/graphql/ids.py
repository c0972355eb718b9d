"""Relay global ids: opaque ``base64("Type:uuid")`` strings."""

from __future__ import annotations

import uuid

import strawberry

from insignia.infra import global_ids
from insignia.infra.errors import NotFoundError


def to_global_id(type_name: str, value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(global_ids.encode(type_name, value))


def parse_global_id(global_id: str) -> tuple[str, uuid.UUID] | None:
    """``(type name, uuid)``, or ``None`` for anything that is not one of our ids."""
    return global_ids.decode(global_id)


def expect_id(global_id: str, type_name: str, field: str = "id") -> uuid.UUID:
    """The uuid inside a global id of ``type_name``; a clear NOT_FOUND for anything else."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] != type_name:
        raise NotFoundError(f"{field} is not the id of a {type_name}.", field)
    return parsed[1]
