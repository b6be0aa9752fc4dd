"""Workload controllers: Deployment -> ReplicaSet -> Pods, StatefulSet (ordered pods and claims),
Job (pods to completion or backoff limit), each reporting status like the real controllers."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
from typing import TYPE_CHECKING, Any

from kts.testing.errors import ApiError
from kts.testing.operations import WriteOptions, now, random_suffix
from kts.testing.resources import ResourceType
from kts.testing.store import obj_key

if TYPE_CHECKING:
    from kts.testing.controlplane import ControlPlane
    from kts.testing.operations import Api

_MANAGER = "kube-controller-manager"
_REVISION = "deployment.kubernetes.io/revision"
_REVISION_HISTORY = "deployment.kubernetes.io/revision-history"


def _revision(rs: dict[str, Any]) -> int:
    """A ReplicaSet's rollout revision (its annotation; 0 when unset or not a number)."""
    text = (rs["metadata"].get("annotations") or {}).get(_REVISION, "")
    return int(text) if text.isdigit() else 0


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def template_hash(template: dict[str, Any]) -> str:
    """The pod-template-hash: of the template as its Go type holds it, so a null (a template's
    ``creationTimestamp: null`` as Go clients write it back) changes nothing."""
    digest = hashlib.sha256(json.dumps(_without_nulls(template), sort_keys=True).encode()).digest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:10])


def pod_ready(pod: dict[str, Any]) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def _phase(pod: dict[str, Any]) -> str:
    return (pod.get("status") or {}).get("phase", "Pending")


def merge_conditions(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep a condition's timestamps while its status and reason stay the same."""
    by_type = {c.get("type"): c for c in old}
    out = []
    for c in new:
        prev = by_type.get(c["type"])
        if prev and prev.get("status") == c.get("status") and prev.get("reason") == c.get("reason"):
            for stamp in ("lastTransitionTime", "lastUpdateTime", "lastProbeTime"):
                if stamp in prev:
                    c[stamp] = prev[stamp]
        out.append(c)
    return out


def _cond(type_: str, status: bool, reason: str, message: str, update_time: bool = False) -> dict[str, Any]:
    c = {
        "type": type_,
        "status": "True" if status else "False",
        "reason": reason,
        "message": message,
        "lastTransitionTime": now(),
    }
    if update_time:
        c["lastUpdateTime"] = now()
    return c


class Workloads:
    def __init__(self, cp: ControlPlane) -> None:
        self.cp = cp
        self._progress_start: dict[tuple[str, int], float] = {}
        self._finished_at: dict[str, float] = {}

    @property
    def api(self) -> Api:
        return self.cp.api

    def reconcile(self, t: float, dues: list[float]) -> None:
        self._deployments(t, dues)
        self._replicasets()
        self._statefulsets()
        self._jobs(t, dues)

    # -- shared ------------------------------------------------------------------------------

    def _owned(self, group: str, plural: str, namespace: str, owner_uid: str) -> list[dict[str, Any]]:
        return [
            o
            for o in self.api.store.items(group, plural, namespace)
            if any(
                r.get("uid") == owner_uid and r.get("controller")
                for r in o["metadata"].get("ownerReferences") or []
            )
        ]

    @staticmethod
    def _owner_ref(owner: dict[str, Any], rt: ResourceType) -> dict[str, Any]:
        return {
            "apiVersion": rt.api_version,
            "kind": rt.kind,
            "name": owner["metadata"]["name"],
            "uid": owner["metadata"]["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }

    def _create(
        self,
        rt: ResourceType,
        namespace: str,
        obj: dict[str, Any],
        owner: dict[str, Any] | None = None,
        component: str = "",
    ) -> dict[str, Any] | None:
        """Create a child; a refusal becomes the owner's FailedCreate warning, as the real
        controllers report it, and is retried on a later pass."""
        try:
            return self.api.create(rt, namespace, obj, WriteOptions(manager=_MANAGER)).obj
        except ApiError as e:
            if owner is not None and e.code != 409:
                self.cp.events.record(
                    owner, "FailedCreate", f"Error creating: {e.message}", "Warning", component=component
                )
            return None

    def _delete(self, rt: ResourceType, namespace: str, name: str) -> None:
        with contextlib.suppress(ApiError):
            self.api.delete(rt, namespace, name, {"propagationPolicy": "Background"})

    def _pod_from_template(
        self,
        owner: dict[str, Any],
        owner_rt: ResourceType,
        template: dict[str, Any],
        name: str,
        extra_labels: dict[str, str],
    ) -> dict[str, Any]:
        tmeta = template.get("metadata") or {}
        meta: dict[str, Any] = {
            "name": name,
            "labels": {**(tmeta.get("labels") or {}), **extra_labels},
            "ownerReferences": [self._owner_ref(owner, owner_rt)],
        }
        if tmeta.get("annotations"):
            meta["annotations"] = dict(tmeta["annotations"])
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": meta,
            "spec": copy.deepcopy(template.get("spec")),
        }

    def _set_status(self, rt: ResourceType, obj: dict[str, Any], status: dict[str, Any]) -> None:
        old_status = obj.get("status") or {}
        if "conditions" in status:
            status["conditions"] = merge_conditions(old_status.get("conditions") or [], status["conditions"])
        if status == old_status:
            return
        new = copy.deepcopy(obj)
        new["status"] = status
        self.api.system_update(rt, new, manager=_MANAGER)

    def _live_pods(self, namespace: str, uid: str) -> list[dict[str, Any]]:
        return [
            p for p in self._owned("", "pods", namespace, uid) if not p["metadata"].get("deletionTimestamp")
        ]

    # -- Deployment --------------------------------------------------------------------------

    def _deployments(self, t: float, dues: list[float]) -> None:
        rt = self.cp.rt("apps", "deployments")
        rs_rt = self.cp.rt("apps", "replicasets")
        for d in self.api.store.items("apps", "deployments"):
            meta, spec = d["metadata"], d.get("spec") or {}
            if meta.get("deletionTimestamp"):
                continue
            ns = meta["namespace"]
            template = spec.get("template") or {}
            h = template_hash(template)
            rs_name = f"{meta['name']}-{h}"
            desired = int(spec.get("replicas", 1))
            owned = self._owned("apps", "replicasets", ns, meta["uid"])
            new_rs = next((r for r in owned if r["metadata"]["name"] == rs_name), None)
            top = max((_revision(r) for r in owned), default=0)
            if new_rs is not None and _revision(new_rs) < top:
                # back to an older template (rollout undo): its ReplicaSet becomes the newest revision
                bumped = copy.deepcopy(new_rs)
                ann = bumped["metadata"].setdefault("annotations", {})
                history = [h for h in ann.get(_REVISION_HISTORY, "").split(",") if h]
                ann[_REVISION_HISTORY] = ",".join([*history, str(_revision(new_rs))])
                ann[_REVISION] = str(top + 1)
                new_rs = self.api.system_update(rs_rt, bumped, manager=_MANAGER, subresource="") or new_rs
                top += 1
            stamp = str(_revision(new_rs)) if new_rs is not None else None
            if stamp is not None and (meta.get("annotations") or {}).get(_REVISION) != stamp:
                stamped = copy.deepcopy(d)
                stamped["metadata"].setdefault("annotations", {})[_REVISION] = stamp
                d = self.api.system_update(rt, stamped, manager=_MANAGER, subresource="") or d
                meta = d["metadata"]
            if new_rs is None and self.api.store.get(obj_key(rs_rt, ns, rs_name)) is None:
                labels = {**((template.get("metadata") or {}).get("labels") or {}), "pod-template-hash": h}
                tpl = copy.deepcopy(template)
                tpl.setdefault("metadata", {})["labels"] = labels
                selector = copy.deepcopy(spec.get("selector") or {})
                selector.setdefault("matchLabels", {})["pod-template-hash"] = h
                rs = {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "metadata": {
                        "name": rs_name,
                        "labels": labels,
                        "annotations": {
                            "deployment.kubernetes.io/desired-replicas": str(desired),
                            _REVISION: str(top + 1),
                        },
                        "ownerReferences": [self._owner_ref(d, rt)],
                    },
                    "spec": {"replicas": desired, "selector": selector, "template": tpl},
                }
                new_rs = self._create(rs_rt, ns, rs)
                if new_rs is not None:
                    self.cp.events.record(
                        d,
                        "ScalingReplicaSet",
                        f"Scaled up replica set {rs_name} from 0 to {desired}",
                        component="deployment-controller",
                    )
            elif new_rs is not None and int((new_rs.get("spec") or {}).get("replicas", 0)) != desired:
                scaled = copy.deepcopy(new_rs)
                scaled["spec"]["replicas"] = desired
                self.api.system_update(rs_rt, scaled)
            for old in owned:
                if (
                    old["metadata"]["name"] != rs_name
                    and int((old.get("spec") or {}).get("replicas", 0)) != 0
                ):
                    scaled = copy.deepcopy(old)
                    scaled["spec"]["replicas"] = 0
                    self.api.system_update(rs_rt, scaled)
            pods = [
                p
                for r in self._owned("apps", "replicasets", ns, meta["uid"])
                for p in self._live_pods(ns, r["metadata"]["uid"])
            ]
            new_uid = new_rs["metadata"]["uid"] if new_rs else ""
            updated = [
                p
                for p in pods
                if any(r.get("uid") == new_uid for r in p["metadata"].get("ownerReferences") or [])
            ]
            ready = [p for p in pods if pod_ready(p)]
            complete = len(updated) == desired and len(pods) == desired and len(ready) == desired
            gen = int(meta.get("generation", 1))
            key = (meta["uid"], gen)
            if complete:
                self._progress_start.pop(key, None)
                progressing = _cond(
                    "Progressing",
                    True,
                    "NewReplicaSetAvailable",
                    f'ReplicaSet "{rs_name}" has successfully progressed.',
                    True,
                )
            else:
                start = self._progress_start.setdefault(key, t)
                deadline = start + float(spec.get("progressDeadlineSeconds", 600))
                if t >= deadline:
                    progressing = _cond(
                        "Progressing",
                        False,
                        "ProgressDeadlineExceeded",
                        f'ReplicaSet "{rs_name}" has timed out progressing.',
                        True,
                    )
                else:
                    dues.append(deadline)
                    progressing = _cond(
                        "Progressing",
                        True,
                        "ReplicaSetUpdated",
                        f'ReplicaSet "{rs_name}" is progressing.',
                        True,
                    )
            available = len(ready) >= desired
            status: dict[str, Any] = {
                "observedGeneration": gen,
                "replicas": len(pods),
                "updatedReplicas": len(updated),
                "readyReplicas": len(ready),
                "availableReplicas": len(ready),
                "conditions": [
                    _cond(
                        "Available",
                        available,
                        "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                        "Deployment has minimum availability."
                        if available
                        else "Deployment does not have minimum availability.",
                        True,
                    ),
                    progressing,
                ],
            }
            if len(pods) - len(ready) > 0:
                status["unavailableReplicas"] = len(pods) - len(ready)
            for k in ("readyReplicas", "availableReplicas", "updatedReplicas", "replicas"):
                if status[k] == 0:
                    del status[k]
            self._set_status(rt, d, status)

    # -- ReplicaSet --------------------------------------------------------------------------

    def _replicasets(self) -> None:
        rt = self.cp.rt("apps", "replicasets")
        pod_rt = self.cp.pod_type
        for rs in self.api.store.items("apps", "replicasets"):
            meta, spec = rs["metadata"], rs.get("spec") or {}
            if meta.get("deletionTimestamp"):
                continue
            ns = meta["namespace"]
            desired = int(spec.get("replicas", 1))
            pods = [p for p in self._live_pods(ns, meta["uid"]) if _phase(p) not in ("Succeeded", "Failed")]
            for p in self._live_pods(ns, meta["uid"]):
                if _phase(p) in ("Succeeded", "Failed"):
                    self._delete(pod_rt, ns, p["metadata"]["name"])
            for _ in range(desired - len(pods)):
                name = f"{meta['name']}-{random_suffix()}"
                created = self._create(
                    pod_rt,
                    ns,
                    self._pod_from_template(rs, rt, spec.get("template") or {}, name, {}),
                    rs,
                    "replicaset-controller",
                )
                if created is not None:
                    pods.append(created)
                    self.cp.events.record(
                        rs, "SuccessfulCreate", f"Created pod: {name}", component="replicaset-controller"
                    )
            if len(pods) > desired:
                victims = sorted(pods, key=lambda p: (pod_ready(p), p["metadata"]["name"]))[
                    : len(pods) - desired
                ]
                for p in victims:
                    self._delete(pod_rt, ns, p["metadata"]["name"])
                    self.cp.events.record(
                        rs,
                        "SuccessfulDelete",
                        f"Deleted pod: {p['metadata']['name']}",
                        component="replicaset-controller",
                    )
                pods = [p for p in pods if p not in victims]
            ready = sum(1 for p in pods if pod_ready(p))
            status: dict[str, Any] = {
                "replicas": len(pods),
                "fullyLabeledReplicas": len(pods),
                "readyReplicas": ready,
                "availableReplicas": ready,
                "observedGeneration": int(meta.get("generation", 1)),
            }
            for k in ("readyReplicas", "availableReplicas", "fullyLabeledReplicas"):
                if status[k] == 0:
                    del status[k]
            self._set_status(rt, rs, status)

    # -- StatefulSet -------------------------------------------------------------------------

    def _statefulsets(self) -> None:
        rt = self.cp.rt("apps", "statefulsets")
        pod_rt = self.cp.pod_type
        pvc_rt = self.cp.rt("", "persistentvolumeclaims")
        for sts in self.api.store.items("apps", "statefulsets"):
            meta, spec = sts["metadata"], sts.get("spec") or {}
            if meta.get("deletionTimestamp"):
                continue
            ns, name = meta["namespace"], meta["name"]
            desired = int(spec.get("replicas", 1))
            template = spec.get("template") or {}
            revision = f"{name}-{template_hash(template)}"
            ordered = spec.get("podManagementPolicy", "OrderedReady") == "OrderedReady"
            pods = {p["metadata"]["name"]: p for p in self._owned("", "pods", ns, meta["uid"])}
            for i in range(desired):
                pod_name = f"{name}-{i}"
                pod = pods.get(pod_name)
                if pod is not None:
                    if pod["metadata"].get("deletionTimestamp"):
                        if ordered:
                            break
                        continue
                    if (pod["metadata"].get("labels") or {}).get(
                        "controller-revision-hash"
                    ) != revision or _phase(pod) in ("Failed", "Succeeded"):
                        self._delete(pod_rt, ns, pod_name)
                        break
                    if ordered and not pod_ready(pod):
                        break
                    continue
                for tpl in spec.get("volumeClaimTemplates") or []:
                    claim = f"{tpl['metadata']['name']}-{name}-{i}"
                    if self.api.store.get(obj_key(pvc_rt, ns, claim)) is None:
                        labels = dict((template.get("metadata") or {}).get("labels") or {})
                        self._create(
                            pvc_rt,
                            ns,
                            {
                                "apiVersion": "v1",
                                "kind": "PersistentVolumeClaim",
                                "metadata": {"name": claim, "labels": labels},
                                "spec": copy.deepcopy(tpl.get("spec") or {}),
                            },
                        )
                        self.cp.events.record(
                            sts,
                            "SuccessfulCreate",
                            f"create Claim {claim} Pod {pod_name} in StatefulSet {name} success",
                            component="statefulset-controller",
                        )
                new_pod = self._pod_from_template(
                    sts,
                    rt,
                    template,
                    pod_name,
                    {
                        "controller-revision-hash": revision,
                        "statefulset.kubernetes.io/pod-name": pod_name,
                        "apps.kubernetes.io/pod-index": str(i),
                    },
                )
                pspec = new_pod["spec"] or {}
                pspec["hostname"] = pod_name
                if spec.get("serviceName"):
                    pspec["subdomain"] = spec["serviceName"]
                vols = pspec.setdefault("volumes", [])
                for tpl in spec.get("volumeClaimTemplates") or []:
                    vname = tpl["metadata"]["name"]
                    if not any(v.get("name") == vname for v in vols):
                        vols.append(
                            {"name": vname, "persistentVolumeClaim": {"claimName": f"{vname}-{name}-{i}"}}
                        )
                if self._create(pod_rt, ns, new_pod, sts, "statefulset-controller") is not None:
                    self.cp.events.record(
                        sts,
                        "SuccessfulCreate",
                        f"create Pod {pod_name} in StatefulSet {name} successful",
                        component="statefulset-controller",
                    )
                if ordered:
                    break
            for pod_name, pod in pods.items():
                idx = pod_name.rsplit("-", 1)[-1]
                if idx.isdigit() and int(idx) >= desired and not pod["metadata"].get("deletionTimestamp"):
                    self._delete(pod_rt, ns, pod_name)
            live = [
                p
                for p in self._owned("", "pods", ns, meta["uid"])
                if not p["metadata"].get("deletionTimestamp")
            ]
            updated = [
                p
                for p in live
                if (p["metadata"].get("labels") or {}).get("controller-revision-hash") == revision
            ]
            ready = [p for p in live if pod_ready(p)]
            old_status = sts.get("status") or {}
            current_revision = (
                revision if len(updated) == desired else old_status.get("currentRevision", revision)
            )
            status: dict[str, Any] = {
                "observedGeneration": int(meta.get("generation", 1)),
                "replicas": len(live),
                "readyReplicas": len(ready),
                "currentReplicas": len(updated) if current_revision == revision else len(live) - len(updated),
                "updatedReplicas": len(updated),
                "availableReplicas": len(ready),
                "currentRevision": current_revision,
                "updateRevision": revision,
                "collisionCount": 0,
            }
            for k in ("readyReplicas", "currentReplicas", "updatedReplicas"):
                if status[k] == 0:
                    del status[k]
            self._set_status(rt, sts, status)

    # -- Job ---------------------------------------------------------------------------------

    def _jobs(self, t: float, dues: list[float]) -> None:
        rt = self.cp.rt("batch", "jobs")
        pod_rt = self.cp.pod_type
        for job in self.api.store.items("batch", "jobs"):
            meta, spec = job["metadata"], job.get("spec") or {}
            if meta.get("deletionTimestamp") or spec.get("suspend"):
                continue
            old_status = job.get("status") or {}
            if any(
                c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
                for c in old_status.get("conditions") or []
            ):
                ttl = spec.get("ttlSecondsAfterFinished")
                if ttl is not None:
                    # the TTL-after-finished controller
                    finished = self._finished_at.setdefault(meta["uid"], t)
                    if t >= finished + float(ttl):
                        self._delete(rt, meta["namespace"], meta["name"])
                    else:
                        dues.append(finished + float(ttl))
                continue
            ns = meta["namespace"]
            pods = self._owned("", "pods", ns, meta["uid"])
            succeeded = sum(1 for p in pods if _phase(p) == "Succeeded")
            failed = sum(1 for p in pods if _phase(p) == "Failed")
            active = [
                p
                for p in pods
                if _phase(p) not in ("Succeeded", "Failed") and not p["metadata"].get("deletionTimestamp")
            ]
            completions = int(spec.get("completions", 1))
            parallelism = int(spec.get("parallelism", 1))
            backoff = int(spec.get("backoffLimit", 6))
            status: dict[str, Any] = {
                "startTime": old_status.get("startTime") or now(),
                "uncountedTerminatedPods": {},
            }
            conditions: list[dict[str, Any]] = []
            if succeeded >= completions:
                conditions = [
                    _cond(
                        "SuccessCriteriaMet",
                        True,
                        "CompletionsReached",
                        "Reached expected number of succeeded pods",
                    ),
                    _cond(
                        "Complete", True, "CompletionsReached", "Reached expected number of succeeded pods"
                    ),
                ]
                status["completionTime"] = now()
                self.cp.events.record(job, "Completed", "Job completed", component="job-controller")
            elif failed > backoff:
                conditions = [
                    _cond(
                        "FailureTarget",
                        True,
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                    ),
                    _cond(
                        "Failed", True, "BackoffLimitExceeded", "Job has reached the specified backoff limit"
                    ),
                ]
                for p in active:
                    self._delete(pod_rt, ns, p["metadata"]["name"])
                active = []
                self.cp.events.record(
                    job,
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    "Warning",
                    component="job-controller",
                )
            else:
                want = min(parallelism, completions - succeeded) - len(active)
                for _ in range(max(want, 0)):
                    name = f"{meta['name']}-{random_suffix()}"
                    created = self._create(
                        pod_rt,
                        ns,
                        self._pod_from_template(job, rt, spec.get("template") or {}, name, {}),
                        job,
                        "job-controller",
                    )
                    if created is not None:
                        active.append(created)
                        self.cp.events.record(
                            job, "SuccessfulCreate", f"Created pod: {name}", component="job-controller"
                        )
            if active:
                status["active"] = len(active)
            if succeeded:
                status["succeeded"] = succeeded
            if failed:
                status["failed"] = failed
            status["ready"] = sum(1 for p in active if pod_ready(p))
            status["terminating"] = 0
            if conditions:
                status["conditions"] = conditions
            self._set_status(rt, job, status)
