"""The emulator through kubernetes_asyncio (typed API, dynamic client, watch) via the kube_env fixture."""

from __future__ import annotations

import asyncio

import pytest
from kubernetes_asyncio import client, watch
from kubernetes_asyncio.client.exceptions import ApiException
from kubernetes_asyncio.dynamic import DynamicClient

from kts.testing.pytest_plugin import KubeEnv


async def test_kube_env_shape(kube_env: KubeEnv) -> None:
    assert kube_env.kubeconfig.exists()
    assert kube_env.namespace.startswith("kts-test-")
    assert kube_env.emulator is not None
    assert kube_env.emulator.get("v1", "Namespace", kube_env.namespace) is not None


async def test_typed_api_roundtrip(kube_env: KubeEnv) -> None:
    api = client.CoreV1Api(await kube_env.api_client())
    ns = kube_env.namespace
    await api.create_namespaced_config_map(
        ns, {"metadata": {"name": "c", "labels": {"a": "1"}}, "data": {"k": "v"}}
    )
    got = await api.read_namespaced_config_map("c", ns)
    assert got.data == {"k": "v"}
    try:
        await api.create_namespaced_config_map(ns, {"metadata": {"name": "c"}})
    except ApiException as e:
        assert e.status == 409
    else:
        raise AssertionError("duplicate create succeeded")
    listed = await api.list_namespaced_config_map(ns, label_selector="a=1")
    assert [i.metadata.name for i in listed.items] == ["c"]
    await api.patch_namespaced_config_map(
        "c",
        ns,
        {"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "w"}},
        field_manager="me",
        force=True,
        _content_type="application/apply-patch+yaml",
    )
    assert (await api.read_namespaced_config_map("c", ns)).data == {"k": "w"}


async def test_dynamic_client_discovery_and_apply(kube_env: KubeEnv) -> None:
    dyn = await DynamicClient(await kube_env.api_client())
    deployments = await dyn.resources.get(api_version="apps/v1", kind="Deployment")
    assert deployments.namespaced and "deletecollection" in deployments.verbs
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": kube_env.namespace},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "app:1"}]},
            },
        },
    }
    obj = await dyn.server_side_apply(
        deployments, body=body, namespace=kube_env.namespace, field_manager="kts"
    )
    assert obj.metadata.name == "web"
    items = await dyn.get(deployments, namespace=kube_env.namespace)
    assert [i.metadata.name for i in items.items] == ["web"]

    async def ready() -> None:
        while True:
            d = await dyn.get(deployments, name="web", namespace=kube_env.namespace)
            if d.status and d.status.readyReplicas == 2:
                return
            await asyncio.sleep(0.02)

    await asyncio.wait_for(ready(), 5)


@pytest.mark.slow
async def test_watch_stream(kube_env: KubeEnv) -> None:
    api = client.CoreV1Api(await kube_env.api_client())
    ns = kube_env.namespace
    await api.create_namespaced_config_map(ns, {"metadata": {"name": "a", "labels": {"w": "1"}}})
    seen: list[tuple[str, str]] = []
    w = watch.Watch()

    async def consume() -> None:
        async for ev in w.stream(api.list_namespaced_config_map, ns, label_selector="w", timeout_seconds=5):
            seen.append((ev["type"], ev["object"].metadata.name))
            if len(seen) == 3:
                w.stop()

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.1)
    await api.create_namespaced_config_map(ns, {"metadata": {"name": "b", "labels": {"w": "1"}}})
    await api.delete_namespaced_config_map("a", ns)
    await asyncio.wait_for(task, 5)
    assert seen == [("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")]
