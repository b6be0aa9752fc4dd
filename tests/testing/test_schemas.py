"""Built-in objects are validated against Kubernetes' published schemas (kubernetes-validate), for
the Kubernetes version the emulator serves. Field names and types in the expectations are read
from those schemas at test time."""

from __future__ import annotations

from typing import Any

import pytest

from kts.testing import Emulator
from kts.testing.kubeschema import DEFAULT_KUBE_VERSION, available_versions, ref_name, schemas_for
from tests.testing.conftest import Http

PODS = "/api/v1/namespaces/t/pods"
CONTAINER = "io.k8s.api.core.v1.Container"


def pod(name: str, **container: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "app", "image": "busybox:1.36", **container}]},
    }


def _go_type(definition: str) -> str:
    return ".".join(definition.split(".")[-2:])


async def test_a_wrong_type_is_a_decoding_error_not_a_crash(http: Http, ns: str) -> None:
    resources = schemas_for(DEFAULT_KUBE_VERSION).defs[CONTAINER]["properties"]["resources"]
    go_type = _go_type(ref_name(resources) or "")
    status, err = await http.post(PODS, pod("p", resources="oops"))
    assert (status, err["reason"]) == (400, "BadRequest")
    assert err["message"] == (
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct '
        f"field Container.spec.containers.resources of type {go_type}"
    )
    status, err = await http.put(f"{PODS}/p", pod("p", ports=[{"containerPort": "http"}]))
    assert status == 400 and "cannot unmarshal string" in err["message"] and "of type int32" in err["message"]


async def test_apply_with_a_wrong_type_is_the_typed_patch_error(http: Http, ns: str) -> None:
    status, err = await http.apply(f"{PODS}/p", pod("p", resources="oops"))
    assert status == 500
    assert err["message"] == (
        'failed to create typed patch object (/v1, Kind=Pod): .spec.containers[name="app"].resources: '
        "expected map, got &{oops}"
    )
    assert "Traceback" not in err["message"] and "Error(" not in err["message"]


async def test_undeclared_fields_anywhere_in_the_schema(http: Http, ns: str) -> None:
    sc = schemas_for(DEFAULT_KUBE_VERSION).defs["io.k8s.api.core.v1.SecurityContext"]["properties"]
    assert "runAsUserr" not in sc and "runAsUser" in sc
    body = pod("p", securityContext={"runAsUserr": 1000})
    status, err = await http.post(PODS, body, fieldValidation="Strict")
    assert status == 400
    assert (
        err["message"]
        == 'strict decoding error: unknown field "spec.containers[0].securityContext.runAsUserr"'
    )
    status, err = await http.apply(f"{PODS}/p", body, fieldValidation="Strict")
    assert status == 500
    assert (
        '.spec.containers[name="app"].securityContext.runAsUserr: field not declared in schema'
        in err["message"]
    )
    status, created = await http.post(PODS, body)  # Warn: dropped, with a warning
    assert status == 201 and "runAsUserr" not in created["spec"]["containers"][0].get("securityContext", {})


async def test_valid_values_of_every_shape_pass(http: Http, ns: str) -> None:
    body = pod(
        "p",
        resources={"limits": {"cpu": "500m", "memory": 1073741824}, "requests": {"cpu": 0.25}},
        ports=[{"containerPort": 8080, "name": "http"}],
        env=[{"name": "A", "value": "1"}],
        livenessProbe={"httpGet": {"port": "http", "path": "/"}},
    )
    body["spec"]["securityContext"] = {"runAsUser": 1000, "fsGroup": 100}
    body["metadata"]["labels"] = {"app": "x"}
    status, err = await http.apply(f"{PODS}/p", body, fieldValidation="Strict")
    assert status == 201, err
    status, err = await http.post(PODS, {**body, "metadata": {"name": "q"}}, fieldValidation="Strict")
    assert status == 201, err


async def test_a_quantity_that_is_not_one(http: Http, ns: str) -> None:
    status, err = await http.post(PODS, pod("p", resources={"limits": {"cpu": "lots"}}))
    assert status == 400 and "quantities must match the regular expression" in err["message"]


def _field_added_after(old: str, new: str) -> str:
    before = schemas_for(old).defs["io.k8s.api.core.v1.PodSpec"]["properties"]
    after = schemas_for(new).defs["io.k8s.api.core.v1.PodSpec"]["properties"]
    added = sorted(set(after) - set(before))
    assert added, f"no PodSpec field was added between {old} and {new}"
    return added[0]


@pytest.mark.kube_emulator(kube_version="1.30")
async def test_the_served_version_is_chosen_per_emulator(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    assert "1.30" in available_versions()
    status, version = await http.get("/version")
    assert (version["major"], version["minor"]) == ("1", "30")
    field = _field_added_after("1.30", DEFAULT_KUBE_VERSION)
    body = pod("p")
    body["spec"][field] = {}
    status, err = await http.post(PODS, body, fieldValidation="Strict")
    assert status == 400 and f'unknown field "spec.{field}"' in err["message"]
    _, doc = await http.get("/openapi/v3/api/v1")
    assert field not in doc["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"]["properties"]


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"no Kubernetes 1\.99 schemas"):
        Emulator(kube_version="1.99")


# -- custom resources -----------------------------------------------------------------------------

CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
WIDGETS = "/apis/example.com/v1/namespaces/t/widgets"
WIDGET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "required": ["size"],
            "properties": {
                "size": {"type": "integer", "minimum": 1, "maximum": 10},
                "color": {"type": "string", "enum": ["red", "blue"], "default": "blue"},
                "port": {"x-kubernetes-int-or-string": True},
                "limits": {
                    "type": "object",
                    "default": {},
                    "properties": {"cpu": {"type": "string", "default": "1"}},
                },
                "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "pattern": "^[a-z]+$"}},
            },
        }
    },
}


async def _widgets(kube_emulator: Emulator, http: Http) -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
            "versions": [
                {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": WIDGET_SCHEMA}}
            ],
        },
    }
    status, _ = await http.post(CRDS, crd)
    assert status == 201
    await kube_emulator.wait_for(lambda: kube_emulator.registry.lookup("example.com", "v1", "widgets"))


def widget(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": name}, "spec": spec}


async def test_custom_resources_get_structural_defaults(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await _widgets(kube_emulator, http)
    status, obj = await http.post(WIDGETS, widget("w", size=2))
    assert status == 201
    spec = WIDGET_SCHEMA["properties"]["spec"]["properties"]
    assert obj["spec"]["color"] == spec["color"]["default"]
    # a defaulted object is itself defaulted inside
    assert obj["spec"]["limits"] == {"cpu": spec["limits"]["properties"]["cpu"]["default"]}
    status, obj = await http.apply(f"{WIDGETS}/a", widget("a", size=3, color="red"))
    assert status == 201 and obj["spec"]["color"] == "red"


async def test_custom_resources_are_validated_against_their_schema(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    await _widgets(kube_emulator, http)
    status, err = await http.post(WIDGETS, widget("w", size="two"))
    assert (status, err["reason"]) == (422, "Invalid")
    assert err["message"] == (
        'Widget.example.com "w" is invalid: spec.size: Invalid value: "string": '
        'spec.size in body must be of type integer: "string"'
    )
    assert err["details"]["causes"] == [
        {
            "reason": "FieldValueTypeInvalid",
            "message": 'Invalid value: "string": spec.size in body must be of type integer: "string"',
            "field": "spec.size",
        }
    ]
    cases = [
        ({"size": 11}, "spec.size", "should be less than or equal to 10"),
        (
            {"size": 1, "color": "green"},
            "spec.color",
            'Unsupported value: "green": supported values: "red", "blue"',
        ),
        ({"color": "red"}, "spec.size", "Required value"),
        ({"size": 1, "tags": ["a", "b", "c"]}, "spec.tags", "Too many: 3: must have at most 2 items"),
        ({"size": 1, "tags": ["A"]}, "spec.tags[0]", "should match '^[a-z]+$'"),
        ({"size": 1, "port": True}, "spec.port", "must be of type integer or string"),
    ]
    for spec, field, text in cases:
        status, err = await http.post(WIDGETS, widget("w", **spec))
        assert status == 422, (spec, err)
        assert [c["field"] for c in err["details"]["causes"]] == [field]
        assert text in err["details"]["causes"][0]["message"]
    status, _ = await http.post(WIDGETS, widget("w", size=1, port="http", tags=["a"]))
    assert status == 201


async def test_apply_of_a_custom_resource_with_a_wrong_type(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    await _widgets(kube_emulator, http)
    status, err = await http.apply(f"{WIDGETS}/w", widget("w", size="two"))
    assert status == 500
    assert err["message"] == (
        "failed to create typed patch object (example.com/v1, Kind=Widget): "
        ".spec.size: expected numeric (int or float), got &{two}"
    )
    status, err = await http.apply(f"{WIDGETS}/w", widget("w", size=20))
    assert status == 422 and "should be less than or equal to 10" in err["message"]
