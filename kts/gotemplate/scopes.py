"""Lexically scoped names: Go's variable stack with constant-time lookup.

Go's parser and executor keep variables in a slice searched from the end, which stays fast in
Go even for a template declaring 100,000 of them. Here each name also indexes its entries, so
lookups cost the same however many variables are in scope.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ScopedNames(Generic[T]):
    """A stack of (name, value) entries; a name resolves to its innermost entry."""

    __slots__ = ("_entries", "_index")

    def __init__(self) -> None:
        self._entries: list[tuple[str, T]] = []
        self._index: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._index

    def push(self, name: str, value: T) -> None:
        self._index.setdefault(name, []).append(len(self._entries))
        self._entries.append((name, value))

    def truncate(self, mark: int) -> None:
        """Drop the entries pushed since ``len()`` was ``mark`` (the end of a scope)."""
        entries = self._entries
        index = self._index
        while len(entries) > mark:
            name, _ = entries.pop()
            positions = index[name]
            positions.pop()
            if not positions:
                del index[name]

    def innermost(self, name: str) -> T | None:
        positions = self._index.get(name)
        return self._entries[positions[-1]][1] if positions else None

    def replace(self, name: str, match: Callable[[T], bool], value: T) -> None:
        """Replace the innermost entry of ``name`` whose value satisfies ``match``."""
        for pos in reversed(self._index.get(name, ())):
            if match(self._entries[pos][1]):
                self._entries[pos] = (name, value)
                return
