"""What a list, search or read asks for (RFC 7644 §3.4.2): :class:`ListQuery` (filter, pagination,
sorting) from query parameters or a ``SearchRequest``, and :class:`Projection`, which applies
``attributes`` / ``excludedAttributes`` to an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from insignia.tenants.scim.errors import ScimError, filter_error, invalid_value
from insignia.tenants.scim.filter import Expr, attr_path, parse_filter
from insignia.tenants.scim.schemas import ResourceKind

DEFAULT_COUNT = 100
MAX_COUNT = 200


@dataclass(frozen=True)
class Projection:
    """Which attributes an answer carries (RFC 7644 §3.4.2.5); names as the client sent them."""

    attributes: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    def _resolved(self, kind: ResourceKind, names: Iterable[str]) -> dict[str, set[str] | None]:
        """Canonical attribute name → the sub-attributes named (None: the whole attribute)."""
        out: dict[str, set[str] | None] = {}
        for raw in names:
            try:
                path = attr_path(raw.strip(), filter_error)
            except ScimError:
                continue
            if path.uri is not None and path.uri.lower() != kind.schema.lower():
                continue
            attribute = kind.attribute(path.attr)
            if attribute is None:
                continue
            sub = attribute.sub(path.sub) if path.sub else None
            if path.sub is not None and sub is None:
                continue
            if sub is None:
                out[attribute.name] = None
            elif attribute.name not in out or out[attribute.name] is not None:
                subs = out.get(attribute.name) or set()
                subs.add(sub.name)
                out[attribute.name] = subs
        return out

    def wants(self, kind: ResourceKind, name: str) -> bool:
        """Whether the answer carries ``name`` at all (to skip loading what is not returned)."""
        if self.attributes:
            return name in self._resolved(kind, self.attributes)
        return self._resolved(kind, self.excluded).get(name, set()) is not None

    def apply(self, kind: ResourceKind, resource: dict[str, Any]) -> dict[str, Any]:
        always = {"schemas", "id"}
        if self.attributes:
            wanted = self._resolved(kind, self.attributes)
            out = {k: v for k, v in resource.items() if k in always}
            for name, subs in wanted.items():
                if name not in resource or name in always:
                    continue
                projected = _pick(resource[name], subs, keep=True)
                if projected not in (None, {}, []):
                    out[name] = projected
            return out
        if self.excluded:
            dropped = self._resolved(kind, self.excluded)
            out = {}
            for name, value in resource.items():
                if name in always or name not in dropped:
                    out[name] = value
                    continue
                remaining = _pick(value, dropped[name], keep=False)
                if remaining not in (None, {}, []):
                    out[name] = remaining
            return out
        return resource


def _pick(value: Any, subs: set[str] | None, *, keep: bool) -> Any:
    if subs is None:
        return value if keep else None
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if (k in subs) == keep}
    if isinstance(value, list):
        picked = [_pick(v, subs, keep=keep) for v in value]
        return [v for v in picked if v]
    return value if not keep else None


MAX_ATTRIBUTE_NAMES = 64  # in attributes / excludedAttributes: a schema has fewer


def _names(value: Any, parameter: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        names = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
    else:
        raise invalid_value(f"{parameter} must be a comma-separated string or a list of strings.")
    if len(names) > MAX_ATTRIBUTE_NAMES:
        raise invalid_value(f"{parameter} names at most {MAX_ATTRIBUTE_NAMES} attributes.")
    return names


def projection(params: Mapping[str, Any]) -> Projection:
    """``attributes`` / ``excludedAttributes`` from query parameters or a search request; they are
    mutually exclusive, and ``attributes`` wins when both are sent."""
    attributes = _names(params.get("attributes"), "attributes")
    return Projection(attributes, () if attributes else _names(params.get("excludedAttributes"), "excludedAttributes"))


@dataclass(frozen=True)
class ListQuery:
    filter: Expr | None = None
    start_index: int = 1
    count: int = DEFAULT_COUNT
    sort_by: str | None = None
    descending: bool = False
    projection: Projection = field(default_factory=Projection)


def _integer(value: Any, parameter: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise invalid_value(f"{parameter} must be an integer.")
    if isinstance(value, int) and abs(value) < 10**9:
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,9}\s*", value):
        return int(value)
    raise invalid_value(f"{parameter} must be an integer.")


def list_query(params: Mapping[str, Any]) -> ListQuery:
    """A list or search request's parameters (RFC 7644 §3.4.2): values from a query string (text)
    or from a ``SearchRequest`` body (JSON). Out-of-range pages are clamped as the RFC says."""
    raw_filter = params.get("filter")
    if raw_filter is not None and not isinstance(raw_filter, str):
        raise filter_error("the filter must be a string.")
    start = _integer(params.get("startIndex"), "startIndex")
    count = _integer(params.get("count"), "count")
    sort_by = params.get("sortBy")
    if sort_by is not None and not isinstance(sort_by, str):
        raise invalid_value("sortBy must be a string.")
    order = params.get("sortOrder")
    if order is not None and (not isinstance(order, str) or order.lower() not in ("ascending", "descending")):
        raise invalid_value("sortOrder must be ascending or descending.")
    return ListQuery(
        filter=parse_filter(raw_filter) if raw_filter and raw_filter.strip() else None,
        start_index=max(1, start if start is not None else 1),
        count=min(MAX_COUNT, max(0, count if count is not None else DEFAULT_COUNT)),
        sort_by=(sort_by.strip() or None) if sort_by else None,
        descending=isinstance(order, str) and order.lower() == "descending",
        projection=projection(params),
    )
