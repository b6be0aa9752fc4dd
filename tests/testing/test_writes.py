"""POST/PUT/PATCH semantics, validation rules and immutable fields."""

from __future__ import annotations

import base64

from tests.testing.conftest import Http, cm, deployment

CM = "/api/v1/namespaces/t/configmaps"
DEP = "/apis/apps/v1/namespaces/t/deployments"


async def test_create_fills_metadata(http: Http, ns: str) -> None:
    status, obj = await http.post(CM, cm("a", {"k": "v"}), fieldManager="creator")
    assert status == 201
    meta = obj["metadata"]
    assert meta["uid"] and meta["creationTimestamp"].endswith("Z") and meta["resourceVersion"].isdigit()
    assert meta["namespace"] == "t"
    assert meta["managedFields"][0]["manager"] == "creator"
    assert meta["managedFields"][0]["operation"] == "Update"
    status, obj = await http.post(CM, {"metadata": {"generateName": "gen-"}})
    assert status == 201 and obj["metadata"]["name"].startswith("gen-") and len(obj["metadata"]["name"]) == 9
    status, err = await http.post(CM, {"metadata": {}})
    assert status == 422 and err["details"]["causes"][0]["field"] == "metadata.name"
    status, err = await http.post("/api/v1/namespaces/t/configmaps", cm("b", namespace="other"))
    assert status == 400


async def test_put_updates_and_requires_existing(http: Http, ns: str) -> None:
    status, _ = await http.put(f"{CM}/a", cm("a"))
    assert status == 404
    _, obj = await http.post(CM, cm("a", {"k": "v"}))
    obj["data"] = {"k": "w"}
    status, updated = await http.put(f"{CM}/a", obj)
    assert status == 200 and updated["data"] == {"k": "w"}
    status, _err = await http.put(f"{CM}/b", obj)
    assert status == 400


async def test_merge_strategic_and_json_patches(http: Http, ns: str) -> None:
    await http.post(DEP, deployment("web", env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]))
    smp = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "env": [{"name": "B", "$patch": "delete"}, {"name": "C", "value": "3"}],
                        }
                    ]
                }
            }
        }
    }
    status, obj = await http.patch(f"{DEP}/web", smp, "application/strategic-merge-patch+json")
    assert status == 200
    # apimachinery puts the patch's new items before the live-only ones (test_kubectl holds this
    # to kubectl's own client-side patching)
    assert obj["spec"]["template"]["spec"]["containers"][0]["env"] == [
        {"name": "C", "value": "3"},
        {"name": "A", "value": "1"},
    ]
    assert obj["spec"]["template"]["spec"]["containers"][0]["image"] == "app:1"
    merge = {"metadata": {"labels": {"x": "1"}}, "spec": {"replicas": 3}}
    status, obj = await http.patch(f"{DEP}/web", merge)
    assert obj["metadata"]["labels"] == {"x": "1"} and obj["spec"]["replicas"] == 3
    ops = [
        {"op": "replace", "path": "/spec/replicas", "value": 2},
        {"op": "add", "path": "/metadata/labels/y", "value": "2"},
        {"op": "remove", "path": "/metadata/labels/x"},
    ]
    status, obj = await http.patch(f"{DEP}/web", ops, "application/json-patch+json")
    assert status == 200 and obj["spec"]["replicas"] == 2 and obj["metadata"]["labels"] == {"y": "2"}
    status, _ = await http.patch(
        f"{DEP}/web", [{"op": "test", "path": "/spec/replicas", "value": 9}], "application/json-patch+json"
    )
    assert status == 422
    status, _ = await http.patch(f"{DEP}/missing", merge)
    assert status == 404
    status, _err = await http.patch(f"{DEP}/web", merge, "text/plain")
    assert status == 415


async def test_dry_run_does_not_persist(kube_emulator, http: Http, ns: str) -> None:
    status, obj = await http.post(CM, cm("a"), dryRun="All")
    assert status == 201 and obj["metadata"]["uid"]
    status, _ = await http.apply(f"{CM}/b", cm("b"), dryRun="All")
    assert status == 201
    assert kube_emulator.list("v1", "ConfigMap", "t") == []


async def test_secret_string_data_and_base64(http: Http, ns: str) -> None:
    status, obj = await http.post(
        "/api/v1/namespaces/t/secrets", {"metadata": {"name": "s"}, "stringData": {"token": "abc"}}
    )
    assert status == 201
    assert obj["type"] == "Opaque" and obj["data"] == {"token": base64.b64encode(b"abc").decode()}
    assert "stringData" not in obj
    status, _err = await http.post(
        "/api/v1/namespaces/t/secrets", {"metadata": {"name": "bad"}, "data": {"k": "not base64!"}}
    )
    assert status == 400


async def test_label_and_key_validation(http: Http, ns: str) -> None:
    status, err = await http.post(CM, cm("a", labels={"app": "has space"}))
    assert status == 422
    cause = err["details"]["causes"][0]
    assert cause["field"] == "metadata.labels"
    assert cause["message"].startswith('Invalid value: "has space": a valid label must be an empty string')
    status, err = await http.post(CM, cm("a", labels={"x": "v" * 64}))
    assert status == 422 and "must be no more than 63 characters" in err["message"]
    status, err = await http.post(CM, cm("a", annotations={"bad key": "v"}))
    assert status == 422 and err["details"]["causes"][0]["field"] == "metadata.annotations"
    status, err = await http.post(CM, cm("a", {"bad key": "v"}))
    assert status == 422 and err["details"]["causes"][0]["field"] == "data[bad key]"
    status, err = await http.post(CM, {"metadata": {"name": "n"}, "data": {"n": 1}})
    assert status == 400 and "cannot unmarshal number" in err["message"]
    d = deployment("web")
    d["spec"]["template"]["spec"]["containers"][0]["name"] = "App"
    status, err = await http.post(DEP, d)
    assert status == 422 and err["details"]["causes"][0]["field"] == "spec.template.spec.containers[0].name"


async def test_immutable_fields(http: Http, ns: str) -> None:
    await http.apply(f"{DEP}/web", deployment("web"))
    changed = deployment("web")
    changed["spec"]["selector"]["matchLabels"]["extra"] = "1"
    changed["spec"]["template"]["metadata"]["labels"]["extra"] = "1"
    status, err = await http.apply(f"{DEP}/web", changed, force="true")
    assert status == 422
    assert err["details"]["causes"][0]["field"] == "spec.selector"
    assert err["details"]["causes"][0]["message"].endswith("field is immutable")
    await http.post(CM, {"metadata": {"name": "frozen"}, "data": {"a": "1"}, "immutable": True})
    status, err = await http.patch(f"{CM}/frozen", {"data": {"a": "2"}})
    assert status == 422 and "field is immutable when `immutable` is set" in err["message"]
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j"},
        "spec": {
            "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "j:1"}]}}
        },
    }
    await http.apply("/apis/batch/v1/namespaces/t/jobs/j", job)
    job["spec"]["template"]["spec"]["containers"][0]["image"] = "j:2"
    status, err = await http.apply("/apis/batch/v1/namespaces/t/jobs/j", job)
    assert status == 422 and err["details"]["causes"][0]["field"] == "spec.template"


async def test_scale_subresource(kube_emulator, http: Http, ns: str) -> None:
    await http.post(DEP, deployment("web"))
    status, scale = await http.get(f"{DEP}/web/scale")
    assert status == 200 and scale["kind"] == "Scale" and scale["spec"]["replicas"] == 1
    assert scale["status"]["selector"] == "app=web"
    status, scale = await http.patch(f"{DEP}/web/scale", {"spec": {"replicas": 3}})
    assert status == 200 and scale["spec"]["replicas"] == 3
    await kube_emulator.wait_for(lambda: len(kube_emulator.list("v1", "Pod", "t")) == 3)


async def test_pod_log_without_processes(kube_emulator, http: Http, ns: str) -> None:
    kube_emulator.control_plane.paused = True
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "app", "image": "app:1"}]},
    }
    await http.post("/api/v1/namespaces/t/pods", pod)
    status, err = await http.get("/api/v1/namespaces/t/pods/p/log")
    assert (
        status == 400
        and err["message"] == 'container "app" in pod "p" is waiting to start: ContainerCreating'
    )
    kube_emulator.control_plane.paused = False
    kube_emulator.control_plane.wake()
    await kube_emulator.wait_for(
        lambda: kube_emulator.get("v1", "Pod", "p", "t")["status"]["phase"] == "Running"
    )
    status, text = await http.get("/api/v1/namespaces/t/pods/p/log")
    assert (status, text) == (200, "")


async def test_new_namespace_has_default_account_and_root_ca(kube_emulator, http: Http) -> None:
    await http.post("/api/v1/namespaces", {"metadata": {"name": "fresh"}})
    status, _ = await http.get("/api/v1/namespaces/fresh/serviceaccounts/default")
    assert status == 200
    status, ca = await http.get("/api/v1/namespaces/fresh/configmaps/kube-root-ca.crt")
    assert status == 200 and "ca.crt" in ca["data"]
    _, ns = await http.get("/api/v1/namespaces/fresh")
    assert ns["status"]["phase"] == "Active"
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "fresh"}
    assert ns["spec"]["finalizers"] == ["kubernetes"]
