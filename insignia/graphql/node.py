"""The Relay ``Node`` interface and the registry ``node(id)`` dispatches through."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from insignia.graphql.context import Context


@strawberry.interface(description="An object with a global id.")
class Node:
    id: strawberry.ID


# type name -> resolver(context, uuid) returning the node if the caller may see it, else None.
NodeResolver = Callable[[Context, uuid.UUID], Awaitable[Any]]
NODE_RESOLVERS: dict[str, NodeResolver] = {}


def node_resolver(type_name: str) -> Callable[[NodeResolver], NodeResolver]:
    def register(fn: NodeResolver) -> NodeResolver:
        NODE_RESOLVERS[type_name] = fn
        return fn

    return register
