"""Kubernetes engine: discovery, server-side apply, readiness, deletion by label, watch caches.

    async with await KubeClient.connect(kubeconfig) as kube:       # one client per event loop
        live = await kube.apply(objects, namespace="ns", field_manager="kts")
        await kube.wait_ready(live, timeout=300, on_event=print)    # NotReady(reason) on hopeless pods
        pods = kube.pod_cache("ns", "app=x")                        # reads cost no API request
        await kube.delete_by_labels(namespace="ns", labels={"app": "x"}, lifecycles={"server"})

Every failed call raises a ``KubeError`` subclass whose message names the object (``Pod ns/name: ...``).
The engine knows nothing of charts: it applies any list of manifests (dicts).
"""

from kts.extras import reraise_missing

# Third-party modules of the [kube] extra.
_EXTRA_MODULES = {"aiohttp", "kubernetes_asyncio"}

try:
    from kts.kube.apply import Force
    from kts.kube.client import KubeClient
    from kts.kube.discovery import Resource, ResourceMap
    from kts.kube.errors import (
        Conflict,
        DeleteTimeout,
        Forbidden,
        Gone,
        Invalid,
        KubeError,
        NotFound,
        NotReady,
        Unavailable,
        UnknownKind,
    )
    from kts.kube.reflector import EventCache, Reflector
    from kts.kube.refs import ObjectRef
    from kts.kube.transport import RetryPolicy
except ModuleNotFoundError as exc:
    reraise_missing(exc, "kts.kube", "kube", _EXTRA_MODULES)

__all__ = [
    "Conflict",
    "DeleteTimeout",
    "EventCache",
    "Forbidden",
    "Force",
    "Gone",
    "Invalid",
    "KubeClient",
    "KubeError",
    "NotFound",
    "NotReady",
    "ObjectRef",
    "Reflector",
    "Resource",
    "ResourceMap",
    "RetryPolicy",
    "Unavailable",
    "UnknownKind",
]
