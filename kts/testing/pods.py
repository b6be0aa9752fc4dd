"""The simulated scheduler and kubelet: pods get a node, a loopback pod IP and container states,
become Running and Ready after a delay, or fail the way a test asks.

Choosing failures (see ``PodFailure``): either through the emulator's control API
(``emu.fail_pods(mode, image=..., name=..., labels=..., namespace=...)``) or per pod with the
annotation ``kts-emulator/fail: <mode>`` (plus ``kts-emulator/exit-code: "<n>"``). Modes:
``image-pull`` (ErrImagePull, then ImagePullBackOff), ``crash-loop`` (CrashLoopBackOff with restarts
and a terminated lastState), ``unschedulable`` (PodScheduled False, FailedScheduling),
``exit`` (the container exits with ``exit_code``; terminal phase unless restartPolicy Always),
``not-ready`` (Running, but the readiness probe keeps failing: Ready False, Unhealthy events).

Without being told, an image from a registry under the ``.invalid`` domain (RFC 2606: it never
resolves) fails to pull as on any cluster, so a test can ask for a missing image the same way on
the emulator and on a real cluster.
"""

from __future__ import annotations

import copy
import fnmatch
import heapq
import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kts.testing.quantity import parse_quantity
from kts.testing.store import Event, Key, obj_key

if TYPE_CHECKING:
    from kts.testing.controlplane import ControlPlane

FAIL_ANNOTATION = "kts-emulator/fail"
EXIT_CODE_ANNOTATION = "kts-emulator/exit-code"
NODE_NAME = "kts-node"
HOST_IP = "127.0.0.1"
MODES = ("image-pull", "crash-loop", "unschedulable", "exit", "not-ready")


@dataclass
class PodFailure:
    """A failure to inject into every pod that matches all given filters."""

    mode: str
    image: str | None = None
    name: str | None = None  # fnmatch pattern
    namespace: str | None = None
    labels: dict[str, str] | None = None
    exit_code: int = 1
    message: str | None = None

    def matches(self, pod: dict[str, Any]) -> bool:
        meta = pod["metadata"]
        if self.namespace is not None and meta.get("namespace") != self.namespace:
            return False
        if self.name is not None and not fnmatch.fnmatchcase(meta["name"], self.name):
            return False
        labels = meta.get("labels") or {}
        if self.labels and any(labels.get(k) != v for k, v in self.labels.items()):
            return False
        if self.image is not None:
            images = [c.get("image") for c in (pod.get("spec") or {}).get("containers") or []]
            if self.image not in images:
                return False
        return True


@dataclass
class PodSim:
    stage: str = "new"  # new, starting, running, failing, finished
    due: float = 0.0
    failure: PodFailure | None = None
    restarts: int = 0
    started_at: str = ""
    container_ids: dict[str, str] = field(default_factory=dict)


def _ts() -> str:
    from kts.testing.operations import now

    return now()


def _cond(type_: str, status: bool, reason: str = "", message: str = "") -> dict[str, Any]:
    c: dict[str, Any] = {
        "type": type_,
        "status": "True" if status else "False",
        "lastProbeTime": None,
        "lastTransitionTime": _ts(),
    }
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def _registry_host(image: str) -> str:
    """The registry an image reference names ("" for Docker Hub's short names)."""
    head = image.split("/", 1)[0] if "/" in image else ""
    return head if "." in head or ":" in head or head == "localhost" else ""


def _unresolvable(image: str) -> str | None:
    """The kubelet's pull error for an image whose registry host cannot resolve, else None."""
    host = _registry_host(image).split(":", 1)[0].lower()
    if not (host == "invalid" or host.endswith(".invalid")):
        return None
    full = _full_image(image)
    registry, path = full.split("/", 1)
    repo, sep, digest = path.partition("@")
    if not sep:
        repo, _, digest = path.rpartition(":")
    return (
        f'rpc error: code = Unknown desc = failed to pull and unpack image "{full}": failed to resolve '
        f'reference "{full}": failed to do request: Head "https://{registry}/v2/{repo}/manifests/'
        f'{digest}": dial tcp: lookup {host}: no such host'
    )


def _full_image(image: str) -> str:
    """An image reference as containerd names it: registry host, repository path, tag."""
    name = image
    if not _registry_host(name):
        name = "docker.io/" + (name if "/" in name else "library/" + name)
    if ":" not in name.rsplit("/", 1)[-1] and "@" not in name:
        name += ":latest"
    return name


def _tolerated(taint: dict[str, Any], tolerations: list[Any]) -> bool:
    """Whether a toleration matches the taint: same effect (or any), and the key with Exists (an
    empty key matching every taint) or the key and value with Equal."""
    for t in tolerations:
        if not isinstance(t, dict) or t.get("effect") not in (None, "", taint.get("effect")):
            continue
        if t.get("operator") == "Exists":
            if not t.get("key") or t.get("key") == taint.get("key"):
                return True
        elif t.get("key") == taint.get("key") and (t.get("value") or "") == (taint.get("value") or ""):
            return True
    return False


class NodeUsage:
    """The summed requests of the pods bound to the node and not finished, kept from the store's
    pod events so the scheduler's fit check does not walk every pod."""

    def __init__(self) -> None:
        self.by_key: dict[Key, dict[str, Decimal]] = {}
        self.total: dict[str, Decimal] = {}

    def observe(self, ev: Event) -> None:
        if ev.group or ev.plural != "pods":
            return
        for res, q in self.by_key.pop(ev.key, {}).items():
            self.total[res] -= q
        pod = ev.obj
        bound = (pod.get("spec") or {}).get("nodeName") == NODE_NAME
        finished = (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
        if ev.type == "DELETED" or not bound or finished:
            return
        requests = PodSimulator._requests(pod)
        if requests:
            self.by_key[ev.key] = requests
            for res, q in requests.items():
                self.total[res] = self.total.get(res, Decimal(0)) + q


class PodSimulator:
    """Drives every pod through its lifecycle; called from the control plane's reconcile loop,
    it steps only the pods that changed or have a transition due."""

    def __init__(self, cp: ControlPlane) -> None:
        self.cp = cp
        self.usage = NodeUsage()
        # pods to step on the next pass, timed transitions as a heap of (due, key), ended pods
        self._changed: set[Key] = set()
        self._due: list[tuple[float, Key]] = []
        self._due_at: dict[Key, float] = {}
        self._gone: list[str] = []
        store = cp.api.store
        for key, pod in list(store.by_type.get(("", "pods"), {}).items()):
            self.usage.observe(Event(store.rv, "ADDED", "", "pods", pod, key))
            self._changed.add(key)
        store.listeners.append(self.usage.observe)
        store.listeners.append(self.observe)
        self.sims: dict[str, PodSim] = {}
        self.failures: list[PodFailure] = []
        self._next_ip = 2
        # a random block per emulator so emulators running side by side hand out distinct pod IPs
        self._block = random.randint(1, 254)

    # -- helpers -----------------------------------------------------------------------------

    def allocate_ip(self) -> str:
        n = self._next_ip
        self._next_ip += 1
        return f"127.{self._block}.{(n // 254) % 256}.{n % 254 + 1}"

    def failure_for(self, pod: dict[str, Any]) -> PodFailure | None:
        ann = pod["metadata"].get("annotations") or {}
        mode = ann.get(FAIL_ANNOTATION)
        if mode in MODES:
            return PodFailure(mode, exit_code=int(ann.get(EXIT_CODE_ANNOTATION, "1")))
        for f in self.failures:
            if f.matches(pod):
                return f
        for c in self._containers(pod):
            image = c.get("image", "")
            detail = _unresolvable(image)
            if detail is not None:
                return PodFailure("image-pull", image=image, message=detail)
        return None

    def _write(self, pod: dict[str, Any]) -> dict[str, Any] | None:
        return self.cp.api.system_update(self.cp.pod_type, pod, manager="kubelet", subresource="status")

    def _event(
        self,
        pod: dict[str, Any],
        reason: str,
        message: str,
        type_: str = "Normal",
        component: str = "kubelet",
        container: str = "",
    ) -> None:
        fp = f"spec.containers{{{container}}}" if container else ""
        self.cp.events.record(pod, reason, message, type_, component, fp)

    # -- lifecycle ---------------------------------------------------------------------------

    def observe(self, ev: Event) -> None:
        """Note a pod's change for the next pass; a deleted pod's simulation ends there."""
        if ev.group or ev.plural != "pods":
            return
        if ev.type == "DELETED":
            self._gone.append(ev.obj["metadata"].get("uid", ""))
        else:
            self._changed.add(ev.key)

    def reconcile(self, now: float) -> float | None:
        """Advance the pods that changed or whose timed transition is due; returns the earliest
        time something is due again."""
        for uid in self._gone:
            if self.sims.pop(uid, None) is not None:
                self.cp.stop_process(uid)
        self._gone.clear()
        keys, self._changed = self._changed, set()
        while self._due and self._due[0][0] <= now:
            when, key = heapq.heappop(self._due)
            if self._due_at.get(key) == when:
                del self._due_at[key]
                keys.add(key)
        store = self.cp.api.store
        for key in sorted(keys, key=lambda k: (k[2], k[3])):
            pod = store.get(key)
            if pod is None:
                self._due_at.pop(key, None)
                continue
            sim = self.sims.setdefault(pod["metadata"]["uid"], PodSim())
            due = self._step(pod, sim, now)
            if due is not None and self._due_at.get(key) != due:
                self._due_at[key] = due
                heapq.heappush(self._due, (due, key))
        while self._due and self._due_at.get(self._due[0][1]) != self._due[0][0]:
            heapq.heappop(self._due)  # superseded by a later step
        return self._due[0][0] if self._due else None

    def _step(self, pod: dict[str, Any], sim: PodSim, now: float) -> float | None:
        meta = pod["metadata"]
        if meta.get("deletionTimestamp"):
            return self._terminate(pod, sim, now)
        if sim.due > now:
            return sim.due
        if sim.stage == "new":
            return self._schedule(pod, sim, now)
        if sim.stage == "starting":
            return self._start(pod, sim, now)
        if sim.stage == "failing":
            return self._keep_failing(pod, sim, now)
        if sim.stage == "running":
            return self._while_running(pod, sim, now)
        return None

    def _schedule(self, pod: dict[str, Any], sim: PodSim, now: float) -> float | None:
        spec = pod.get("spec") or {}
        sim.failure = self.failure_for(pod)
        if spec.get("nodeName"):
            sim.stage = "starting"
            sim.due = now + self.cp.config.pod_ready_delay
            return sim.due
        problem = None
        if sim.failure is not None and sim.failure.mode == "unschedulable":
            problem = sim.failure.message or (
                "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 "
                "nodes are available: 3 No preemption victims found for incoming pod."
            )
        else:
            problem = self._node_refuses(pod) or self._insufficient(pod) or self.cp.bind_claims_for(pod)
        if problem is not None:
            status = pod.get("status") or {}
            conds = status.get("conditions") or []
            if not any(c.get("type") == "PodScheduled" and c.get("message") == problem for c in conds):
                new = copy.deepcopy(pod)
                new.setdefault("status", {})["phase"] = "Pending"
                new["status"]["conditions"] = [_cond("PodScheduled", False, "Unschedulable", problem)]
                self._write(new)
                self._event(pod, "FailedScheduling", problem, "Warning", "default-scheduler")
            sim.due = now + max(self.cp.config.pod_ready_delay, 0.05) * 4
            return sim.due
        ip = self.allocate_ip()
        new = copy.deepcopy(pod)
        new["spec"]["nodeName"] = NODE_NAME
        status = new.setdefault("status", {})
        status.update(
            {
                "phase": "Pending",
                "hostIP": HOST_IP,
                "hostIPs": [{"ip": HOST_IP}],
                "podIP": ip,
                "podIPs": [{"ip": ip}],
                "startTime": _ts(),
            }
        )
        status["conditions"] = [
            _cond("PodReadyToStartContainers", False),
            _cond("Initialized", True),
            _cond("Ready", False, "ContainersNotReady", self._unready_msg(pod)),
            _cond("ContainersReady", False, "ContainersNotReady", self._unready_msg(pod)),
            _cond("PodScheduled", True),
        ]
        status["containerStatuses"] = [self._waiting(c, "ContainerCreating") for c in self._containers(pod)]
        # the scheduler binds through the pods/binding subresource, so spec.nodeName goes in directly
        key = obj_key(self.cp.pod_type, pod["metadata"]["namespace"], pod["metadata"]["name"])
        stored = self.cp.api.store.get(key)
        if stored is None:
            return None
        stored_new = copy.deepcopy(stored)
        stored_new["spec"]["nodeName"] = NODE_NAME
        stored_new["status"] = status
        self.cp.api.store.put(key, stored_new, "MODIFIED")
        self._event(
            stored_new,
            "Scheduled",
            f"Successfully assigned {pod['metadata']['namespace']}/{pod['metadata']['name']} to {NODE_NAME}",
            component="default-scheduler",
        )
        sim.stage = "starting"
        sim.due = now + self.cp.config.pod_ready_delay
        return sim.due

    @staticmethod
    def _requests(pod: dict[str, Any]) -> dict[str, Decimal]:
        """Effective requests: the sum over containers, or the largest init container's if bigger."""
        spec = pod.get("spec") or {}
        total: dict[str, Decimal] = {}
        for c in spec.get("containers") or []:
            for res, q in ((c.get("resources") or {}).get("requests") or {}).items():
                total[res] = total.get(res, Decimal(0)) + (parse_quantity(q) or Decimal(0))
        for c in spec.get("initContainers") or []:
            for res, q in ((c.get("resources") or {}).get("requests") or {}).items():
                total[res] = max(total.get(res, Decimal(0)), parse_quantity(q) or Decimal(0))
        return total

    def _node_refuses(self, pod: dict[str, Any]) -> str | None:
        """The scheduler's message when the node is cordoned or has a taint the pod does not
        tolerate (the NodeUnschedulable and TaintToleration filters, in the scheduler's order)."""
        node = self.cp.api.store.get(("", "nodes", "", NODE_NAME)) or {}
        spec = node.get("spec") or {}
        tolerations = (pod.get("spec") or {}).get("tolerations") or []
        cordon = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
        if spec.get("unschedulable") and not _tolerated(cordon, tolerations):
            reason = "1 node(s) were unschedulable."
        else:
            taint = next(
                (
                    t
                    for t in spec.get("taints") or []
                    if t.get("effect") in ("NoSchedule", "NoExecute") and not _tolerated(t, tolerations)
                ),
                None,
            )
            if taint is None:
                return None
            reason = f"1 node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value', '')}}}."
        return (
            f"0/1 nodes are available: {reason} preemption: 0/1 nodes are available: 1 Preemption is not "
            "helpful for scheduling."
        )

    def _insufficient(self, pod: dict[str, Any]) -> str | None:
        """The scheduler's message when the node cannot fit the pod's cpu/memory requests."""
        node = self.cp.api.store.get(("", "nodes", "", NODE_NAME)) or {}
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        used = self.usage.total
        short = []
        for res, q in sorted(self._requests(pod).items()):
            cap = parse_quantity(allocatable.get(res))
            if res in ("cpu", "memory") and cap is not None and used.get(res, Decimal(0)) + q > cap:
                short.append(res)
        if not short:
            return None
        reasons = " ".join(f"1 Insufficient {res}." for res in short)
        return (
            f"0/1 nodes are available: {reasons} preemption: 0/1 nodes are available: 1 No preemption "
            "victims found for incoming pod."
        )

    @staticmethod
    def _containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
        return [c for c in (pod.get("spec") or {}).get("containers") or [] if isinstance(c, dict)]

    @staticmethod
    def _pulling(containers: list[dict[str, Any]], f: PodFailure) -> dict[str, Any]:
        """The container whose image fails to pull: the one ``f`` names, else the first."""
        named = [c for c in containers if f.image is not None and c.get("image") == f.image]
        return named[0] if named else (containers[0] if containers else {})

    def _unready_msg(self, pod: dict[str, Any], names: list[str] | None = None) -> str:
        names = names if names is not None else [c.get("name", "") for c in self._containers(pod)]
        return "containers with unready status: [" + " ".join(names) + "]"

    @staticmethod
    def _waiting(
        c: dict[str, Any],
        reason: str,
        message: str = "",
        restarts: int = 0,
        last: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        waiting: dict[str, Any] = {"reason": reason}
        if message:
            waiting["message"] = message
        return {
            "name": c.get("name", ""),
            "state": {"waiting": waiting},
            "lastState": last or {},
            "ready": False,
            "restartCount": restarts,
            "image": c.get("image", ""),
            "imageID": "",
            "started": False,
        }

    def _container_id(self, sim: PodSim, name: str) -> str:
        return sim.container_ids.setdefault(name, "containerd://" + secrets.token_hex(32))

    def _running(self, c: dict[str, Any], sim: PodSim, ready: bool) -> dict[str, Any]:
        image = c.get("image", "")
        return {
            "name": c.get("name", ""),
            "state": {"running": {"startedAt": sim.started_at}},
            "lastState": {},
            "ready": ready,
            "restartCount": sim.restarts,
            "image": image,
            "imageID": f"{_full_image(image).rsplit(':', 1)[0]}@sha256:{secrets.token_hex(32)}",
            "containerID": self._container_id(sim, c.get("name", "")),
            "started": True,
        }

    def _set_status(
        self, pod: dict[str, Any], phase: str, ready: bool, statuses: list[dict[str, Any]], reason: str = ""
    ) -> dict[str, Any] | None:
        new = copy.deepcopy(pod)
        status = new.setdefault("status", {})
        status["phase"] = phase
        unready = [s["name"] for s in statuses if not s.get("ready")]
        msg = self._unready_msg(pod, unready)
        terminal = phase in ("Succeeded", "Failed")
        status["conditions"] = [
            _cond("PodReadyToStartContainers", not terminal),
            _cond("Initialized", True),
            _cond(
                "Ready",
                ready,
                "" if ready else ("PodCompleted" if terminal else "ContainersNotReady"),
                "" if ready or terminal else msg,
            ),
            _cond(
                "ContainersReady",
                ready,
                "" if ready else ("PodCompleted" if terminal else "ContainersNotReady"),
                "" if ready or terminal else msg,
            ),
            _cond("PodScheduled", True),
        ]
        old_conds = {c["type"]: c for c in (pod.get("status") or {}).get("conditions") or []}
        for c in status["conditions"]:
            old = old_conds.get(c["type"])
            if old and old.get("status") == c["status"]:
                c["lastTransitionTime"] = old.get("lastTransitionTime", c["lastTransitionTime"])
        status["containerStatuses"] = statuses
        inits = [c for c in (pod.get("spec") or {}).get("initContainers") or [] if isinstance(c, dict)]
        if inits:
            done = (pod.get("status") or {}).get("initContainerStatuses") or [
                {
                    "name": c.get("name", ""),
                    "state": {
                        "terminated": {
                            "exitCode": 0,
                            "reason": "Completed",
                            "startedAt": _ts(),
                            "finishedAt": _ts(),
                        }
                    },
                    "lastState": {},
                    "ready": True,
                    "restartCount": 0,
                    "image": c.get("image", ""),
                    "imageID": "",
                    "started": False,
                }
                for c in inits
            ]
            status["initContainerStatuses"] = done
        if reason:
            status["reason"] = reason
        return self._write(new)

    def _start(self, pod: dict[str, Any], sim: PodSim, now: float) -> float | None:
        f = sim.failure
        containers = self._containers(pod)
        first = containers[0] if containers else {}
        name = first.get("name", "")
        image = first.get("image", "")
        retry = now + max(self.cp.config.pod_ready_delay, 0.05) * 4
        mount_problem = self._missing_volume(pod)
        if mount_problem is not None:
            self._event(pod, "FailedMount", mount_problem, "Warning")
            sim.due = retry
            return sim.due
        if f is not None and f.mode == "image-pull":
            first = self._pulling(containers, f)
            name, image = first.get("name", ""), first.get("image", "")
            self._event(pod, "Pulling", f'Pulling image "{image}"', container=name)
            full = _full_image(image)
            detail = f.message or (
                f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": '
                f'failed to resolve reference "{full}": {full}: not found'
            )
            self._event(pod, "Failed", f'Failed to pull image "{image}": {detail}', "Warning", container=name)
            self._event(pod, "Failed", "Error: ErrImagePull", "Warning", container=name)
            # the kubelet starts the containers it can; the pod stays Pending without the others
            sim.started_at = _ts()
            for c in containers:
                if c is not first:
                    self._started(pod, c)
            statuses = [
                self._waiting(c, "ErrImagePull", detail) if c is first else self._running(c, sim, True)
                for c in containers
            ]
            self._set_status(pod, "Pending", False, statuses)
            sim.stage = "failing"
            sim.due = now + max(self.cp.config.pod_ready_delay, 0.02)
            return sim.due
        config_problem = next((p for c in containers if (p := self._missing_env(pod, c)) is not None), None)
        if config_problem is not None:
            self._event(
                pod, "Pulled", f'Container image "{image}" already present on machine', container=name
            )
            self._event(pod, "Failed", f"Error: {config_problem}", "Warning", container=name)
            statuses = [self._waiting(c, "CreateContainerConfigError", config_problem) for c in containers]
            self._set_status(pod, "Pending", False, statuses)
            sim.due = retry
            return sim.due
        sim.started_at = _ts()
        for c in containers:
            self._started(pod, c)
        if f is not None and f.mode in ("crash-loop", "exit"):
            return self._crash(pod, sim, now, f)
        if f is not None and f.mode == "not-ready":
            self._set_status(pod, "Running", False, [self._running(c, sim, False) for c in containers])
            sim.stage = "failing"
            return self._keep_failing(pod, sim, now)
        if self.cp.config.run_pods:
            error = self.cp.start_process(pod)
            if error is not None:
                return self._exited(pod, sim, now, 128, error)
            sim.stage = "running"
            self._set_status(pod, "Running", False, [self._running(c, sim, False) for c in containers])
            sim.due = now + 0.02
            return sim.due
        if self._is_job_pod(pod):
            sim.stage = "running"
            self._set_status(pod, "Running", False, [self._running(c, sim, False) for c in containers])
            sim.due = now + self.cp.config.pod_ready_delay
            return sim.due
        sim.stage = "running"
        self._set_status(pod, "Running", True, [self._running(c, sim, True) for c in containers])
        return None

    def _started(self, pod: dict[str, Any], c: dict[str, Any]) -> None:
        """The kubelet's events for pulling, creating and starting one container."""
        name, image = c.get("name", ""), c.get("image", "")
        self._event(pod, "Pulling", f'Pulling image "{image}"', container=name)
        self._event(
            pod,
            "Pulled",
            f'Successfully pulled image "{image}" in 1.2s (1.2s including waiting). Image size: 1024 bytes.',
            container=name,
        )
        self._event(pod, "Created", f"Created container: {name}", container=name)
        self._event(pod, "Started", f"Started container {name}", container=name)

    def _lookup(self, plural: str, namespace: str, name: str) -> dict[str, Any] | None:
        rt = self.cp.rt("", plural)
        return self.cp.api.store.get(obj_key(rt, namespace, name))

    def _missing_volume(self, pod: dict[str, Any]) -> str | None:
        """FailedMount message for a configMap/secret volume whose object is absent."""
        ns = pod["metadata"]["namespace"]
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            sources = [
                ("configmaps", "configmap", vol.get("configMap"), "name"),
                ("secrets", "secret", vol.get("secret"), "secretName"),
            ]
            for proj in (vol.get("projected") or {}).get("sources") or []:
                sources += [
                    ("configmaps", "configmap", proj.get("configMap"), "name"),
                    ("secrets", "secret", proj.get("secret"), "name"),
                ]
            for plural, word, src, name_field in sources:
                if not isinstance(src, dict) or src.get("optional"):
                    continue
                ref = src.get(name_field, "")
                if self._lookup(plural, ns, ref) is None:
                    volume = vol.get("name", "")
                    return f'MountVolume.SetUp failed for volume "{volume}" : {word} "{ref}" not found'
        return None

    def _missing_env(self, pod: dict[str, Any], container: dict[str, Any]) -> str | None:
        """The kubelet's CreateContainerConfigError message for an unresolvable env reference."""
        ns = pod["metadata"]["namespace"]
        for src in container.get("envFrom") or []:
            for kind, plural, word in (
                ("configMapRef", "configmaps", "configmap"),
                ("secretRef", "secrets", "secret"),
            ):
                ref = src.get(kind)
                if (
                    isinstance(ref, dict)
                    and not ref.get("optional")
                    and self._lookup(plural, ns, ref.get("name", "")) is None
                ):
                    return f'{word} "{ref.get("name", "")}" not found'
        for var in container.get("env") or []:
            ref_src = var.get("valueFrom") or {}
            for kind, plural, word, title in (
                ("configMapKeyRef", "configmaps", "configmap", "ConfigMap"),
                ("secretKeyRef", "secrets", "secret", "Secret"),
            ):
                ref = ref_src.get(kind)
                if not isinstance(ref, dict) or ref.get("optional"):
                    continue
                obj = self._lookup(plural, ns, ref.get("name", ""))
                if obj is None:
                    return f'{word} "{ref.get("name", "")}" not found'
                if ref.get("key") not in (obj.get("data") or {}):
                    return f"couldn't find key {ref.get('key')} in {title} {ns}/{ref.get('name', '')}"
        return None

    @staticmethod
    def _is_job_pod(pod: dict[str, Any]) -> bool:
        return any(r.get("kind") == "Job" for r in pod["metadata"].get("ownerReferences") or [])

    def _while_running(self, pod: dict[str, Any], sim: PodSim, now: float) -> float | None:
        containers = self._containers(pod)
        if self.cp.config.run_pods:
            code = self.cp.process_exit_code(pod["metadata"]["uid"])
            if code is not None:
                return self._exited(pod, sim, now, code, self._fallback_message(pod, code))
            ready = self.cp.process_ready(pod)
            current = all(s.get("ready") for s in (pod.get("status") or {}).get("containerStatuses") or [{}])
            if ready and not current:
                self._set_status(pod, "Running", True, [self._running(c, sim, True) for c in containers])
            sim.due = now + 0.05
            return sim.due
        if self._is_job_pod(pod):
            return self._exited(pod, sim, now, 0, "")
        return None

    def _fallback_message(self, pod: dict[str, Any], code: int) -> str:
        """The kubelet's termination message for ``terminationMessagePolicy: FallbackToLogsOnError``:
        the end of the failed container's log (no container writes /dev/termination-log here)."""
        containers = self._containers(pod)
        policy = containers[0].get("terminationMessagePolicy") if containers else None
        if code == 0 or policy != "FallbackToLogsOnError":
            return ""
        return self.cp.process_log_tail(pod["metadata"]["uid"])

    def _exited(self, pod: dict[str, Any], sim: PodSim, now: float, code: int, message: str) -> float | None:
        containers = self._containers(pod)
        restart = (pod.get("spec") or {}).get("restartPolicy", "Always")
        if restart == "Always" or (restart == "OnFailure" and code != 0):
            return self._crash(pod, sim, now, PodFailure("exit", exit_code=code, message=message))
        statuses = []
        for c in containers:
            term: dict[str, Any] = {
                "exitCode": code,
                "reason": "Completed" if code == 0 else "Error",
                "startedAt": sim.started_at or _ts(),
                "finishedAt": _ts(),
                "containerID": self._container_id(sim, c.get("name", "")),
            }
            if message:
                term["message"] = message
            statuses.append(
                {
                    "name": c.get("name", ""),
                    "state": {"terminated": term},
                    "lastState": {},
                    "ready": False,
                    "restartCount": sim.restarts,
                    "image": c.get("image", ""),
                    "imageID": "",
                    "containerID": term["containerID"],
                    "started": False,
                }
            )
        self._set_status(pod, "Succeeded" if code == 0 else "Failed", False, statuses)
        sim.stage = "finished"
        self.cp.wake()
        return None

    def _crash(self, pod: dict[str, Any], sim: PodSim, now: float, f: PodFailure) -> float | None:
        restart = (pod.get("spec") or {}).get("restartPolicy", "Always")
        if f.mode == "exit" and (restart == "Never" or (restart == "OnFailure" and f.exit_code == 0)):
            return self._exited(pod, sim, now, f.exit_code, f.message or "")
        sim.restarts += 1
        containers = self._containers(pod)
        first = containers[0] if containers else {}
        name = first.get("name", "")
        meta = pod["metadata"]
        last = {
            "terminated": {
                "exitCode": f.exit_code or 1,
                "reason": "Error" if f.exit_code != 0 else "Completed",
                "startedAt": sim.started_at or _ts(),
                "finishedAt": _ts(),
                "containerID": self._container_id(sim, name),
            }
        }
        if f.mode == "exit" and f.message:
            last["terminated"]["message"] = f.message
        backoff = min(10 * 2 ** (sim.restarts - 1), 300)
        msg = (
            (f"back-off {backoff // 60}m{backoff % 60}s" if backoff >= 60 else f"back-off {backoff}s")
            + f" restarting failed container={name} "
            + f"pod={meta['name']}_{meta.get('namespace', '')}({meta['uid']})"
        )
        statuses = [
            self._waiting(c, "CrashLoopBackOff", msg, sim.restarts, last)
            if c is first
            else self._running(c, sim, True)
            for c in containers
        ]
        # the kubelet records the event before its next status sync
        self._event(
            pod,
            "BackOff",
            f"Back-off restarting failed container {name} in pod "
            f"{meta['name']}_{meta.get('namespace', '')}({meta['uid']})",
            "Warning",
            container=name,
        )
        self._set_status(pod, "Running", False, statuses)
        sim.stage = "failing"
        sim.failure = f
        sim.due = now + max(self.cp.config.pod_ready_delay, 0.05) * 4
        return sim.due

    def _keep_failing(self, pod: dict[str, Any], sim: PodSim, now: float) -> float | None:
        f = sim.failure
        if f is None:
            return None
        if f.mode == "not-ready":
            containers = self._containers(pod)
            first = containers[0] if containers else {}
            message = f.message or "Readiness probe failed: HTTP probe failed with statuscode: 503"
            self._event(pod, "Unhealthy", message, "Warning", container=first.get("name", ""))
            sim.due = now + max(self.cp.config.pod_ready_delay, 0.05) * 4
            return sim.due
        if f.mode == "image-pull":
            containers = self._containers(pod)
            first = self._pulling(containers, f)
            image = first.get("image", "")
            self._event(pod, "BackOff", f'Back-off pulling image "{image}"', container=first.get("name", ""))
            self._event(pod, "Failed", "Error: ImagePullBackOff", "Warning", container=first.get("name", ""))
            statuses = [
                self._waiting(c, "ImagePullBackOff", f'Back-off pulling image "{image}"')
                if c is first
                else self._running(c, sim, True)
                for c in containers
            ]
            self._set_status(pod, "Pending", False, statuses)
            sim.stage = "backoff"
            return None
        if sim.restarts >= 5:
            return None
        return self._crash(pod, sim, now, f)

    def _terminate(self, pod: dict[str, Any], sim: PodSim, now: float) -> float | None:
        if sim.stage != "terminating":
            sim.stage = "terminating"
            uid = pod["metadata"]["uid"]
            self.cp.stop_process(uid)
            for c in self._containers(pod):
                if (pod.get("status") or {}).get("phase") == "Running":
                    self._event(
                        pod, "Killing", f"Stopping container {c.get('name', '')}", container=c.get("name", "")
                    )
            sim.due = now + self.cp.config.pod_terminate_delay
            return sim.due
        if sim.due > now:
            return sim.due
        meta = pod["metadata"]
        if meta.get("finalizers"):
            new = copy.deepcopy(pod)
            new["metadata"].setdefault("annotations", {})["kts-emulator/terminated"] = "true"
            self.cp.api.system_update(self.cp.pod_type, new)
            return None
        self.cp.api.force_remove(self.cp.pod_type, meta.get("namespace", ""), meta["name"])
        return None
