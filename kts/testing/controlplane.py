"""The simulated control plane: one reconcile loop that runs the garbage collector, namespace
deletion, CRD establishment, the scheduler/kubelet (``pods``), volume binding, service load
balancers and the workload controllers (``workloads``, ``daemonsets``) after every change."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kts.testing.daemonsets import DaemonSets
from kts.testing.disruption import Disruption
from kts.testing.errors import ApiError
from kts.testing.events import EventRecorder
from kts.testing.operations import Api, WriteOptions, now
from kts.testing.ownerindex import OwnerIndex
from kts.testing.pods import PodSimulator
from kts.testing.proxy import ServiceProxy
from kts.testing.resources import ResourceType, custom_types_from_crd
from kts.testing.store import Event, obj_key
from kts.testing.workloads import Workloads

if TYPE_CHECKING:
    from kts.testing.processes import ProcessRunner


@dataclass
class ControlPlaneConfig:
    pod_ready_delay: float = 0.05
    pod_terminate_delay: float = 0.0
    run_pods: bool = False
    crd_establish_delay: float = 0.0
    load_balancer_ip_prefix: str = "127.0.250."


class ControlPlane:
    def __init__(self, api: Api, config: ControlPlaneConfig, runner: ProcessRunner | None = None) -> None:
        self.api = api
        self.config = config
        self.runner = runner
        self.events = EventRecorder(api)
        self.pods = PodSimulator(self)
        self.workloads = Workloads(self)
        self.daemonsets = DaemonSets(self.workloads)
        self.disruption = Disruption(self)
        self._dirty = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._crds: dict[str, str] = {}  # CRD name -> uid whose types are registered
        self._crd_seen: dict[str, float] = {}
        self._lb_next = 1
        self._namespaces_seen: set[str] = set()
        self.paused = False
        self.proxy = ServiceProxy(api.store) if config.run_pods else None
        self.owners = OwnerIndex()
        self.owners.seed(api.store.objects)
        api.store.listeners.append(self._on_event)

    def rt(self, group: str, plural: str, version: str = "v1") -> ResourceType:
        rt = self.api.registry.lookup(group, version, plural)
        assert rt is not None
        return rt

    @property
    def pod_type(self) -> ResourceType:
        return self.rt("", "pods")

    # -- loop --------------------------------------------------------------------------------

    def _on_event(self, ev: Event) -> None:
        self.owners.observe(ev)
        if ev.plural != "events":
            self._dirty.set()

    @property
    def busy(self) -> bool:
        """A change is waiting for the reconcile loop, or a timed transition is due within a second."""
        if self._dirty.is_set():
            return True
        timer = self._timer
        if timer is None or timer.cancelled():
            return False
        left = timer.when() - asyncio.get_running_loop().time()
        return -0.5 < left < 1.0

    def wake(self) -> None:
        self._dirty.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.proxy is not None:
            await self.proxy.close()
        if self.runner is not None:
            await self.runner.stop_all()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            if self.paused:
                continue
            due = None
            for _ in range(20):
                try:
                    due = self.reconcile()
                except Exception:  # a controller bug must not kill the emulator
                    import traceback

                    traceback.print_exc()
                    due = None
                if not self._dirty.is_set():
                    break
                self._dirty.clear()
            if due is not None:
                if self._timer is not None:
                    self._timer.cancel()
                self._timer = loop.call_later(max(due - time.monotonic(), 0.0), self._dirty.set)
            await asyncio.sleep(0)

    def reconcile(self) -> float | None:
        """One pass over everything; returns when the next timed transition is due."""
        t = time.monotonic()
        dues: list[float] = []
        self._crd_pass(t, dues)
        self._gc_pass()
        self._namespace_pass()
        self._claims_pass()
        self._services_pass()
        if self.proxy is not None:
            self.proxy.reconcile()
        self.workloads.reconcile(t, dues)
        self.daemonsets.reconcile()
        due = self.pods.reconcile(t)
        if due is not None:
            dues.append(due)
        self.disruption.reconcile()
        return min(dues) if dues else None

    # -- CRDs --------------------------------------------------------------------------------

    def _crd_pass(self, t: float, dues: list[float]) -> None:
        crd_rt = self.rt("apiextensions.k8s.io", "customresourcedefinitions")
        present = {}
        for crd in self.api.store.items(crd_rt.group, crd_rt.plural):
            name, uid = crd["metadata"]["name"], crd["metadata"]["uid"]
            present[name] = uid
            if crd["metadata"].get("deletionTimestamp"):
                self._delete_crd_instances(crd)
                continue
            established = any(
                c.get("type") == "Established" and c.get("status") == "True"
                for c in (crd.get("status") or {}).get("conditions") or []
            )
            first = self._crd_seen.setdefault(uid, t)
            if first + self.config.crd_establish_delay > t:
                dues.append(first + self.config.crd_establish_delay)
                continue
            types = custom_types_from_crd(crd)
            if self._crds.get(name) != uid or self._crd_types_changed(name, types):
                self.api.registry.set_custom(name, types)
                self._crds[name] = uid
            if not established:
                new = copy.deepcopy(crd)
                names = (crd.get("spec") or {}).get("names") or {}
                accepted = dict(names)
                accepted.setdefault("singular", names.get("kind", "").lower())
                accepted.setdefault("listKind", names.get("kind", "") + "List")
                new["status"] = {
                    "conditions": [
                        {
                            "type": "NamesAccepted",
                            "status": "True",
                            "reason": "NoConflicts",
                            "message": "no conflicts found",
                            "lastTransitionTime": now(),
                        },
                        {
                            "type": "Established",
                            "status": "True",
                            "reason": "InitialNamesAccepted",
                            "message": "the initial names have been accepted",
                            "lastTransitionTime": now(),
                        },
                    ],
                    "acceptedNames": accepted,
                    "storedVersions": [
                        v["name"] for v in (crd.get("spec") or {}).get("versions") or [] if v.get("storage")
                    ],
                }
                self.api.system_update(crd_rt, new, manager="kube-apiserver")
        for name in list(self._crds):
            if name not in present:
                self.api.registry.remove_custom(name)
                del self._crds[name]

    def _crd_types_changed(self, name: str, types: list[ResourceType]) -> bool:
        current = {
            (t.group, t.version, t.plural, t.namespaced, t.status_subresource, t.kind)
            for t in self.api.registry.all()
            if not t.builtin and self.api.registry.crd_of(t) == name
        }
        wanted = {(t.group, t.version, t.plural, t.namespaced, t.status_subresource, t.kind) for t in types}
        return current != wanted

    def _delete_crd_instances(self, crd: dict[str, Any]) -> None:
        spec = crd.get("spec") or {}
        group, plural = spec.get("group", ""), (spec.get("names") or {}).get("plural", "")
        remaining = self.api.store.items(group, plural)
        for obj in remaining:
            meta = obj["metadata"]
            if not meta.get("deletionTimestamp"):
                rt = next(
                    (t for t in self.api.registry.all() if t.group == group and t.plural == plural), None
                )
                if rt is not None:
                    self._safe_delete(rt, meta.get("namespace", ""), meta["name"])
        if not self.api.store.items(group, plural):
            finalizers = [
                f
                for f in crd["metadata"].get("finalizers") or []
                if f != "customresourcecleanup.apiextensions.k8s.io"
            ]
            new = copy.deepcopy(crd)
            new["metadata"]["finalizers"] = finalizers
            self.api.system_update(self.rt("apiextensions.k8s.io", "customresourcedefinitions"), new)

    # -- garbage collection ------------------------------------------------------------------

    def _type_for(self, group: str, plural: str) -> ResourceType | None:
        return next((t for t in self.api.registry.all() if t.group == group and t.plural == plural), None)

    def _safe_delete(self, rt: ResourceType, namespace: str, name: str, policy: str = "Background") -> None:
        with contextlib.suppress(ApiError):
            self.api.delete(rt, namespace, name, {"propagationPolicy": policy})

    def _gc_pass(self) -> None:
        """Finalize what is being deleted and collect objects whose owners are all gone; the owner
        index hands over only the objects whose references or owners changed since the last pass."""
        store, index = self.api.store, self.owners
        for key in sorted(index.terminating):
            obj = store.get(key)
            if obj is None:
                continue
            meta = obj["metadata"]
            finalizers = meta.get("finalizers") or []
            uid = meta["uid"]
            deps = [
                (d, dep) for d in sorted(index.dependents.get(uid, ())) if (dep := store.get(d)) is not None
            ]
            if "orphan" in finalizers:
                for dkey, dep in deps:
                    new = copy.deepcopy(dep)
                    new["metadata"]["ownerReferences"] = [
                        r for r in dep["metadata"].get("ownerReferences") or [] if r.get("uid") != uid
                    ]
                    if not new["metadata"]["ownerReferences"]:
                        del new["metadata"]["ownerReferences"]
                    rt = self._type_for(dkey[0], dkey[1])
                    if rt is not None:
                        self.api.system_update(rt, new)
                self._drop_finalizer(key, obj, "orphan")
            elif "foregroundDeletion" in finalizers:
                blocking = []
                for dkey, dep in deps:
                    rt = self._type_for(dkey[0], dkey[1])
                    if rt is None or store.get(dkey) is None:
                        continue
                    if not dep["metadata"].get("deletionTimestamp"):
                        self._safe_delete(rt, dkey[2], dkey[3], "Foreground")
                    if store.get(dkey) is not None:
                        blocking.append(dkey)
                if not blocking:
                    self._drop_finalizer(key, obj, "foregroundDeletion")
        for key in index.take_orphan_candidates():
            obj = store.get(key)
            if obj is None or obj["metadata"].get("deletionTimestamp"):
                continue
            refs = obj["metadata"].get("ownerReferences") or []
            if refs and all(r.get("uid") not in index.uids for r in refs):
                rt = self._type_for(key[0], key[1])
                if rt is not None:
                    self._safe_delete(rt, key[2], key[3])

    def _drop_finalizer(self, key: Any, obj: dict[str, Any], finalizer: str) -> None:
        current = self.api.store.get(key)
        if current is None:
            return
        new = copy.deepcopy(current)
        new["metadata"]["finalizers"] = [
            f for f in current["metadata"].get("finalizers") or [] if f != finalizer
        ]
        if not new["metadata"]["finalizers"]:
            del new["metadata"]["finalizers"]
        rt = self._type_for(key[0], key[1])
        if rt is not None:
            self.api.system_update(rt, new)

    # -- namespaces --------------------------------------------------------------------------

    def _namespace_pass(self) -> None:
        ns_rt = self.rt("", "namespaces")
        sa_rt = self.rt("", "serviceaccounts")
        for ns in self.api.store.items("", "namespaces"):
            if not ns["metadata"].get("deletionTimestamp"):
                name = ns["metadata"]["name"]
                if name not in self._namespaces_seen:
                    self._namespaces_seen.add(name)
                    if self.api.store.get(obj_key(sa_rt, name, "default")) is None:
                        with contextlib.suppress(ApiError):
                            self.api.create(
                                sa_rt,
                                name,
                                {"metadata": {"name": "default"}},
                                WriteOptions(manager="kube-controller-manager"),
                            )
                continue
            self._namespaces_seen.discard(ns["metadata"]["name"])
            name = ns["metadata"]["name"]
            for k in sorted(self.owners.by_namespace.get(name, ())):
                o = self.api.store.get(k)
                if o is not None and not o["metadata"].get("deletionTimestamp"):
                    rt = self._type_for(k[0], k[1])
                    if rt is not None:
                        self._safe_delete(rt, k[2], k[3])
            left = self.owners.by_namespace.get(name)
            if not left and not ns["metadata"].get("finalizers"):
                self.api.force_remove(ns_rt, "", name)

    # -- volumes -----------------------------------------------------------------------------

    def _storage_class(self, pvc: dict[str, Any]) -> dict[str, Any] | None:
        name = (pvc.get("spec") or {}).get("storageClassName")
        classes = self.api.store.items("storage.k8s.io", "storageclasses")
        if name is None:
            return next(
                (
                    c
                    for c in classes
                    if (c["metadata"].get("annotations") or {}).get(
                        "storageclass.kubernetes.io/is-default-class"
                    )
                    == "true"
                ),
                None,
            )
        return next((c for c in classes if c["metadata"]["name"] == name), None)

    def _claims_pass(self) -> None:
        for pvc in self.api.store.items("", "persistentvolumeclaims"):
            if (pvc.get("status") or {}).get("phase") != "Pending" or pvc["metadata"].get(
                "deletionTimestamp"
            ):
                continue
            sc = self._storage_class(pvc)
            selected = (pvc["metadata"].get("annotations") or {}).get("volume.kubernetes.io/selected-node")
            if sc is not None and sc.get("volumeBindingMode") == "WaitForFirstConsumer" and not selected:
                self.events.record(
                    pvc,
                    "WaitForFirstConsumer",
                    "waiting for first consumer to be created before binding",
                    component="persistentvolume-controller",
                )
                continue
            self._bind(pvc)

    def _bind(self, pvc: dict[str, Any]) -> None:
        new = copy.deepcopy(pvc)
        spec = new.setdefault("spec", {})
        spec.setdefault("volumeName", f"pvc-{pvc['metadata']['uid']}")
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
        new["status"] = {
            "phase": "Bound",
            "accessModes": spec.get("accessModes") or ["ReadWriteOnce"],
            "capacity": {"storage": storage},
        }
        ann = new["metadata"].setdefault("annotations", {})
        ann.setdefault("pv.kubernetes.io/bind-completed", "yes")
        ann.setdefault("pv.kubernetes.io/bound-by-controller", "yes")
        rt = self.rt("", "persistentvolumeclaims")
        key = obj_key(rt, pvc["metadata"]["namespace"], pvc["metadata"]["name"])
        current = self.api.store.get(key)
        if current is not None:
            new["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
            self.api.store.put(key, new, "MODIFIED")

    def bind_claims_for(self, pod: dict[str, Any]) -> str | None:
        """Scheduling-time volume binding; returns a FailedScheduling message when the pod can't go."""
        ns = pod["metadata"]["namespace"]
        rt = self.rt("", "persistentvolumeclaims")
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            claim = (vol.get("persistentVolumeClaim") or {}).get("claimName")
            if not claim:
                continue
            pvc = self.api.store.get(obj_key(rt, ns, claim))
            if pvc is None:
                return (
                    f'0/1 nodes are available: persistentvolumeclaim "{claim}" not found. preemption: 0/1 '
                    "nodes are available: 1 Preemption is not helpful for scheduling."
                )
            if pvc["metadata"].get("deletionTimestamp"):
                return f'0/1 nodes are available: persistentvolumeclaim "{claim}" is being deleted.'
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            claim = (vol.get("persistentVolumeClaim") or {}).get("claimName")
            if claim:
                pvc = self.api.store.get(obj_key(rt, ns, claim))
                if pvc is not None and (pvc.get("status") or {}).get("phase") == "Pending":
                    marked = copy.deepcopy(pvc)
                    marked["metadata"].setdefault("annotations", {})["volume.kubernetes.io/selected-node"] = (
                        "kts-node"
                    )
                    self._bind(marked)
        return None

    # -- services ----------------------------------------------------------------------------

    def _services_pass(self) -> None:
        rt = self.rt("", "services")
        for svc in self.api.store.items("", "services"):
            spec = svc.get("spec") or {}
            if spec.get("type") != "LoadBalancer" or (
                (svc.get("status") or {}).get("loadBalancer") or {}
            ).get("ingress"):
                continue
            new = copy.deepcopy(svc)
            ip = f"{self.config.load_balancer_ip_prefix}{self._lb_next}"
            self._lb_next += 1
            new["status"] = {"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]}}
            self.api.system_update(rt, new, manager="kube-controller-manager")
            self.events.record(
                svc, "EnsuringLoadBalancer", "Ensuring load balancer", component="service-controller"
            )
            self.events.record(
                svc, "EnsuredLoadBalancer", "Ensured load balancer", component="service-controller"
            )

    # -- processes ---------------------------------------------------------------------------

    def start_process(self, pod: dict[str, Any]) -> str | None:
        if self.runner is None:
            return None
        return self.runner.start(pod, self.api)

    def stop_process(self, uid: str) -> None:
        if self.runner is not None:
            self.runner.stop(uid)

    def process_exit_code(self, uid: str) -> int | None:
        return self.runner.exit_code(uid) if self.runner is not None else None

    def process_log_tail(self, uid: str) -> str:
        return self.runner.log_tail(uid) if self.runner is not None else ""

    def process_ready(self, pod: dict[str, Any]) -> bool:
        return self.runner.ready(pod) if self.runner is not None else True
