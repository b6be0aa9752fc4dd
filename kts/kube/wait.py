"""Waiting for objects to become ready by watching them (never polling), streaming their Events and
failing fast on pods that can never run.

Pods are read from the namespace's shared pod cache (one watch for every wait in the namespace);
other kinds get a watch per wait, grouped by kind."""

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
from kts.kube.reflector import EventCache, Reflector
from kts.kube.refs import ObjectRef
from kts.kube.transport import Transport
from kts.kube.watch import ListWatch, obj_key, selector_matches

EventCallback = Callable[[dict[str, Any]], Awaitable[None] | None]


class _Target:
    """One object being waited for, and where its live state comes from."""

    def __init__(self, obj: dict[str, Any], res: Resource) -> None:
        self.obj = obj
        self.res = res
        self.ref = ObjectRef.of(obj)
        self.key = obj_key(obj)
        self.wffc = False
        self.lw: ListWatch | None = None  # its own kind's watch (not for Pods)
        self.pods: Reflector | None = None  # the namespace's pod cache (Pods and workloads)
        self.selector: dict[str, Any] | None = (obj.get("spec") or {}).get("selector")
        self.seen = False

    def synced(self) -> bool:
        if self.ref.kind == "Pod":
            return self.pods is None or self.pods.lw.synced.is_set()
        return self.lw is None or self.lw.synced.is_set()

    def current(self) -> dict[str, Any] | None:
        """The live object; None once it is gone (after having been seen)."""
        if self.ref.kind == "Pod" and self.pods is not None:
            live = self.pods.get(self.ref.name)
            if live is not None and self.ref.uid and (live.get("metadata") or {}).get("uid") != self.ref.uid:
                live = None  # an older pod of the same name, still in the cache
        elif self.lw is not None:
            live = self.lw.items.get(self.key)
        else:
            live = self.obj
        if live is not None:
            self.seen = True
        return live

    def owned_pods(self) -> list[dict[str, Any]]:
        if self.pods is None or self.ref.kind not in WORKLOAD_KINDS:
            return []
        return [
            p
            for p in self.pods.items()
            if selector_matches(self.selector, (p.get("metadata") or {}).get("labels") or {})
        ]

    def concerns_pod(self, pod: dict[str, Any]) -> bool:
        meta = pod.get("metadata") or {}
        if self.ref.kind == "Pod":
            return meta.get("name") == self.ref.name
        return self.ref.kind in WORKLOAD_KINDS and selector_matches(self.selector, meta.get("labels") or {})


class Waiter:
    """Implements ``KubeClient.wait_ready``."""

    def __init__(
        self,
        transport: Transport,
        discovery: Discovery,
        events: Callable[[str], EventCache],
        pods: Callable[[str], Reflector],
        *,
        pull_grace: float = 60.0,
    ) -> None:
        self._t = transport
        self._d = discovery
        self._events = events
        self._pods = pods
        self.pull_grace = pull_grace
        self.event_settle = 0.5

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
        targets: list[_Target] = []
        for obj in objects:
            ref = ObjectRef.of(obj)
            res = await self._d.resolve(ref.api_version, ref.kind, ref=ref)
            meta = obj.get("metadata") or {}
            if meta.get("uid") and ref.kind in SETTLED_KINDS and assess(obj).state == "ready":
                continue  # the server's own answer (from apply) already shows it ready
            targets.append(_Target(obj, res))

        def poke(_etype: str, _obj: dict[str, Any]) -> None:
            changed.set()

        def pod_poke(_etype: str, pod: dict[str, Any]) -> None:
            if _etype in ("SYNCED", "ERROR") or any(t.concerns_pod(pod) for t in pod_targets):
                changed.set()

        event_q: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        caches: list[EventCache] = []
        pod_caches: list[Reflector] = []
        listener: Callable[[dict[str, Any]], None] = _noop
        pod_targets = [t for t in targets if t.ref.kind == "Pod" or t.ref.kind in WORKLOAD_KINDS]
        try:
            groups: dict[tuple[Resource, str | None], list[_Target]] = {}
            for t in targets:
                if t.ref.kind != "Pod":
                    groups.setdefault((t.res, t.ref.namespace if t.res.namespaced else None), []).append(t)
            for (res, ns), members in groups.items():
                labels = _common_labels([m.obj for m in members])
                fields = f"metadata.name={members[0].ref.name}" if len(members) == 1 else None
                lw = ListWatch(self._t, res, ns, label_selector=labels, field_selector=fields, handler=poke)
                tasks.append(asyncio.create_task(lw.run()))
                for m in members:
                    m.lw = lw
            for t in pod_targets:
                t.pods = self._pods(t.ref.namespace or "")
                if t.pods not in pod_caches:
                    pod_caches.append(t.pods)
                    t.pods.listeners.add(pod_poke)
            for t in targets:
                if t.ref.kind == "PersistentVolumeClaim":
                    t.wffc = await self._waits_for_consumer(t.obj)
            if on_event is not None:
                caches, listener = self._subscribe_events(targets, event_q, changed)
            first_seen: dict[str, float] = {}
            warnings = 0

            async def drain() -> None:
                nonlocal warnings
                while not event_q.empty():
                    ev = event_q.get_nowait()
                    warnings += ev.get("type") == "Warning"
                    result = on_event(ev) if on_event else None
                    if inspect.isawaitable(result):
                        await result

            async def settle() -> None:
                """Give the Warning event that explains a failure a moment to arrive (its watch
                races the object's own)."""
                end = min(deadline, time.monotonic() + self.event_settle)
                await drain()
                while on_event is not None and not warnings and time.monotonic() < end:
                    changed.clear()
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(changed.wait(), end - time.monotonic())
                    await drain()

            while True:
                await drain()
                for t in targets:
                    err = (t.lw.error if t.lw else None) or (t.pods.error if t.pods else None)
                    if err is not None:
                        raise err
                try:
                    waiting, pulls = self._evaluate(targets, first_seen, grace)
                except NotReady:
                    await settle()
                    raise
                if not waiting:
                    await drain()
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    detail = "; ".join(f"{t.ref}: {msg}" for t, msg in waiting)
                    raise NotReady(f"timed out after {timeout:g}s waiting for {detail}", waiting[0][0].obj)
                tick = min(remaining, 0.5, max(0.05, grace / 4)) if pulls else remaining
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
            for pc in pod_caches:
                pc.listeners.discard(pod_poke)

    def _evaluate(
        self, targets: list[_Target], first_seen: dict[str, float], grace: float
    ) -> tuple[list[tuple[_Target, str]], bool]:
        now = time.monotonic()
        waiting: list[tuple[_Target, str]] = []
        for t in targets:
            if not t.synced():
                waiting.append((t, "not observed yet"))
                continue
            was_seen = t.seen
            obj = t.current()
            if obj is None:
                if was_seen or t.ref.kind != "Pod":
                    raise NotReady("was deleted while waiting for it to become ready", ref=t.ref)
                waiting.append((t, "not observed yet"))  # created just now; the pod watch lags
                continue
            pods = [obj] if t.ref.kind == "Pod" else t.owned_pods()
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
            kind, name, uid = inv.get("kind"), str(inv.get("name")), inv.get("uid")
            for t in targets:
                if t.ref.kind == kind and t.ref.name == name:
                    return not (uid and t.ref.uid and uid != t.ref.uid)
                if kind == "Pod" and t.ref.kind in WORKLOAD_KINDS:
                    pod = t.pods.get(name) if t.pods else None
                    if pod is not None and t.concerns_pod(pod):
                        puid = (pod.get("metadata") or {}).get("uid")
                        return not (uid and puid and uid != puid)
                    if pod is None and name.startswith(t.ref.name + "-"):
                        return True  # a pod of this workload the cache has not seen yet
                if kind == "ReplicaSet" and t.ref.kind == "Deployment" and name.startswith(t.ref.name + "-"):
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
            # Replay what the cache already holds for these objects.
            for t in targets:
                if t.ref.namespace != ns:
                    continue
                for ev in cache.events_for(t.ref.kind, t.ref.name):
                    listener(ev)
                for pod in t.owned_pods():
                    for ev in cache.events_for("Pod", (pod.get("metadata") or {}).get("name", "")):
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
