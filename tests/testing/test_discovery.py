"""Discovery documents and custom resources served once their CRD is Established."""

from __future__ import annotations

from kts.testing import Emulator
from tests.testing.conftest import Http

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"


async def test_legacy_discovery(http: Http) -> None:
    status, version = await http.get("/version")
    assert status == 200 and version["major"] == "1"
    _, api = await http.get("/api")
    assert api["kind"] == "APIVersions" and api["versions"] == ["v1"]
    _, core = await http.get("/api/v1")
    by_name = {r["name"]: r for r in core["resources"]}
    assert by_name["pods"]["kind"] == "Pod" and by_name["pods"]["namespaced"] is True
    assert by_name["namespaces"]["namespaced"] is False
    assert "deletecollection" not in by_name["namespaces"]["verbs"]
    assert by_name["persistentvolumeclaims"]["shortNames"] == ["pvc"]
    assert "pods/status" in by_name
    for kind in ("Service", "ConfigMap", "Secret", "ServiceAccount", "Event"):
        assert any(r["kind"] == kind for r in core["resources"])
    _, groups = await http.get("/apis")
    names = {g["name"]: g for g in groups["groups"]}
    for g in (
        "apps",
        "batch",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "apiextensions.k8s.io",
    ):
        assert g in names
    assert names["apps"]["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    _, net = await http.get("/apis/networking.k8s.io/v1")
    assert {r["kind"] for r in net["resources"]} >= {"Ingress", "NetworkPolicy"}
    _, rbac = await http.get("/apis/rbac.authorization.k8s.io/v1")
    assert {r["kind"] for r in rbac["resources"]} >= {"Role", "RoleBinding"}
    status, _ = await http.get("/apis/nope.example.com/v1")
    assert status == 404


async def test_aggregated_discovery(kube_emulator: Emulator, http: Http) -> None:
    async with http.session.get(kube_emulator.url + "/apis", headers={"Accept": AGGREGATED}) as r:
        assert "as=APIGroupDiscoveryList" in r.headers["Content-Type"]
        doc = await r.json(content_type=None)
    assert doc["kind"] == "APIGroupDiscoveryList"
    apps = next(i for i in doc["items"] if i["metadata"]["name"] == "apps")
    deploy = next(r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments")
    assert deploy["scope"] == "Namespaced" and deploy["responseKind"]["kind"] == "Deployment"


CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "subresources": {"status": {}},
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "properties": {
                                    "size": {"type": "integer"},
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                        },
                    }
                },
            }
        ],
    },
}


async def test_crd_established_and_served(kube_emulator: Emulator, http: Http, ns: str) -> None:
    status, _ = await http.get("/apis/example.com/v1/namespaces/t/widgets")
    assert status == 404
    status, _ = await http.apply(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", CRD
    )
    assert status == 201

    def established() -> bool:
        crd = kube_emulator.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com")
        return any(
            c["type"] == "Established" and c["status"] == "True"
            for c in (crd or {}).get("status", {}).get("conditions", [])
        )

    await kube_emulator.wait_for(established)
    _, rl = await http.get("/apis/example.com/v1")
    assert [r["name"] for r in rl["resources"]] == ["widgets", "widgets/status"]
    assert rl["resources"][0]["shortNames"] == ["wd"]
    w = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": {"size": 1, "tags": ["a", "b"]},
    }
    status, _obj = await http.apply("/apis/example.com/v1/namespaces/t/widgets/w", w, manager="one")
    assert status == 201
    # lists in custom resources are atomic: another manager's different list conflicts as a whole
    w2 = {**w, "spec": {"tags": ["c"]}}
    status, err = await http.apply("/apis/example.com/v1/namespaces/t/widgets/w", w2, manager="two")
    assert status == 409 and err["details"]["causes"][0]["field"] == ".spec.tags"
    # a field the structural schema does not declare fails the typed conversion of an apply (a 500
    # on a real server too), whatever the field validation; a create prunes it (with a warning)
    bad = {**w, "spec": {"size": 1, "colour": "red"}}
    for validation in ("Strict", "Warn"):
        status, err = await http.apply(
            "/apis/example.com/v1/namespaces/t/widgets/w", bad, manager="one", fieldValidation=validation
        )
        assert status == 500 and ".spec.colour: field not declared in schema" in err["message"]
    status, err = await http.post(
        "/apis/example.com/v1/namespaces/t/widgets", {**bad, "metadata": {"name": "v"}}
    )
    assert status == 201 and "colour" not in err["spec"]
    _, items = await http.get("/apis/example.com/v1/namespaces/t/widgets")
    assert items["kind"] == "WidgetList" and items["items"][0]["kind"] == "Widget"
    # deleting the CRD removes its objects and stops serving the kind
    await http.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
    await kube_emulator.wait_for(
        lambda: kube_emulator.registry.lookup("example.com", "v1", "widgets") is None
    )
    assert kube_emulator.list("apiextensions.k8s.io/v1", "CustomResourceDefinition") == []


async def test_crd_name_must_match(http: Http) -> None:
    bad = {**CRD, "metadata": {"name": "gadgets.example.com"}}
    status, err = await http.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", bad)
    assert status == 422 and err["details"]["causes"][0]["field"] == "metadata.name"


async def test_cluster_scoped_paths(http: Http) -> None:
    status, _ = await http.get("/api/v1/namespaces/default/namespaces/x")
    assert status == 404
    status, obj = await http.apply(
        "/apis/storage.k8s.io/v1/storageclasses/fast",
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "fast", "namespace": "x"},
            "provisioner": "p",
        },
    )
    assert status == 201 and "namespace" not in obj["metadata"]


async def test_crd_list_map_markers(kube_emulator: Emulator, http: Http, ns: str) -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "pools.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"plural": "pools", "singular": "pool", "kind": "Pool"},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {
                                    "type": "object",
                                    "properties": {
                                        "members": {
                                            "type": "array",
                                            "x-kubernetes-list-type": "map",
                                            "x-kubernetes-list-map-keys": ["id"],
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "id": {"type": "string"},
                                                    "weight": {"type": "integer"},
                                                },
                                            },
                                        }
                                    },
                                }
                            },
                        }
                    },
                }
            ],
        },
    }
    await http.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    await kube_emulator.wait_for(lambda: kube_emulator.registry.lookup("example.com", "v1", "pools"))
    path = "/apis/example.com/v1/namespaces/t/pools/p"

    def pool(*members: tuple[str, int]) -> dict:
        return {
            "apiVersion": "example.com/v1",
            "kind": "Pool",
            "metadata": {"name": "p"},
            "spec": {"members": [{"id": i, "weight": w} for i, w in members]},
        }

    assert (await http.apply(path, pool(("a", 1)), manager="one"))[0] == 201
    status, obj = await http.apply(path, pool(("b", 2)), manager="two")
    assert status == 200
    assert obj["spec"]["members"] == [{"id": "a", "weight": 1}, {"id": "b", "weight": 2}]
    status, err = await http.apply(path, pool(("a", 5)), manager="two")
    assert status == 409 and err["details"]["causes"][0]["field"] == '.spec.members[id="a"].weight'
