"""The SCIM filter and PATCH-path grammar (RFC 7644 §3.4.2.2, §3.5.2): the expression tree, the
lexer and parser, :func:`parse_filter` and :func:`parse_path`. Pure: evaluating an expression is
``insignia.tenants.scim.sql`` (in SQL) and ``insignia.tenants.scim.patch`` (on values).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from insignia.tenants.scim.errors import ScimError, filter_error, path_error

MAX_FILTER_LENGTH = 4096
MAX_FILTER_DEPTH = 32
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


def attr_path(word: str, error: Callable[[str], ScimError]) -> AttrPath:
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
        path = attr_path(token.value, self.error)
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


def parse_filter(text: str) -> Expr:
    """Parse a SCIM filter; ``invalidFilter`` when it is not one."""
    if len(text) > MAX_FILTER_LENGTH:
        raise filter_error(f"longer than {MAX_FILTER_LENGTH} characters.")
    parser = _Parser(text, filter_error)
    if parser.at_end():
        raise filter_error("it is empty.")
    expr = parser.parse_or(0, False)
    if not parser.at_end():
        raise filter_error(f"unexpected {parser.take().value!r}.")
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
        raise path_error(f"longer than {MAX_FILTER_LENGTH} characters.")
    parser = _Parser(text, path_error)
    token = parser.take()
    if token.kind != "word":
        raise path_error(f"{text!r} does not start with an attribute.")
    path = attr_path(token.value, path_error)
    result = PatchPath(path)
    following = parser.peek()
    if following is not None and following.kind == "[":
        if path.sub is not None:
            raise path_error("a value filter applies to an attribute, not a sub-attribute.")
        parser.i += 1
        expr = parser.parse_or(1, True)
        parser.expect("]")
        sub: str | None = None
        if not parser.at_end():
            tail = parser.take()
            name = tail.value[1:] if tail.kind == "word" and tail.value.startswith(".") else ""
            if not _ATTR_NAME_RE.match(name):
                raise path_error(f"unexpected {tail.value!r} after the value filter.")
            sub = name
        result = PatchPath(path, expr, sub)
    if not parser.at_end():
        raise path_error(f"unexpected {parser.take().value!r}.")
    return result
