"""Per-kind readiness rules and hopeless-pod detection, as pure functions of observed objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

State = Literal["ready", "pending", "failed"]

#: Container waiting reasons that can never resolve by themselves.
_FATAL_WAITING = {
    "InvalidImageName",
    "ErrImageNeverPull",
    "CreateContainerConfigError",
    "CreateContainerError",
}
_PULL_WAITING = {"ErrImagePull", "ImagePullBackOff", "RegistryUnavailable"}
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"}


@dataclass(frozen=True)
class Verdict:
    state: State
    message: str = ""


READY = Verdict("ready")


def pending(msg: str) -> Verdict:
    return Verdict("pending", msg)


def failed(msg: str) -> Verdict:
    return Verdict("failed", msg)


def condition(obj: dict[str, Any], ctype: str) -> dict[str, Any] | None:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == ctype:
            return c
    return None


def _is_true(obj: dict[str, Any], ctype: str) -> bool:
    c = condition(obj, ctype)
    return bool(c and c.get("status") == "True")


def _generation_observed(obj: dict[str, Any], *, required: bool = True) -> bool:
    """Whether the controller has seen the current spec; ``required=False`` for custom resources,
    whose controllers may not report observedGeneration at all."""
    gen = (obj.get("metadata") or {}).get("generation")
    observed = (obj.get("status") or {}).get("observedGeneration")
    if observed is None:
        return gen is None or not required
    return gen is None or observed >= gen


def assess(obj: dict[str, Any], *, wait_for_first_consumer: bool = False) -> Verdict:
    """Readiness of one live object by its kind; ``failed`` means it will never become ready."""
    if (obj.get("metadata") or {}).get("deletionTimestamp"):
        return failed("is being deleted")
    kind = obj.get("kind")
    rule = _RULES.get(str(kind))
    if rule is not None:
        return rule(obj, wait_for_first_consumer)
    return _custom(obj)


def _pod(obj: dict[str, Any], _: bool) -> Verdict:
    status = obj.get("status") or {}
    phase = status.get("phase")
    if phase == "Failed":
        return failed(f"pod failed: {status.get('reason') or ''} {status.get('message') or ''}".strip())
    if phase == "Succeeded":
        return failed("pod terminated: all containers exited")
    if phase == "Running" and _is_true(obj, "Ready"):
        return READY
    return pending(f"pod phase {phase or 'Pending'}, not Ready")


def _deployment(obj: dict[str, Any], _: bool) -> Verdict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if spec.get("paused"):
        return READY
    if not _generation_observed(obj):
        return pending("waiting for the deployment spec to be observed")
    prog = condition(obj, "Progressing")
    if prog and prog.get("reason") == "ProgressDeadlineExceeded":
        return failed(f"rollout exceeded its progress deadline: {prog.get('message', '')}")
    want = spec.get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    if updated < want:
        return pending(f"{updated} of {want} updated replicas")
    if status.get("replicas", 0) > updated:
        return pending(f"{status.get('replicas', 0) - updated} old replicas pending termination")
    if status.get("availableReplicas", 0) < updated:
        return pending(f"{status.get('availableReplicas', 0)} of {updated} updated replicas available")
    return READY


def _statefulset(obj: dict[str, Any], _: bool) -> Verdict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if not _generation_observed(obj):
        return pending("waiting for the statefulset spec to be observed")
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type") == "OnDelete":
        return READY
    want = spec.get("replicas", 1)
    partition = (strategy.get("rollingUpdate") or {}).get("partition", 0) or 0
    if status.get("readyReplicas", 0) < want:
        return pending(f"{status.get('readyReplicas', 0)} of {want} pods ready")
    if partition:
        if status.get("updatedReplicas", 0) < want - partition:
            return pending("waiting for partitioned rollout")
        return READY
    if status.get("updateRevision") and status.get("currentRevision") != status.get("updateRevision"):
        return pending("waiting for the rolling update to finish")
    return READY


def _daemonset(obj: dict[str, Any], _: bool) -> Verdict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if not _generation_observed(obj):
        return pending("waiting for the daemonset spec to be observed")
    if (spec.get("updateStrategy") or {}).get("type") == "OnDelete":
        return READY
    desired = status.get("desiredNumberScheduled", 0)
    if status.get("updatedNumberScheduled", 0) < desired:
        return pending(f"{status.get('updatedNumberScheduled', 0)} of {desired} updated pods scheduled")
    if status.get("numberAvailable", 0) < desired:
        return pending(f"{status.get('numberAvailable', 0)} of {desired} pods available")
    return READY


def _replicaset(obj: dict[str, Any], _: bool) -> Verdict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if not _generation_observed(obj):
        return pending("waiting for the spec to be observed")
    want = spec.get("replicas", 1)
    if status.get("availableReplicas", 0) < want:
        return pending(f"{status.get('availableReplicas', 0)} of {want} replicas available")
    return READY


def _job(obj: dict[str, Any], _: bool) -> Verdict:
    failed_c = condition(obj, "Failed")
    if failed_c and failed_c.get("status") == "True":
        return failed(f"job failed: {failed_c.get('reason', '')}: {failed_c.get('message', '')}".strip(": "))
    if _is_true(obj, "Complete"):
        return READY
    return pending(f"job not complete ({(obj.get('status') or {}).get('succeeded', 0)} succeeded)")


def _pvc(obj: dict[str, Any], wffc: bool) -> Verdict:
    phase = (obj.get("status") or {}).get("phase")
    if phase == "Bound" or wffc:
        return READY
    if phase == "Lost":
        return failed("persistent volume claim lost its volume")
    return pending(f"claim {phase or 'Pending'}, not Bound")


def _service(obj: dict[str, Any], _: bool) -> Verdict:
    spec = obj.get("spec") or {}
    stype = spec.get("type", "ClusterIP")
    if stype == "ExternalName":
        return READY
    if not spec.get("clusterIP"):
        return pending("no cluster IP yet")
    if stype == "LoadBalancer" and not spec.get("externalIPs"):
        ingress = ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress")
        if not ingress:
            return pending("load balancer has no ingress yet")
    return READY


def _crd(obj: dict[str, Any], _: bool) -> Verdict:
    if _is_true(obj, "Established"):
        return READY
    names = condition(obj, "NamesAccepted")
    if names and names.get("status") == "False":
        return failed(f"names not accepted: {names.get('message', '')}")
    return pending("not established")


def _custom(obj: dict[str, Any]) -> Verdict:
    """Custom resources: a Ready or Available condition decides; without one, existing is ready."""
    for ctype in ("Ready", "Available"):
        c = condition(obj, ctype)
        if c is None:
            continue
        if c.get("status") == "True" and _generation_observed(obj, required=False):
            return READY
        stalled = condition(obj, "Stalled")
        if stalled and stalled.get("status") == "True":
            return failed(f"stalled: {stalled.get('message', '')}")
        return pending(f"{ctype}={c.get('status')}: {c.get('message', '')}".rstrip(": "))
    return READY


_RULES = {
    "Pod": _pod,
    "Deployment": _deployment,
    "StatefulSet": _statefulset,
    "DaemonSet": _daemonset,
    "ReplicaSet": _replicaset,
    "ReplicationController": _replicaset,
    "Job": _job,
    "PersistentVolumeClaim": _pvc,
    "Service": _service,
    "CustomResourceDefinition": _crd,
}
_EXISTENCE_KINDS = (
    "ConfigMap", "Secret", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
    "CronJob", "Namespace", "NetworkPolicy", "Ingress", "PodDisruptionBudget",
)  # fmt: skip
#: Kinds whose readiness the apply response already settles (no controller changes it afterwards).
SETTLED_KINDS = frozenset({*_EXISTENCE_KINDS, "Service"}) - {"Namespace"}
for _k in _EXISTENCE_KINDS:
    _RULES[_k] = lambda obj, _w: READY


def pod_problem(pod: dict[str, Any], *, now: float, first_seen: dict[str, float], pull_grace: float,
                crash_fatal: bool = True) -> str | None:  # fmt: skip
    """Why a pod can never become ready, or None. ``first_seen`` remembers when each image-pull failure
    was first observed, so pulls only count as hopeless after ``pull_grace`` seconds."""
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    name = meta.get("name", "")
    sched = condition(pod, "PodScheduled")
    if (
        sched
        and sched.get("status") == "False"
        and sched.get("reason") == "Unschedulable"
        and "PersistentVolumeClaim" not in str(sched.get("message", ""))  # claims still binding
    ):
        return f"pod {name} unschedulable: {sched.get('message', '')}".rstrip(": ")
    statuses = list(status.get("initContainerStatuses") or []) + list(status.get("containerStatuses") or [])
    main = ((spec.get("containers") or [{}])[0]).get("name")
    restart = spec.get("restartPolicy", "Always")
    for cs in statuses:
        cname = cs.get("name", "")
        state = cs.get("state") or {}
        waiting = state.get("waiting") or {}
        reason = waiting.get("reason", "")
        detail = f"{reason}: {waiting.get('message', '')}".rstrip(": ")
        key = f"{name}/{cname}"
        if reason in _FATAL_WAITING:
            return f"container {cname} of pod {name}: {detail}"
        if reason in _PULL_WAITING:
            since = first_seen.setdefault(key, now)
            if now - since >= pull_grace:
                image = cs.get("image", "")
                return f"container {cname} of pod {name} cannot pull image {image}: {detail}"
        else:
            first_seen.pop(key, None)
        if crash_fatal and reason == "CrashLoopBackOff":
            return f"container {cname} of pod {name} is in CrashLoopBackOff{_last_exit(cs)}"
        term = state.get("terminated")
        if crash_fatal and term and cname == main and restart != "Always":
            return (
                f"container {cname} of pod {name} terminated: {term.get('reason', '')} "
                f"(exit code {term.get('exitCode')}){_message(term)}"
            )
    return None


def _last_exit(cs: dict[str, Any]) -> str:
    term = (cs.get("lastState") or {}).get("terminated")
    if not term:
        return ""
    return f" (last exit code {term.get('exitCode')}, {term.get('reason', '')}){_message(term)}"


def _message(term: dict[str, Any]) -> str:
    """The termination message, or the end of a long one: logs (FallbackToLogsOnError) end with the error."""
    msg = (term.get("message") or "").strip()
    if len(msg) > 500:
        msg = "…" + msg[-500:]
    return f": {msg}" if msg else ""
