"""The Pod and PVC KubeSpawner would create for a server, as plain data for the chart.

KubeSpawner builds them (``get_pod_manifest``, ``get_pvc_manifest``, ``modify_pod_hook``), so every
``c.KubeSpawner.*`` setting means what it means there; the ``kubespawner`` chart only adds the
contract's labels and annotations and moves the API token into a Secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jupyterhub.utils import maybe_future
from kubernetes_asyncio.client import ApiClient

from kts.spawner.contract import SERVER_DELETED, USER_DELETED

if TYPE_CHECKING:
    from kubespawner import KubeSpawner

# sanitize_for_serialization needs no configuration or connection; __init__ would open a pool.
_SERIALIZER = ApiClient.__new__(ApiClient)

NOTEBOOK_CONTAINER = "notebook"


def serialize(model: Any) -> Any:
    """A kubernetes client model as the JSON-able data the API server would receive."""
    return _SERIALIZER.sanitize_for_serialization(model)


def pvc_lifecycle(spawner: KubeSpawner) -> str:
    """When KubeSpawner's ``delete_forever`` would delete the PVC: with the server when its name
    holds ``{user_server}``, else with the user (named servers then share the default's claim).
    Empty when it never would (``delete_pvc = False``): no lifecycle says that, so the chart fails
    rather than delete data KubeSpawner would keep."""
    if not spawner.delete_pvc:
        return ""
    return SERVER_DELETED if "{user_server}" in spawner.pvc_name_template else USER_DELETED


def token_env_names(pod: dict[str, Any], token: str | None) -> list[str]:
    """Names of the notebook container's variables whose value is the server's API token."""
    if not token:
        return []
    for container in (pod.get("spec") or {}).get("containers") or []:
        if container.get("name") == NOTEBOOK_CONTAINER:
            return [e["name"] for e in container.get("env") or [] if e.get("value") == token]
    return []


async def kubespawner_values(
    spawner: KubeSpawner, *, connection_key: str, lifecycle_key: str
) -> dict[str, Any]:
    """``.Values.kubespawner``: KubeSpawner's objects for this server and what the chart needs
    to deploy them (holds the API token: never log it)."""
    pod_model = await spawner.get_pod_manifest()
    if spawner.modify_pod_hook:
        pod_model = await maybe_future(spawner.modify_pod_hook(spawner, pod_model))
    pod = serialize(pod_model)
    ensure = bool(spawner.storage_pvc_ensure)
    return {
        "pod": pod,
        "storage_pvc_ensure": ensure,
        "pvc": serialize(spawner.get_pvc_manifest()) if ensure else None,
        "pvc_lifecycle": pvc_lifecycle(spawner) if ensure else "",
        "secret_name": spawner.secret_name,
        "secret_env": token_env_names(pod, spawner.api_token),
        "connection_annotation": connection_key,
        "lifecycle_annotation": lifecycle_key,
    }
