"""The DaemonSet controller: one pod per node the DaemonSet's pods fit on (the emulator has one
node), replaced on a template change under RollingUpdate, and the status the real controller
reports (desired/current/updated/ready/available counts, observedGeneration).

Like the real controller, each pod is pinned to its node through a required node affinity on
``metadata.name`` and gets the DaemonSet tolerations; its labels carry ``controller-revision-hash``
and ``pod-template-generation``. No ControllerRevision objects are kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kts.testing.operations import random_suffix
from kts.testing.pods import NODE_NAME
from kts.testing.workloads import pod_ready, template_hash

if TYPE_CHECKING:
    from kts.testing.workloads import Workloads

_COMPONENT = "daemonset-controller"
# What the DaemonSet controller adds to every pod, so node problems do not evict daemons.
_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
]


def _fits_node(template: dict[str, Any], node: dict[str, Any]) -> bool:
    selector = (template.get("spec") or {}).get("nodeSelector") or {}
    labels = node["metadata"].get("labels") or {}
    return all(labels.get(k) == v for k, v in selector.items())


def _pinned(spec: dict[str, Any], node_name: str) -> None:
    """Add the node affinity and tolerations the real controller adds."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
    affinity = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {})
    affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [term]}
    tolerations = spec.setdefault("tolerations", [])
    for t in _TOLERATIONS:
        if not any(o.get("key") == t["key"] and o.get("effect") == t["effect"] for o in tolerations):
            tolerations.append(dict(t))


class DaemonSets:
    def __init__(self, workloads: Workloads) -> None:
        self.w = workloads

    def reconcile(self) -> None:
        cp = self.w.cp
        rt = cp.rt("apps", "daemonsets")
        node = cp.api.store.get(("", "nodes", "", NODE_NAME))
        for ds in cp.api.store.items("apps", "daemonsets"):
            if not ds["metadata"].get("deletionTimestamp"):
                self._one(ds, rt, node)

    def _one(self, ds: dict[str, Any], rt: Any, node: dict[str, Any] | None) -> None:
        w, cp = self.w, self.w.cp
        meta, spec = ds["metadata"], ds.get("spec") or {}
        ns, generation = meta["namespace"], int(meta.get("generation", 1))
        template = spec.get("template") or {}
        revision = template_hash(template)
        wanted = node is not None and _fits_node(template, node)
        pods = w._live_pods(ns, meta["uid"])
        on_delete = (spec.get("updateStrategy") or {}).get("type") == "OnDelete"
        for p in pods:
            labels = p["metadata"].get("labels") or {}
            stale = labels.get("controller-revision-hash") != revision and not on_delete
            finished = (p.get("status") or {}).get("phase") in ("Succeeded", "Failed")
            if not wanted or stale or finished or pods.index(p) > 0:
                w._delete(cp.pod_type, ns, p["metadata"]["name"])
                cp.events.record(ds, "SuccessfulDelete", f"Deleted pod: {p['metadata']['name']}",
                                 component=_COMPONENT)  # fmt: skip
        pods = w._live_pods(ns, meta["uid"])
        # maxSurge 0: a replacement waits until the old pod has gone from the node
        if wanted and not w._owned("", "pods", ns, meta["uid"]):
            name = f"{meta['name']}-{random_suffix()}"
            labels = {"controller-revision-hash": revision, "pod-template-generation": str(generation)}
            pod = w._pod_from_template(ds, rt, template, name, labels)
            _pinned(pod["spec"], NODE_NAME)
            created = w._create(cp.pod_type, ns, pod, ds, _COMPONENT)
            if created is not None:
                pods = [created]
                cp.events.record(ds, "SuccessfulCreate", f"Created pod: {name}", component=_COMPONENT)
        desired = 1 if wanted else 0
        updated = [
            p for p in pods if (p["metadata"].get("labels") or {}).get("controller-revision-hash") == revision
        ]
        ready = [p for p in pods if pod_ready(p)]
        status: dict[str, Any] = {
            "currentNumberScheduled": len(pods),
            "numberMisscheduled": 0,
            "desiredNumberScheduled": desired,
            "numberReady": len(ready),
            "observedGeneration": generation,
            "updatedNumberScheduled": len(updated),
            "numberAvailable": len(ready),
        }
        if desired - len(ready) > 0:
            status["numberUnavailable"] = desired - len(ready)
        for key in ("numberAvailable", "updatedNumberScheduled"):
            if status[key] == 0:
                del status[key]
        w._set_status(rt, ds, status)
