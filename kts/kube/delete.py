"""Deletion by labels: find every deletable object carrying the labels, delete each by name with an
explicit propagation policy (never deletecollection), and wait until all are gone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from kts.kube.discovery import Discovery, Resource
from kts.kube.errors import Conflict, DeleteTimeout, Forbidden, NotFound
from kts.kube.refs import ObjectRef
from kts.kube.transport import Transport
from kts.kube.watch import ListWatch, label_selector
from kts.ordering import uninstall_batches

log = logging.getLogger(__name__)

LIFECYCLE_ANNOTATION = "kubetemplatespawner/lifecycle"
#: Resource types never worth scanning: Events duplicate each other across groups and carry no labels.
_SKIP = {("", "Event"), ("events.k8s.io", "Event")}


def deletable(rmap_resources: list[Resource], kinds: set[str] | None) -> list[Resource]:
    out = []
    for r in rmap_resources:
        if not {"list", "delete"} <= r.verbs or (r.group, r.kind) in _SKIP:
            continue
        if kinds is not None and r.kind not in kinds and f"{r.api_version}/{r.kind}" not in kinds:
            continue
        out.append(r)
    return out


def lifecycle_matches(
    obj: dict[str, Any], lifecycles: set[str] | None, include_unannotated: bool, annotation: str
) -> bool:
    if lifecycles is None:
        return True
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(annotation)
    if value is None:
        return include_unannotated
    return value in lifecycles


class Deleter:
    """Implements ``KubeClient.delete_by_labels``."""

    def __init__(self, transport: Transport, discovery: Discovery, *, concurrency: int = 16) -> None:
        self._t = transport
        self._d = discovery
        self.concurrency = concurrency
        # Resource types we may not list (e.g. cluster-scoped ones under a namespaced Role): skipped
        # for a while instead of costing a request and a warning on every deletion.
        self._forbidden: dict[tuple[str, str, str], float] = {}
        self.forbidden_ttl = 300.0

    async def find(
        self, namespace: str, selector: str, kinds: set[str] | None
    ) -> list[tuple[Resource, dict[str, Any], str]]:
        """(resource, object, list resourceVersion) for every labelled object."""
        rmap = await self._d.get()
        sem = asyncio.Semaphore(self.concurrency)

        async def scan(res: Resource) -> list[tuple[Resource, dict[str, Any], str]]:
            key = (res.group, res.plural, namespace if res.namespaced else "")
            if time.monotonic() < self._forbidden.get(key, 0.0):
                return []
            async with sem:
                try:
                    _, body = await self._t.request(
                        "GET", res.path(namespace), query=[("labelSelector", selector)]
                    )
                except (Forbidden, NotFound) as exc:
                    log.warning("cannot list %s for deletion (skipped for a while): %s", res.plural, exc)
                    self._forbidden[key] = time.monotonic() + self.forbidden_ttl
                    return []
            rv = str(((body or {}).get("metadata") or {}).get("resourceVersion") or "")
            out = []
            for obj in (body or {}).get("items") or []:
                obj.setdefault("kind", res.kind)
                obj.setdefault("apiVersion", res.api_version)
                out.append((res, obj, rv))
            return out

        parts = await asyncio.gather(*(scan(r) for r in deletable(list(rmap.preferred()), kinds)))
        return [x for part in parts for x in part]

    async def delete_by_labels(
        self,
        *,
        namespace: str,
        labels: dict[str, str],
        lifecycles: set[str] | None = None,
        include_unannotated: bool = False,
        lifecycle_annotation: str = LIFECYCLE_ANNOTATION,
        propagation: str = "Background",
        grace_period: int | None = None,
        timeout: float = 60,
        kinds: set[str] | None = None,
    ) -> list[ObjectRef]:
        if not labels:
            raise ValueError("delete_by_labels needs at least one label")
        deadline = time.monotonic() + timeout
        selector = label_selector(labels)
        found = [
            (res, obj)
            for res, obj, _ in await self.find(namespace, selector, kinds)
            if lifecycle_matches(obj, lifecycles, include_unannotated, lifecycle_annotation)
        ]
        # Objects owned by another object being deleted go with their owner (garbage collection).
        uids = {(obj.get("metadata") or {}).get("uid") for _, obj in found}
        found = [(res, obj) for res, obj in found if not _owned_by(obj, uids)]
        sem = asyncio.Semaphore(self.concurrency)
        pending: dict[Resource, set[str | None]] = {}

        async def one(res: Resource, obj: dict[str, Any]) -> None:
            meta: dict[str, Any] = obj.get("metadata") or {}
            if not meta.get("deletionTimestamp"):
                async with sem:
                    gone = await self.delete_one(res, obj, propagation, grace_period)
                if gone:
                    return
            pending.setdefault(res, set()).add(meta.get("uid") or meta.get("name"))

        for batch in uninstall_batches(found, kind_of=lambda item: item[0].kind):
            await asyncio.gather(*(one(res, obj) for res, obj in batch))
        refs = [ObjectRef.of(obj) for _, obj in found]
        if pending:
            await self._wait_gone(namespace, selector, pending, deadline, timeout, refs)
        return refs

    async def delete_one(
        self, res: Resource, obj: dict[str, Any], propagation: str, grace_period: int | None
    ) -> bool:
        """DELETE one object by name, only if it is still the same object (uid precondition).
        True when the response shows it already gone."""
        meta = obj.get("metadata") or {}
        ref = ObjectRef.of(obj)
        query = [("propagationPolicy", propagation)]
        body: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": propagation}
        if grace_period is not None:
            query.append(("gracePeriodSeconds", str(grace_period)))
            body["gracePeriodSeconds"] = grace_period
        if meta.get("uid"):
            body["preconditions"] = {"uid": meta["uid"]}
        try:
            _, data = await self._t.request(
                "DELETE", res.path(meta.get("namespace"), meta["name"]), query=query, body=body, ref=ref
            )
        except NotFound:
            return True  # already gone (possibly by a retried request of ours)
        except Conflict:
            return True  # the uid precondition failed: our object is gone, a new one took the name
        if not isinstance(data, dict) or data.get("kind") == "Status":
            return True
        dmeta = data.get("metadata") or {}
        return not dmeta.get("deletionTimestamp") and not dmeta.get("finalizers")

    async def _wait_gone(
        self,
        namespace: str,
        selector: str,
        pending: dict[Resource, set[str | None]],
        deadline: float,
        timeout: float,
        refs: list[ObjectRef],
    ) -> None:
        changed = asyncio.Event()
        watches = {
            res: ListWatch(self._t, res, namespace, label_selector=selector, handler=lambda *_: changed.set())
            for res in pending
        }
        tasks = [asyncio.create_task(lw.run()) for lw in watches.values()]

        def remaining() -> list[dict[str, Any]]:
            left = []
            for res, lw in watches.items():
                if lw.error is not None:
                    raise lw.error
                if not lw.synced.is_set():
                    return [{}]
                for obj in lw.items.values():
                    meta = obj.get("metadata") or {}
                    if (meta.get("uid") or meta.get("name")) in pending[res]:
                        left.append(obj)
            return left

        try:
            while True:
                left = remaining()
                if not left:
                    return
                wait = deadline - time.monotonic()
                if wait <= 0:
                    names = ", ".join(_describe(o) for o in left if o)
                    raise DeleteTimeout(
                        f"timed out after {timeout:g}s waiting for deletion of: {names}",
                        remaining=[ObjectRef.of(o) for o in left if o],
                        deleted=refs,
                    )
                changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), wait)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


def _owned_by(obj: dict[str, Any], uids: set[Any]) -> bool:
    owners = (obj.get("metadata") or {}).get("ownerReferences") or []
    return any(o.get("uid") in uids for o in owners)


def _describe(obj: dict[str, Any]) -> str:
    fin = (obj.get("metadata") or {}).get("finalizers")
    return f"{ObjectRef.of(obj)}" + (f" (finalizers: {', '.join(fin)})" if fin else "")


__all__ = ["LIFECYCLE_ANNOTATION", "Deleter"]
