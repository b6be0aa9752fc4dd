"""The spawner's view of the Kubernetes engine, shared by all spawners of a hub process.

One client (connection, discovery, watch caches) per event loop and connection settings: polling
thousands of servers reads the shared pod cache and sends no request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from kts.kube import Force, KubeClient, ObjectRef
from kts.kube.discovery import ResourceMap
from kts.kube.errors import NotFound, UnknownKind
from kts.kube.reflector import Reflector
from kts.kube.wait import EventCallback
from kts.spawner.contract import LIFECYCLE_ANNOTATION


class PodView(Protocol):
    """Pods of one namespace and label selector, read from memory."""

    def get(self, name: str) -> dict[str, Any] | None: ...

    def items(self) -> list[dict[str, Any]]: ...

    def events_for(self, kind: str, name: str) -> list[dict[str, Any]]: ...

    async def wait_changed(self, timeout: float | None = None) -> bool: ...


@dataclass(frozen=True)
class Connection:
    """How to reach the cluster; equal settings share one client."""

    kubeconfig: str | None = None
    context: str | None = None
    in_cluster: bool | None = None


class Cluster:
    """Thin, spawner-shaped wrapper over :class:`kts.kube.KubeClient`."""

    scope_refresh_interval = 2.0
    """Seconds between re-discoveries asked for by kinds the scope table does not know: a chart
    with a misspelt kind cannot make every spawn walk discovery, yet never gets a stale answer."""

    def __init__(self, client: KubeClient) -> None:
        self.client = client
        self._pods: dict[tuple[str, str], Reflector] = {}
        self._synced: set[tuple[str, str]] = set()
        self._pods_lock = asyncio.Lock()
        self._capabilities: tuple[str | None, list[str] | None] | None = None
        self._namespaced: dict[tuple[str, str], bool] = {}
        self._group_versions: set[str] = set()
        self._scopes_lock = asyncio.Lock()
        self._rediscovered_at = float("-inf")
        self._rediscovery_tried = float("-inf")

    @classmethod
    async def connect(cls, conn: Connection) -> Cluster:
        client = await KubeClient.connect(
            kubeconfig=conn.kubeconfig, context=conn.context, in_cluster=conn.in_cluster
        )
        return cls(client)

    async def close(self) -> None:
        await self.client.close()

    async def capabilities(self) -> tuple[str | None, list[str] | None]:
        """The cluster's version and served API versions, for ``.Capabilities``."""
        if self._capabilities is None:
            version = (await self.client.version()).get("gitVersion") or None
            rmap = await self.client.discovery()
            apis = {r.api_version for r in rmap.resources}
            apis |= {f"{r.api_version}/{r.kind}" for r in rmap.resources}
            self._capabilities = (version, sorted(apis))
        return self._capabilities

    async def load_scopes(self) -> None:
        """Learn which kinds are namespaced, so the contract check needs no request per object."""
        if not self._namespaced:
            async with self._scopes_lock:
                if not self._namespaced:
                    self._learn(await self.client.discovery())

    async def ensure_scopes(self, kinds: Iterable[tuple[str, str]], *, since: float | None = None) -> None:
        """Re-discover if one of ``kinds`` (apiVersion, kind) is unknown: a CustomResourceDefinition
        installed after the hub started must not be taken for namespaced, or for absent.

        A re-discovery begun after this call (or after ``since``, a ``time.monotonic()`` such as
        the start of a render) answers it; otherwise the call waits out
        :attr:`scope_refresh_interval` and re-discovers, rather than keep a stale "unknown".
        """
        asked = time.monotonic() if since is None else since
        missing = [k for k in kinds if k not in self._namespaced]
        if not missing:
            return
        async with self._scopes_lock:
            if self._rediscovered_at >= asked or all(k in self._namespaced for k in missing):
                return
            wait = self._rediscovery_tried + self.scope_refresh_interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            started = self._rediscovery_tried = time.monotonic()
            self._learn(await self.client.discovery(refresh=True))
            self._rediscovered_at = started

    def _learn(self, rmap: ResourceMap) -> None:
        self._namespaced = {(r.api_version, r.kind): r.namespaced for r in rmap.resources}
        self._group_versions = {r.api_version for r in rmap.resources}

    def is_namespaced(self, api_version: str, kind: str) -> bool | None:
        """Whether the kind is namespaced, as last discovered; None for a kind not served."""
        return self._namespaced.get((api_version, kind))

    def serves(self, api_version: str) -> bool:
        """Whether the group version is served at all, as last discovered."""
        return api_version in self._group_versions

    async def apply(
        self, bodies: list[dict[str, Any]], *, namespace: str, field_manager: str, force: Force = False
    ) -> list[dict[str, Any]]:
        """Server-side apply; ``force`` (a bool, or a predicate on each body) forces conflicts."""
        return await self.client.apply(bodies, namespace=namespace, field_manager=field_manager, force=force)

    async def find(
        self, *, namespace: str, labels: dict[str, str], kinds: set[str] | None = None
    ) -> list[dict[str, Any]]:
        """Every object carrying ``labels`` (every listable kind unless ``kinds`` narrows it)."""
        return await self.client.find_by_labels(namespace=namespace, labels=labels, kinds=kinds)

    async def wait_ready(
        self, bodies: list[dict[str, Any]], *, timeout: float, on_event: EventCallback | None,
        pull_grace: float | None = None,
    ) -> None:
        await self.client.wait_ready(bodies, timeout=timeout, on_event=on_event, pull_grace=pull_grace)

    async def get(
        self, api_version: str, kind: str, name: str, namespace: str | None
    ) -> dict[str, Any] | None:
        try:
            return await self.client.get(api_version, kind, name, namespace)
        except NotFound:
            return None

    async def lookup(self, api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any]:
        """Helm's lookup: the object, a list object when ``name`` is empty, ``{}`` when absent."""
        try:
            if name:
                return await self.client.get(api_version, kind, name, namespace or None) or {}
            items = await self.client.list(api_version, kind, namespace or None)
        except (NotFound, UnknownKind):
            return {}
        return {"apiVersion": api_version, "kind": f"{kind}List", "metadata": {}, "items": items}

    async def delete(
        self,
        *,
        namespace: str,
        labels: dict[str, str],
        lifecycles: list[str],
        include_unannotated: bool,
        timeout: float,
        now: bool = False,
        kinds: set[str] | None = None,
        lifecycle_annotation: str = LIFECYCLE_ANNOTATION,
    ) -> list[ObjectRef]:
        """Delete (and wait for) labelled objects; ``kinds`` (``apiVersion/Kind``) narrows the scan."""
        return await self.client.delete_by_labels(
            namespace=namespace,
            labels=labels,
            lifecycles=set(lifecycles),
            include_unannotated=include_unannotated,
            lifecycle_annotation=lifecycle_annotation,
            grace_period=0 if now else None,
            timeout=timeout,
            kinds=kinds,
        )

    async def pods(self, namespace: str, selector: str) -> PodView:
        """The shared pod cache for ``namespace``/``selector``, started once and synced."""
        key = (namespace, selector)
        cache = self._pods.get(key)
        if cache is not None and key in self._synced and cache.error is None:
            return cache
        if cache is None:
            async with self._pods_lock:
                cache = self._pods.get(key)
                if cache is None:
                    cache = self.client.pod_cache(namespace, selector)
                    self._pods[key] = cache
        await cache.synced(timeout=SYNC_TIMEOUT)
        self._synced.add(key)
        return cache


SYNC_TIMEOUT = 10.0
"""Seconds to wait for a pod cache's first list; poll() reports "running" rather than wait longer."""

_shared: dict[tuple[int, Connection], asyncio.Future[Cluster]] = {}


async def shared_cluster(conn: Connection) -> Cluster:
    """The process-wide cluster for ``conn`` on the running loop (connects once)."""
    loop = asyncio.get_running_loop()
    key = (id(loop), conn)
    fut = _shared.get(key)
    if fut is not None and fut.get_loop() is not loop:
        fut = None  # a closed loop's id was reused
    if fut is not None and fut.done():
        if not fut.cancelled() and fut.exception() is None:
            return fut.result()
        fut = None
    if fut is None:
        fut = loop.create_future()
        _shared[key] = fut
        try:
            cluster = await Cluster.connect(conn)
        except BaseException as e:
            _shared.pop(key, None)
            fut.set_exception(e)
            fut.exception()  # retrieved: concurrent callers get it through shield below
            raise
        fut.set_result(cluster)
        return cluster
    return await asyncio.shield(fut)


def set_shared_cluster(conn: Connection, cluster: Cluster) -> None:
    """Install a cluster for ``conn`` on the running loop (tests and benchmarks inject their own)."""
    fut = asyncio.get_running_loop().create_future()
    fut.set_result(cluster)
    _shared[(id(asyncio.get_running_loop()), conn)] = fut


async def close_shared() -> None:
    """Close every cluster of the running loop (at hub shutdown, or between tests)."""
    loop_id = id(asyncio.get_running_loop())
    for key in [k for k in _shared if k[0] == loop_id]:
        fut = _shared.pop(key)
        if fut.done() and fut.exception() is None:
            await fut.result().close()
