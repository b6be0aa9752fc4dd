"""Server-side apply: idempotence, conflicts, manifest errors, CRDs before their custom resources."""

from __future__ import annotations

import pytest

from kts.kube import Conflict, Invalid, UnknownKind
from tests.kube.conftest import Kube, cm, deployment

pytestmark = pytest.mark.cluster


async def test_apply_then_reapply_is_a_noop(kube: Kube) -> None:
    objs = [
        deployment("web", {"app": "web"}),
        cm("settings", {"a": "1"}),
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
         "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}},
    ]  # fmt: skip
    out = await kube.client.apply(objs, namespace=kube.ns, field_manager="kts-test")
    assert [o["kind"] for o in out] == ["Deployment", "ConfigMap", "Service"]  # input order
    assert all(o["metadata"]["namespace"] == kube.ns for o in out)
    assert out[2]["spec"]["clusterIP"]
    await kube.client.wait_ready(out, timeout=60)
    before = [
        (await kube.client.get(o["apiVersion"], o["kind"], o["metadata"]["name"], kube.ns))["metadata"][
            "resourceVersion"
        ]
        for o in out
    ]
    again = await kube.client.apply(objs, namespace=kube.ns, field_manager="kts-test")
    assert [o["metadata"]["resourceVersion"] for o in again] == before


async def test_apply_sends_strict_server_side_apply(kube: Kube) -> None:
    emu = kube.need_emulator()
    emu.clear_requests()
    await kube.client.apply([cm("c")], namespace=kube.ns, field_manager="mgr", force=True)
    (req,) = emu.requests(method="PATCH")
    assert req.content_type == "application/apply-patch+yaml"
    assert req.query["fieldManager"] == "mgr"
    assert req.query["fieldValidation"] == "Strict"
    assert req.query["force"] == "true"
    assert req.path == f"/api/v1/namespaces/{kube.ns}/configmaps/c"


async def test_conflict_names_fields_and_managers_and_force_takes_them(kube: Kube) -> None:
    await kube.client.apply([cm("shared", {"a": "1", "b": "1"})], namespace=kube.ns, field_manager="alice")
    with pytest.raises(Conflict) as info:
        await kube.client.apply([cm("shared", {"a": "2"})], namespace=kube.ns, field_manager="bob")
    err = info.value
    assert ("alice", ".data.a") in err.conflicts
    assert str(err).startswith(f"ConfigMap {kube.ns}/shared: ")
    live = await kube.client.get("v1", "ConfigMap", "shared", kube.ns)
    assert live and live["data"]["a"] == "1"
    await kube.client.apply([cm("shared", {"a": "2"})], namespace=kube.ns, field_manager="bob", force=True)
    live = await kube.client.get("v1", "ConfigMap", "shared", kube.ns)
    assert live and live["data"] == {"a": "2", "b": "1"}
    # The same value held by two managers is shared ownership, not a conflict.
    await kube.client.apply([cm("shared", {"b": "1"})], namespace=kube.ns, field_manager="carol")


async def test_unknown_field_is_invalid_and_not_retried(kube: Kube) -> None:
    bad = deployment("bad", {"app": "bad"})
    bad["spek"] = {"replicas": 3}
    before = kube.client.stats.by_method.get("PATCH", 0)
    with pytest.raises(Invalid) as info:
        await kube.client.apply([bad], namespace=kube.ns, field_manager="kts-test")
    assert "Deployment" in str(info.value) and "spek" in str(info.value)
    assert kube.client.stats.by_method.get("PATCH", 0) - before == 1


async def test_schema_500_is_a_manifest_error_not_retried(kube: Kube) -> None:
    emu = kube.need_emulator()
    message = (
        "failed to create typed patch object (/v1, Kind=ConfigMap): .datax: field not declared in schema"
    )
    emu.fail_requests("/configmaps/", 500, method="PATCH", count=5, message=message)
    emu.clear_requests()
    with pytest.raises(Invalid, match="field not declared in schema"):
        await kube.client.apply([cm("x")], namespace=kube.ns, field_manager="kts-test")
    assert len(emu.requests(method="PATCH")) == 1


@pytest.mark.slow
async def test_missing_name_and_unknown_kind_fail_before_anything_is_sent(kube: Kube) -> None:
    nameless = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}
    with pytest.raises(Invalid, match=r"metadata\.name"):
        await kube.client.apply([nameless], namespace=kube.ns, field_manager="kts-test")
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    with pytest.raises(UnknownKind, match='no matches for kind "Widget"'):
        await kube.client.apply([cm("first"), widget], namespace=kube.ns, field_manager="kts-test")
    assert await kube.client.get("v1", "ConfigMap", "first", kube.ns) is None


OPEN_SCHEMA = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def _crd(group: str, kind: str, plural: str) -> dict:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "names": {"kind": kind, "plural": plural, "singular": kind.lower(), "listKind": f"{kind}List"},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                "schema": {"openAPIV3Schema": OPEN_SCHEMA},
            }],
        },
    }  # fmt: skip


@pytest.mark.slow
async def test_crd_then_custom_resource_in_one_set(kube: Kube) -> None:
    group = f"g{kube.ns.replace('-', '')}.example.com"
    cr = {"apiVersion": f"{group}/v1", "kind": "Gadget", "metadata": {"name": "g1"}, "spec": {"size": 2}}
    crd = _crd(group, "Gadget", "gadgets")
    try:
        out = await kube.client.apply([cr, crd], namespace=kube.ns, field_manager="kts-test")
        assert out[0]["kind"] == "Gadget" and out[0]["metadata"]["namespace"] == kube.ns
        assert (await kube.client.discovery()).lookup(f"{group}/v1", "Gadget") is not None
        await kube.client.wait_ready(out, timeout=30)
    finally:
        await kube.client.delete(
            "apiextensions.k8s.io/v1", "CustomResourceDefinition", crd["metadata"]["name"], None
        )


async def test_fault_storm_leaves_everything_applied(kube: Kube) -> None:
    emu = kube.need_emulator()
    objs = [cm(f"c{i}", {"i": str(i)}, labels={"storm": "1"}) for i in range(30)]
    # Fewer failures than in-flight requests times retry attempts, so every object must get through.
    emu.fail_requests("/configmaps/", 503, method="PATCH", count=8)
    emu.fail_requests("/configmaps/", 429, method="PATCH", count=4)
    emu.fail_requests("/configmaps/", 504, method="PATCH", count=4)
    out = await kube.client.apply(objs, namespace=kube.ns, field_manager="kts-test", concurrency=8)
    assert kube.client.stats.retries >= 16
    assert [o["data"]["i"] for o in out] == [str(i) for i in range(30)]
    live = await kube.client.list("v1", "ConfigMap", kube.ns, label_selector="storm=1")
    assert len(live) == 30
    rvs = {o["metadata"]["name"]: o["metadata"]["resourceVersion"] for o in live}
    again = await kube.client.apply(objs, namespace=kube.ns, field_manager="kts-test")
    assert {o["metadata"]["name"]: o["metadata"]["resourceVersion"] for o in again} == rvs


async def test_force_can_be_decided_per_object(kube: Kube) -> None:
    """Only the objects the predicate picks are forced; a conflict on any other stays an error."""
    await kube.client.apply([cm("mine", {"a": "1"}), cm("theirs", {"a": "1"})], namespace=kube.ns,
                            field_manager="alice")  # fmt: skip
    await kube.client.apply([cm("mine", {"a": "2"})], namespace=kube.ns, field_manager="bob",
                            force=lambda body: body["metadata"]["name"] == "mine")  # fmt: skip
    live = await kube.client.get("v1", "ConfigMap", "mine", kube.ns)
    assert live and live["data"] == {"a": "2"}
    with pytest.raises(Conflict):
        await kube.client.apply([cm("theirs", {"a": "2"})], namespace=kube.ns, field_manager="bob",
                                force=lambda body: body["metadata"]["name"] == "mine")  # fmt: skip
    live = await kube.client.get("v1", "ConfigMap", "theirs", kube.ns)
    assert live and live["data"] == {"a": "1"}


@pytest.mark.slow
async def test_stale_write_conflict_is_retried_but_field_conflicts_are_not(kube: Kube) -> None:
    emu = kube.need_emulator()
    stale = 'Operation cannot be fulfilled on configmaps "r": the object has been modified'
    emu.fail_requests("/configmaps/r", 409, method="PATCH", count=2, reason="Conflict", message=stale)
    emu.clear_requests()
    (out,) = await kube.client.apply([cm("r", {"k": "v"})], namespace=kube.ns, field_manager="kts-test")
    assert out["data"] == {"k": "v"}
    assert len(emu.requests(method="PATCH")) == 3
