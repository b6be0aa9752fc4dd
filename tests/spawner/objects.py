"""Hand-made rendered objects for contract and spawner tests."""

from __future__ import annotations

import copy
from typing import Any

from kts.spawner.contract import Rendered

LABELS = {
    "app.kubernetes.io/instance": "jupyter",
    "hub.jupyter.org/username": "alice",
    "hub.jupyter.org/servername": "",
}


def obj(
    kind: str,
    name: str = "jupyter-alice",
    *,
    api_version: str = "v1",
    labels: dict[str, Any] | None = None,
    annotations: dict[str, Any] | None = None,
    namespace: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": copy.deepcopy(LABELS if labels is None else labels)}
    if annotations:
        meta["annotations"] = annotations
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": api_version, "kind": kind, "metadata": meta, **extra}


def pod(name: str = "jupyter-alice", *, connection: bool = True, **kw: Any) -> dict[str, Any]:
    ann = {"kubetemplatespawner/lifecycle": "server-stopped"}
    if connection:
        ann["kubetemplatespawner/connection"] = "true"
    ann.update(kw.pop("annotations", {}))
    spec = {
        "containers": [
            {
                "name": "notebook",
                "image": "img:1",
                "ports": [{"name": "notebook-port", "containerPort": 8888}],
            }
        ]
    }
    return obj("Pod", name, annotations=ann, spec=spec, **kw)


def pvc(name: str = "jupyter-alice", lifecycle: str = "user-deleted", **kw: Any) -> dict[str, Any]:
    return obj("PersistentVolumeClaim", name, annotations={"kubetemplatespawner/lifecycle": lifecycle}, **kw)


def rendered(*bodies: dict[str, Any]) -> list[Rendered]:
    return [Rendered(f"singleuser/templates/{b['kind'].lower()}.yaml", b) for b in bodies]
