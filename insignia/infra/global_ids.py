"""Relay-style global ids, ``base64("Type:uuid")``: the encoding, shared by the GraphQL layer and
by services that accept ids in files (imports)."""

from __future__ import annotations

import base64
import binascii
import uuid


def encode(type_name: str, value: uuid.UUID) -> str:
    return base64.b64encode(f"{type_name}:{value}".encode()).decode()


def decode(global_id: str) -> tuple[str, uuid.UUID] | None:
    """``(type name, uuid)``, or ``None`` for anything that is not one of our ids."""
    try:
        raw = base64.b64decode(global_id.encode(), validate=True).decode()
        type_name, _, value = raw.partition(":")
        return type_name, uuid.UUID(value)
    except (binascii.Error, UnicodeError, ValueError):
        return None
