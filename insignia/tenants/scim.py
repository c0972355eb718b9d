"""SCIM 2.0 provisioning (RFC 7643, RFC 7644): a tenant's directory creates and maintains its people
and groups under ``/scim/v2``, authenticated by an API key holding ``scim:provision``.

This module is the domain side: the resource schemas we publish, the filter and PATCH-path
grammar, SQL translation of filters, PATCH application, and the reads and writes of Users and
Groups inside the caller's tenant transaction (row-level security keeps every query in the tenant).
The HTTP side (``insignia.web.scim``) only parses requests and serialises answers.

What is served, and advertised in ``/ServiceProviderConfig``:

- Users and Groups: create, read, list (filter, pagination, sorting), replace (PUT), PATCH
  (add/replace/remove, with and without ``path``), delete; ``attributes`` and
  ``excludedAttributes`` on every answer that carries resources; ``POST /Users/.search`` and
  ``POST /Groups/.search``. Not served: bulk, ``/Me``, password changes, and searching all
  resource types at once (``POST /.search`` answers 501).
- Filters: the whole RFC 7644 §3.4.2.2 grammar (``eq ne co sw ew gt ge lt le pr``, ``and``,
  ``or``, ``not (...)``, parentheses, value paths such as ``emails[type eq "work"]``), operators and
  attribute names case-insensitive, strings compared case-insensitively unless the attribute is
  case-exact (``id``, ``externalId``). Filterable: User ``id userName externalId displayName
  name.givenName name.familyName name.formatted emails(.value|.type) active groups(.value|.display)
  meta.created meta.lastModified``; Group ``id displayName externalId members(.value) meta.created
  meta.lastModified``. Anything else is ``400 invalidFilter``. ``sortBy`` takes the single-valued
  ones of these. Pages: ``startIndex`` (1-based), ``count`` (default 100, at most 200).
- Versions: ``meta.version`` is a weak ETag of the row's ``updated_at``; ``If-Match`` on PUT, PATCH
  and DELETE (412 when stale) and ``If-None-Match`` on GET (304).

Decisions:

- Where new Users land: a group mapping that names an audience moves people there (``apply_groups``
  when their SCIM groups change). Until then a new User joins the tenant's first-created audience of
  kind ``employee``, else its first audience; a tenant without any audience gets 409. New Users
  are learners.
- Insignia keeps one email per person (lower-cased, unique in the tenant) and one display name.
  ``emails`` holds that single address with ``type: "work"``; on input the ``primary`` address
  wins, else the first, else a ``userName`` that is an email address. ``displayName`` and
  ``name.formatted`` are both that display name (``displayName`` wins when both are sent);
  ``name`` is returned when a given or family name is known. ``primary`` is accepted but not
  published: with a single address it carries nothing, and echoing a constant would contradict
  a client that sent ``false``.
- ``userName``, ``displayName``, ``emails`` and ``active`` are published as required, because a
  person always has them. POST and PUT still derive a missing display name (formatted name, given
  plus family name, ``userName``), a missing email (a ``userName`` that is an address) and a
  missing ``active`` (true on POST, unchanged on PUT); PATCH may not remove them (400).
- ``PATCH active=false`` deactivates the person (sessions ended, tokens dead, webhook);
  ``active=true`` reactivates them, unless an admin deactivated them in Insignia (then 400
  ``mutability``: the directory may undo only its own deactivations). The organisation's last
  active admin cannot be deactivated.
- DELETE of a User deactivates the person and detaches them from the directory: ``userName`` and
  ``externalId`` are cleared and their group memberships removed. Awards and history keep pointing
  at the person, but SCIM no longer sees them (404); only people with a ``userName`` are Users.
  Their email stays taken, so creating a User with it again is a 409, as is any POST whose email
  or ``userName`` belongs to someone already.
- Group members are Users of the tenant (``type: "User"``); nested groups are refused. Members
  carry ``value``, ``$ref`` and ``type`` as in the RFC 7643 §8.7.1 schema, not ``display``. Every
  change of a person's groups (membership, rename, deletion) re-applies the tenant's group
  mappings to them with the names of all their groups.
- Attributes of the RFC 7643 User and Group schemas (and the enterprise extension) that Insignia
  does not keep, such as ``title`` or ``phoneNumbers``, are accepted and ignored, so identity
  providers' default mappings work; read-only ones (``id``, ``meta``, ``groups``) are ignored in
  bodies and refused as a PATCH ``path`` (``mutability``). Unknown attribute names in a PATCH
  ``path`` are ``invalidPath``.
- Tolerated client quirks: capitalised PATCH ops (``Replace``), booleans sent as strings
  (``"False"``), dotted attribute names as keys of a path-less PATCH value, ``remove`` of
  ``members`` with a ``value`` list, and ``add``/``replace`` through a value filter that matches
  nothing (``emails[type eq "work"].value``) creating the value the filter describes.
"""

from __future__ import annotations

import copy
import json
import operator
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import validation
from insignia.infra.errors import ServiceError, ValidationError
from insignia.tenants.auth import Role
from insignia.tenants.groups import apply_grant, source_mappings
from insignia.tenants.models import Audience, Person, ScimGroup, ScimGroupMember
from insignia.tenants.person import deactivate, provision_person, reactivate

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SERVICE_PROVIDER_CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"

DEFAULT_COUNT = 100
MAX_COUNT = 200
MAX_FILTER_LENGTH = 4096
MAX_FILTER_DEPTH = 32
MAX_OPERATIONS = 1000
MAX_MEMBERS = 10_000  # members named in one request
MAX_BODY_BYTES = 2 * 1024 * 1024


class ScimError(ServiceError):
    """An expected failure with its SCIM answer: HTTP ``status`` and RFC 7644 §3.12 ``scim_type``."""

    def __init__(self, status: int, message: str, scim_type: str | None = None) -> None:
        super().__init__("SCIM", message, None)
        self.status = status
        self.scim_type = scim_type


def _invalid_value(message: str) -> ScimError:
    return ScimError(400, message, "invalidValue")


def _not_found(kind: str, value: str) -> ScimError:
    return ScimError(404, f"No {kind} with id {value!r}.")


# --- Schemas --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    """One attribute as RFC 7643 §7 describes it; ``published`` False: accepted but not described."""

    name: str
    type: str = "string"
    multi_valued: bool = False
    required: bool = False
    case_exact: bool = False
    mutability: str = "readWrite"
    returned: str = "default"
    uniqueness: str = "none"
    description: str = ""
    canonical_values: tuple[str, ...] = ()
    reference_types: tuple[str, ...] = ()
    sub_attributes: tuple[Attribute, ...] = ()
    published: bool = True

    @property
    def read_only(self) -> bool:
        return self.mutability == "readOnly"

    def sub(self, name: str) -> Attribute | None:
        lowered = name.lower()
        return next((s for s in self.sub_attributes if s.name.lower() == lowered), None)

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi_valued,
            "description": self.description,
            "required": self.required,
            "mutability": self.mutability,
            "returned": self.returned,
        }
        if self.type != "complex":
            doc["caseExact"] = self.case_exact
            doc["uniqueness"] = self.uniqueness
        if self.canonical_values:
            doc["canonicalValues"] = list(self.canonical_values)
        if self.reference_types:
            doc["referenceTypes"] = list(self.reference_types)
        if self.sub_attributes:
            doc["subAttributes"] = [s.document() for s in self.sub_attributes if s.published]
        return doc


COMMON_ATTRIBUTES = (
    Attribute(
        "id",
        case_exact=True,
        mutability="readOnly",
        returned="always",
        uniqueness="server",
        description="Insignia's identifier of the resource.",
    ),
    Attribute("externalId", case_exact=True, description="The directory's identifier of the resource."),
    Attribute(
        "meta",
        type="complex",
        mutability="readOnly",
        sub_attributes=(
            Attribute("resourceType", case_exact=True, mutability="readOnly"),
            Attribute("created", type="dateTime", mutability="readOnly"),
            Attribute("lastModified", type="dateTime", mutability="readOnly"),
            Attribute("location", type="reference", reference_types=("uri",), mutability="readOnly"),
            Attribute("version", case_exact=True, mutability="readOnly"),
        ),
    ),
)

USER_ATTRIBUTES = (
    Attribute(
        "userName",
        required=True,
        uniqueness="server",
        description="The directory's sign-in name, unique in the organisation regardless of case.",
    ),
    Attribute(
        "name",
        type="complex",
        description="The person's name. formatted is the display name.",
        sub_attributes=(
            Attribute("formatted", description="The full name, as displayed (the same as displayName)."),
            Attribute("familyName", description="The family name."),
            Attribute("givenName", description="The given name."),
        ),
    ),
    Attribute(
        "displayName",
        required=True,
        description="The name shown in Insignia; derived from name or userName when not sent.",
    ),
    Attribute(
        "emails",
        type="complex",
        multi_valued=True,
        required=True,
        description="The person's email address; Insignia keeps one (the primary one).",
        sub_attributes=(
            Attribute("value", required=True, description="The email address."),
            Attribute("type", canonical_values=("work",), description="Always work."),
            Attribute("primary", type="boolean", published=False),
            Attribute("display", published=False),
        ),
    ),
    Attribute(
        "active",
        type="boolean",
        required=True,
        description="False deactivates the person: sign-in refused, sessions and tokens ended.",
    ),
    Attribute(
        "groups",
        type="complex",
        multi_valued=True,
        mutability="readOnly",
        description="The groups the person is a member of; change them through the Group resource.",
        sub_attributes=(
            Attribute("value", case_exact=True, mutability="readOnly", description="The group's id."),
            Attribute(
                "$ref",
                type="reference",
                reference_types=("Group",),
                case_exact=True,
                mutability="readOnly",
                description="The group's URI.",
            ),
            Attribute("display", mutability="readOnly", description="The group's displayName."),
            Attribute("type", canonical_values=("direct",), mutability="readOnly", description="Always direct."),
        ),
    ),
)

GROUP_ATTRIBUTES = (
    Attribute(
        "displayName",
        required=True,
        uniqueness="server",
        description="The group's name, unique in the organisation regardless of case; group mappings use it.",
    ),
    Attribute(
        "members",
        type="complex",
        multi_valued=True,
        description="The Users in the group.",
        sub_attributes=(
            Attribute("value", case_exact=True, mutability="immutable", description="The User's id."),
            Attribute(
                "$ref",
                type="reference",
                reference_types=("User",),
                case_exact=True,
                mutability="immutable",
                description="The User's URI.",
            ),
            Attribute("type", canonical_values=("User",), mutability="immutable", description="Always User."),
            Attribute("display", mutability="readOnly", published=False),
        ),
    ),
)

# Attributes of the RFC 7643 schemas (and the enterprise extension) that Insignia does not keep:
# writes to them are accepted and ignored rather than refused.
_IGNORED_USER_ATTRIBUTES = frozenset(
    {
        "nickname",
        "profileurl",
        "title",
        "usertype",
        "preferredlanguage",
        "locale",
        "timezone",
        "password",
        "phonenumbers",
        "ims",
        "photos",
        "addresses",
        "entitlements",
        "roles",
        "x509certificates",
    }
)


@dataclass(frozen=True)
class ResourceKind:
    name: str
    endpoint: str
    schema: str
    description: str
    attributes: tuple[Attribute, ...]
    ignored: frozenset[str] = frozenset()
    ignored_subs: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def attribute(self, name: str) -> Attribute | None:
        lowered = name.lower()
        return next((a for a in COMMON_ATTRIBUTES + self.attributes if a.name.lower() == lowered), None)


USER = ResourceKind(
    "User",
    "/Users",
    USER_SCHEMA,
    "People of the organisation",
    USER_ATTRIBUTES,
    _IGNORED_USER_ATTRIBUTES,
    {"name": frozenset({"middlename", "honorificprefix", "honorificsuffix"})},
)
GROUP = ResourceKind("Group", "/Groups", GROUP_SCHEMA, "Directory groups", GROUP_ATTRIBUTES)
KINDS = (USER, GROUP)


# --- Discovery ------------------------------------------------------------------------------------


def _list_response(resources: Sequence[dict[str, Any]], total: int, start_index: int = 1) -> dict[str, Any]:
    return {
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "itemsPerPage": len(resources),
        "startIndex": start_index,
        "Resources": list(resources),
    }


def service_provider_config(base_url: str) -> dict[str, Any]:
    """What this service provider supports (RFC 7643 §5), exactly as implemented here."""
    return {
        "schemas": [SERVICE_PROVIDER_CONFIG_SCHEMA],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_COUNT},
        "changePassword": {"supported": False},
        "sort": {"supported": True},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer API key",
                "description": "An Insignia API key with the scim:provision scope, sent as "
                "'Authorization: Bearer <key>'. A tenant admin creates it.",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base_url}/ServiceProviderConfig"},
    }


def _resource_type_document(kind: ResourceKind, base_url: str) -> dict[str, Any]:
    return {
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": kind.name,
        "name": kind.name,
        "endpoint": kind.endpoint,
        "description": kind.description,
        "schema": kind.schema,
        "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/{kind.name}"},
    }


def _schema_document(kind: ResourceKind, base_url: str) -> dict[str, Any]:
    return {
        "schemas": [SCHEMA_SCHEMA],
        "id": kind.schema,
        "name": kind.name,
        "description": kind.description,
        "attributes": [a.document() for a in kind.attributes if a.published],
        "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{kind.schema}"},
    }


def resource_types(base_url: str) -> dict[str, Any]:
    """``/ResourceTypes``: Users and Groups."""
    return _list_response([_resource_type_document(k, base_url) for k in KINDS], len(KINDS))


def resource_type(base_url: str, name: str) -> dict[str, Any]:
    """``/ResourceTypes/{name}``."""
    kind = next((k for k in KINDS if k.name.lower() == name.lower()), None)
    if kind is None:
        raise ScimError(404, f"No resource type {name!r}.")
    return _resource_type_document(kind, base_url)


def schemas(base_url: str) -> dict[str, Any]:
    """``/Schemas``: the User and Group schemas as served (only what is kept)."""
    return _list_response([_schema_document(k, base_url) for k in KINDS], len(KINDS))


def schema(base_url: str, schema_id: str) -> dict[str, Any]:
    """``/Schemas/{urn}``."""
    kind = next((k for k in KINDS if k.schema.lower() == schema_id.lower()), None)
    if kind is None:
        raise ScimError(404, f"No schema {schema_id!r}.")
    return _schema_document(kind, base_url)


# --- Filter and path grammar (RFC 7644 §3.4.2.2, §3.5.2) ------------------------------------------

COMPARE_OPS = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"})
_ATTR_NAME_RE = re.compile(r"^(?:\$ref|[A-Za-z][A-Za-z0-9_-]*)$")
_NUMBER_RE = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$")
_DELIMITERS = frozenset('()[]"')


@dataclass(frozen=True)
class AttrPath:
    """``[uri:]attr[.sub]``."""

    uri: str | None
    attr: str
    sub: str | None = None


@dataclass(frozen=True)
class Compare:
    path: AttrPath
    op: str
    value: Any


@dataclass(frozen=True)
class Present:
    path: AttrPath


@dataclass(frozen=True)
class And:
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Or:
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Not:
    expr: Expr


@dataclass(frozen=True)
class ValuePath:
    """``attr[filter]``: the filter applies to each value of a (multi-valued) complex attribute."""

    path: AttrPath
    filter: Expr


Expr = Compare | Present | And | Or | Not | ValuePath


@dataclass(frozen=True)
class _Token:
    kind: str  # "(" ")" "[" "]" "string" "word"
    value: Any
    position: int


def _lex(text: str, error: Callable[[str], ScimError]) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    decoder = json.JSONDecoder()
    while i < len(text):
        char = text[i]
        if char in " \t\r\n":
            i += 1
        elif char in "()[]":
            tokens.append(_Token(char, char, i))
            i += 1
        elif char == '"':
            try:
                # A JSON string, escapes included; raw control characters are refused.
                value, end = decoder.raw_decode(text, i)
            except ValueError:
                raise error(f"Unterminated or malformed string at position {i + 1}.") from None
            tokens.append(_Token("string", value, i))
            i = end
        else:
            start = i
            while i < len(text) and text[i] not in _DELIMITERS and text[i] not in " \t\r\n":
                i += 1
            tokens.append(_Token("word", text[start:i], start))
    return tokens


def _attr_path(word: str, error: Callable[[str], ScimError]) -> AttrPath:
    uri: str | None = None
    rest = word
    if ":" in word:
        uri, _, rest = word.rpartition(":")
    parts = rest.split(".")
    if len(parts) > 2 or not all(_ATTR_NAME_RE.match(p) for p in parts):
        raise error(f"{word!r} is not an attribute path.")
    return AttrPath(uri or None, parts[0], parts[1] if len(parts) == 2 else None)


def _literal(word: str, error: Callable[[str], ScimError]) -> Any:
    lowered = word.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    if lowered == "null":
        return None
    if _NUMBER_RE.match(word):
        return json.loads(word)
    raise error(f"{word!r} is not a value: use a quoted string, a number, true, false or null.")


class _Parser:
    def __init__(self, text: str, error: Callable[[str], ScimError]) -> None:
        self.error = error
        self.tokens = _lex(text, error)
        self.i = 0

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.i + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise self.error("The expression ends too early.")
        self.i += 1
        return token

    def expect(self, kind: str) -> None:
        token = self.take()
        if token.kind != kind:
            raise self.error(f"Expected {kind!r} at position {token.position + 1}.")

    def keyword(self, name: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.value.lower() == name

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def parse_or(self, depth: int, inner: bool) -> Expr:
        left = self.parse_and(depth, inner)
        while self.keyword("or"):
            self.i += 1
            left = Or(left, self.parse_and(depth, inner))
        return left

    def parse_and(self, depth: int, inner: bool) -> Expr:
        left = self.parse_unary(depth, inner)
        while self.keyword("and"):
            self.i += 1
            left = And(left, self.parse_unary(depth, inner))
        return left

    def parse_unary(self, depth: int, inner: bool) -> Expr:
        if depth > MAX_FILTER_DEPTH:
            raise self.error("The expression is nested too deeply.")
        token = self.take()
        following = self.peek()
        if token.kind == "word" and token.value.lower() == "not" and following is not None and following.kind == "(":
            self.i += 1
            expr = self.parse_or(depth + 1, inner)
            self.expect(")")
            return Not(expr)
        if token.kind == "(":
            expr = self.parse_or(depth + 1, inner)
            self.expect(")")
            return expr
        if token.kind != "word":
            raise self.error(f"Expected an attribute at position {token.position + 1}.")
        path = _attr_path(token.value, self.error)
        if inner and (path.uri is not None or path.sub is not None):
            raise self.error(f"{token.value!r}: a value filter names sub-attributes only.")
        if following is not None and following.kind == "[":
            if inner:
                raise self.error("Value filters cannot be nested.")
            if path.sub is not None:
                raise self.error(f"{token.value!r}: a value filter applies to an attribute, not a sub-attribute.")
            self.i += 1
            expr = self.parse_or(depth + 1, True)
            self.expect("]")
            return ValuePath(path, expr)
        op_token = self.take()
        op = op_token.value.lower() if op_token.kind == "word" else ""
        if op == "pr":
            return Present(path)
        if op not in COMPARE_OPS:
            raise self.error(f"Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after {token.value!r}.")
        value_token = self.take()
        if value_token.kind == "string":
            return Compare(path, op, value_token.value)
        if value_token.kind == "word":
            return Compare(path, op, _literal(value_token.value, self.error))
        raise self.error(f"Expected a value at position {value_token.position + 1}.")


def _filter_error(message: str) -> ScimError:
    return ScimError(400, f"Invalid filter: {message}", "invalidFilter")


def _path_error(message: str) -> ScimError:
    return ScimError(400, f"Invalid path: {message}", "invalidPath")


def parse_filter(text: str) -> Expr:
    """Parse a SCIM filter; ``invalidFilter`` when it is not one."""
    if len(text) > MAX_FILTER_LENGTH:
        raise _filter_error(f"longer than {MAX_FILTER_LENGTH} characters.")
    parser = _Parser(text, _filter_error)
    if parser.at_end():
        raise _filter_error("it is empty.")
    expr = parser.parse_or(0, False)
    if not parser.at_end():
        raise _filter_error(f"unexpected {parser.take().value!r}.")
    return expr


@dataclass(frozen=True)
class PatchPath:
    """``attrPath`` or ``valuePath [subAttr]`` (RFC 7644 §3.5.2)."""

    path: AttrPath
    filter: Expr | None = None
    sub_after_filter: str | None = None


def parse_path(text: str) -> PatchPath:
    """Parse a PATCH ``path``; ``invalidPath`` when it is not one."""
    if len(text) > MAX_FILTER_LENGTH:
        raise _path_error(f"longer than {MAX_FILTER_LENGTH} characters.")
    parser = _Parser(text, _path_error)
    token = parser.take()
    if token.kind != "word":
        raise _path_error(f"{text!r} does not start with an attribute.")
    path = _attr_path(token.value, _path_error)
    result = PatchPath(path)
    following = parser.peek()
    if following is not None and following.kind == "[":
        if path.sub is not None:
            raise _path_error("a value filter applies to an attribute, not a sub-attribute.")
        parser.i += 1
        expr = parser.parse_or(1, True)
        parser.expect("]")
        sub: str | None = None
        if not parser.at_end():
            tail = parser.take()
            name = tail.value[1:] if tail.kind == "word" and tail.value.startswith(".") else ""
            if not _ATTR_NAME_RE.match(name):
                raise _path_error(f"unexpected {tail.value!r} after the value filter.")
            sub = name
        result = PatchPath(path, expr, sub)
    if not parser.at_end():
        raise _path_error(f"unexpected {parser.take().value!r}.")
    return result


# --- Filters in SQL -------------------------------------------------------------------------------


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


_Spec = Mapping[str, "_Column | _Complex"]


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


def _user_spec() -> dict[str, _Column | _Complex]:
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


def _group_spec() -> dict[str, _Column | _Complex]:
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


def _as_bool(value: Any) -> bool | None:
    """A boolean, or one sent as a string ("True", "false") as some directories do."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


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
        raise _filter_error(f"null can only be compared with eq or ne ({name}).")
    if op == "ne":
        return not_(_compare_sql(column, "eq", value, name))
    expr = column.expr
    condition: ColumnElement[bool]
    if column.kind == "boolean":
        flag = _as_bool(value)
        if flag is None or op != "eq":
            raise _filter_error(f"{name} is a boolean: compare it with eq or ne and true or false.")
        condition = expr == flag
    elif column.kind == "dateTime":
        moment = _parse_datetime(value)
        if moment is None or op in ("co", "sw", "ew"):
            raise _filter_error(
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
            raise _filter_error(f"{name} is a string: compare it with a quoted string.")
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
    spec: _Spec, kind: ResourceKind | None, path: AttrPath, error: Callable[[str], ScimError]
) -> tuple[_Column | _Complex, str]:
    if path.uri is not None and (kind is None or path.uri.lower() != kind.schema.lower()):
        raise error(f"Unsupported attribute {path.uri}:{path.attr}.")
    node = spec.get(path.attr.lower())
    if node is None:
        raise error(f"Unsupported attribute {path.attr!r}.")
    return node, path.attr


def _compile(expr: Expr, spec: _Spec, kind: ResourceKind | None) -> ColumnElement[bool]:
    if isinstance(expr, And):
        return and_(_compile(expr.left, spec, kind), _compile(expr.right, spec, kind))
    if isinstance(expr, Or):
        return or_(_compile(expr.left, spec, kind), _compile(expr.right, spec, kind))
    if isinstance(expr, Not):
        return not_(_compile(expr.expr, spec, kind))
    if isinstance(expr, ValuePath):
        node, name = _resolve_sql(spec, kind, expr.path, _filter_error)
        if not isinstance(node, _Complex):
            raise _filter_error(f"{name} is not a complex attribute.")
        inner = _compile(expr.filter, node.subs, None)
        return node.wrap(inner) if node.wrap else inner
    return _compile_comparison(expr, spec, kind)


def _compile_comparison(expr: Compare | Present, spec: _Spec, kind: ResourceKind | None) -> ColumnElement[bool]:
    node, name = _resolve_sql(spec, kind, expr.path, _filter_error)
    if isinstance(node, _Column):
        if expr.path.sub is not None:
            raise _filter_error(f"{name} has no sub-attribute {expr.path.sub!r}.")
        return _column_present(node) if isinstance(expr, Present) else _compare_sql(node, expr.op, expr.value, name)
    if isinstance(expr, Present) and expr.path.sub is None:
        return node.present
    sub_name = expr.path.sub or node.default
    if sub_name is None:
        raise _filter_error(f"{name} is complex: filter on one of its sub-attributes.")
    column = node.subs.get(sub_name.lower())
    if column is None:
        raise _filter_error(f"Unsupported attribute {name}.{sub_name}.")
    full = f"{name}.{sub_name}"
    condition = (
        _column_present(column) if isinstance(expr, Present) else _compare_sql(column, expr.op, expr.value, full)
    )
    return node.wrap(condition) if node.wrap else condition


def _sort_expression(spec: _Spec, kind: ResourceKind, sort_by: str) -> ColumnElement[Any]:
    def error(message: str) -> ScimError:
        return _invalid_value(f"sortBy: {message}")

    path = _attr_path(sort_by.strip(), error)
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


# --- Filters on values (PATCH value paths) --------------------------------------------------------


def _compare_value(attribute: Attribute, actual: Any, op: str, expected: Any) -> bool:
    if expected is None:
        if op not in ("eq", "ne"):
            raise _path_error("null can only be compared with eq or ne.")
        return (actual not in (None, "", [])) == (op == "ne")
    if op == "ne":
        return not _compare_value(attribute, actual, "eq", expected)
    if attribute.type == "boolean":
        flag = _as_bool(expected)
        if flag is None or op != "eq":
            raise _path_error(f"{attribute.name} is a boolean: compare it with eq or ne.")
        return _as_bool(actual) is flag
    if not isinstance(expected, str):
        raise _path_error(f"{attribute.name} is a string: compare it with a quoted string.")
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
        raise _path_error("value filters cannot be nested.")
    sub = attribute.sub(expr.path.attr)
    if sub is None:
        raise _path_error(f"{attribute.name} has no sub-attribute {expr.path.attr!r}.")
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


# --- Projection (attributes, excludedAttributes) --------------------------------------------------


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
                path = _attr_path(raw.strip(), _filter_error)
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
        raise _invalid_value(f"{parameter} must be a comma-separated string or a list of strings.")
    if len(names) > MAX_ATTRIBUTE_NAMES:
        raise _invalid_value(f"{parameter} names at most {MAX_ATTRIBUTE_NAMES} attributes.")
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
        raise _invalid_value(f"{parameter} must be an integer.")
    if isinstance(value, int) and abs(value) < 10**9:
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,9}\s*", value):
        return int(value)
    raise _invalid_value(f"{parameter} must be an integer.")


def list_query(params: Mapping[str, Any]) -> ListQuery:
    """A list or search request's parameters (RFC 7644 §3.4.2): values from a query string (text)
    or from a ``SearchRequest`` body (JSON). Out-of-range pages are clamped as the RFC says."""
    raw_filter = params.get("filter")
    if raw_filter is not None and not isinstance(raw_filter, str):
        raise _filter_error("the filter must be a string.")
    start = _integer(params.get("startIndex"), "startIndex")
    count = _integer(params.get("count"), "count")
    sort_by = params.get("sortBy")
    if sort_by is not None and not isinstance(sort_by, str):
        raise _invalid_value("sortBy must be a string.")
    order = params.get("sortOrder")
    if order is not None and (not isinstance(order, str) or order.lower() not in ("ascending", "descending")):
        raise _invalid_value("sortOrder must be ascending or descending.")
    return ListQuery(
        filter=parse_filter(raw_filter) if raw_filter and raw_filter.strip() else None,
        start_index=max(1, start if start is not None else 1),
        count=min(MAX_COUNT, max(0, count if count is not None else DEFAULT_COUNT)),
        sort_by=(sort_by.strip() or None) if sort_by else None,
        descending=isinstance(order, str) and order.lower() == "descending",
        projection=projection(params),
    )


# --- Input values ---------------------------------------------------------------------------------


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
            raise _invalid_value(f"{where} must be an object.")
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
        flag = _as_bool(value)
        if flag is None:
            raise _invalid_value(f"{where} must be true or false.")
        return flag
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _invalid_value(f"{where} must be a string.")
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
        raise _path_error(f"{kind.name} has no attribute {path.attr!r}.")
    sub_name = patch_path.sub_after_filter or path.sub
    sub: Attribute | None = None
    if sub_name is not None:
        sub = attribute.sub(sub_name)
        if sub is None:
            if sub_name.lower() in kind.ignored_subs.get(attribute.name, frozenset()):
                return None
            raise _path_error(f"{attribute.name} has no sub-attribute {sub_name!r}.")
    if patch_path.filter is not None and not (attribute.multi_valued and attribute.type == "complex"):
        raise _path_error(f"{attribute.name} is not a multi-valued complex attribute.")
    return _Target(attribute, sub, patch_path.filter)


# --- PATCH ----------------------------------------------------------------------------------------


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
            raise _invalid_value(f"Operations[{index}] ({op}) needs a value.")
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
        raise _invalid_value(f"{op} of {where} needs a value.")
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
                raise _invalid_value(f"{operation.op} without a path needs an object of attributes.")
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


def _resource_doc(kind: ResourceKind, body: Any) -> dict[str, Any]:
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


# --- Representations ------------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _version(updated_at: datetime) -> str:
    return f'W/"{(updated_at - _EPOCH) // timedelta(microseconds=1)}"'


def etag_matches(header: str | None, version: str) -> bool:
    """Whether an ``If-Match`` / ``If-None-Match`` value names ``version`` (weak comparison)."""
    if header is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or version.removeprefix("W/") in tags


def _check_if_match(if_match: str | None, version: str) -> None:
    if if_match is not None and not etag_matches(if_match, version):
        raise ScimError(412, "The resource changed since it was read (If-Match does not match).")


@dataclass(frozen=True)
class Rendered:
    """A resource as answered: its (projected) body, version and location."""

    body: dict[str, Any]
    version: str
    location: str


# --- The directory --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UserFields:
    user_name: str
    external_id: str | None
    given_name: str | None
    family_name: str | None
    name: str
    email: str
    active: bool


def _checked(check: Callable[[], str | None]) -> str | None:
    try:
        return check()
    except ValidationError as exc:
        raise _invalid_value(exc.message) from None


def _email_of(values: list[dict[str, Any]]) -> str | None:
    primary = next((v for v in values if v.get("primary") is True and v.get("value")), None)
    chosen = primary or next((v for v in values if v.get("value")), None)
    return chosen["value"] if chosen else None


class ScimService:
    """Users and Groups of the tenant whose RLS transaction ``session`` is in; ``base_url`` is the
    absolute URL of ``/scim/v2`` (for ``meta.location`` and ``$ref``). Flushes, never commits."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID, base_url: str) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.base_url = base_url.rstrip("/")

    def _location(self, kind: ResourceKind, resource_id: uuid.UUID) -> str:
        return f"{self.base_url}{kind.endpoint}/{resource_id}"

    # Users

    def _render_user(self, person: Person, groups: Sequence[tuple[uuid.UUID, str]]) -> dict[str, Any]:
        location = self._location(USER, person.id)
        resource: dict[str, Any] = {"schemas": [USER_SCHEMA], "id": str(person.id)}
        if person.external_id:
            resource["externalId"] = person.external_id
        resource["userName"] = person.user_name
        if person.given_name or person.family_name:
            name = {"formatted": person.name}
            if person.given_name:
                name["givenName"] = person.given_name
            if person.family_name:
                name["familyName"] = person.family_name
            resource["name"] = name
        resource["displayName"] = person.name
        resource["emails"] = [{"value": person.email, "type": "work"}]
        resource["active"] = person.active
        if groups:
            resource["groups"] = [
                {"value": str(gid), "$ref": self._location(GROUP, gid), "display": display, "type": "direct"}
                for gid, display in groups
            ]
        resource["meta"] = {
            "resourceType": "User",
            "created": _timestamp(person.created_at),
            "lastModified": _timestamp(person.updated_at),
            "location": location,
            "version": _version(person.updated_at),
        }
        return resource

    async def _groups_of(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
        out: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {pid: [] for pid in person_ids}
        if not person_ids:
            return out
        rows = await self.session.execute(
            select(ScimGroupMember.person_id, ScimGroup.id, ScimGroup.display_name)
            .join(
                ScimGroup,
                and_(ScimGroup.tenant_id == ScimGroupMember.tenant_id, ScimGroup.id == ScimGroupMember.group_id),
            )
            .where(ScimGroupMember.person_id.in_(person_ids))
            .order_by(ScimGroup.display_name_key, ScimGroup.id)
        )
        for person_id, group_id, display in rows:
            out[person_id].append((group_id, display))
        return out

    async def _user_answer(self, person: Person, chosen: Projection, *, written: bool = True) -> Rendered:
        if written:
            await self.session.refresh(person)  # server-side timestamps (the version)
        groups = (await self._groups_of([person.id]))[person.id] if chosen.wants(USER, "groups") else []
        full = self._render_user(person, groups)
        return Rendered(chosen.apply(USER, full), full["meta"]["version"], full["meta"]["location"])

    async def _person(self, user_id: str, *, lock: bool = False) -> Person:
        try:
            person_id = uuid.UUID(user_id)
        except ValueError:
            raise _not_found("User", user_id) from None
        stmt = select(Person).where(Person.id == person_id, Person.user_name.is_not(None))
        person = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        if person is None:
            raise _not_found("User", user_id)
        return person

    async def list_users(self, query: ListQuery) -> dict[str, Any]:
        """Users matching the query (directory-managed people only), one page of them."""
        spec = _user_spec()
        stmt = select(Person).where(Person.user_name.is_not(None))
        if query.filter is not None:
            stmt = stmt.where(_compile(query.filter, spec, USER))
        people = await self._page(stmt, query, spec, USER, Person.id.expression)
        groups = await self._groups_of([p.id for p in people]) if query.projection.wants(USER, "groups") else {}
        resources = [query.projection.apply(USER, self._render_user(p, groups.get(p.id, []))) for p in people]
        return _list_response(resources, await self._count(stmt), query.start_index)

    async def _page(
        self, stmt: Select[Any], query: ListQuery, spec: _Spec, kind: ResourceKind, id_column: ColumnElement[Any]
    ) -> Sequence[Any]:
        if query.count == 0:
            return []
        order: list[Any] = []
        if query.sort_by:
            expression = _sort_expression(spec, kind, query.sort_by)
            order.append(expression.desc() if query.descending else expression.asc())
        order.append(id_column)
        paged = stmt.order_by(*order).offset(query.start_index - 1).limit(query.count)
        return (await self.session.scalars(paged)).all()

    async def _count(self, stmt: Select[Any]) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)

    async def get_user(self, user_id: str, chosen: Projection) -> Rendered:
        """One User (404 for people the directory does not manage, or of another tenant)."""
        return await self._user_answer(await self._person(user_id), chosen, written=False)

    async def create_user(self, body: Any, chosen: Projection) -> Rendered:
        """Provision a person from a User (no invitation email: they sign in through the directory)."""
        fields = self._user_fields(_resource_doc(USER, body), current=None, previous=None)
        await self._check_user_unique(fields, None)
        person = await provision_person(
            self.session,
            self.tenant_id,
            email=fields.email,
            name=fields.name,
            audience_id=await self._default_audience(),
            roles=(Role.LEARNER.value,),
            user_name=fields.user_name,
            external_id=fields.external_id,
            given_name=fields.given_name,
            family_name=fields.family_name,
            active=fields.active,
        )
        return await self._user_answer(person, chosen)

    async def replace_user(self, user_id: str, body: Any, chosen: Projection, if_match: str | None) -> Rendered:
        """PUT: the User becomes what the body says (attributes it leaves out are unassigned)."""
        person = await self._person(user_id, lock=True)
        _check_if_match(if_match, _version(person.updated_at))
        fields = self._user_fields(_resource_doc(USER, body), current=person, previous=None)
        await self._write_user(person, fields)
        return await self._user_answer(person, chosen)

    async def patch_user(self, user_id: str, body: Any, chosen: Projection, if_match: str | None) -> Rendered:
        """PATCH: apply the operations to the User, all or nothing."""
        operations = patch_operations(body)
        person = await self._person(user_id, lock=True)
        _check_if_match(if_match, _version(person.updated_at))
        previous = self._user_doc(person)
        doc = copy.deepcopy(previous)
        apply_patch(USER, doc, operations)
        if doc != previous:
            await self._write_user(person, self._user_fields(doc, current=person, previous=previous))
        return await self._user_answer(person, chosen)

    async def delete_user(self, user_id: str, if_match: str | None) -> None:
        """Deactivate the person and detach them from the directory (see the module docstring)."""
        person = await self._person(user_id, lock=True)
        _check_if_match(if_match, _version(person.updated_at))
        await self._set_active(person, False)
        group_ids = list(
            await self.session.scalars(select(ScimGroupMember.group_id).where(ScimGroupMember.person_id == person.id))
        )
        if group_ids:
            await self.session.execute(delete(ScimGroupMember).where(ScimGroupMember.person_id == person.id))
            await self._touch_groups(group_ids)
            await self._apply_mappings([person.id])  # roles and audience granted by those groups go too
        person.user_name = None
        person.external_id = None
        await self.session.flush()

    def _user_doc(self, person: Person) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "userName": person.user_name,
            "displayName": person.name,
            "emails": [{"value": person.email, "type": "work", "primary": True}],
            "active": person.active,
        }
        if person.external_id:
            doc["externalId"] = person.external_id
        if person.given_name or person.family_name:
            name = {"formatted": person.name}
            if person.given_name:
                name["givenName"] = person.given_name
            if person.family_name:
                name["familyName"] = person.family_name
            doc["name"] = name
        return doc

    def _user_fields(
        self, doc: dict[str, Any], *, current: Person | None, previous: dict[str, Any] | None
    ) -> _UserFields:
        """Check a User document; POST/PUT (``previous`` None) derive what a person needs and the body
        left out, PATCH (``previous``: the document before) may not remove it."""
        patching = previous is not None
        raw_user_name = doc.get("userName")
        if not raw_user_name:
            raise _invalid_value("userName is required.")
        user_name = _checked(lambda: validation.text(raw_user_name, "userName", max_length=320))
        assert user_name is not None
        external_id = _checked(lambda: validation.optional_text(doc.get("externalId"), "externalId", max_length=500))
        name_doc: dict[str, Any] = doc.get("name") or {}
        given = _checked(lambda: validation.optional_text(name_doc.get("givenName"), "name.givenName"))
        family = _checked(lambda: validation.optional_text(name_doc.get("familyName"), "name.familyName"))
        formatted = name_doc.get("formatted")
        display = doc.get("displayName")
        if patching:
            assert previous is not None
            if not display:
                raise _invalid_value("displayName is required.")
            old_formatted = (previous.get("name") or {}).get("formatted")
            if display == previous.get("displayName") and formatted and formatted != old_formatted:
                display = formatted  # name.formatted changed alone: it is the display name
        else:
            display = display or formatted or " ".join(p for p in (given, family) if p) or user_name[:200]
        name = _checked(lambda: validation.text(display, "displayName"))
        assert name is not None
        email = _email_of(doc.get("emails") or [])
        checked_email: str | None = None
        if email is not None:
            checked_email = _checked(lambda: validation.email(email, "emails.value"))
        elif not patching and "@" in user_name:
            try:
                checked_email = validation.email(user_name, "userName")
            except ValidationError:
                checked_email = None
        if checked_email is None:
            raise _invalid_value("emails is required: Insignia needs each person's email address.")
        active = doc.get("active")
        if active is None:
            if patching:
                raise _invalid_value("active is required.")
            active = current.active if current is not None else True
        return _UserFields(user_name, external_id, given, family, name, checked_email, bool(active))

    async def _check_user_unique(self, fields: _UserFields, person: Person | None) -> None:
        others = select(Person.id) if person is None else select(Person.id).where(Person.id != person.id)
        if person is None or (person.user_name or "").lower() != fields.user_name.lower():
            taken = await self.session.scalar(others.where(Person.user_name_key == func.lower(fields.user_name)))
            if taken is not None:
                raise ScimError(409, f"The userName {fields.user_name!r} is already taken.", "uniqueness")
        if person is None or person.email != fields.email:
            taken = await self.session.scalar(others.where(Person.email == fields.email))
            if taken is not None:
                raise ScimError(
                    409, f"Someone with the email {fields.email} is already in this organisation.", "uniqueness"
                )

    async def _write_user(self, person: Person, fields: _UserFields) -> None:
        await self._check_user_unique(fields, person)
        person.user_name = fields.user_name
        person.external_id = fields.external_id
        person.given_name = fields.given_name
        person.family_name = fields.family_name
        person.name = fields.name
        person.email = fields.email
        await self.session.flush()
        await self._set_active(person, fields.active)

    async def _set_active(self, person: Person, active: bool) -> None:
        if active and not person.active:
            if person.deactivated_by == "admin":
                raise ScimError(
                    400,
                    "An admin of the organisation deactivated this person in Insignia; only they can reactivate "
                    "them (the directory may undo only its own deactivations).",
                    "mutability",
                )
            await reactivate(self.session, person)
        elif not active and person.active:
            try:
                await deactivate(self.session, person, by="directory")
            except ValidationError as exc:
                raise ScimError(400, exc.message, "mutability") from None

    async def _default_audience(self) -> uuid.UUID:
        audience = await self.session.scalar(
            select(Audience.id).where(Audience.kind == "employee").order_by(Audience.created_at, Audience.id).limit(1)
        )
        if audience is None:
            audience = await self.session.scalar(select(Audience.id).order_by(Audience.id).limit(1))
        if audience is None:
            raise ScimError(409, "This organisation has no audience for new users yet: a tenant admin must create one.")
        return audience

    # Groups

    def _render_group(self, group: ScimGroup, members: Sequence[uuid.UUID]) -> dict[str, Any]:
        resource: dict[str, Any] = {"schemas": [GROUP_SCHEMA], "id": str(group.id)}
        if group.external_id:
            resource["externalId"] = group.external_id
        resource["displayName"] = group.display_name
        if members:
            resource["members"] = [
                {"value": str(pid), "$ref": self._location(USER, pid), "type": "User"} for pid in members
            ]
        resource["meta"] = {
            "resourceType": "Group",
            "created": _timestamp(group.created_at),
            "lastModified": _timestamp(group.updated_at),
            "location": self._location(GROUP, group.id),
            "version": _version(group.updated_at),
        }
        return resource

    async def _members_of(self, group_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        out: dict[uuid.UUID, list[uuid.UUID]] = {gid: [] for gid in group_ids}
        if group_ids:
            rows = await self.session.execute(
                select(ScimGroupMember.group_id, ScimGroupMember.person_id)
                .where(ScimGroupMember.group_id.in_(group_ids))
                .order_by(ScimGroupMember.group_id, ScimGroupMember.person_id)
            )
            for group_id, person_id in rows:
                out[group_id].append(person_id)
        return out

    async def _group_answer(self, group: ScimGroup, chosen: Projection, *, written: bool = True) -> Rendered:
        if written:
            await self.session.refresh(group)
        members = (await self._members_of([group.id]))[group.id] if chosen.wants(GROUP, "members") else []
        full = self._render_group(group, members)
        return Rendered(chosen.apply(GROUP, full), full["meta"]["version"], full["meta"]["location"])

    async def _group(self, group_id: str, *, lock: bool = False) -> ScimGroup:
        try:
            key = uuid.UUID(group_id)
        except ValueError:
            raise _not_found("Group", group_id) from None
        stmt = select(ScimGroup).where(ScimGroup.id == key)
        group = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        if group is None:
            raise _not_found("Group", group_id)
        return group

    async def list_groups(self, query: ListQuery) -> dict[str, Any]:
        """Groups matching the query, one page of them."""
        spec = _group_spec()
        stmt = select(ScimGroup)
        if query.filter is not None:
            stmt = stmt.where(_compile(query.filter, spec, GROUP))
        groups = await self._page(stmt, query, spec, GROUP, ScimGroup.id.expression)
        members = await self._members_of([g.id for g in groups]) if query.projection.wants(GROUP, "members") else {}
        resources = [query.projection.apply(GROUP, self._render_group(g, members.get(g.id, []))) for g in groups]
        return _list_response(resources, await self._count(stmt), query.start_index)

    async def get_group(self, group_id: str, chosen: Projection) -> Rendered:
        """One Group."""
        return await self._group_answer(await self._group(group_id), chosen, written=False)

    async def create_group(self, body: Any, chosen: Projection) -> Rendered:
        """Create a Group with its members; their group mappings apply at once."""
        doc = _resource_doc(GROUP, body)
        display_name, external_id, members = await self._group_fields(doc, None)
        group = ScimGroup(tenant_id=self.tenant_id, display_name=display_name, external_id=external_id)
        self.session.add(group)
        await self.session.flush()
        await self._set_members(group, [], members, renamed=False)
        return await self._group_answer(group, chosen)

    async def replace_group(self, group_id: str, body: Any, chosen: Projection, if_match: str | None) -> Rendered:
        """PUT: name, externalId and the whole member list."""
        group = await self._group(group_id, lock=True)
        _check_if_match(if_match, _version(group.updated_at))
        await self._write_group(group, _resource_doc(GROUP, body))
        return await self._group_answer(group, chosen)

    async def patch_group(self, group_id: str, body: Any, chosen: Projection, if_match: str | None) -> Rendered:
        """PATCH: rename, add and remove members, all or nothing."""
        operations = patch_operations(body)
        group = await self._group(group_id, lock=True)
        _check_if_match(if_match, _version(group.updated_at))
        current = (await self._members_of([group.id]))[group.id]
        previous: dict[str, Any] = {"displayName": group.display_name}
        if group.external_id:
            previous["externalId"] = group.external_id
        if current:
            previous["members"] = [{"value": str(pid), "type": "User"} for pid in current]
        doc = copy.deepcopy(previous)
        apply_patch(GROUP, doc, operations)
        if doc != previous:
            await self._write_group(group, doc, current)
        return await self._group_answer(group, chosen)

    async def delete_group(self, group_id: str, if_match: str | None) -> None:
        """Delete a Group; its former members' group mappings are applied again without it."""
        group = await self._group(group_id, lock=True)
        _check_if_match(if_match, _version(group.updated_at))
        members = (await self._members_of([group.id]))[group.id]
        await self.session.delete(group)
        await self.session.flush()
        await self._apply_mappings(members)

    async def _group_fields(
        self, doc: dict[str, Any], group: ScimGroup | None, current: Sequence[uuid.UUID] = ()
    ) -> tuple[str, str | None, list[uuid.UUID]]:
        """The group's name, external id and members; only members not in ``current`` count
        against the per-request limit and are checked (and share-locked) as Users."""
        raw_name = doc.get("displayName")
        if not raw_name:
            raise _invalid_value("displayName is required.")
        display_name = _checked(lambda: validation.text(raw_name, "displayName"))
        assert display_name is not None
        external_id = _checked(lambda: validation.optional_text(doc.get("externalId"), "externalId", max_length=500))
        if group is None or group.display_name.lower() != display_name.lower():
            stmt = select(ScimGroup.id).where(ScimGroup.display_name_key == func.lower(display_name))
            if group is not None:
                stmt = stmt.where(ScimGroup.id != group.id)
            if await self.session.scalar(stmt) is not None:
                raise ScimError(409, f"A group named {display_name!r} already exists.", "uniqueness")
        members: list[uuid.UUID] = []
        values = doc.get("members") or []
        for value in values:
            member_type = value.get("type")
            if member_type is not None and member_type.lower() != "user":
                raise _invalid_value("Groups hold Users only (members[].type must be User).")
            raw = value.get("value")
            try:
                member = uuid.UUID(raw) if isinstance(raw, str) else None
            except ValueError:
                member = None
            if member is None:
                raise _invalid_value(f"members[].value must be the id of a User, not {raw!r}.")
            if member not in members:
                members.append(member)
        existing = set(current)
        added = [m for m in members if m not in existing]
        if len(added) > MAX_MEMBERS:
            raise _invalid_value(f"At most {MAX_MEMBERS} new members per request.")
        if added:
            # FOR SHARE: a User being deleted at this moment either commits first (and is not
            # found here) or waits for this membership to commit (and then removes it).
            known = set(
                await self.session.scalars(
                    select(Person.id)
                    .where(Person.id.in_(added), Person.user_name.is_not(None))
                    .with_for_update(read=True)
                )
            )
            missing = [str(m) for m in added if m not in known]
            if missing:
                raise _invalid_value(f"No User with id {missing[0]!r}.")
        return display_name, external_id, members

    async def _write_group(self, group: ScimGroup, doc: dict[str, Any], current: list[uuid.UUID] | None = None) -> None:
        if current is None:
            current = (await self._members_of([group.id]))[group.id]
        display_name, external_id, members = await self._group_fields(doc, group, current)
        renamed = group.display_name != display_name
        group.display_name = display_name
        group.external_id = external_id
        await self.session.flush()
        await self._set_members(group, current, members, renamed=renamed)

    async def _set_members(
        self, group: ScimGroup, current: Sequence[uuid.UUID], members: Sequence[uuid.UUID], *, renamed: bool
    ) -> None:
        before, after = set(current), set(members)
        added = [m for m in members if m not in before]
        removed = [m for m in current if m not in after]
        if removed:
            await self.session.execute(
                delete(ScimGroupMember).where(
                    ScimGroupMember.group_id == group.id, ScimGroupMember.person_id.in_(removed)
                )
            )
        if added:
            await self.session.execute(
                insert(ScimGroupMember),
                [{"tenant_id": self.tenant_id, "group_id": group.id, "person_id": m} for m in added],
            )
        if added or removed:
            await self._touch_groups([group.id])
        await self._apply_mappings(list(members) + removed if renamed else added + removed)

    async def _touch_groups(self, group_ids: Sequence[uuid.UUID]) -> None:
        # Membership lives in other rows: the group gets a new version all the same (answers
        # refresh the group they return, so the session need not be synchronised here).
        await self.session.execute(
            update(ScimGroup)
            .where(ScimGroup.id.in_(group_ids))
            .values(updated_at=func.now())
            .execution_options(synchronize_session=False)
        )

    async def _apply_mappings(self, person_ids: Sequence[uuid.UUID]) -> None:
        """Make these people's roles and audience follow the names of all their groups."""
        if not person_ids:
            return
        # Lock the people first, then read their groups: two membership changes of one person
        # (directories send them in parallel) apply one after the other, each seeing the other's.
        people = (
            await self.session.scalars(
                select(Person).where(Person.id.in_(set(person_ids))).order_by(Person.id).with_for_update()
            )
        ).all()
        groups = await self._groups_of([p.id for p in people])
        mappings = await source_mappings(self.session, None)  # the SCIM directory's mappings, once
        for person in people:
            grant = mappings.grant(display for _, display in groups[person.id])
            await apply_grant(self.session, person, grant, flush=False)
        await self.session.flush()  # the changed people in one batch
        # A User's groups are part of it: its version changes with them.
        await self.session.execute(
            update(Person)
            .where(Person.id.in_([p.id for p in people]))
            .values(updated_at=func.now())
            .execution_options(synchronize_session=False)
        )
