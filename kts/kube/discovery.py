"""Discovery of every served resource type, cached and refreshed when an unknown kind shows up.

Aggregated discovery (two requests) is tried first; servers without it get the legacy walk.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass

from kts.kube.errors import KubeError, UnknownKind
from kts.kube.refs import ObjectRef
from kts.kube.transport import Transport

_AGGREGATED = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)


@dataclass(frozen=True)
class Resource:
    """One served resource type in one group version."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    verbs: frozenset[str]
    preferred: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """The collection or object URL; namespaced kinds without a namespace get the all-namespaces URL."""
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{namespace}"
        base += f"/{self.plural}"
        return f"{base}/{name}" if name else base


class ResourceMap:
    """Resources by (apiVersion, kind); iteration yields each group's preferred version once."""

    def __init__(self, resources: list[Resource]) -> None:
        self._by_gvk = {(r.api_version, r.kind): r for r in resources}
        self.resources = resources

    def lookup(self, api_version: str, kind: str) -> Resource | None:
        return self._by_gvk.get((api_version, kind))

    def kinds(self) -> dict[str, Resource]:
        """Kind -> its preferred resource (the first group wins when two groups share a kind name)."""
        out: dict[str, Resource] = {}
        for r in self.resources:
            if r.preferred:
                out.setdefault(r.kind, r)
        return out

    def preferred(self) -> Iterator[Resource]:
        return (r for r in self.resources if r.preferred)

    def __len__(self) -> int:
        return len(self.resources)


class Discovery:
    """The cached ResourceMap of one server."""

    def __init__(self, transport: Transport, *, min_refresh_interval: float = 0.5) -> None:
        self._t = transport
        self._map: ResourceMap | None = None
        self._lock = asyncio.Lock()
        self._fetched_at = 0.0
        self._min_interval = min_refresh_interval

    async def get(self, *, refresh: bool = False) -> ResourceMap:
        if self._map is not None and not refresh:
            return self._map
        started = time.monotonic()
        async with self._lock:
            # Another caller refreshed while this one waited: reuse its answer.
            if self._map is not None and (not refresh or self._fetched_at >= started):
                return self._map
            if refresh and self._map is not None:
                wait = self._fetched_at + self._min_interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            self._map = await self._fetch()
            self._fetched_at = time.monotonic()
            return self._map

    async def resolve(self, api_version: str, kind: str, *, ref: ObjectRef | None = None) -> Resource:
        """The resource for apiVersion/kind, refreshing the cache once on a miss."""
        found = (await self.get()).lookup(api_version, kind)
        if found is None:
            found = (await self.get(refresh=True)).lookup(api_version, kind)
        if found is None:
            raise UnknownKind(
                f'no matches for kind "{kind}" in version "{api_version}"', ref=ref, reason="NoKindMatch"
            )
        return found

    async def _fetch(self) -> ResourceMap:
        _, core = await self._t.request("GET", "/api", headers={"Accept": _AGGREGATED})
        if isinstance(core, dict) and core.get("kind") == "APIGroupDiscoveryList":
            _, groups = await self._t.request("GET", "/apis", headers={"Accept": _AGGREGATED})
            if isinstance(groups, dict) and groups.get("kind") == "APIGroupDiscoveryList":
                return ResourceMap(_parse_aggregated(core) + _parse_aggregated(groups))
        return ResourceMap(await self._legacy(core))

    async def _legacy(self, core: object) -> list[Resource]:
        versions: list[tuple[str, str, bool]] = []
        if isinstance(core, dict):
            for i, v in enumerate(core.get("versions") or []):
                versions.append(("", v, i == 0))
        _, groups = await self._t.request("GET", "/apis")
        for g in (groups or {}).get("groups") or [] if isinstance(groups, dict) else []:
            pref = (g.get("preferredVersion") or {}).get("version")
            for v in g.get("versions") or []:
                versions.append((g["name"], v["version"], v["version"] == pref))

        async def one(group: str, version: str, preferred: bool) -> list[Resource]:
            path = f"/apis/{group}/{version}" if group else f"/api/{version}"
            try:
                _, body = await self._t.request("GET", path)
            except KubeError:
                return []  # an unavailable aggregated API: the rest of discovery still stands
            out = []
            for r in (body or {}).get("resources") or []:
                if "/" in r["name"]:
                    continue
                out.append(
                    Resource(
                        r.get("group") or group,
                        r.get("version") or version,
                        r["kind"],
                        r["name"],
                        bool(r.get("namespaced")),
                        frozenset(r.get("verbs") or ()),
                        preferred,
                    )
                )
            return out

        parts = await asyncio.gather(*(one(*v) for v in versions))
        return [r for part in parts for r in part]


def _parse_aggregated(doc: dict) -> list[Resource]:
    out = []
    for g in doc.get("items") or []:
        group = (g.get("metadata") or {}).get("name", "")
        for i, v in enumerate(g.get("versions") or []):
            for r in v.get("resources") or []:
                rk = r.get("responseKind") or {}
                out.append(
                    Resource(
                        group,
                        v["version"],
                        rk.get("kind", ""),
                        r["resource"],
                        r.get("scope") == "Namespaced",
                        frozenset(r.get("verbs") or ()),
                        i == 0,
                    )
                )
    return out


__all__ = ["Discovery", "Resource", "ResourceMap"]
