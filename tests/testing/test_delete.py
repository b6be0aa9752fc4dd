"""Deletion: finalizers, propagation policies, garbage collection, deletecollection, namespaces."""

from __future__ import annotations

from kts.testing import Emulator
from tests.testing.conftest import Http, cm, deployment

CM = "/api/v1/namespaces/t/configmaps"


def owned_cm(name: str, owner: dict, block: bool = True) -> dict:
    ref = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "blockOwnerDeletion": block,
    }
    return cm(name, ownerReferences=[ref])


async def test_delete_answers_status_or_object_and_404_after(http: Http, ns: str) -> None:
    _, created = await http.post(CM, cm("a"))
    status, body = await http.delete(f"{CM}/a")
    assert status == 200
    assert body == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": "a", "kind": "configmaps", "uid": created["metadata"]["uid"]},
    }
    await http.post("/api/v1/namespaces/t/serviceaccounts", {"metadata": {"name": "sa"}})
    status, body = await http.delete("/api/v1/namespaces/t/serviceaccounts/sa")
    assert status == 200 and body["kind"] == "ServiceAccount"
    status, body = await http.delete(f"{CM}/a")
    assert status == 404
    assert body == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'configmaps "a" not found',
        "reason": "NotFound",
        "details": {"name": "a", "kind": "configmaps"},
        "code": 404,
    }


async def test_finalizers_keep_object_until_removed(http: Http, ns: str) -> None:
    await http.post(CM, cm("a", finalizers=["example.com/hold"]))
    status, body = await http.delete(f"{CM}/a")
    assert status == 200
    assert body["metadata"]["deletionTimestamp"]
    status, body = await http.get(f"{CM}/a")
    assert status == 200 and body["metadata"]["deletionTimestamp"]
    await http.patch(f"{CM}/a", {"metadata": {"finalizers": None}})
    status, _ = await http.get(f"{CM}/a")
    assert status == 404


async def test_background_gc_deletes_dependents(kube_emulator: Emulator, http: Http, ns: str) -> None:
    _, owner = await http.post(CM, cm("owner"))
    await http.post(CM, owned_cm("child", owner))
    await http.delete(f"{CM}/owner", propagationPolicy="Background")
    await kube_emulator.wait_for(lambda: kube_emulator.get("v1", "ConfigMap", "child", "t") is None)


async def test_orphan_keeps_dependents_without_owner_ref(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    _, owner = await http.post(CM, cm("owner"))
    await http.post(CM, owned_cm("child", owner))
    _status, body = await http.delete(f"{CM}/owner", propagationPolicy="Orphan")
    assert "orphan" in body["metadata"]["finalizers"]
    await kube_emulator.wait_for(lambda: kube_emulator.get("v1", "ConfigMap", "owner", "t") is None)
    child = kube_emulator.get("v1", "ConfigMap", "child", "t")
    assert child is not None and "ownerReferences" not in child["metadata"]


async def test_foreground_deletes_dependents_first(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.control_plane.paused = True
    _, owner = await http.post(CM, cm("owner"))
    await http.post(CM, owned_cm("child", owner))
    status, body = await http.delete(f"{CM}/owner", propagationPolicy="Foreground")
    assert status == 202
    assert body["metadata"]["finalizers"] == ["foregroundDeletion"]
    kube_emulator.control_plane.paused = False
    kube_emulator.control_plane.wake()
    await kube_emulator.wait_for(lambda: kube_emulator.get("v1", "ConfigMap", "owner", "t") is None)
    assert kube_emulator.get("v1", "ConfigMap", "child", "t") is None


async def test_deployment_cascade(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post("/apis/apps/v1/namespaces/t/deployments", deployment("web", replicas=2))
    await kube_emulator.wait_for(lambda: len(kube_emulator.list("v1", "Pod", "t")) == 2)
    await http.delete("/apis/apps/v1/namespaces/t/deployments/web", propagationPolicy="Background")
    await kube_emulator.wait_for(
        lambda: (
            not kube_emulator.list("v1", "Pod", "t") and not kube_emulator.list("apps/v1", "ReplicaSet", "t")
        )
    )


async def test_delete_collection(http: Http, ns: str) -> None:
    await http.post(CM, cm("a", labels={"x": "1"}))
    await http.post(CM, cm("b", labels={"x": "1"}))
    await http.post(CM, cm("c"))
    status, body = await http.delete(CM, labelSelector="x=1")
    assert status == 200 and body["kind"] == "ConfigMapList"
    assert sorted(i["metadata"]["name"] for i in body["items"]) == ["a", "b"]
    _, left = await http.get(CM)
    assert [i["metadata"]["name"] for i in left["items"]] == ["c"]
    status, body = await http.delete("/api/v1/namespaces")
    assert status == 405


async def test_delete_options_body_and_preconditions(http: Http, ns: str) -> None:
    await http.post(CM, cm("a"))
    status, _ = await http.delete(
        f"{CM}/a", {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "nope"}}
    )
    assert status == 409
    status, _body = await http.delete(f"{CM}/a", {"propagationPolicy": "Sideways"})
    assert status == 422


async def test_pod_graceful_deletion(kube_emulator: Emulator, http: Http, ns: str) -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "app", "image": "app:1"}]},
    }
    await http.post("/api/v1/namespaces/t/pods", pod)
    await kube_emulator.wait_for(
        lambda: (kube_emulator.get("v1", "Pod", "p", "t") or {}).get("status", {}).get("phase") == "Running"
    )
    status, body = await http.delete("/api/v1/namespaces/t/pods/p")
    assert status == 200
    assert body["metadata"]["deletionTimestamp"] and body["metadata"]["deletionGracePeriodSeconds"] == 30
    await kube_emulator.wait_for(lambda: kube_emulator.get("v1", "Pod", "p", "t") is None)
    await http.post("/api/v1/namespaces/t/pods", pod)
    status, body = await http.delete("/api/v1/namespaces/t/pods/p", gracePeriodSeconds=0)
    assert kube_emulator.get("v1", "Pod", "p", "t") is None


async def test_namespace_deletion_empties_and_removes(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post(CM, cm("a"))
    kube_emulator.control_plane.paused = True
    status, body = await http.delete("/api/v1/namespaces/t")
    assert status == 200 and body["status"]["phase"] == "Terminating"
    status, err = await http.post(CM, cm("b"))
    assert status == 403
    assert err["message"] == (
        'configmaps "b" is forbidden: unable to create new content in namespace t '
        "because it is being terminated"
    )
    kube_emulator.control_plane.paused = False
    kube_emulator.control_plane.wake()
    await kube_emulator.wait_for(lambda: kube_emulator.get("v1", "Namespace", "t") is None)
    assert kube_emulator.list("v1", "ConfigMap", "t") == []


async def test_deployment_foreground_deletion(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post("/apis/apps/v1/namespaces/t/deployments", deployment("web", replicas=2))
    await kube_emulator.wait_for(lambda: len(kube_emulator.list("v1", "Pod", "t")) == 2)
    status, body = await http.delete(
        "/apis/apps/v1/namespaces/t/deployments/web", propagationPolicy="Foreground"
    )
    assert status == 202 and body["metadata"]["deletionTimestamp"]
    await kube_emulator.wait_for(lambda: kube_emulator.get("apps/v1", "Deployment", "web", "t") is None)
    assert kube_emulator.list("v1", "Pod", "t") == []
    assert kube_emulator.list("apps/v1", "ReplicaSet", "t") == []
