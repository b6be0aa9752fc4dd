"""Pure rules of the engine: error mapping, kind order, readiness verdicts, hopeless pods."""

from __future__ import annotations

from kts.kube.errors import Conflict, Forbidden, Gone, Invalid, NotFound, Unavailable, error_from_response
from kts.kube.readiness import assess, pod_problem
from kts.kube.refs import ObjectRef
from kts.kube.watch import selector_from_spec
from kts.ordering import install_batches, uninstall_batches

REF = ObjectRef("v1", "Pod", "ns", "web")


def test_conflict_lists_fields_and_managers() -> None:
    body = {
        "kind": "Status",
        "code": 409,
        "reason": "Conflict",
        "message": 'Apply failed with 2 conflicts: conflicts with "kubectl" using apps/v1',
        "details": {
            "causes": [
                {
                    "reason": "FieldManagerConflict",
                    "message": 'conflict with "kubectl" using apps/v1',
                    "field": ".spec.replicas",
                },
                {"reason": "FieldManagerConflict", "message": 'conflict with "helm"', "field": ".data.a"},
            ]
        },
    }
    err = error_from_response(409, body, REF)
    assert isinstance(err, Conflict)
    assert err.conflicts == [("kubectl", ".spec.replicas"), ("helm", ".data.a")]
    assert str(err).startswith("Pod ns/web: Apply failed")
    assert ".spec.replicas (owned by kubectl)" in str(err)


def test_status_codes_map_to_types() -> None:
    assert isinstance(error_from_response(404, {"message": "x"}), NotFound)
    assert isinstance(error_from_response(403, {}), Forbidden)
    assert isinstance(error_from_response(401, {}), Forbidden)
    assert isinstance(error_from_response(410, {}), Gone)
    assert isinstance(error_from_response(429, {}), Unavailable)
    assert isinstance(error_from_response(503, "upstream down"), Unavailable)
    inv = error_from_response(
        422,
        {"message": "bad", "details": {"causes": [{"field": "spec.x", "message": "Required value"}]}},
        REF,
    )
    assert isinstance(inv, Invalid) and inv.causes == [("spec.x", "Required value")]
    schema = error_from_response(
        500, {"message": "failed to create typed patch object: .spec.x: field not declared in schema"}
    )
    assert isinstance(schema, Invalid)
    assert type(error_from_response(500, {"message": "etcdserver: leader changed"})) is Unavailable


def test_install_and_uninstall_order() -> None:
    objs = [
        {"kind": k}
        for k in (
            "Widget",
            "Deployment",
            "Service",
            "CustomResourceDefinition",
            "Namespace",
            "ConfigMap",
            "Apple",
        )
    ]
    kinds = [[o["kind"] for o in b] for b in install_batches(objs)]
    assert kinds == [
        ["Namespace"],
        ["ConfigMap"],
        ["CustomResourceDefinition"],
        ["Service"],
        ["Deployment"],
        ["Apple"],
        ["Widget"],
    ]
    kinds = [[o["kind"] for o in b] for b in uninstall_batches(objs)]
    assert kinds[:2] == [["Apple"], ["Widget"]] and kinds[-1] == ["Namespace"]


def test_selector_from_spec() -> None:
    sel = {
        "matchLabels": {"b": "2", "a": "1"},
        "matchExpressions": [
            {"key": "t", "operator": "In", "values": ["x", "y"]},
            {"key": "u", "operator": "DoesNotExist"},
        ],
    }
    assert selector_from_spec(sel) == "a=1,b=2,t in (x,y),!u"


def _pod(phase: str = "Running", ready: bool = True, **status: object) -> dict:
    return {
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "main"}]},
        "status": {"phase": phase, "conditions": [{"type": "Ready", "status": str(ready)}], **status},
    }


def test_pod_readiness() -> None:
    assert assess(_pod()).state == "ready"
    assert assess(_pod(ready=False)).state == "pending"
    assert assess(_pod("Failed")).state == "failed"
    assert assess(_pod("Succeeded")).state == "failed"


def test_workload_readiness() -> None:
    dep = {
        "kind": "Deployment",
        "metadata": {"generation": 2},
        "spec": {"replicas": 2},
        "status": {"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 1},
    }
    assert assess(dep).state == "pending"
    dep["status"]["availableReplicas"] = 2
    assert assess(dep).state == "ready"
    dep["status"]["observedGeneration"] = 1
    assert assess(dep).state == "pending"
    sts = {
        "kind": "StatefulSet",
        "metadata": {"generation": 1},
        "spec": {"replicas": 1},
        "status": {
            "observedGeneration": 1,
            "readyReplicas": 1,
            "currentRevision": "a",
            "updateRevision": "a",
        },
    }
    assert assess(sts).state == "ready"
    job = {
        "kind": "Job",
        "status": {"conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]},
    }
    assert assess(job).state == "failed" and "BackoffLimitExceeded" in assess(job).message
    ds = {
        "kind": "DaemonSet",
        "status": {"desiredNumberScheduled": 2, "updatedNumberScheduled": 2, "numberAvailable": 2},
    }
    assert assess(ds).state == "ready"


def test_other_kinds() -> None:
    pvc = {"kind": "PersistentVolumeClaim", "status": {"phase": "Pending"}}
    assert assess(pvc).state == "pending"
    assert assess(pvc, wait_for_first_consumer=True).state == "ready"
    svc = {"kind": "Service", "spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.1"}}
    assert assess(svc).state == "pending"
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    assert assess(svc).state == "ready"
    cr = {"kind": "Widget", "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
    assert assess(cr).state == "pending"
    assert assess({"kind": "Widget"}).state == "ready"
    assert assess({"kind": "ConfigMap"}).state == "ready"


def test_hopeless_pods() -> None:
    seen: dict[str, float] = {}
    pull = _pod(
        "Pending",
        False,
        containerStatuses=[
            {
                "name": "main",
                "image": "nope:1",
                "state": {"waiting": {"reason": "ImagePullBackOff", "message": "x"}},
            }
        ],
    )
    assert pod_problem(pull, now=100.0, first_seen=seen, pull_grace=5) is None
    msg = pod_problem(pull, now=106.0, first_seen=seen, pull_grace=5)
    assert msg and "cannot pull image nope:1" in msg
    crash = _pod(
        containerStatuses=[
            {
                "name": "main",
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 3, "reason": "Error"}},
            }
        ]
    )
    assert "CrashLoopBackOff (last exit code 3" in (
        pod_problem(crash, now=0, first_seen={}, pull_grace=5) or ""
    )
    unsched = _pod("Pending", False)
    unsched["status"]["conditions"].append(
        {
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": "0/3 nodes are available: insufficient memory",
        }
    )
    assert "0/3 nodes are available: insufficient memory" in (
        pod_problem(unsched, now=0, first_seen={}, pull_grace=5) or ""
    )
    done = _pod(
        containerStatuses=[{"name": "main", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]
    )
    done["spec"]["restartPolicy"] = "Never"
    assert "terminated" in (pod_problem(done, now=0, first_seen={}, pull_grace=5) or "")
