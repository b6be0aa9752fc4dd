"""Loading the server chart once, rendering it to checked objects, and the read-only ``lookup``."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kts.gotemplate.gotypes import GoError
from kts.spawner.contract import Rendered, Rules, flatten

if TYPE_CHECKING:
    from kts.spawner.cluster import Cluster

LOOKUP_TIMEOUT = 30.0

_loaded: dict[str, Any] = {}
_lock = threading.Lock()


_CHARTS = Path(__file__).resolve().parent.parent / "charts"


def default_chart_path() -> Path:
    """The default chart: deploys the Pod and PVC KubeSpawner would create."""
    return _CHARTS / "kubespawner"


def example_chart_path() -> Path:
    """The example of a chart written from scratch for kts's template variables."""
    return _CHARTS / "singleuser"


def load(path: str) -> Any:
    """The chart at ``path`` (empty: the default chart), loaded and compiled once per process."""
    key = str(Path(path).resolve()) if path else str(default_chart_path())
    chart = _loaded.get(key)
    if chart is None:
        with _lock:
            chart = _loaded.get(key)
            if chart is None:
                from kts.helm import load_chart

                chart = _loaded[key] = load_chart(key)
    return chart


def render(chart: Any, values: dict[str, Any], *, release_name: str, namespace: str,
           kube_version: str | None, api_versions: list[str] | None,
           lookup: Callable[..., Any] | None) -> list[Rendered]:  # fmt: skip
    """Render ``chart`` and split the output into objects in Helm's install order."""
    from kts.helm import parse_objects

    text = chart.render(
        values, release_name=release_name, namespace=namespace, kube_version=kube_version,
        api_versions=api_versions, lookup=lookup,
    )  # fmt: skip
    return [_rendered(item) for item in parse_objects(text)]


def _rendered(item: Any) -> Rendered:
    events = tuple(item.hook_events or ())
    return Rendered(item.source, item.object, ",".join(events) or None)


async def ensure_scopes(cluster: Cluster | None, objects: Iterable[Rendered]) -> None:
    """Re-discover before the contract check if a rendered kind (List items included) is unknown
    to the cluster's scope table, so the synchronous check decides on fresh discovery."""
    if cluster is None:
        return
    kinds = set()
    for item in flatten(objects):
        body = item.body
        if isinstance(body, Mapping):
            api_version, kind = body.get("apiVersion"), body.get("kind")
            if isinstance(api_version, str) and isinstance(kind, str):
                kinds.add((api_version, kind))
    await cluster.ensure_scopes(kinds)


def bridge_lookup(
    cluster: Cluster | None, loop: asyncio.AbstractEventLoop, rules: Rules
) -> Callable[..., Any]:
    """Helm's ``lookup`` for a render running in a worker thread: reads the live cluster through
    the hub's event loop, read-only.

    Discovery (re-run for a kind it does not know yet) decides the scope. A cluster-scoped kind
    needs ``allow_cluster_scoped`` whatever namespace is passed, as Helm ignores the namespace
    for such kinds; another namespace, or all of them, needs ``allow_other_namespaces``. Every
    object in the spawner's own namespace is readable, other users' too: that namespace is the
    boundary the operator chose, the chart is operator code, and whatever a lookup feeds into the
    rendered objects still passes the contract. Unknown kinds answer like Helm: a group version
    the cluster does not serve is an error, an unknown kind of a served one reads as absent."""

    created = time.monotonic()

    async def guarded(api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any]:
        assert cluster is not None
        # One re-discovery per render at most, however many lookups ask for unknown kinds.
        await cluster.ensure_scopes([(api_version, kind)], since=created)
        namespaced = cluster.is_namespaced(api_version, kind)
        if namespaced is None:
            if not cluster.serves(api_version):
                group, _, version = api_version.rpartition("/")
                raise GoError(
                    f"unable to get apiresource from unstructured: {group}/{version}, Kind={kind}: "
                    "the server could not find the requested resource"
                )
            return {}
        if not namespaced:
            if not rules.allow_cluster_scoped:
                raise GoError(
                    f"lookup of cluster-scoped {kind} ({api_version}) is not allowed"
                    " (set allow_cluster_scoped to permit it)"
                )
            namespace = ""
        elif not namespace:
            if not rules.allow_other_namespaces:
                raise GoError(
                    f"lookup of {kind} in all namespaces is not allowed"
                    " (set allow_other_namespaces to permit it)"
                )
        elif namespace != rules.namespace and not rules.allow_other_namespaces:
            raise GoError(
                f"lookup in namespace {namespace!r} is not allowed: the spawner's namespace is"
                f" {rules.namespace!r} (set allow_other_namespaces to permit it)"
            )
        return await cluster.lookup(api_version, kind, namespace, name)

    def lookup(api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any]:
        if cluster is None:
            return {}
        future = asyncio.run_coroutine_threadsafe(guarded(api_version, kind, namespace, name), loop)
        return future.result(LOOKUP_TIMEOUT)

    return lookup
