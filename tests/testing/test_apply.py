"""Server-side apply semantics over HTTP."""

from __future__ import annotations

from tests.testing.conftest import Http, cm, deployment

CM = "/api/v1/namespaces/t/configmaps"
DEP = "/apis/apps/v1/namespaces/t/deployments"


async def test_apply_creates_then_updates(http: Http, ns: str) -> None:
    status, obj = await http.apply(f"{CM}/a", cm("a", {"x": "1"}))
    assert status == 201
    assert obj["metadata"]["managedFields"][0]["manager"] == "test"
    assert obj["metadata"]["managedFields"][0]["operation"] == "Apply"
    assert obj["metadata"]["managedFields"][0]["fieldsV1"] == {"f:data": {"f:x": {}}}
    status, obj2 = await http.apply(f"{CM}/a", cm("a", {"x": "2"}))
    assert status == 200
    assert obj2["data"] == {"x": "2"}
    assert int(obj2["metadata"]["resourceVersion"]) > int(obj["metadata"]["resourceVersion"])
    assert obj2["metadata"]["uid"] == obj["metadata"]["uid"]


async def test_identical_apply_is_a_noop(http: Http, ns: str) -> None:
    _, first = await http.apply(f"{CM}/a", cm("a", {"x": "1"}, labels={"l": "v"}))
    status, again = await http.apply(f"{CM}/a", cm("a", {"x": "1"}, labels={"l": "v"}))
    assert status == 200
    assert again["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]


async def test_field_manager_required(http: Http, ns: str) -> None:
    status, body = await http.call("PATCH", f"{CM}/a", cm("a"), "application/apply-patch+yaml")
    assert status == 422
    assert body["reason"] == "Invalid"
    assert "fieldManager: Required value: is required for apply patch" in body["message"]


async def test_conflict_and_force(http: Http, ns: str) -> None:
    await http.apply(f"{CM}/a", cm("a", {"x": "1", "y": "1"}), manager="one")
    status, body = await http.apply(f"{CM}/a", cm("a", {"x": "2"}), manager="two")
    assert status == 409
    assert body["reason"] == "Conflict"
    assert body["message"] == 'Apply failed with 1 conflict: conflict with "one": .data.x'
    assert body["details"]["causes"] == [
        {"reason": "FieldManagerConflict", "message": 'conflict with "one"', "field": ".data.x"}
    ]
    # the same value is shared ownership, not a conflict
    status, _ = await http.apply(f"{CM}/a", cm("a", {"y": "1"}), manager="two")
    assert status == 200
    status, obj = await http.apply(f"{CM}/a", cm("a", {"x": "2"}), manager="two", force="true")
    assert status == 200
    assert obj["data"] == {"x": "2", "y": "1"}
    owners = {e["manager"]: e["fieldsV1"] for e in obj["metadata"]["managedFields"]}
    assert owners["one"] == {"f:data": {"f:y": {}}}
    assert owners["two"] == {"f:data": {"f:x": {}}}


async def test_multiple_conflicts_message(http: Http, ns: str) -> None:
    await http.apply(f"{CM}/a", cm("a", {"x": "1", "y": "1"}), manager="one")
    status, body = await http.apply(f"{CM}/a", cm("a", {"x": "2", "y": "2"}), manager="two")
    assert status == 409
    assert body["message"] == 'Apply failed with 2 conflicts: conflicts with "one":\n- .data.x\n- .data.y'
    assert [c["field"] for c in body["details"]["causes"]] == [".data.x", ".data.y"]


async def test_update_manager_conflict_names_api_version(http: Http, ns: str) -> None:
    await http.post(CM, cm("a", {"x": "1"}), fieldManager="kubectl-edit")
    status, body = await http.apply(f"{CM}/a", cm("a", {"x": "2"}))
    assert status == 409
    assert body["details"]["causes"][0]["message"] == 'conflict with "kubectl-edit" using v1'


async def test_removed_fields_are_removed_unless_co_owned(http: Http, ns: str) -> None:
    await http.apply(f"{CM}/a", cm("a", {"x": "1", "y": "1", "z": "1"}, labels={"k": "v"}), manager="one")
    await http.apply(f"{CM}/a", cm("a", {"z": "1"}), manager="two")
    status, obj = await http.apply(f"{CM}/a", cm("a", {"x": "1"}), manager="one")
    assert status == 200
    assert obj["data"] == {"x": "1", "z": "1"}
    assert "labels" not in obj["metadata"]


async def test_keyed_lists_merge_by_name(http: Http, ns: str) -> None:
    d = deployment("web", env=[{"name": "A", "value": "1"}], ports=[{"containerPort": 80}])
    await http.apply(f"{DEP}/web", d, manager="one")
    sidecar = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "side", "image": "side:1"},
                        {"name": "app", "env": [{"name": "B", "value": "2"}]},
                    ]
                }
            }
        },
    }
    status, obj = await http.apply(f"{DEP}/web", sidecar, manager="two")
    assert status == 200, obj
    containers = obj["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["app", "side"]
    assert containers[0]["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    assert containers[0]["image"] == "app:1"
    two = next(e for e in obj["metadata"]["managedFields"] if e["manager"] == "two")
    spec = two["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert 'k:{"name":"side"}' in spec
    assert spec['k:{"name":"side"}']["."] == {}
    # a conflict inside a keyed list names the item
    bad = deployment("web", image="app:2")
    status, body = await http.apply(f"{DEP}/web", bad, manager="two")
    assert status == 409
    assert '.spec.template.spec.containers[name="app"].image' in [
        c["field"] for c in body["details"]["causes"]
    ]
    # dropping an item this manager alone owns removes it
    only_app = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "template": {"spec": {"containers": [{"name": "app", "env": [{"name": "B", "value": "2"}]}]}}
        },
    }
    status, obj = await http.apply(f"{DEP}/web", only_app, manager="two")
    assert status == 200, obj.get("message")
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["app"]


async def test_apply_validation_errors(http: Http, ns: str) -> None:
    body = cm("a")
    body["kind"] = "Secret"
    status, err = await http.apply(f"{CM}/a", body)
    assert (status, err["message"]) == (400, "invalid object type: /v1, Kind=Secret")
    body = cm("a")
    body["apiVersion"] = "v2"
    status, err = await http.apply(f"{CM}/a", body)
    assert status == 400
    assert err["message"] == (
        "Incorrect version specified in apply patch. Specified patch version: v2, expected: v1"
    )
    body = cm("a")
    body["metadata"]["managedFields"] = []
    status, err = await http.apply(f"{CM}/a", body)
    assert (status, err["message"]) == (400, "metadata.managedFields must be nil")
    status, err = await http.apply("/api/v1/namespaces/missing/configmaps/a", cm("a"))
    assert status == 404
    assert err["message"] == 'namespaces "missing" not found'


async def test_unknown_field_in_apply(http: Http, ns: str) -> None:
    body = cm("a")
    body["bogus"] = 1
    status, err = await http.apply(f"{CM}/a", body, fieldValidation="Strict")
    assert status == 500
    assert err["message"] == (
        "failed to create typed patch object (/v1, Kind=ConfigMap): .bogus: field not declared in schema"
    )


async def test_strict_field_validation_on_create(http: Http, ns: str) -> None:
    body = cm("a")
    body["bogus"] = 1
    status, err = await http.post(CM, body, fieldValidation="Strict")
    assert status == 400
    assert err["message"] == 'strict decoding error: unknown field "bogus"'
    status, obj = await http.post(CM, body)
    assert status == 201
    assert "bogus" not in obj


async def test_force_not_allowed_for_merge_patch(http: Http, ns: str) -> None:
    await http.post(CM, cm("a"))
    status, err = await http.patch(f"{CM}/a", {"data": {"x": "1"}}, force="true")
    assert status == 422
    assert "may not be specified for non-apply patch" in err["message"]


async def test_status_is_ignored_on_main_endpoint_and_applied_on_status(http: Http, ns: str) -> None:
    d = deployment("web")
    d["status"] = {"replicas": 7}
    _, obj = await http.apply(f"{DEP}/web", d)
    assert obj.get("status", {}).get("replicas") != 7
    status_body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "status": {"observedGeneration": 99},
    }
    status, obj = await http.apply(f"{DEP}/web/status", status_body, manager="st", force="true")
    assert status == 200, obj
    assert obj["status"]["observedGeneration"] == 99
    entry = next(e for e in obj["metadata"]["managedFields"] if e["manager"] == "st")
    assert entry["subresource"] == "status"
    status, _ = await http.apply(f"{DEP}/missing/status", {**status_body, "metadata": {"name": "missing"}})
    assert status == 404


async def test_generation_bumps_on_spec_change_only(http: Http, ns: str) -> None:
    _, obj = await http.apply(f"{DEP}/web", deployment("web"))
    assert obj["metadata"]["generation"] == 1
    _, obj = await http.apply(f"{DEP}/web", deployment("web", image="app:2"))
    assert obj["metadata"]["generation"] == 2
    d = deployment("web", image="app:2")
    d["metadata"]["labels"] = {"x": "y"}
    _, obj = await http.apply(f"{DEP}/web", d)
    assert obj["metadata"]["generation"] == 2


async def test_stale_resource_version_conflicts(http: Http, ns: str) -> None:
    _, obj = await http.post(CM, cm("a", {"x": "1"}))
    await http.patch(f"{CM}/a", {"data": {"x": "2"}})
    stale = dict(obj, data={"x": "3"})
    status, err = await http.put(f"{CM}/a", stale)
    assert status == 409
    assert err["message"] == (
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    assert "causes" not in err.get("details", {})


async def test_misspelt_nested_field(http: Http, ns: str) -> None:
    d = deployment("web")
    d["spec"]["template"]["spec"]["containers"][0]["imagePulPolicy"] = "Always"
    status, err = await http.apply(f"{DEP}/web", d)
    assert status == 500
    assert err["message"] == (
        "failed to create typed patch object (apps/v1, Kind=Deployment): "
        '.spec.template.spec.containers[name="app"].imagePulPolicy: field not declared in schema'
    )
    status, err = await http.post(DEP, d, fieldValidation="Strict")
    assert status == 400
    assert (
        err["message"]
        == 'strict decoding error: unknown field "spec.template.spec.containers[0].imagePulPolicy"'
    )
    status, obj = await http.post(DEP, d)
    assert status == 201 and "imagePulPolicy" not in obj["spec"]["template"]["spec"]["containers"][0]


async def test_misspelt_template_metadata(http: Http, ns: str) -> None:
    d = deployment("web")
    d["spec"]["template"]["metadata"]["label"] = {"x": "y"}
    status, err = await http.apply(f"{DEP}/web", d)
    assert status == 500 and ".spec.template.metadata.label: field not declared in schema" in err["message"]
