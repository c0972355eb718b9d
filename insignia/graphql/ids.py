"""Relay global ids: opaque ``base64("Type:uuid")`` strings."""

from __future__ import annotations

import base64
import binascii
import uuid

import strawberry

from insignia.infra.errors import NotFoundError


def to_global_id(type_name: str, value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(base64.b64encode(f"{type_name}:{value}".encode()).decode())


def parse_global_id(global_id: str) -> tuple[str, uuid.UUID] | None:
    """``(type name, uuid)``, or ``None`` for anything that is not one of our ids."""
    try:
        raw = base64.b64decode(global_id.encode(), validate=True).decode()
        type_name, _, value = raw.partition(":")
        return type_name, uuid.UUID(value)
    except (binascii.Error, UnicodeError, ValueError):
        return None


def expect_id(global_id: str, type_name: str, field: str = "id") -> uuid.UUID:
    """The uuid inside a global id of ``type_name``; a clear NOT_FOUND for anything else."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] != type_name:
        raise NotFoundError(f"{field} is not the id of a {type_name}.", field)
    return parsed[1]
