"""Bounded memoisation of pure functions of the knowledge (and templates).

Recognising, resolving and rendering are pure functions of their inputs and of an immutable
knowledge engine (and template set), so repeated inputs are served from here. A memo serves
one owner (the engine, or the engine and templates) and empties itself when the owner is
replaced by a reload. Bounded: the oldest entry goes first; 0 entries switches it off.

The owner is a tuple compared with `!=` (one C-level comparison): its parts are objects without
an `__eq__` of their own (the engine, the templates), so compared by identity, or plain values
(a generation number)."""
from __future__ import annotations

from typing import Callable, Generic, Hashable, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    def __init__(self, entries: int = 10000) -> None:
        self.entries = entries
        self._owner: tuple = ()
        self._items: dict[Hashable, V] = {}

    def __len__(self) -> int:
        return len(self._items)

    def get(self, owner: tuple, key: Hashable, compute: Callable[[], V]) -> V:
        found = self.peek(owner, key)
        if found is None:
            found = compute()
            self.put(owner, key, found)
        return found

    def _serve(self, owner: tuple) -> None:
        """Empty the memo when `owner` (compared by identity) is not the one it serves."""
        if owner != self._owner:
            self._owner, self._items = owner, {}

    def peek(self, owner: tuple, key: Hashable) -> V | None:
        """The value kept for `key` (None when there is none, or `owner` was replaced)."""
        self._serve(owner)
        return self._items.get(key)

    def table(self, owner: tuple) -> dict[Hashable, V]:
        """The entries kept for `owner` (read-only use), for several lookups after one owner check."""
        self._serve(owner)
        return self._items

    def put(self, owner: tuple, key: Hashable, value: V) -> None:
        self._serve(owner)
        if self.entries:
            if len(self._items) >= self.entries:
                del self._items[next(iter(self._items))]
            self._items[key] = value
