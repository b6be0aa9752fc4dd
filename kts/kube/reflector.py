"""Shared watch caches of pods (per namespace and label selector) and of Events (per namespace), so that
polling many servers reads memory instead of sending API requests."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from kts.kube.discovery import Resource
from kts.kube.errors import KubeError
from kts.kube.transport import Transport
from kts.kube.watch import ListWatch

EVENTS = Resource("", "v1", "Event", "events", True, frozenset({"list", "watch"}))
PODS = Resource("", "v1", "Pod", "pods", True, frozenset({"list", "watch"}))


class EventCache:
    """Events of one namespace, indexed by involved object, trimmed by age and count."""

    def __init__(self, transport: Transport, namespace: str, *, max_events: int = 5000,
                 max_age: float = 3600.0) -> None:  # fmt: skip
        self.max_events = max_events
        self.max_age = max_age
        self._order: deque[tuple[float, str]] = deque()
        self._by_uid: dict[str, dict[str, Any]] = {}
        self._by_obj: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        self.lw = ListWatch(transport, EVENTS, namespace, handler=self._on, keep_items=False)
        self._task: asyncio.Task[None] | None = None
        self.listeners: set[Any] = set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.lw.run(), name=f"events:{self.lw.namespace}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    def _on(self, etype: str, ev: dict[str, Any]) -> None:
        uid = (ev.get("metadata") or {}).get("uid") or ""
        inv = ev.get("involvedObject") or ev.get("regarding") or {}
        key = (str(inv.get("kind", "")), str(inv.get("name", "")))
        if etype == "DELETED":
            self._forget(uid)
            return
        if etype not in ("ADDED", "MODIFIED") or not uid:
            return
        prev = self._by_uid.get(uid)
        if prev is not None and _rv(prev) == _rv(ev):
            return  # seen before (a relist replays everything)
        if prev is None:
            self._order.append((time.monotonic(), uid))
        self._by_uid[uid] = ev
        self._by_obj.setdefault(key, {})[uid] = ev
        self._trim()
        for listener in list(self.listeners):
            listener(ev)

    def _forget(self, uid: str) -> None:
        ev = self._by_uid.pop(uid, None)
        if ev is None:
            return
        inv = ev.get("involvedObject") or ev.get("regarding") or {}
        key = (str(inv.get("kind", "")), str(inv.get("name", "")))
        bucket = self._by_obj.get(key)
        if bucket is not None:
            bucket.pop(uid, None)
            if not bucket:
                del self._by_obj[key]

    def _trim(self) -> None:
        cutoff = time.monotonic() - self.max_age
        while self._order and (len(self._by_uid) > self.max_events or self._order[0][0] < cutoff):
            _, uid = self._order.popleft()
            self._forget(uid)
        if len(self._order) > 2 * self.max_events:  # drop stale entries of forgotten uids
            self._order = deque(e for e in self._order if e[1] in self._by_uid)

    def events_for(self, kind: str, name: str) -> list[dict[str, Any]]:
        evs = list(self._by_obj.get((kind, name), {}).values())
        evs.sort(key=_event_time)
        return evs

    def __len__(self) -> int:
        return len(self._by_uid)


def _rv(obj: dict[str, Any]) -> Any:
    return (obj.get("metadata") or {}).get("resourceVersion")


def _event_time(ev: dict[str, Any]) -> str:
    return str(
        ev.get("lastTimestamp")
        or ev.get("eventTime")
        or (ev.get("metadata") or {}).get("creationTimestamp")
        or ""
    )


class Reflector:
    """Pods of one namespace and label selector, kept current by one watch; Events come from the
    namespace's shared EventCache. Reads (``get``, ``items``, ``events_for``) send no request."""

    def __init__(self, transport: Transport, namespace: str, selector: str, events: EventCache) -> None:
        self.namespace = namespace
        self.selector = selector
        self.events = events
        self.lw = ListWatch(transport, PODS, namespace, label_selector=selector or None, handler=self._on)
        self._task: asyncio.Task[None] | None = None
        self._waiters: list[asyncio.Future[None]] = []
        self.listeners: set[Callable[[str, dict[str, Any]], None]] = set()
        self.version = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.lw.run(), name=f"pods:{self.namespace}:{self.selector}")
            self.events.start()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    def _on(self, etype: str, obj: dict[str, Any]) -> None:
        self.version += 1
        for listener in list(self.listeners):
            listener(etype, obj)
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def synced(self, timeout: float | None = None) -> None:
        """Wait for the first list (raises the watch's fatal error, if it has one)."""
        await asyncio.wait_for(self.lw.synced.wait(), timeout)
        if self.lw.error is not None:
            raise self.lw.error

    async def wait_changed(self, timeout: float | None = None) -> bool:
        """Wait for any change to the cached pods; False on timeout."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            return False
        return True

    @property
    def error(self) -> KubeError | None:
        return self.lw.error

    def get(self, name: str) -> dict[str, Any] | None:
        return self.lw.items.get((self.namespace, name))

    def items(self) -> list[dict[str, Any]]:
        return list(self.lw.items.values())

    def events_for(self, kind: str, name: str) -> list[dict[str, Any]]:
        return self.events.events_for(kind, name)
