"""Relay cursor connections."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import strawberry

from insignia.infra.pagination import Page, encode_cursor

NodeT = TypeVar("NodeT")


class _HasId(Protocol):
    id: uuid.UUID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]


def build_connection(page: Page[Any], convert: Callable[[Any], NodeT]) -> Connection[NodeT]:
    edges = [Edge(cursor=encode_cursor(item.id), node=convert(item)) for item in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
    )
