"""Relay cursor connections."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import strawberry
from sqlalchemy import Select
from strawberry.types import Info

from insignia.infra.pagination import Page, count_of, encode_cursor

NodeT = TypeVar("NodeT")


class _HasId(Protocol):
    id: uuid.UUID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = strawberry.field(
        default=False, description="Known when paging backward (last/before); false otherwise."
    )
    start_cursor: str | None = None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    listing: strawberry.Private[Select[Any] | None] = None

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @strawberry.field(
        description="How many items the whole list has, with the same filters (one count per connection; "
        "null where a list does not offer it)."
    )
    async def total_count(self, info: Info[Any, None]) -> int | None:
        if self.listing is None:
            return None
        statement = count_of(self.listing)
        result: int | None = await info.context.run(lambda s: s.scalar(statement))
        return result


def build_connection(page: Page[Any], convert: Callable[[Any], NodeT]) -> Connection[NodeT]:
    edges = [Edge(cursor=encode_cursor(item.id), node=convert(item)) for item in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
        ),
        listing=page.listing,
    )
