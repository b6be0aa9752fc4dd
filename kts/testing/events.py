"""core/v1 Events the simulated kubelet, scheduler and controllers record, deduplicated like the
real event recorder (same object, reason and message -> count+1)."""

from __future__ import annotations

import copy
import secrets
from typing import TYPE_CHECKING, Any

from kts.testing.managedfields import record_update
from kts.testing.store import obj_key
from kts.testing.writes import WriteOptions

if TYPE_CHECKING:
    from kts.testing.operations import Api


class EventRecorder:
    def __init__(self, api: Api) -> None:
        self.api = api
        self._names: dict[tuple[str, str, str, str], str] = {}

    def record(
        self,
        obj: dict[str, Any],
        reason: str,
        message: str,
        type_: str = "Normal",
        component: str = "kubelet",
        field_path: str = "",
    ) -> None:
        from kts.testing.operations import now

        meta = obj["metadata"]
        namespace = meta.get("namespace") or "default"
        rt = self.api.registry.lookup("", "v1", "events")
        ns_rt = self.api.registry.lookup("", "v1", "namespaces")
        assert rt is not None and ns_rt is not None
        if self.api.store.get(obj_key(ns_rt, "", namespace)) is None:
            return
        dedupe = (meta.get("uid", ""), reason, message, field_path)
        name = self._names.get(dedupe)
        stamp = now()
        if name is not None:
            existing = self.api.store.get(obj_key(rt, namespace, name))
            if existing is not None:
                updated = copy.deepcopy(existing)
                updated["count"] = int(updated.get("count", 1)) + 1
                updated["lastTimestamp"] = stamp
                self.api.system_update(rt, updated, manager=_manager(component), subresource="")
                return
        name = f"{meta['name']}.{secrets.token_hex(8)}"
        self._names[dedupe] = name
        involved = {
            "kind": obj.get("kind", ""),
            "namespace": meta.get("namespace", ""),
            "name": meta["name"],
            "uid": meta.get("uid", ""),
            "apiVersion": obj.get("apiVersion", ""),
            "resourceVersion": meta.get("resourceVersion", ""),
        }
        if field_path:
            involved["fieldPath"] = field_path
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": namespace},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": {"component": component, **({"host": "kts-node"} if component == "kubelet" else {})},
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": "",
        }
        obj_new = self.api._new_object(rt, event)
        record_update(rt, None, obj_new, WriteOptions(manager=_manager(component)))
        self.api.store.put(obj_key(rt, namespace, name), obj_new, "ADDED")


def _manager(component: str) -> str:
    """The field manager of the binary that reports as ``component`` (its user agent's name)."""
    if component == "kubelet":
        return "kubelet"
    return "kube-scheduler" if component == "default-scheduler" else "kube-controller-manager"
