"""Readiness by watching: per-kind rules, Events streamed, fast failure on hopeless pods, deadlines."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kts.kube import NotReady
from tests.kube.conftest import PAUSE, Kube, cm, deployment, pod

pytestmark = pytest.mark.cluster


async def _apply(kube: Kube, objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return await kube.client.apply(objs, namespace=kube.ns, field_manager="kts-test")


@pytest.mark.slow
async def test_workloads_become_ready_and_events_stream(kube: Kube) -> None:
    labels = {"app": "ready"}
    objs = [
        cm("conf"),
        deployment("web", labels),
        pod("solo", {"app": "solo"}),
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
         "spec": {"replicas": 1, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                  "template": {"metadata": {"labels": {"app": "db"}},
                               "spec": {"containers": [{"name": "main", "image": PAUSE}]}}}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"},
         "spec": {"template": {"spec": {"restartPolicy": "Never",
                                        "containers": [{"name": "main", "image": "busybox:1.36",
                                                        "command": ["true"]}]}}}},
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Mi"}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
         "spec": {"selector": labels, "ports": [{"port": 80}]}},
    ]  # fmt: skip
    if kube.emu is None:  # a real cluster may lack a default StorageClass
        objs = [o for o in objs if o["kind"] != "PersistentVolumeClaim"]
    out = await _apply(kube, objs)
    events: list[dict[str, Any]] = []
    await kube.client.wait_ready(out, timeout=120, on_event=events.append)
    for o in out:
        live = await kube.client.get(o["apiVersion"], o["kind"], o["metadata"]["name"], kube.ns)
        assert live is not None
    solo = await kube.client.get("v1", "Pod", "solo", kube.ns)
    assert solo and solo["status"]["phase"] == "Running"
    reasons = {(e["involvedObject"]["kind"], e["reason"]) for e in events}
    assert ("Pod", "Scheduled") in reasons
    assert any(kind == "Pod" and name.startswith("web-") for kind, name in
               {(e["involvedObject"]["kind"], e["involvedObject"]["name"]) for e in events})  # fmt: skip
    assert len({e["metadata"]["uid"] for e in events}) == len(events)  # no duplicates


async def test_async_event_callback(kube: Kube) -> None:
    seen: list[str] = []

    async def on_event(ev: dict[str, Any]) -> None:
        seen.append(ev["reason"])

    out = await _apply(kube, [pod("p1")])
    await kube.client.wait_ready(out, timeout=60, on_event=on_event)
    assert "Scheduled" in seen


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "kind", "expect"),
    [
        ("image-pull", "Pod", "cannot pull image"),
        ("image-pull", "Deployment", "cannot pull image"),
        ("crash-loop", "Pod", "CrashLoopBackOff"),
        ("crash-loop", "Deployment", "CrashLoopBackOff"),
        ("unschedulable", "Pod", "0/3 nodes are available"),
        ("unschedulable", "Deployment", "0/3 nodes are available"),
        ("exit", "Pod", "terminated"),
    ],
)
async def test_hopeless_pods_fail_fast(kube: Kube, mode: str, kind: str, expect: str) -> None:
    emu = kube.need_emulator()
    emu.fail_pods(mode, namespace=kube.ns, exit_code=3)
    obj = (
        pod("doomed", {"app": "doomed"}, restartPolicy="Never")
        if kind == "Pod"
        else deployment("doomed", {"app": "doomed"})
    )
    out = await _apply(kube, [obj])
    started = time.monotonic()
    events: list[dict[str, Any]] = []
    with pytest.raises(NotReady, match=expect) as info:
        await kube.client.wait_ready(out, timeout=20, pull_grace=0.3, on_event=events.append)
    assert time.monotonic() - started < 10
    assert str(info.value).startswith(f"{kind} {kube.ns}/doomed: ")
    if mode != "exit":
        assert any(e.get("type") == "Warning" for e in events), [e["reason"] for e in events]


async def test_failed_job_and_deadline(kube: Kube) -> None:
    emu = kube.need_emulator()
    emu.fail_pods("exit", namespace=kube.ns, exit_code=2)
    template = {"spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": PAUSE}]}}
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "fails"},
           "spec": {"backoffLimit": 0, "template": template}}  # fmt: skip
    out = await _apply(kube, [job])
    with pytest.raises(NotReady, match="job failed"):
        await kube.client.wait_ready(out, timeout=20)


@pytest.mark.slow
async def test_deadline_names_what_is_not_ready(kube: Kube) -> None:
    emu = kube.need_emulator()
    emu.fail_pods("image-pull", namespace=kube.ns)
    out = await _apply(kube, [pod("slow")])
    started = time.monotonic()
    with pytest.raises(NotReady, match=f"timed out after 0.5s waiting for Pod {kube.ns}/slow"):
        await kube.client.wait_ready(out, timeout=0.5, pull_grace=60)
    assert time.monotonic() - started < 3


async def test_load_balancer_and_wait_for_first_consumer(kube: Kube) -> None:
    emu = kube.need_emulator()
    emu.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "late"},
                "provisioner": "x", "volumeBindingMode": "WaitForFirstConsumer"})  # fmt: skip
    objs = [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb"},
         "spec": {"type": "LoadBalancer", "selector": {"a": "b"}, "ports": [{"port": 80}]}},
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "late"},
         "spec": {"storageClassName": "late", "accessModes": ["ReadWriteOnce"],
                  "resources": {"requests": {"storage": "1Mi"}}}},
    ]  # fmt: skip
    out = await _apply(kube, objs)
    await kube.client.wait_ready(out, timeout=20)
    lb = await kube.client.get("v1", "Service", "lb", kube.ns)
    assert lb and lb["status"]["loadBalancer"]["ingress"]
    pvc = await kube.client.get("v1", "PersistentVolumeClaim", "late", kube.ns)
    assert pvc and pvc["status"].get("phase") == "Pending"


@pytest.mark.slow
async def test_custom_resource_conditions(kube: Kube) -> None:
    from tests.kube.test_apply import _crd

    group = f"g{kube.ns.replace('-', '')}.example.com"
    crd = _crd(group, "Engine", "engines")
    try:
        await _apply(kube, [crd])
        cr = {"apiVersion": f"{group}/v1", "kind": "Engine", "metadata": {"name": "e1"}, "spec": {}}
        (live,) = await _apply(kube, [cr])
        path = f"/apis/{group}/v1/namespaces/{kube.ns}/engines/e1/status"

        async def set_ready(status: str) -> None:
            cond = {"type": "Ready", "status": status, "reason": "Test", "message": "m",
                    "lastTransitionTime": "2026-01-01T00:00:00Z"}  # fmt: skip
            body = {"status": {"conditions": [cond]}}
            await kube.client.transport.request(
                "PATCH", path, body=body, content_type="application/merge-patch+json"
            )

        await set_ready("False")
        with pytest.raises(NotReady, match="Ready=False"):
            await kube.client.wait_ready([live], timeout=0.5)
        import asyncio

        async def later() -> None:
            await asyncio.sleep(0.3)
            await set_ready("True")

        task = asyncio.create_task(later())
        await kube.client.wait_ready([live], timeout=20)
        await task
    finally:
        await kube.client.delete(
            "apiextensions.k8s.io/v1", "CustomResourceDefinition", crd["metadata"]["name"], None
        )


async def test_daemonset_rollout(kube: Kube) -> None:
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
          "spec": {"selector": {"matchLabels": {"app": "agent"}},
                   "template": {"metadata": {"labels": {"app": "agent"}},
                                "spec": {"containers": [{"name": "main", "image": PAUSE}]}}}}  # fmt: skip
    if kube.emu is not None:  # hold the emulator's DaemonSet controller: the spec stays unobserved
        kube.emu.control_plane.paused = True
    (live,) = await _apply(kube, [ds])
    if kube.emu is not None:
        with pytest.raises(NotReady, match="waiting for the daemonset spec to be observed"):
            await kube.client.wait_ready([live], timeout=0.1)
        kube.emu.control_plane.paused = False
        kube.emu.control_plane.wake()
    await kube.client.wait_ready([live], timeout=120)


@pytest.mark.slow
async def test_concurrent_waits_share_one_pod_watch(kube: Kube) -> None:
    import asyncio

    outs = [await _apply(kube, [pod(f"w{i}", {"w": str(i)})]) for i in range(10)]
    watches = kube.client.stats.by_method.get("WATCH", 0)
    gets = kube.client.stats.by_method.get("GET", 0)
    await asyncio.gather(*(kube.client.wait_ready(out, timeout=60) for out in outs))
    assert kube.client.stats.by_method.get("WATCH", 0) - watches <= 2  # one pod watch (plus a reconnect)
    assert kube.client.stats.by_method.get("GET", 0) - gets <= 2  # one initial list
