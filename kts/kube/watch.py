"""List-then-watch loops: keep a local copy of a filtered collection current, across dropped
connections (re-watch from the last resourceVersion) and 410 Gone (relist)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import Any

from kts.kube.discovery import Resource
from kts.kube.errors import Forbidden, Gone, Invalid, KubeError, NotFound, Unavailable
from kts.kube.transport import Transport

log = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any]], None]


def label_selector(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def selector_from_spec(selector: dict[str, Any] | None) -> str | None:
    """A label-selector string from a ``spec.selector`` (matchLabels and matchExpressions)."""
    if not selector:
        return None
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(str(key))
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts) or None


def selector_matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """Whether labels satisfy a ``spec.selector`` (an empty or missing selector matches nothing)."""
    if not selector:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def obj_key(obj: dict[str, Any]) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return meta.get("namespace") or "", meta.get("name") or ""


class ListWatch:
    """Mirror one collection into ``self.items`` and report every change to ``handler(type, obj)``.

    ``synced`` is set after the first list. Fatal errors (403, 404, 400) end ``run`` with ``self.error``.
    """

    def __init__(
        self,
        transport: Transport,
        resource: Resource,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        handler: Handler | None = None,
        watch_timeout: int = 290,
        keep_items: bool = True,
    ) -> None:
        self._t = transport
        self.resource = resource
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.handler = handler
        self.watch_timeout = watch_timeout
        self.keep_items = keep_items
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.resource_version = ""
        self.synced = asyncio.Event()
        self.error: KubeError | None = None
        self.relists = 0
        self.rewatches = 0

    def _query(self) -> list[tuple[str, str]]:
        q = []
        if self.label_selector:
            q.append(("labelSelector", self.label_selector))
        if self.field_selector:
            q.append(("fieldSelector", self.field_selector))
        return q

    def _emit(self, etype: str, obj: dict[str, Any]) -> None:
        if self.handler is not None:
            self.handler(etype, obj)

    async def relist(self) -> None:
        _, body = await self._t.request("GET", self.resource.path(self.namespace), query=self._query())
        body = body or {}
        self.resource_version = str((body.get("metadata") or {}).get("resourceVersion") or "")
        fresh = {}
        for obj in body.get("items") or []:
            obj.setdefault("kind", self.resource.kind)
            obj.setdefault("apiVersion", self.resource.api_version)
            fresh[obj_key(obj)] = obj
        old = self.items
        self.items = fresh if self.keep_items else {}
        for key, obj in old.items():
            if key not in fresh:
                self._emit("DELETED", obj)
        for key, obj in fresh.items():
            prev = old.get(key)
            if prev is None:
                self._emit("ADDED", obj)
            elif _rv(prev) != _rv(obj):
                self._emit("MODIFIED", obj)
        self.relists += 1
        self.synced.set()
        self._emit("SYNCED", {})

    async def watch_once(self) -> None:
        q = [
            *self._query(),
            ("watch", "true"),
            ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", str(self.watch_timeout + random.randint(0, 30))),
        ]
        if self.resource_version:
            q.append(("resourceVersion", self.resource_version))
        self.rewatches += 1
        timeout = self.watch_timeout + 90
        async for ev in self._t.stream(self.resource.path(self.namespace), q, timeout=timeout):
            etype, obj = ev.get("type"), ev.get("object") or {}
            rv = (obj.get("metadata") or {}).get("resourceVersion")
            if rv:
                self.resource_version = str(rv)
            if etype == "BOOKMARK":
                continue
            obj.setdefault("kind", self.resource.kind)
            obj.setdefault("apiVersion", self.resource.api_version)
            key = obj_key(obj)
            if etype == "DELETED":
                self.items.pop(key, None)
            elif self.keep_items:
                self.items[key] = obj
            self._emit(str(etype), obj)

    async def run(self) -> None:
        """List, then watch forever; returns only on a fatal error (kept in ``self.error``)."""
        need_list = True
        failures = 0
        while True:
            try:
                if need_list:
                    await self.relist()
                    need_list = False
                await self.watch_once()
                failures = 0
            except Gone:
                need_list = True
            except (Forbidden, NotFound, Invalid) as exc:
                self.error = exc
                self.synced.set()
                self._emit("ERROR", {})
                return
            except (TimeoutError, Unavailable, KubeError, OSError) as exc:
                failures += 1
                log.debug("watch of %s failed (%s); retrying", self.resource.plural, exc)
                await asyncio.sleep(random.uniform(0, min(5.0, 0.05 * 2 ** min(failures, 8))))
                if failures >= 3:
                    need_list = True


def _rv(obj: dict[str, Any]) -> Any:
    return (obj.get("metadata") or {}).get("resourceVersion")
