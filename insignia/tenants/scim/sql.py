"""SCIM filters and ``sortBy`` in SQL: which User and Group attributes are filterable and how
each maps to a column (or an ``EXISTS`` over group memberships), and the translation of a parsed
filter into a ``WHERE`` condition, with the RFC's comparison rules (case, nulls, types).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)

from insignia.tenants.models import Person, ScimGroup, ScimGroupMember
from insignia.tenants.scim.errors import ScimError, filter_error, invalid_value
from insignia.tenants.scim.filter import And, AttrPath, Compare, Expr, Not, Or, Present, ValuePath, attr_path
from insignia.tenants.scim.schemas import ResourceKind, as_bool


@dataclass(frozen=True)
class _Column:
    """A filterable, sortable value: its SQL expression and how it compares."""

    expr: ColumnElement[Any]
    kind: str  # "string" | "id" | "boolean" | "dateTime"
    case_exact: bool = False
    nullable: bool = False
    lower_stored: bool = False  # already lower-case: compare without lower() so indexes serve
    # A stored lower-case copy to compare with (indexes serve it under RLS; lower() on the column
    # would not be used by an index there).
    key: ColumnElement[Any] | None = None


@dataclass(frozen=True)
class _Complex:
    """A complex attribute: its sub-attributes, and for multi-valued ones stored in other rows, how
    a condition on one value becomes a condition on the resource (``EXISTS``)."""

    subs: Mapping[str, _Column]
    default: str | None  # the sub-attribute meant by the bare attribute (multi-valued: "value")
    present: ColumnElement[bool]
    wrap: Callable[[ColumnElement[bool]], ColumnElement[bool]] | None = None


Spec = Mapping[str, "_Column | _Complex"]


def _user_groups_exists(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(literal(1))
        .select_from(ScimGroupMember)
        .join(
            ScimGroup,
            and_(ScimGroup.tenant_id == ScimGroupMember.tenant_id, ScimGroup.id == ScimGroupMember.group_id),
        )
        .where(ScimGroupMember.tenant_id == Person.tenant_id, ScimGroupMember.person_id == Person.id, condition)
    )


def _group_members_exists(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(literal(1))
        .select_from(ScimGroupMember)
        .where(ScimGroupMember.tenant_id == ScimGroup.tenant_id, ScimGroupMember.group_id == ScimGroup.id, condition)
    )


def _nonempty(expr: ColumnElement[Any]) -> ColumnElement[bool]:
    return and_(expr.is_not(None), expr != "")


def user_spec() -> dict[str, _Column | _Complex]:
    has_name = or_(_nonempty(Person.given_name.expression), _nonempty(Person.family_name.expression))
    formatted = case((has_name, Person.name.expression), else_=None)
    return {
        "id": _Column(Person.id.expression, "id", case_exact=True),
        "externalid": _Column(Person.external_id.expression, "string", case_exact=True, nullable=True),
        "username": _Column(Person.user_name.expression, "string", key=Person.user_name_key.expression),
        "displayname": _Column(Person.name.expression, "string"),
        "active": _Column(Person.active.expression, "boolean"),
        "name": _Complex(
            {
                "givenname": _Column(Person.given_name.expression, "string", nullable=True),
                "familyname": _Column(Person.family_name.expression, "string", nullable=True),
                "formatted": _Column(formatted, "string", nullable=True),
            },
            None,
            has_name,
        ),
        "emails": _Complex(
            {
                "value": _Column(Person.email.expression, "string", lower_stored=True),
                "type": _Column(literal("work", Text), "string"),
                "primary": _Column(true(), "boolean"),
            },
            "value",
            true(),
        ),
        "groups": _Complex(
            {
                "value": _Column(ScimGroupMember.group_id.expression, "id", case_exact=True),
                "display": _Column(ScimGroup.display_name.expression, "string"),
                "type": _Column(literal("direct", Text), "string"),
            },
            "value",
            _user_groups_exists(true()),
            _user_groups_exists,
        ),
        "meta": _Complex(
            {
                "created": _Column(Person.created_at.expression, "dateTime"),
                "lastmodified": _Column(Person.updated_at.expression, "dateTime"),
                "resourcetype": _Column(literal("User", Text), "string"),
            },
            None,
            true(),
        ),
    }


def group_spec() -> dict[str, _Column | _Complex]:
    return {
        "id": _Column(ScimGroup.id.expression, "id", case_exact=True),
        "externalid": _Column(ScimGroup.external_id.expression, "string", case_exact=True, nullable=True),
        "displayname": _Column(ScimGroup.display_name.expression, "string", key=ScimGroup.display_name_key.expression),
        "members": _Complex(
            {
                "value": _Column(ScimGroupMember.person_id.expression, "id", case_exact=True),
                "type": _Column(literal("User", Text), "string"),
            },
            "value",
            _group_members_exists(true()),
            _group_members_exists,
        ),
        "meta": _Complex(
            {
                "created": _Column(ScimGroup.created_at.expression, "dateTime"),
                "lastmodified": _Column(ScimGroup.updated_at.expression, "dateTime"),
                "resourcetype": _Column(literal("Group", Text), "string"),
            },
            None,
            true(),
        ),
    }


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _column_present(column: _Column) -> ColumnElement[bool]:
    if not column.nullable:
        return true()
    return _nonempty(column.expr) if column.kind == "string" else column.expr.is_not(None)


def _compare_sql(column: _Column, op: str, value: Any, name: str) -> ColumnElement[bool]:
    if value is None:
        if op == "eq":
            return not_(_column_present(column))
        if op == "ne":
            return _column_present(column)
        raise filter_error(f"null can only be compared with eq or ne ({name}).")
    if op == "ne":
        return not_(_compare_sql(column, "eq", value, name))
    expr = column.expr
    condition: ColumnElement[bool]
    if column.kind == "boolean":
        flag = as_bool(value)
        if flag is None or op != "eq":
            raise filter_error(f"{name} is a boolean: compare it with eq or ne and true or false.")
        condition = expr == flag
    elif column.kind == "dateTime":
        moment = _parse_datetime(value)
        if moment is None or op in ("co", "sw", "ew"):
            raise filter_error(
                f"{name} is a date-time: compare it with eq, ne, gt, ge, lt or le and an ISO 8601 string."
            )
        match op:
            case "eq":
                condition = expr == moment
            case "gt":
                condition = expr > moment
            case "ge":
                condition = expr >= moment
            case "lt":
                condition = expr < moment
            case _:
                condition = expr <= moment
    else:
        if not isinstance(value, str):
            raise filter_error(f"{name} is a string: compare it with a quoted string.")
        if column.kind == "id" and op == "eq":
            try:
                return expr == uuid.UUID(value)
            except ValueError:
                return false()
        if column.kind == "id":
            expr = cast(expr, Text)
        fold: Callable[[str], Any] = lambda v: v  # noqa: E731
        if not column.case_exact:
            # PostgreSQL folds both sides, so both fold the same way (Greek final sigma, for one).
            fold = func.lower
            if column.key is not None:
                expr = column.key
            elif not column.lower_stored:
                expr = func.lower(expr)
        pattern = _like_escape(value)
        match op:
            case "eq":
                condition = expr == fold(value)
            case "co":
                condition = expr.like(fold(f"%{pattern}%"), escape="\\")
            case "sw":
                condition = expr.like(fold(f"{pattern}%"), escape="\\")
            case "ew":
                condition = expr.like(fold(f"%{pattern}"), escape="\\")
            case "gt":
                condition = expr > fold(value)
            case "ge":
                condition = expr >= fold(value)
            case "lt":
                condition = expr < fold(value)
            case _:
                condition = expr <= fold(value)
    if column.nullable:
        # Two-valued logic: an unassigned attribute matches nothing, so "not (...)" matches it.
        condition = and_(column.expr.is_not(None), condition)
    return condition


def _resolve_sql(
    spec: Spec, kind: ResourceKind | None, path: AttrPath, error: Callable[[str], ScimError]
) -> tuple[_Column | _Complex, str]:
    if path.uri is not None and (kind is None or path.uri.lower() != kind.schema.lower()):
        raise error(f"Unsupported attribute {path.uri}:{path.attr}.")
    node = spec.get(path.attr.lower())
    if node is None:
        raise error(f"Unsupported attribute {path.attr!r}.")
    return node, path.attr


def compile_filter(expr: Expr, spec: Spec, kind: ResourceKind | None) -> ColumnElement[bool]:
    if isinstance(expr, And):
        return and_(compile_filter(expr.left, spec, kind), compile_filter(expr.right, spec, kind))
    if isinstance(expr, Or):
        return or_(compile_filter(expr.left, spec, kind), compile_filter(expr.right, spec, kind))
    if isinstance(expr, Not):
        return not_(compile_filter(expr.expr, spec, kind))
    if isinstance(expr, ValuePath):
        node, name = _resolve_sql(spec, kind, expr.path, filter_error)
        if not isinstance(node, _Complex):
            raise filter_error(f"{name} is not a complex attribute.")
        inner = compile_filter(expr.filter, node.subs, None)
        return node.wrap(inner) if node.wrap else inner
    return _compile_comparison(expr, spec, kind)


def _compile_comparison(expr: Compare | Present, spec: Spec, kind: ResourceKind | None) -> ColumnElement[bool]:
    node, name = _resolve_sql(spec, kind, expr.path, filter_error)
    if isinstance(node, _Column):
        if expr.path.sub is not None:
            raise filter_error(f"{name} has no sub-attribute {expr.path.sub!r}.")
        return _column_present(node) if isinstance(expr, Present) else _compare_sql(node, expr.op, expr.value, name)
    if isinstance(expr, Present) and expr.path.sub is None:
        return node.present
    sub_name = expr.path.sub or node.default
    if sub_name is None:
        raise filter_error(f"{name} is complex: filter on one of its sub-attributes.")
    column = node.subs.get(sub_name.lower())
    if column is None:
        raise filter_error(f"Unsupported attribute {name}.{sub_name}.")
    full = f"{name}.{sub_name}"
    condition = (
        _column_present(column) if isinstance(expr, Present) else _compare_sql(column, expr.op, expr.value, full)
    )
    return node.wrap(condition) if node.wrap else condition


def sort_expression(spec: Spec, kind: ResourceKind, sort_by: str) -> ColumnElement[Any]:
    def error(message: str) -> ScimError:
        return invalid_value(f"sortBy: {message}")

    path = attr_path(sort_by.strip(), error)
    node, name = _resolve_sql(spec, kind, path, error)
    if isinstance(node, _Complex):
        sub_name = path.sub or node.default
        column = node.subs.get(sub_name.lower()) if sub_name else None
        if column is None or node.wrap is not None:
            raise error(f"cannot sort by {sort_by!r}.")
    elif path.sub is not None:
        raise error(f"{name} has no sub-attribute {path.sub!r}.")
    else:
        column = node
    if column.key is not None:
        return column.key
    if column.kind == "string" and not column.case_exact and not column.lower_stored:
        return func.lower(column.expr)
    return column.expr
