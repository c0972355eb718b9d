"""Grouping rows by key for batch loaders: every requested key gets a list, empty if nothing matched."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def group_by(keys: Sequence[K], pairs: Iterable[tuple[K, V]]) -> dict[K, list[V]]:
    grouped: dict[K, list[V]] = {key: [] for key in keys}
    for key, value in pairs:
        grouped[key].append(value)
    return grouped
