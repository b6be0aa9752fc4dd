"""Loading the server chart once, rendering it to checked objects, and the read-only ``lookup``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kts.gotemplate.gotypes import GoError
from kts.spawner.contract import Rendered, Rules

if TYPE_CHECKING:
    from kts.spawner.cluster import Cluster

LOOKUP_TIMEOUT = 30.0

_loaded: dict[str, Any] = {}
_lock = threading.Lock()


def default_chart_path() -> Path:
    """The example chart shipped inside the package."""
    return Path(__file__).resolve().parent.parent / "charts" / "singleuser"


def load(path: str) -> Any:
    """The chart at ``path`` (empty: the shipped example), loaded and compiled once per process."""
    key = str(Path(path).resolve()) if path else str(default_chart_path())
    chart = _loaded.get(key)
    if chart is None:
        with _lock:
            chart = _loaded.get(key)
            if chart is None:
                from kts import load_chart

                chart = _loaded[key] = load_chart(key)
    return chart


def forget(path: str = "") -> None:
    """Drop cached charts (all, or the one at ``path``), e.g. after the chart changed on disk."""
    if path:
        _loaded.pop(str(Path(path).resolve()), None)
    else:
        _loaded.clear()


def render(chart: Any, values: dict[str, Any], *, release_name: str, namespace: str,
           kube_version: str | None, api_versions: list[str] | None,
           lookup: Callable[..., Any] | None) -> list[Rendered]:  # fmt: skip
    """Render ``chart`` and split the output into objects in Helm's install order."""
    from kts.helm.manifests import parse_objects

    text = chart.render(
        values, release_name=release_name, namespace=namespace, kube_version=kube_version,
        api_versions=api_versions, lookup=lookup,
    )  # fmt: skip
    return [_rendered(item) for item in parse_objects(text)]


def _rendered(item: Any) -> Rendered:
    events = tuple(item.hook_events or ())
    return Rendered(item.source, item.object, ",".join(events) or None)


def bridge_lookup(
    cluster: Cluster | None, loop: asyncio.AbstractEventLoop, rules: Rules
) -> Callable[..., Any]:
    """Helm's ``lookup`` for a render running in a worker thread: reads the live cluster through
    the hub's event loop, read-only, within the spawner's namespace unless the guards allow more."""

    def lookup(api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any]:
        if cluster is None:
            return {}
        if not namespace:
            namespaced = rules.is_namespaced(api_version, kind) if rules.is_namespaced else None
            if namespaced is False and not rules.allow_cluster_scoped:
                raise GoError(f"lookup of cluster-scoped {kind} is not allowed (allow_cluster_scoped)")
            if namespaced is not False and not rules.allow_other_namespaces:
                raise GoError(f"lookup of {kind} in all namespaces is not allowed (allow_other_namespaces)")
        elif namespace != rules.namespace and not rules.allow_other_namespaces:
            raise GoError(f"lookup in namespace {namespace!r} is not allowed (allow_other_namespaces)")
        future = asyncio.run_coroutine_threadsafe(cluster.lookup(api_version, kind, namespace, name), loop)
        return future.result(LOOKUP_TIMEOUT)

    return lookup
