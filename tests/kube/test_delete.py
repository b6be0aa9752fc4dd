"""Deletion by labels and lifecycle: explicit propagation, finalizers honoured, timeouts name what remains."""

from __future__ import annotations

import asyncio

import pytest

from kts.kube import DeleteTimeout
from tests.kube.conftest import Kube, cm, deployment

pytestmark = pytest.mark.cluster

LC = "kubetemplatespawner/lifecycle"


def _labelled(name: str, lifecycle: str | None, **meta: object) -> dict:
    annotations = {LC: lifecycle} if lifecycle else {}
    return cm(name, labels={"owner": "u1"}, annotations=annotations, **meta)


@pytest.mark.slow
async def test_delete_by_lifecycle(kube: Kube) -> None:
    objs = [
        _labelled("server-a", "server"),
        _labelled("server-b", "server"),
        _labelled("keep", "persistent"),
        _labelled("plain", None),
        cm("other", labels={"owner": "u2"}, annotations={LC: "server"}),
    ]
    await kube.client.apply(objs, namespace=kube.ns, field_manager="kts-test")
    deleted = await kube.client.delete_by_labels(
        namespace=kube.ns, labels={"owner": "u1"}, lifecycles={"server"}, timeout=30
    )
    assert sorted(r.name for r in deleted) == ["server-a", "server-b"]
    left = {o["metadata"]["name"] for o in await kube.client.list("v1", "ConfigMap", kube.ns)}
    assert {"keep", "plain", "other"} <= left and not {"server-a", "server-b"} & left

    deleted = await kube.client.delete_by_labels(
        namespace=kube.ns, labels={"owner": "u1"}, lifecycles=set(), include_unannotated=True, timeout=30
    )
    assert [r.name for r in deleted] == ["plain"]
    deleted = await kube.client.delete_by_labels(namespace=kube.ns, labels={"owner": "u1"}, timeout=30)
    assert [str(r) for r in deleted] == [f"ConfigMap {kube.ns}/keep"]
    assert await kube.client.get("v1", "ConfigMap", "other", kube.ns) is not None


@pytest.mark.slow
async def test_delete_sends_explicit_propagation_by_name(kube: Kube) -> None:
    emu = kube.need_emulator()
    await kube.client.apply(
        [deployment("web", {"owner": "u3"}), cm("c", labels={"owner": "u3"})],
        namespace=kube.ns,
        field_manager="t",
    )
    emu.clear_requests()
    deleted = await kube.client.delete_by_labels(
        namespace=kube.ns, labels={"owner": "u3"}, propagation="Foreground", timeout=30
    )
    # The ReplicaSet and Pod carry the labels too, but go with their owner.
    assert sorted(r.kind for r in deleted) == ["ConfigMap", "Deployment"]
    deletes = emu.requests(method="DELETE")
    assert len(deletes) == 2
    assert all(r.query["propagationPolicy"] == "Foreground" for r in deletes)
    assert all(not r.path.endswith("s") for r in deletes)  # by name, never the collection
    assert emu.list("v1", "Pod", kube.ns) == []


@pytest.mark.slow
async def test_finalizers_are_waited_for_and_timeouts_name_them(kube: Kube) -> None:
    held = _labelled("held", "server", finalizers=["example.com/hold"])
    await kube.client.apply([held, _labelled("free", "server")], namespace=kube.ns, field_manager="kts-test")
    with pytest.raises(DeleteTimeout) as info:
        await kube.client.delete_by_labels(namespace=kube.ns, labels={"owner": "u1"}, timeout=0.5)
    assert f"ConfigMap {kube.ns}/held (finalizers: example.com/hold)" in str(info.value)
    assert [r.name for r in info.value.remaining] == ["held"]
    live = await kube.client.get("v1", "ConfigMap", "held", kube.ns)
    assert live and live["metadata"].get("deletionTimestamp")

    async def release() -> None:
        await asyncio.sleep(0.3)
        # The same manager applying without the finalizer gives it up.
        await kube.client.apply([_labelled("held", "server")], namespace=kube.ns, field_manager="kts-test")

    task = asyncio.create_task(release())
    deleted = await kube.client.delete_by_labels(namespace=kube.ns, labels={"owner": "u1"}, timeout=30)
    await task
    assert [r.name for r in deleted] == ["held"]
    assert await kube.client.get("v1", "ConfigMap", "held", kube.ns) is None


async def test_delete_survives_a_fault_storm(kube: Kube) -> None:
    emu = kube.need_emulator()
    objs = [_labelled(f"s{i}", "server") for i in range(12)]
    await kube.client.apply(objs, namespace=kube.ns, field_manager="kts-test")
    emu.fail_requests("/configmaps", 503, method="DELETE", count=6)
    emu.fail_requests("/configmaps", 500, method="GET", count=3)
    deleted = await kube.client.delete_by_labels(namespace=kube.ns, labels={"owner": "u1"}, timeout=30)
    assert len(deleted) == 12
    assert await kube.client.list("v1", "ConfigMap", kube.ns, label_selector="owner=u1") == []


async def test_unlistable_kinds_are_skipped_without_failing(kube: Kube) -> None:
    emu = kube.need_emulator()
    await kube.client.apply([_labelled("x", "server")], namespace=kube.ns, field_manager="kts-test")
    emu.fail_requests("/clusterroles", 403, method="GET", count=1)
    deleted = await kube.client.delete_by_labels(namespace=kube.ns, labels={"owner": "u1"}, timeout=30)
    assert [r.name for r in deleted] == ["x"]
    emu.clear_requests()
    await kube.client.delete_by_labels(namespace=kube.ns, labels={"owner": "u1"}, timeout=30)
    assert emu.requests(path="/clusterroles") == []  # remembered as forbidden for a while
    assert emu.requests(path="/configmaps")
