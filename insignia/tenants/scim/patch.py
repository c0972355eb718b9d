"""SCIM PATCH (RFC 7644 §3.5.2) on a resource's document of writable attributes: parsing a
``PatchOp`` body, resolving paths against the schema, coercing values, matching value filters, and
applying add/replace/remove; also reading a POST or PUT body into the same kind of document.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from insignia.tenants.scim.errors import ScimError, invalid_value, path_error
from insignia.tenants.scim.filter import And, Compare, Expr, Not, Or, PatchPath, Present, ValuePath, parse_path
from insignia.tenants.scim.schemas import PATCH_OP, Attribute, ResourceKind, as_bool

MAX_OPERATIONS = 1000


def _compare_value(attribute: Attribute, actual: Any, op: str, expected: Any) -> bool:
    if expected is None:
        if op not in ("eq", "ne"):
            raise path_error("null can only be compared with eq or ne.")
        return (actual not in (None, "", [])) == (op == "ne")
    if op == "ne":
        return not _compare_value(attribute, actual, "eq", expected)
    if attribute.type == "boolean":
        flag = as_bool(expected)
        if flag is None or op != "eq":
            raise path_error(f"{attribute.name} is a boolean: compare it with eq or ne.")
        return as_bool(actual) is flag
    if not isinstance(expected, str):
        raise path_error(f"{attribute.name} is a string: compare it with a quoted string.")
    if not isinstance(actual, str):
        return False
    if op == "eq" and _uuid_or_none(actual) is not None:
        # Ids (members[value eq "..."]) compare as UUIDs, as the SQL filters do: any case matches.
        return _uuid_or_none(actual) == _uuid_or_none(expected)
    if not attribute.case_exact:
        actual, expected = actual.lower(), expected.lower()
    return _STRING_OPS[op](actual, expected)


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


_STRING_OPS: dict[str, Callable[[str, str], bool]] = {
    "eq": operator.eq,
    "co": lambda actual, expected: expected in actual,
    "sw": str.startswith,
    "ew": str.endswith,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


def _matches(expr: Expr, value: Mapping[str, Any], attribute: Attribute) -> bool:
    if isinstance(expr, And):
        return _matches(expr.left, value, attribute) and _matches(expr.right, value, attribute)
    if isinstance(expr, Or):
        return _matches(expr.left, value, attribute) or _matches(expr.right, value, attribute)
    if isinstance(expr, Not):
        return not _matches(expr.expr, value, attribute)
    if isinstance(expr, ValuePath):
        raise path_error("value filters cannot be nested.")
    sub = attribute.sub(expr.path.attr)
    if sub is None:
        raise path_error(f"{attribute.name} has no sub-attribute {expr.path.attr!r}.")
    actual = value.get(sub.name)
    if isinstance(expr, Present):
        return actual not in (None, "", [])
    return _compare_value(sub, actual, expr.op, expr.value)


def _filter_seed(expr: Expr, attribute: Attribute) -> dict[str, Any] | None:
    """The value an ``eq`` filter describes (``type eq "work"`` → ``{"type": "work"}``), if it does."""
    if isinstance(expr, And):
        left, right = _filter_seed(expr.left, attribute), _filter_seed(expr.right, attribute)
        return {**left, **right} if left is not None and right is not None else None
    if isinstance(expr, Compare) and expr.op == "eq" and expr.value is not None:
        sub = attribute.sub(expr.path.attr)
        if sub is not None and not sub.read_only:
            return {sub.name: expr.value}
    return None


def _coerce(attribute: Attribute, value: Any, where: str) -> Any:
    """``value`` as ``attribute`` holds it: canonical sub-attribute names, checked types; read-only
    and unknown sub-attributes dropped. None stays None (unassigned)."""
    if value is None:
        return None
    if attribute.multi_valued:
        values = [value] if isinstance(value, dict) or not isinstance(value, list) else value
        single = Attribute(attribute.name, attribute.type, sub_attributes=attribute.sub_attributes)
        coerced = [_coerce(single, v, where) for v in values]
        return [v for v in coerced if v not in (None, {})]
    if attribute.type == "complex":
        if not isinstance(value, dict):
            raise invalid_value(f"{where} must be an object.")
        out: dict[str, Any] = {}
        for key, sub_value in value.items():
            sub = attribute.sub(key) if isinstance(key, str) else None
            if sub is None or sub.read_only:
                continue
            coerced = _coerce(sub, sub_value, f"{where}.{sub.name}")
            if coerced is not None:
                out[sub.name] = coerced
        return out
    if attribute.type == "boolean":
        flag = as_bool(value)
        if flag is None:
            raise invalid_value(f"{where} must be true or false.")
        return flag
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid_value(f"{where} must be a string.")
    return str(value)


@dataclass(frozen=True)
class _Target:
    attribute: Attribute
    sub: Attribute | None = None
    filter: Expr | None = None


def _target(kind: ResourceKind, patch_path: PatchPath) -> _Target | None:
    """What a path designates; None for attributes Insignia does not keep (ignored)."""
    path = patch_path.path
    if path.uri is not None and path.uri.lower() != kind.schema.lower():
        return None  # an extension schema (enterprise User, a vendor's): nothing of it is kept
    attribute = kind.attribute(path.attr)
    if attribute is None:
        if path.attr.lower() in kind.ignored:
            return None
        raise path_error(f"{kind.name} has no attribute {path.attr!r}.")
    sub_name = patch_path.sub_after_filter or path.sub
    sub: Attribute | None = None
    if sub_name is not None:
        sub = attribute.sub(sub_name)
        if sub is None:
            if sub_name.lower() in kind.ignored_subs.get(attribute.name, frozenset()):
                return None
            raise path_error(f"{attribute.name} has no sub-attribute {sub_name!r}.")
    if patch_path.filter is not None and not (attribute.multi_valued and attribute.type == "complex"):
        raise path_error(f"{attribute.name} is not a multi-valued complex attribute.")
    return _Target(attribute, sub, patch_path.filter)


@dataclass(frozen=True)
class PatchOperation:
    op: str  # add | replace | remove
    path: str | None
    value: Any


def patch_operations(body: Any) -> list[PatchOperation]:
    """The operations of a ``PatchOp`` request (RFC 7644 §3.5.2); ``invalidSyntax`` when malformed."""
    if not isinstance(body, dict):
        raise ScimError(400, "The body must be a PatchOp object.", "invalidSyntax")
    declared = body.get("schemas")
    if declared is not None and (
        not isinstance(declared, list) or PATCH_OP.lower() not in {str(s).lower() for s in declared}
    ):
        raise ScimError(400, f"schemas must list {PATCH_OP}.", "invalidSyntax")
    raw = next((v for k, v in body.items() if isinstance(k, str) and k.lower() == "operations"), None)
    if not isinstance(raw, list):
        raise ScimError(400, "Operations must be a list of operations.", "invalidSyntax")
    if len(raw) > MAX_OPERATIONS:
        raise ScimError(400, f"At most {MAX_OPERATIONS} operations per request.", "invalidSyntax")
    operations = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ScimError(400, f"Operations[{index}] must be an object.", "invalidSyntax")
        fields = {k.lower(): v for k, v in item.items() if isinstance(k, str)}
        op = fields.get("op")
        if not isinstance(op, str) or op.lower() not in ("add", "replace", "remove"):
            raise ScimError(400, f"Operations[{index}].op must be add, replace or remove.", "invalidSyntax")
        path = fields.get("path")
        if path is not None and not isinstance(path, str):
            raise ScimError(400, f"Operations[{index}].path must be a string.", "invalidPath")
        if op.lower() != "remove" and "value" not in fields:
            raise invalid_value(f"Operations[{index}] ({op}) needs a value.")
        operations.append(PatchOperation(op.lower(), (path.strip() or None) if path else None, fields.get("value")))
    return operations


def _same_value(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    left, right = a.get("value"), b.get("value")
    return isinstance(left, str) and isinstance(right, str) and left.lower() == right.lower()


def _merge_values(existing: list[dict[str, Any]], added: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged = list(existing)
    for value in added:
        for index, current in enumerate(merged):
            if _same_value(current, value):
                merged[index] = {**current, **value}
                break
        else:
            merged.append(value)
    return merged


def _single_primary(values: list[dict[str, Any]], written: Iterable[dict[str, Any]]) -> None:
    """At most one ``primary: true`` (RFC 7643 §2.4): the last primary value just written wins."""
    winners = [w for w in written if w.get("primary") is True]
    keep = next(
        (v for v in reversed(values) if v.get("primary") is True and any(v is w or _same_value(v, w) for w in winners)),
        None,
    )
    if keep is not None:
        for value in values:
            if value is not keep and value.get("primary") is True:
                value["primary"] = False


def _apply_operation(doc: dict[str, Any], op: str, target: _Target, value: Any) -> None:
    attribute, sub, expr = target.attribute, target.sub, target.filter
    name = attribute.name
    where = f"{name}.{sub.name}" if sub else name
    if op == "replace" and value is None and expr is None:
        op = "remove"  # "replace with null" unassigns, as several directories send it
    if value is None and op != "remove":
        raise invalid_value(f"{op} of {where} needs a value.")
    if op == "remove":
        _remove(doc, target, value)
        return
    if expr is None and sub is None:
        new = _coerce(attribute, value, where)
        if attribute.multi_valued:
            current = doc.get(name) or []
            doc[name] = _merge_values(current if op == "add" else [], new)
            _single_primary(doc[name], new)
        elif attribute.type == "complex":
            merged = {**(doc.get(name) or {}), **new}
            doc[name] = merged
        else:
            doc[name] = new
        if doc.get(name) in (None, [], {}):
            doc.pop(name, None)
        return
    assert sub is not None or expr is not None
    if expr is None:
        assert sub is not None
        sub_value = _coerce(sub, value, where)
        if attribute.multi_valued:
            values = doc.get(name) or []
            for item in values:
                item[sub.name] = sub_value
            doc[name] = values or [{sub.name: sub_value}]
        else:
            doc[name] = {**(doc.get(name) or {}), sub.name: sub_value}
        return
    values = doc.get(name) or []
    matched = [v for v in values if _matches(expr, v, attribute)]
    if sub is not None:
        sub_value = _coerce(sub, value, where)
        if not matched:
            seed = _filter_seed(expr, attribute)
            if seed is None:
                raise ScimError(400, f"No value of {name} matches the filter.", "noTarget")
            seed = _coerce(Attribute(name, "complex", sub_attributes=attribute.sub_attributes), seed, name)
            matched = [seed]
            values.append(seed)
        for item in matched:
            item[sub.name] = sub_value
        _single_primary(values, matched if sub.name == "primary" else [])
        doc[name] = values
        return
    if not matched:
        raise ScimError(400, f"No value of {name} matches the filter.", "noTarget")
    element = _coerce(Attribute(name, "complex", sub_attributes=attribute.sub_attributes), value, name)
    for item in matched:
        if op == "replace":
            item.clear()
        item.update(element)
    doc[name] = values


def _remove(doc: dict[str, Any], target: _Target, value: Any) -> None:
    attribute, sub, expr = target.attribute, target.sub, target.filter
    name = attribute.name
    current = doc.get(name)
    if expr is None and sub is None:
        if attribute.multi_valued and value is not None:
            # Azure AD removes members as {"op": "Remove", "path": "members", "value": [{"value": id}]}.
            gone = _coerce(attribute, value, name)
            doc[name] = [v for v in current or [] if not any(_same_value(v, g) for g in gone)]
        else:
            doc.pop(name, None)
    elif expr is None:
        assert sub is not None
        if attribute.multi_valued:
            for item in current or []:
                item.pop(sub.name, None)
        elif isinstance(current, dict):
            current.pop(sub.name, None)
    else:
        values = current or []
        if sub is None:
            doc[name] = [v for v in values if not _matches(expr, v, attribute)]
        else:
            for item in values:
                if _matches(expr, item, attribute):
                    item.pop(sub.name, None)
    if doc.get(name) in (None, [], {}):
        doc.pop(name, None)


def apply_patch(kind: ResourceKind, doc: dict[str, Any], operations: Sequence[PatchOperation]) -> None:
    """Apply ``operations`` to ``doc`` (a resource's writable attributes, canonical names), in order."""
    for operation in operations:
        if operation.path is None:
            if operation.op == "remove":
                raise ScimError(400, "remove needs a path.", "noTarget")
            if not isinstance(operation.value, dict):
                raise invalid_value(f"{operation.op} without a path needs an object of attributes.")
            for key, value in operation.value.items():
                if not isinstance(key, str) or key.lower() == "schemas":
                    continue
                target = _target(kind, parse_path(key))
                if target is None or target.attribute.read_only or (target.sub and target.sub.read_only):
                    continue  # read-only attributes in a path-less value are ignored, as in PUT
                _apply_operation(doc, operation.op, target, value)
            continue
        target = _target(kind, parse_path(operation.path))
        if target is None:
            continue
        if target.attribute.read_only or (target.sub is not None and target.sub.read_only):
            raise ScimError(400, f"{operation.path} is read-only.", "mutability")
        if target.sub is not None and target.sub.mutability == "immutable":
            # e.g. members.value: a member is added or removed, never rewritten in place
            raise ScimError(400, f"{operation.path} cannot be changed in place.", "mutability")
        _apply_operation(doc, operation.op, target, operation.value)


def resource_doc(kind: ResourceKind, body: Any) -> dict[str, Any]:
    """A POST or PUT body as a document of the attributes Insignia keeps (canonical names)."""
    if not isinstance(body, dict):
        raise ScimError(400, f"The body must be a {kind.name} object.", "invalidSyntax")
    declared = body.get("schemas")
    if declared is not None and (
        not isinstance(declared, list) or kind.schema.lower() not in {str(s).lower() for s in declared}
    ):
        raise ScimError(400, f"schemas must list {kind.schema}.", "invalidSyntax")
    doc: dict[str, Any] = {}
    for key, value in body.items():
        if not isinstance(key, str) or key.lower() == "schemas":
            continue
        try:
            target = _target(kind, parse_path(key))
        except ScimError:
            continue  # unknown attributes of a resource body are ignored
        if target is None or target.attribute.read_only or target.filter is not None:
            continue
        if target.sub is not None:
            if not target.sub.read_only:
                _apply_operation(doc, "add", target, value)
            continue
        coerced = _coerce(target.attribute, value, target.attribute.name)
        if coerced not in (None, [], {}):
            doc[target.attribute.name] = coerced
    return doc
