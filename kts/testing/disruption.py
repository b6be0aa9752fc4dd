"""PodDisruptionBudgets: the disruption controller's status and the eviction subresource
(``POST pods/NAME/eviction``, what ``kubectl drain`` uses), as kube-controller-manager and the
API server's eviction handler work them out."""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING, Any

from kts.testing.clock import now
from kts.testing.errors import ApiError, bad_request
from kts.testing.store import Event
from kts.testing.workloads import merge_conditions, pod_ready

if TYPE_CHECKING:
    from kts.testing.controlplane import ControlPlane

_VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."
_SCALED = {("apps", "ReplicaSet"): "replicasets", ("apps", "StatefulSet"): "statefulsets",
           ("", "ReplicationController"): "replicationcontrollers"}  # fmt: skip


def selects(selector: Any, labels: dict[str, str]) -> bool:
    """A metav1.LabelSelector against labels; in policy/v1 an empty selector selects every pod, a
    missing one none."""
    if not isinstance(selector, dict):
        return False
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e.get("key", ""), e.get("operator"), e.get("values") or []
        if (
            (op == "In" and labels.get(key) not in values)
            or (op == "NotIn" and key in labels and labels[key] in values)
            or (op == "Exists" and key not in labels)
            or (op == "DoesNotExist" and key in labels)
        ):
            return False
    return True


def _scaled(value: Any, total: int) -> int:
    """An int-or-percent scaled to ``total``, rounding up as the controller does."""
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1] or 0) * total / 100)
    return int(value)


_WATCHED = frozenset({"pods", "poddisruptionbudgets", *_SCALED.values()})


class Disruption:
    def __init__(self, cp: ControlPlane) -> None:
        self.cp = cp
        # namespaces whose pods, budgets or controllers changed: only their budgets are recounted
        budgets = cp.api.store.by_type.get(("policy", "poddisruptionbudgets"), {})
        self._changed: set[str] = {key[2] for key in budgets}
        cp.api.store.listeners.append(self._observe)

    def _observe(self, ev: Event) -> None:
        if ev.plural in _WATCHED:
            self._changed.add(ev.key[2])

    def _pods(self, pdb: dict[str, Any]) -> list[dict[str, Any]]:
        ns, selector = pdb["metadata"]["namespace"], (pdb.get("spec") or {}).get("selector")
        return [
            p
            for p in self.cp.api.store.items("", "pods", ns)
            if selects(selector, p["metadata"].get("labels") or {})
        ]

    def _expected(self, pdb: dict[str, Any], pods: list[dict[str, Any]]) -> int:
        """How many pods the budget is about: the pod count for an integer minAvailable, else the
        replicas of the pods' controllers."""
        spec = pdb.get("spec") or {}
        if "maxUnavailable" not in spec and not isinstance(spec.get("minAvailable"), str):
            return len(pods)
        total, seen = 0, set()
        for p in pods:
            ref = next((r for r in p["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
            if ref is None or ref.get("uid") in seen:
                continue
            seen.add(ref.get("uid"))
            group = ref.get("apiVersion", "").rpartition("/")[0]
            plural = _SCALED.get((group, ref.get("kind", "")))
            if plural is None:
                continue
            owner = self.cp.api.store.get((group, plural, p["metadata"]["namespace"], ref.get("name", "")))
            if owner is not None:
                total += int((owner.get("spec") or {}).get("replicas", 1))
        return total

    def status(self, pdb: dict[str, Any]) -> dict[str, Any]:
        spec, old = pdb.get("spec") or {}, pdb.get("status") or {}
        pods = [p for p in self._pods(pdb) if not p["metadata"].get("deletionTimestamp")]
        expected = self._expected(pdb, pods)
        healthy = sum(1 for p in pods if pod_ready(p))
        if "maxUnavailable" in spec:
            desired = max(expected - _scaled(spec["maxUnavailable"], expected), 0)
        else:
            desired = _scaled(spec.get("minAvailable", 0), expected) if "minAvailable" in spec else 0
        allowed = max(healthy - desired, 0)
        condition = {
            "type": "DisruptionAllowed",
            "status": "True" if allowed > 0 else "False",
            "reason": "SufficientPods" if allowed > 0 else "InsufficientPods",
            "message": "",
            "observedGeneration": int(pdb["metadata"].get("generation", 1)),
            "lastTransitionTime": now(),
        }
        return {
            "observedGeneration": int(pdb["metadata"].get("generation", 1)),
            "disruptionsAllowed": allowed,
            "currentHealthy": healthy,
            "desiredHealthy": desired,
            "expectedPods": expected,
            "conditions": merge_conditions(old.get("conditions") or [], [condition]),
        }

    def reconcile(self) -> None:
        rt = self.cp.rt("policy", "poddisruptionbudgets")
        changed, self._changed = self._changed, set()
        for pdb in [b for ns in sorted(changed) for b in self.cp.api.store.items("policy", rt.plural, ns)]:
            if pdb["metadata"].get("deletionTimestamp"):
                continue
            status = self.status(pdb)
            if status != pdb.get("status"):
                new = copy.deepcopy(pdb)
                new["status"] = status
                self.cp.api.system_update(rt, new, manager="kube-controller-manager")

    def evict(self, namespace: str, name: str, body: Any) -> dict[str, Any]:
        """Evict a pod: refused with 429 while its budget allows no disruption, else deleted with
        the eviction's delete options."""
        if not isinstance(body, dict) or body.get("kind", "Eviction") != "Eviction":
            raise bad_request("the body of the request must be an Eviction")
        given = (body.get("metadata") or {}).get("name")
        if given and given != name:
            raise bad_request("name in URL does not match name in Eviction object")
        pod_rt = self.cp.pod_type
        pod = self.cp.api.get(pod_rt, namespace, name)
        phase = (pod.get("status") or {}).get("phase")
        if phase not in ("Succeeded", "Failed", "Pending") and not pod["metadata"].get("deletionTimestamp"):
            self._charge_budget(pod)
        options = body.get("deleteOptions") if isinstance(body.get("deleteOptions"), dict) else {}
        self.cp.api.delete(pod_rt, namespace, name, dict(options or {}))
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}

    def _charge_budget(self, pod: dict[str, Any]) -> None:
        labels = pod["metadata"].get("labels") or {}
        budgets = [
            b
            for b in self.cp.api.store.items("policy", "poddisruptionbudgets", pod["metadata"]["namespace"])
            if selects((b.get("spec") or {}).get("selector"), labels)
        ]
        if not budgets:
            return
        if len(budgets) > 1:
            raise ApiError(
                500,
                "InternalError",
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not "
                "support.",
            )
        pdb = budgets[0]
        status = pdb.get("status") or {}
        name = pdb["metadata"]["name"]
        if int(status.get("observedGeneration", 0)) < int(pdb["metadata"].get("generation", 1)):
            cause = f"The disruption budget {name} is still being processed by the server."
        elif int(status.get("disruptionsAllowed", 0)) <= 0:
            cause = (
                f"The disruption budget {name} needs {status.get('desiredHealthy', 0)} healthy pods and has "
                f"{status.get('currentHealthy', 0)} currently"
            )
        else:
            charged = copy.deepcopy(pdb)
            charged["status"]["disruptionsAllowed"] = int(status["disruptionsAllowed"]) - 1
            self.cp.api.system_update(self.cp.rt("policy", "poddisruptionbudgets"), charged)
            return
        details = {"causes": [{"reason": "DisruptionBudget", "message": cause}]}
        raise ApiError(429, "TooManyRequests", _VIOLATION, details)
