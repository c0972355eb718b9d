"""What a GraphQL operation costs, computed from its selection before it runs.

The cost estimates how many objects the operation may return:

- every object counts 1 (connections, edges and ``PageInfo`` are wrappers and count 0; scalar
  and enum fields count 0, except ``totalCount``, one count per connection);
- a list field counts its ``first`` or ``last`` (the default page size when neither is given);
  a list without paging arguments counts ``DEFAULT_LIST_SIZE``; nested lists multiply:
  ``people(first: 100) { edges { node { awards(first: 100) { edges { node { id } } } } } }``
  costs 100 + 100 x 100 = 10,100;
- each mutation field costs ``MUTATION_COST`` more (a write does more than a read);
- fragments count where they are spread; ``@skip``/``@include`` are honoured; introspection
  fields are free (GraphiQL loads the schema in development).

Operations costing more than the limit (``INSIGNIA_GRAPHQL_MAX_COST``, or the tenant's) are
refused before they run; rate limits take ``points_for(cost)`` points per request.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from graphql.utilities import get_operation_ast

from insignia.infra.pagination import DEFAULT_PAGE

DEFAULT_LIST_SIZE = 10
MUTATION_COST = 10
# Rate limits count one point per started COST_PER_POINT of cost, and at least one per request.
COST_PER_POINT = 1000
_MAX_DEPTH = 50  # far past the depth limit: a guard, not a rule


def points_for(cost: int) -> int:
    """Rate-limit points of an operation of ``cost``: 1 for ordinary queries, more for large ones."""
    return max(1, math.ceil(cost / COST_PER_POINT))


def _is_wrapper(type_name: str) -> bool:
    return type_name.endswith(("Connection", "Edge")) or type_name == "PageInfo"


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, BooleanValueNode):
            return node.value
        return None

    def _included(self, directives: tuple[DirectiveNode, ...] | None) -> bool:
        for directive in directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = next((a.value for a in directive.arguments or () if a.name.value == "if"), None)
            value = self._value(condition) if condition is not None else None
            if not isinstance(value, bool):
                continue  # not a boolean: validation or coercion reports it; count the field
            if (name == "skip") == value:
                return False
        return True

    def _page(self, node: FieldNode, field: GraphQLField) -> int | None:
        """The page size a field asks for, if it takes ``first``/``last``."""
        if "first" not in field.args and "last" not in field.args:
            return None
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = self._value(argument.value)
                if isinstance(value, int) and not isinstance(value, bool):
                    return max(0, value)
        default = field.args.get("first")
        if default is not None and isinstance(default.default_value, int):
            return default.default_value
        return DEFAULT_PAGE

    def cost(self, parent: Any, selection_set: SelectionSetNode | None, at: _At) -> int:
        """What ``at.multiplier`` objects of type ``parent`` selecting ``selection_set`` cost."""
        if selection_set is None or at.depth > _MAX_DEPTH or at.multiplier == 0:
            return 0
        total = 0
        for selection in selection_set.selections:
            if not self._included(selection.directives):
                continue
            if isinstance(selection, FieldNode):
                total += self._field(parent, selection, at)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(target or parent, selection.selection_set, at.deeper())
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.cost(target or parent, fragment.selection_set, at.deeper())
        return total

    def _field(self, parent: Any, node: FieldNode, at: _At) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        field = parent.fields.get(name)
        if field is None:
            return 0
        named = get_named_type(field.type)
        own = MUTATION_COST if at.mutation else 0
        if not is_composite_type(named):
            return own + (at.instances if name == "totalCount" else 0)
        listed = is_list_type(get_nullable_type(field.type))
        wrapper = _is_wrapper(named.name)
        size = self._page(node, field) if listed or wrapper else None
        if size is None:
            # A plain list sized by its parent (a connection's edges) or by nothing we know.
            size = (1 if _is_wrapper(parent.name) else DEFAULT_LIST_SIZE) if listed else 1
        inner = at.multiplier * size
        own += 0 if wrapper else inner
        # A connection's items are `inner`; the connections themselves are `at.multiplier`.
        instances = at.multiplier if wrapper and not listed else inner
        return own + self.cost(named, node.selection_set, _At(inner, instances, False, at.depth + 1))


@dataclass(frozen=True)
class _At:
    """Where the walk is: how many objects select (``multiplier``), how many connections hold
    them (``instances``), whether these are mutation fields, and how deep."""

    multiplier: int
    instances: int
    mutation: bool = False
    depth: int = 0

    def deeper(self) -> _At:
        return _At(self.multiplier, self.instances, False, self.depth + 1)


_CACHE: dict[tuple[Any, ...], int] = {}
_CACHE_SIZE = 1024


def cached_operation_cost(
    schema: GraphQLSchema,
    query: str,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """``operation_cost``, remembered per query text, operation and the variables that can change
    a cost (integers and booleans: page sizes, ``@skip``/``@include``): portals send the same few
    operations again and again."""
    relevant = tuple(sorted((k, v) for k, v in (variables or {}).items() if isinstance(v, int | bool) or v is None))
    key = (id(schema), query, operation_name, relevant)
    found = _CACHE.get(key)
    if found is None:
        found = operation_cost(schema, document, operation_name, variables)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = found
    return found


def operation_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> int:
    """The cost of the operation ``operation_name`` of ``document`` (0 if there is no such operation)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    walk = _Walk(schema, document, variables or {})
    return walk.cost(root, operation.selection_set, _At(1, 1, operation.operation == OperationType.MUTATION))
