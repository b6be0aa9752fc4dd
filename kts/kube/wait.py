"""Waiting for objects to become ready by watching them (never polling), streaming their Events and
failing fast on pods that can never run."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

from kts.kube.discovery import Discovery, Resource
from kts.kube.errors import NotFound, NotReady
from kts.kube.readiness import SETTLED_KINDS, WORKLOAD_KINDS, assess, pod_problem
from kts.kube.reflector import PODS, EventCache
from kts.kube.refs import ObjectRef
from kts.kube.transport import Transport
from kts.kube.watch import ListWatch, obj_key, selector_from_spec

EventCallback = Callable[[dict[str, Any]], Awaitable[None] | None]


class _Target:
    def __init__(self, obj: dict[str, Any], res: Resource, lw: ListWatch | None) -> None:
        self.obj = obj
        self.res = res
        self.lw = lw
        self.ref = ObjectRef.of(obj)
        self.key = obj_key(obj)
        self.wffc = False
        self.pods: ListWatch | None = None

    def current(self) -> dict[str, Any] | None:
        if self.lw is None or not self.lw.synced.is_set():
            return self.obj
        return self.lw.items.get(self.key)


class Waiter:
    """Implements ``KubeClient.wait_ready``."""

    def __init__(
        self,
        transport: Transport,
        discovery: Discovery,
        events: Callable[[str], EventCache],
        *,
        pull_grace: float = 60.0,
    ) -> None:
        self._t = transport
        self._d = discovery
        self._events = events
        self.pull_grace = pull_grace

    async def wait_ready(
        self,
        objects: list[dict[str, Any]],
        *,
        timeout: float,
        on_event: EventCallback | None = None,
        pull_grace: float | None = None,
    ) -> None:
        grace = self.pull_grace if pull_grace is None else pull_grace
        deadline = time.monotonic() + timeout
        changed = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        watches: dict[tuple[str, str | None, str | None, str | None], ListWatch] = {}

        def poke(_etype: str, _obj: dict[str, Any]) -> None:
            changed.set()

        def watch(res: Resource, ns: str | None, labels: str | None, fields: str | None) -> ListWatch:
            key = (res.path(ns), ns, labels, fields)
            lw = watches.get(key)
            if lw is None:
                lw = ListWatch(self._t, res, ns, label_selector=labels, field_selector=fields, handler=poke)
                watches[key] = lw
                tasks.append(asyncio.create_task(lw.run()))
            return lw

        targets: list[_Target] = []
        for obj in objects:
            ref = ObjectRef.of(obj)
            res = await self._d.resolve(ref.api_version, ref.kind, ref=ref)
            meta = obj.get("metadata") or {}
            if meta.get("uid") and ref.kind in SETTLED_KINDS and assess(obj).state == "ready":
                continue  # the server's own answer (from apply) already shows it ready
            targets.append(_Target(obj, res, None))

        event_q: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        caches: list[EventCache] = []
        listener: Callable[[dict[str, Any]], None] = _noop
        try:
            groups: dict[tuple[Resource, str | None], list[_Target]] = {}
            for t in targets:
                groups.setdefault((t.res, t.ref.namespace if t.res.namespaced else None), []).append(t)
            for (res, ns), members in groups.items():
                labels = _common_labels([m.obj for m in members])
                fields = f"metadata.name={members[0].ref.name}" if len(members) == 1 else None
                lw = watch(res, ns, labels, fields)
                for m in members:
                    m.lw = lw
            for t in targets:
                if t.ref.kind in WORKLOAD_KINDS:
                    sel = selector_from_spec((t.obj.get("spec") or {}).get("selector"))
                    if sel:
                        t.pods = watch(PODS, t.ref.namespace, sel, None)
                elif t.ref.kind == "PersistentVolumeClaim":
                    t.wffc = await self._waits_for_consumer(t.obj)
            if on_event is not None:
                caches, listener = self._subscribe_events(targets, event_q, changed)
            first_seen: dict[str, float] = {}
            while True:
                while not event_q.empty():
                    result = on_event(event_q.get_nowait()) if on_event else None
                    if inspect.isawaitable(result):
                        await result
                for lw in watches.values():
                    if lw.error is not None:
                        raise lw.error
                waiting, pulls = self._evaluate(targets, first_seen, grace)
                if not waiting:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    detail = "; ".join(f"{t.ref}: {msg}" for t, msg in waiting)
                    raise NotReady(f"timed out after {timeout:g}s waiting for {detail}", waiting[0][0].obj)
                tick = min(remaining, 0.5) if pulls else remaining
                changed.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(changed.wait(), tick)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            for cache in caches:
                cache.listeners.discard(listener)

    def _evaluate(
        self, targets: list[_Target], first_seen: dict[str, float], grace: float
    ) -> tuple[list[tuple[_Target, str]], bool]:
        now = time.monotonic()
        waiting: list[tuple[_Target, str]] = []
        for t in targets:
            if t.lw is not None and not t.lw.synced.is_set():
                waiting.append((t, "not observed yet"))
                continue
            obj = t.current()
            if obj is None:
                raise NotReady("was deleted while waiting for it to become ready", ref=t.ref)
            pods = [obj] if t.ref.kind == "Pod" else list(t.pods.items.values()) if t.pods else []
            for pod in pods:
                if (pod.get("metadata") or {}).get("deletionTimestamp") and pod is not obj:
                    continue
                problem = pod_problem(
                    pod, now=now, first_seen=first_seen, pull_grace=grace, crash_fatal=t.ref.kind != "Job"
                )
                if problem:
                    raise NotReady(problem, obj)
            verdict = assess(obj, wait_for_first_consumer=t.wffc)
            if verdict.state == "failed":
                raise NotReady(verdict.message, obj)
            if verdict.state == "pending":
                waiting.append((t, verdict.message))
        return waiting, bool(first_seen)

    async def _waits_for_consumer(self, pvc: dict[str, Any]) -> bool:
        """Whether a claim's StorageClass binds only when a pod uses it (then Pending is ready)."""
        name = (pvc.get("spec") or {}).get("storageClassName")
        sc_res = Resource("storage.k8s.io", "v1", "StorageClass", "storageclasses", False, frozenset())
        try:
            if name is None:
                _, body = await self._t.request("GET", sc_res.path())
                for sc in (body or {}).get("items") or []:
                    ann = (sc.get("metadata") or {}).get("annotations") or {}
                    if ann.get("storageclass.kubernetes.io/is-default-class") == "true":
                        return sc.get("volumeBindingMode") == "WaitForFirstConsumer"
                return False
            if not name:
                return False
            _, sc = await self._t.request("GET", sc_res.path(None, name))
        except NotFound:
            return False
        return (sc or {}).get("volumeBindingMode") == "WaitForFirstConsumer"

    def _subscribe_events(
        self, targets: list[_Target], q: asyncio.Queue[dict[str, Any]], changed: asyncio.Event
    ) -> tuple[list[EventCache], Callable[[dict[str, Any]], None]]:
        seen: set[tuple[str, Any]] = set()

        def relevant(ev: dict[str, Any]) -> bool:
            inv = ev.get("involvedObject") or ev.get("regarding") or {}
            kind, name, uid = inv.get("kind"), inv.get("name"), inv.get("uid")
            for t in targets:
                if t.ref.kind == kind and t.ref.name == name:
                    return not (uid and t.ref.uid and uid != t.ref.uid)
                if t.pods is not None and kind == "Pod":
                    pod = t.pods.items.get((t.ref.namespace or "", str(name)))
                    if pod is not None:
                        puid = (pod.get("metadata") or {}).get("uid")
                        return not (uid and puid and uid != puid)
                    if str(name).startswith(t.ref.name + "-"):
                        return True  # a pod of this workload not yet seen by the pod watch
                if (
                    kind == "ReplicaSet"
                    and t.ref.kind == "Deployment"
                    and str(name).startswith(t.ref.name + "-")
                ):
                    return True
            return False

        def listener(ev: dict[str, Any]) -> None:
            meta = ev.get("metadata") or {}
            key = (meta.get("uid", ""), meta.get("resourceVersion"))
            if key in seen or not relevant(ev):
                return
            seen.add(key)
            q.put_nowait(ev)
            changed.set()

        caches = []
        for ns in sorted({t.ref.namespace for t in targets if t.ref.namespace}):
            cache = self._events(ns)
            cache.listeners.add(listener)
            cache.start()
            caches.append(cache)
            for evs in list(cache._by_obj.values()):
                for ev in list(evs.values()):
                    listener(ev)
        return caches, listener


def _noop(_ev: dict[str, Any]) -> None:
    return None


def _common_labels(objs: list[dict[str, Any]]) -> str | None:
    common: dict[str, str] | None = None
    for obj in objs:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        common = dict(labels) if common is None else {k: v for k, v in common.items() if labels.get(k) == v}
    if not common:
        return None
    return ",".join(f"{k}={v}" for k, v in sorted(common.items()))
