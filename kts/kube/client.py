"""KubeClient: the engine's one entry point, bound to one event loop."""

from __future__ import annotations

import asyncio
import builtins
import os
from types import TracebackType
from typing import Any

from kts.kube.apply import Applier, Force
from kts.kube.delete import LIFECYCLE_ANNOTATION, Deleter
from kts.kube.discovery import Discovery, ResourceMap
from kts.kube.errors import NotFound
from kts.kube.reflector import EventCache, Reflector
from kts.kube.refs import ObjectRef
from kts.kube.transport import RetryPolicy, Stats, Transport, load_configuration
from kts.kube.wait import EventCallback, Waiter
from kts.kube.watch import label_selector


class KubeClient:
    """A connection to one API server: apply, read, wait, delete, and shared watch caches.

    Create it with ``await KubeClient.connect(...)`` inside the event loop that will use it.
    """

    def __init__(self, transport: Transport, *, pull_grace: float = 60.0) -> None:
        self._loop = asyncio.get_running_loop()
        self.transport = transport
        self._discovery = Discovery(transport)
        self._applier = Applier(transport, self._discovery)
        self._waiter = Waiter(
            transport,
            self._discovery,
            self.event_cache,
            lambda ns: self.pod_cache(ns, ""),
            pull_grace=pull_grace,
        )
        self._deleter = Deleter(transport, self._discovery)
        self._reflectors: dict[tuple[str, str], Reflector] = {}
        self._event_caches: dict[str, EventCache] = {}
        self._closed = False

    @classmethod
    async def connect(
        cls,
        kubeconfig: str | os.PathLike[str] | None = None,
        context: str | None = None,
        in_cluster: bool | None = None,
        *,
        retry: RetryPolicy | None = None,
        pull_grace: float = 60.0,
        max_inflight: int = 64,
    ) -> KubeClient:
        """Connect with a kubeconfig (and context), or in-cluster; ``max_inflight`` bounds concurrent
        requests (watches excluded), ``pull_grace`` is how long image pulls may fail before a wait
        gives up."""
        cfg = await load_configuration(kubeconfig, context, in_cluster)

        async def reload() -> Any:
            return await load_configuration(kubeconfig, context, in_cluster)

        transport = Transport(cfg, retry=retry, reload=reload, max_inflight=max_inflight)
        return cls(transport, pull_grace=pull_grace)

    async def close(self) -> None:
        self._closed = True
        for r in list(self._reflectors.values()):
            await r.stop()
        for c in list(self._event_caches.values()):
            await c.stop()
        self._reflectors.clear()
        self._event_caches.clear()
        await self.transport.close()

    async def __aenter__(self) -> KubeClient:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def stats(self) -> Stats:
        """Requests sent so far (tests and benchmarks read it)."""
        return self.transport.stats

    def _check_loop(self) -> None:
        if asyncio.get_running_loop() is not self._loop:
            raise RuntimeError("a KubeClient is bound to the event loop that created it")

    async def version(self) -> dict[str, Any]:
        self._check_loop()
        _, body = await self.transport.request("GET", "/version")
        return body or {}

    async def discovery(self, *, refresh: bool = False) -> ResourceMap:
        self._check_loop()
        return await self._discovery.get(refresh=refresh)

    async def apply(
        self,
        objects: list[dict[str, Any]],
        *,
        namespace: str,
        field_manager: str,
        force: Force = False,
        concurrency: int = 8,
    ) -> list[dict[str, Any]]:
        """Server-side apply in Helm's kind order; returns the server's objects in input order.

        ``force`` forces conflicts for every object, or for those a callable picks."""
        self._check_loop()
        return await self._applier.apply(
            objects, namespace=namespace, field_manager=field_manager, force=force, concurrency=concurrency
        )

    async def get(
        self, api_version: str, kind: str, name: str, namespace: str | None
    ) -> dict[str, Any] | None:
        self._check_loop()
        ref = ObjectRef(api_version, kind, namespace, name)
        res = await self._discovery.resolve(api_version, kind, ref=ref)
        try:
            _, body = await self.transport.request("GET", res.path(namespace, name), ref=ref)
        except NotFound:
            return None
        return body

    async def list(
        self, api_version: str, kind: str, namespace: str | None, label_selector: str | None = None
    ) -> list[dict[str, Any]]:
        self._check_loop()
        res = await self._discovery.resolve(api_version, kind)
        query = [("labelSelector", label_selector)] if label_selector else None
        _, body = await self.transport.request("GET", res.path(namespace), query=query)
        items = (body or {}).get("items") or []
        for obj in items:
            obj.setdefault("kind", kind)
            obj.setdefault("apiVersion", api_version)
        return items

    async def delete(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str | None,
        *,
        propagation: str = "Background",
        grace_period: int | None = None,
    ) -> bool:
        """Delete one object by name (without waiting); False if it did not exist."""
        self._check_loop()
        res = await self._discovery.resolve(api_version, kind)
        obj = {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": namespace}}
        try:
            await self.transport.request(
                "DELETE",
                res.path(namespace, name),
                query=[("propagationPolicy", propagation)]
                + ([("gracePeriodSeconds", str(grace_period))] if grace_period is not None else []),
                ref=ObjectRef.of(obj),
            )
        except NotFound:
            return False
        return True

    async def wait_ready(
        self,
        objects: builtins.list[dict[str, Any]],
        *,
        timeout: float,
        on_event: EventCallback | None = None,
        pull_grace: float | None = None,
    ) -> None:
        """Watch until every object is ready; raise NotReady with the reason on a hopeless state or
        when ``timeout`` seconds of wall time have passed."""
        self._check_loop()
        await self._waiter.wait_ready(objects, timeout=timeout, on_event=on_event, pull_grace=pull_grace)

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
    ) -> builtins.list[ObjectRef]:
        """Delete every object carrying ``labels`` (namespaced ones in ``namespace``, and cluster-scoped
        ones), optionally only those whose lifecycle annotation is in ``lifecycles`` (plus unannotated ones
        when ``include_unannotated``); wait until gone. ``kinds`` narrows the scan to known kinds."""
        self._check_loop()
        return await self._deleter.delete_by_labels(
            namespace=namespace,
            labels=labels,
            lifecycles=lifecycles,
            include_unannotated=include_unannotated,
            lifecycle_annotation=lifecycle_annotation,
            propagation=propagation,
            grace_period=grace_period,
            timeout=timeout,
            kinds=kinds,
        )

    async def find_by_labels(
        self, *, namespace: str, labels: dict[str, str], kinds: set[str] | None = None
    ) -> builtins.list[dict[str, Any]]:
        """Every object carrying ``labels`` (namespaced ones in ``namespace``, and cluster-scoped
        ones) of every listable kind, or of ``kinds`` (``Kind`` or ``apiVersion/Kind``)."""
        self._check_loop()
        if not labels:
            raise ValueError("find_by_labels needs at least one label")
        found = await self._deleter.find(namespace, label_selector(labels), kinds)
        return [obj for _, obj, _ in found]

    def event_cache(self, namespace: str) -> EventCache:
        """The shared Events cache of a namespace (its watch starts on first use)."""
        cache = self._event_caches.get(namespace)
        if cache is None:
            cache = self._event_caches[namespace] = EventCache(self.transport, namespace)
        return cache

    def pod_cache(self, namespace: str, label_selector: str) -> Reflector:
        """The shared pod cache for a namespace and label selector, started on first use."""
        self._check_loop()
        key = (namespace, label_selector)
        refl = self._reflectors.get(key)
        if refl is None:
            refl = self._reflectors[key] = Reflector(
                self.transport, namespace, label_selector, self.event_cache(namespace)
            )
        refl.start()
        return refl
