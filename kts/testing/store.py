"""The object store: objects by resource, a global resourceVersion, a bounded event history for
watches (410 Expired past it) and fan-out of changes to watchers and the simulated control plane."""

from __future__ import annotations

import asyncio
import copy
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kts.testing.resources import ResourceType

Key = tuple[str, str, str, str]  # group, plural, namespace, name


def obj_key(rt: ResourceType, namespace: str, name: str) -> Key:
    return (rt.group, rt.plural, namespace if rt.namespaced else "", name)


@dataclass
class Event:
    rv: int
    type: str  # ADDED, MODIFIED, DELETED
    group: str
    plural: str
    obj: dict[str, Any]
    key: Key = ("", "", "", "")


@dataclass
class Watcher:
    group: str
    plural: str
    namespace: str | None
    predicate: Callable[[dict[str, Any]], bool]
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    closed: bool = False


class Store:
    """In-memory objects plus change history. All calls run on the event loop thread."""

    def __init__(self, history_limit: int = 2000) -> None:
        self.objects: dict[Key, dict[str, Any]] = {}
        self.by_type: dict[tuple[str, str], dict[Key, dict[str, Any]]] = {}
        self.rv = 1
        self.history: deque[Event] = deque()
        self.history_limit = history_limit
        self.compacted_rv = 0
        self.watchers: list[Watcher] = []
        self._watchers_of: dict[tuple[str, str], list[Watcher]] = {}  # by (group, plural)
        self.listeners: list[Callable[[Event], None]] = []

    def next_rv(self) -> int:
        self.rv += 1
        return self.rv

    def get(self, key: Key) -> dict[str, Any] | None:
        return self.objects.get(key)

    def items(self, group: str, plural: str, namespace: str | None = None) -> list[dict[str, Any]]:
        out = [
            o
            for key, o in self.by_type.get((group, plural), {}).items()
            if namespace is None or key[2] == namespace
        ]
        return sorted(out, key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))

    def put(self, key: Key, obj: dict[str, Any], event_type: str) -> dict[str, Any]:
        """Store a new version: assigns the resourceVersion and records/fans out the event."""
        rv = self.next_rv()
        obj["metadata"]["resourceVersion"] = str(rv)
        self.objects[key] = obj
        self.by_type.setdefault((key[0], key[1]), {})[key] = obj
        self._emit(Event(rv, event_type, key[0], key[1], obj, key))
        return obj

    def remove(self, key: Key) -> dict[str, Any] | None:
        obj = self.objects.pop(key, None)
        if obj is None:
            return None
        self.by_type.get((key[0], key[1]), {}).pop(key, None)
        obj = copy.deepcopy(obj)
        rv = self.next_rv()
        obj["metadata"]["resourceVersion"] = str(rv)
        self._emit(Event(rv, "DELETED", key[0], key[1], obj, key))
        return obj

    def _emit(self, ev: Event) -> None:
        self.history.append(ev)
        while len(self.history) > self.history_limit:
            old = self.history.popleft()
            self.compacted_rv = old.rv
        for w in list(self._watchers_of.get((ev.group, ev.plural), ())):
            if not w.closed and self._watch_matches(w, ev):
                w.queue.put_nowait(ev)
        for listener in list(self.listeners):
            listener(ev)

    @staticmethod
    def _watch_matches(w: Watcher, ev: Event) -> bool:
        if ev.group != w.group or ev.plural != w.plural:
            return False
        return not (w.namespace is not None and ev.obj["metadata"].get("namespace", "") != w.namespace)

    def compact(self) -> None:
        """Forget all history: watches from any earlier resourceVersion get 410 Expired."""
        self.history.clear()
        self.compacted_rv = self.rv + 1

    def events_since(self, rv: int, group: str, plural: str) -> list[Event] | None:
        """History after ``rv`` for one resource, or None when ``rv`` is older than what is kept."""
        if rv < self.compacted_rv:
            return None
        return [e for e in self.history if e.rv > rv and e.group == group and e.plural == plural]

    def add_watcher(self, w: Watcher) -> None:
        self.watchers.append(w)
        self._watchers_of.setdefault((w.group, w.plural), []).append(w)

    def drop_watcher(self, w: Watcher) -> None:
        w.closed = True
        if w in self.watchers:
            self.watchers.remove(w)
        same = self._watchers_of.get((w.group, w.plural))
        if same is not None and w in same:
            same.remove(w)
            if not same:
                del self._watchers_of[(w.group, w.plural)]

    def close_watches(self) -> int:
        """End every open watch stream (clients see the connection close)."""
        n = 0
        for w in list(self.watchers):
            w.closed = True
            w.queue.put_nowait(None)
            n += 1
        self.watchers.clear()
        self._watchers_of.clear()
        return n
