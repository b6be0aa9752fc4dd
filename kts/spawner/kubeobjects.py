"""The objects KubeSpawner would create for a server, as plain data for the chart.

KubeSpawner builds them (``get_pod_manifest``, ``get_pvc_manifest``, ``modify_pod_hook``, and with
``internal_ssl`` or ``services_enabled`` its ``get_secret_manifest`` and ``get_service_manifest``),
so every ``c.KubeSpawner.*`` setting means what it means there; the ``kubespawner`` chart only adds
the contract's labels and annotations and moves the API token into a Secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jupyterhub.utils import maybe_future
from kubernetes_asyncio.client import ApiClient

from kts.spawner.contract import NEVER_DELETED, SERVER_DELETED, USER_DELETED

if TYPE_CHECKING:
    from kubespawner import KubeSpawner

# sanitize_for_serialization needs no configuration or connection; __init__ would open a pool.
_SERIALIZER = ApiClient.__new__(ApiClient)

NOTEBOOK_CONTAINER = "notebook"

FOLLOWS_DELETE_PVC_ANNOTATION = "kubetemplatespawner/follows-delete-pvc"
"""Annotation (value "true") on a claim whose lifecycle comes from ``delete_pvc``: when its user
or server is deleted, kts gives it the lifecycle the current ``delete_pvc`` says first, as
KubeSpawner reads ``delete_pvc`` only then."""


def serialize(model: Any) -> Any:
    """A kubernetes client model as the JSON-able data the API server would receive."""
    return _SERIALIZER.sanitize_for_serialization(model)


def pvc_per_server(spawner: KubeSpawner) -> bool:
    """Whether each server has its own claim (its name holds ``{user_server}``); else named
    servers share the default server's, as in KubeSpawner."""
    return "{user_server}" in spawner.pvc_name_template


def pvc_lifecycle(spawner: KubeSpawner, *, per_server: bool | None = None) -> str:
    """When KubeSpawner's ``delete_forever`` would delete the PVC: with the server when it has its
    own (``per_server``, by default from ``pvc_name_template``), else with the user; never with
    ``delete_pvc = False``."""
    if not spawner.delete_pvc:
        return NEVER_DELETED
    own = pvc_per_server(spawner) if per_server is None else per_server
    return SERVER_DELETED if own else USER_DELETED


def token_env_names(pod: dict[str, Any], token: str | None) -> list[str]:
    """Names of the notebook container's variables whose value is the server's API token."""
    if not token:
        return []
    for container in (pod.get("spec") or {}).get("containers") or []:
        if container.get("name") == NOTEBOOK_CONTAINER:
            return [e["name"] for e in container.get("env") or [] if e.get("value") == token]
    return []


def _without_owner(manifest: Any) -> dict[str, Any]:
    """A serialised Secret or Service without the owner reference to the Pod: KubeSpawner creates
    them once the Pod has a uid, kts applies all objects together and deletes them by lifecycle."""
    body: dict[str, Any] = serialize(manifest)
    body.get("metadata", {}).pop("ownerReferences", None)
    body.setdefault("apiVersion", "v1")  # KubeSpawner's Service leaves it to the typed client
    return body


def notebook_port(pod: dict[str, Any]) -> int | None:
    """The port named ``notebook-port``, which KubeSpawner's Service and URL use."""
    for container in (pod.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == "notebook-port":
                return int(port["containerPort"])
    return None


def ssl_secret(spawner: KubeSpawner) -> dict[str, Any] | None:
    """KubeSpawner's Secret of the server's internal TLS files (``ssl.key``, ``ssl.crt``,
    ``notebooks-ca_trust.crt``), which its Pod mounts at ``secret_mount_path``."""
    if not (spawner.internal_ssl and spawner.cert_paths):
        return None
    return _without_owner(spawner.get_secret_manifest(None))


def service(spawner: KubeSpawner, pod: dict[str, Any]) -> dict[str, Any] | None:
    """KubeSpawner's Service named after the Pod (``internal_ssl`` or ``services_enabled``): the
    hub then connects to ``dns_name``, a name the server's certificate holds."""
    if not (spawner.internal_ssl or spawner.services_enabled):
        return None
    port = notebook_port(pod)
    if port is None:
        name = (pod.get("metadata") or {}).get("name")
        raise ValueError(f"Pod {name} has no port named notebook-port for its Service")
    return _without_owner(spawner.get_service_manifest(None, port))


async def kubespawner_values(
    spawner: KubeSpawner, *, connection_key: str, lifecycle_key: str, create_only_key: str
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
        "pvc_per_server": pvc_per_server(spawner),
        "create_only_annotation": create_only_key,
        "follows_delete_pvc_annotation": FOLLOWS_DELETE_PVC_ANNOTATION,
        "secret_name": spawner.secret_name,
        "secret_env": token_env_names(pod, spawner.api_token),
        "ssl_secret": ssl_secret(spawner),
        "service": service(spawner, pod),
        "connection_annotation": connection_key,
        "lifecycle_annotation": lifecycle_key,
    }
