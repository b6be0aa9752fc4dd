"""Workload controllers, volumes and services report status like a real cluster."""

from __future__ import annotations

from typing import Any

import pytest

from kts.testing import Emulator
from tests.testing.conftest import Http, deployment

DEP = "/apis/apps/v1/namespaces/t/deployments"


def cond(obj: dict[str, Any] | None, type_: str) -> dict[str, Any]:
    return next(
        (c for c in ((obj or {}).get("status") or {}).get("conditions") or [] if c["type"] == type_), {}
    )


async def test_deployment_rollout_status(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post(DEP, deployment("web", replicas=2))

    def ready(gen: int) -> bool:
        d = kube_emulator.get("apps/v1", "Deployment", "web", "t") or {}
        st = d.get("status") or {}
        return (
            st.get("observedGeneration") == gen
            and st.get("readyReplicas") == 2
            and st.get("updatedReplicas") == 2
            and st.get("replicas") == 2
        )

    await kube_emulator.wait_for(lambda: ready(1))
    d = kube_emulator.get("apps/v1", "Deployment", "web", "t")
    assert cond(d, "Available")["status"] == "True"
    assert cond(d, "Progressing")["reason"] == "NewReplicaSetAvailable"
    rs = kube_emulator.list("apps/v1", "ReplicaSet", "t")
    assert len(rs) == 1 and rs[0]["metadata"]["ownerReferences"][0]["kind"] == "Deployment"
    pods = kube_emulator.list("v1", "Pod", "t")
    assert all(p["metadata"]["labels"]["pod-template-hash"] for p in pods)
    await http.patch(
        f"{DEP}/web",
        {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "app:2"}]}}}},
        "application/strategic-merge-patch+json",
    )
    await kube_emulator.wait_for(lambda: ready(2) and len(kube_emulator.list("v1", "Pod", "t")) == 2)
    images = {p["spec"]["containers"][0]["image"] for p in kube_emulator.list("v1", "Pod", "t")}
    assert images == {"app:2"}


@pytest.mark.slow
async def test_deployment_progress_deadline(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.fail_pods("image-pull", image="bad:tag")
    d = deployment("web", image="bad:tag")
    d["spec"]["progressDeadlineSeconds"] = 1  # an int32, as on a real server
    await http.post(DEP, d)
    await kube_emulator.wait_for(
        lambda: (
            cond(kube_emulator.get("apps/v1", "Deployment", "web", "t"), "Progressing").get("reason")
            == "ProgressDeadlineExceeded"
        )
    )
    assert cond(kube_emulator.get("apps/v1", "Deployment", "web", "t"), "Available")["status"] == "False"


async def test_statefulset_with_claims_and_wait_for_first_consumer(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    await http.post(
        "/apis/storage.k8s.io/v1/storageclasses",
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "lazy"},
            "provisioner": "x",
            "volumeBindingMode": "WaitForFirstConsumer",
        },
    )
    await http.post(
        "/api/v1/namespaces/t/persistentvolumeclaims",
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "idle"},
            "spec": {
                "storageClassName": "lazy",
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
            },
        },
    )
    sts = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "replicas": 2,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "db", "image": "db:1"}]},
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {
                        "storageClassName": "lazy",
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "2Gi"}},
                    },
                }
            ],
        },
    }
    await http.post("/apis/apps/v1/namespaces/t/statefulsets", sts)

    def done() -> bool:
        st = (kube_emulator.get("apps/v1", "StatefulSet", "db", "t") or {}).get("status") or {}
        return st.get("readyReplicas") == 2 and st.get("currentRevision") == st.get("updateRevision")

    await kube_emulator.wait_for(done)
    assert sorted(p["metadata"]["name"] for p in kube_emulator.list("v1", "Pod", "t")) == ["db-0", "db-1"]
    claim = kube_emulator.get("v1", "PersistentVolumeClaim", "data-db-0", "t")
    assert claim["status"]["phase"] == "Bound" and claim["status"]["capacity"] == {"storage": "2Gi"}
    idle = kube_emulator.get("v1", "PersistentVolumeClaim", "idle", "t")
    assert idle["status"]["phase"] == "Pending"
    assert any(e["reason"] == "WaitForFirstConsumer" for e in kube_emulator.events_for("idle", "t"))


async def test_default_storage_class_binds_immediately(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post(
        "/api/v1/namespaces/t/persistentvolumeclaims",
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "c"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        },
    )
    await kube_emulator.wait_for(
        lambda: (
            (kube_emulator.get("v1", "PersistentVolumeClaim", "c", "t") or {}).get("status", {}).get("phase")
            == "Bound"
        )
    )


def job(name: str, **pod_meta: Any) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name},
        "spec": {
            "backoffLimit": 1,
            "template": {
                "metadata": pod_meta,
                "spec": {"restartPolicy": "Never", "containers": [{"name": "run", "image": "job:1"}]},
            },
        },
    }


async def test_job_completes(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post("/apis/batch/v1/namespaces/t/jobs", job("ok"))
    await kube_emulator.wait_for(
        lambda: cond(kube_emulator.get("batch/v1", "Job", "ok", "t"), "Complete").get("status") == "True"
    )
    st = kube_emulator.get("batch/v1", "Job", "ok", "t")["status"]
    assert st["succeeded"] == 1 and st["completionTime"] and "active" not in st


async def test_job_ttl_after_finished(kube_emulator: Emulator, http: Http, ns: str) -> None:
    body = job("short")
    body["spec"]["ttlSecondsAfterFinished"] = 0
    body["spec"]["template"]["spec"]["initContainers"] = [{"name": "init", "image": "init:1"}]
    await http.post("/apis/batch/v1/namespaces/t/jobs", body)
    await kube_emulator.wait_for(
        lambda: any(p["status"].get("initContainerStatuses") for p in kube_emulator.list("v1", "Pod", "t"))
    )
    await kube_emulator.wait_for(lambda: kube_emulator.get("batch/v1", "Job", "short", "t") is None)
    await kube_emulator.wait_for(lambda: kube_emulator.list("v1", "Pod", "t") == [])


async def test_job_backoff_limit(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post("/apis/batch/v1/namespaces/t/jobs", job("bad", annotations={"kts-emulator/fail": "exit"}))
    await kube_emulator.wait_for(
        lambda: cond(kube_emulator.get("batch/v1", "Job", "bad", "t"), "Failed").get("status") == "True"
    )
    c = cond(kube_emulator.get("batch/v1", "Job", "bad", "t"), "Failed")
    assert c["reason"] == "BackoffLimitExceeded"
    assert kube_emulator.get("batch/v1", "Job", "bad", "t")["status"]["failed"] == 2


async def test_services_get_cluster_ip_and_load_balancer(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    status, created = await http.post("/api/v1/namespaces/t/services", svc)
    assert status == 201
    assert created["spec"]["clusterIP"] and created["spec"]["ports"][0]["targetPort"] == 80
    assert created["spec"]["ports"][0]["nodePort"] >= 30000
    await kube_emulator.wait_for(
        lambda: (
            (kube_emulator.get("v1", "Service", "web", "t") or {})
            .get("status", {})
            .get("loadBalancer", {})
            .get("ingress")
        )
    )
    # re-applying without clusterIP keeps it
    await http.apply("/api/v1/namespaces/t/services/web", svc)
    assert kube_emulator.get("v1", "Service", "web", "t")["spec"]["clusterIP"] == created["spec"]["clusterIP"]


async def test_deployment_selector_must_match(http: Http, ns: str) -> None:
    d = deployment("web")
    d["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    status, err = await http.post(DEP, d)
    assert status == 422
    assert err["details"]["causes"][0]["field"] == "spec.template.metadata.labels"


@pytest.mark.slow
async def test_settle_and_dump(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post(DEP, deployment("web", replicas=2))
    await kube_emulator.settle()
    assert (kube_emulator.get("apps/v1", "Deployment", "web", "t") or {})["status"]["readyReplicas"] == 2
    text = kube_emulator.dump("t")
    assert "kind: Deployment" in text and "kind: ReplicaSet" in text and "kind: Event" not in text


async def test_replicaset_reports_failed_create(kube_emulator: Emulator, http: Http, ns: str) -> None:
    d = deployment("web")
    d["spec"]["template"]["spec"]["serviceAccountName"] = "robot"
    await http.post(DEP, d)

    def failed() -> list[dict[str, Any]]:
        return [e for e in kube_emulator.list("v1", "Event", "t") if e["reason"] == "FailedCreate"]

    await kube_emulator.wait_for(failed)
    assert failed()[0]["type"] == "Warning"
    assert failed()[0]["involvedObject"]["kind"] == "ReplicaSet"
    assert 'serviceaccount "robot" not found' in failed()[0]["message"]
    await http.post("/api/v1/namespaces/t/serviceaccounts", {"metadata": {"name": "robot"}})
    await kube_emulator.wait_for(
        lambda: (
            (kube_emulator.get("apps/v1", "Deployment", "web", "t") or {})
            .get("status", {})
            .get("readyReplicas")
            == 1
        )
    )


DS = "/apis/apps/v1/namespaces/t/daemonsets"


def daemonset(name: str, image: str = "agent:1", **pod_spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "agent", "image": image}], **pod_spec},
            },
        },
    }


async def test_daemonset_runs_one_pod_per_node_and_rolls_it(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    status, _ = await http.post(DS, daemonset("agent"))
    assert status == 201

    def rolled_out(gen: int, image: str) -> bool:
        d = kube_emulator.get("apps/v1", "DaemonSet", "agent", "t") or {}
        st = d.get("status") or {}
        pods = kube_emulator.list("v1", "Pod", "t")
        return (
            st.get("observedGeneration") == gen
            and st.get("desiredNumberScheduled") == 1
            and st.get("updatedNumberScheduled") == 1
            and st.get("numberAvailable") == 1
            and st.get("numberReady") == 1
            and "numberUnavailable" not in st
            and [p["spec"]["containers"][0]["image"] for p in pods] == [image]
        )

    await kube_emulator.wait_for(lambda: rolled_out(1, "agent:1"))
    (pod,) = kube_emulator.list("v1", "Pod", "t")
    assert pod["metadata"]["name"].startswith("agent-")
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet"
    assert pod["metadata"]["labels"]["pod-template-generation"] == "1"
    assert pod["metadata"]["labels"]["controller-revision-hash"]
    assert pod["spec"]["nodeName"] == "kts-node"
    term = pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term["nodeSelectorTerms"][0]["matchFields"][0]["values"] == ["kts-node"]
    assert {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"} in (
        pod["spec"]["tolerations"]
    )

    await http.patch(
        f"{DS}/agent",
        {"spec": {"template": {"spec": {"containers": [{"name": "agent", "image": "agent:2"}]}}}},
        "application/strategic-merge-patch+json",
    )
    await kube_emulator.wait_for(lambda: rolled_out(2, "agent:2"))
    (new,) = kube_emulator.list("v1", "Pod", "t")
    assert new["metadata"]["name"] != pod["metadata"]["name"]
    reasons = [e["reason"] for e in kube_emulator.events_for("agent", "t")]
    assert reasons.count("SuccessfulCreate") == 2 and "SuccessfulDelete" in reasons

    status, _ = await http.delete(f"{DS}/agent")
    assert status == 200
    await kube_emulator.wait_for(lambda: kube_emulator.list("v1", "Pod", "t") == [])


async def test_daemonset_skips_nodes_its_selector_excludes(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    await http.post(DS, daemonset("gpu", nodeSelector={"accelerator": "gpu"}))

    def observed() -> bool:
        st = (kube_emulator.get("apps/v1", "DaemonSet", "gpu", "t") or {}).get("status") or {}
        return st.get("observedGeneration") == 1

    await kube_emulator.wait_for(observed)
    await kube_emulator.settle()
    st = kube_emulator.get("apps/v1", "DaemonSet", "gpu", "t")["status"]  # type: ignore[index]
    assert st["desiredNumberScheduled"] == 0 and st["currentNumberScheduled"] == 0
    assert kube_emulator.list("v1", "Pod", "t") == []
