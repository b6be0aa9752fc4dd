"""``enable_user_namespaces``: the user's namespace is created as KubeSpawner creates it, the
server's objects go there, and no user's objects land in a namespace another user holds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from kts.kube import KubeClient
from kts.spawner import KubeTemplateSpawner, SpawnFailed
from kts.spawner.ownership import USER_ID_LABEL, USERNAME_ANNOTATION
from tests.spawner.conftest import KubeTarget
from tests.spawner.test_kubespawner_parity import (
    Case,
    Created,
    assert_same,
    assert_same_pod,
    kubespawner_env,  # noqa: F401 - fixture
    spawner_for,
)


@pytest.fixture
async def namespaces(kube: KubeTarget) -> AsyncIterator[list[str]]:
    """Names of the namespaces a test makes; deleted afterwards (they outlive every server)."""
    made: list[str] = []
    yield made
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        for name in made:
            await client.delete("v1", "Namespace", name, None)


def user_case(kube: KubeTarget, template: str, user: str = "alice", **config: Any) -> Case:
    return Case(
        f"ns-{user}",
        {"enable_user_namespaces": True, "user_namespace_template": f"{kube.namespace}-{template}",
         "storage_pvc_ensure": False, "volumes": [], "volume_mounts": [], **config},
        user=user,
    )  # fmt: skip


async def _objects(kube: KubeTarget, sp: Any) -> tuple[dict[str, Any] | None, ...]:
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        return (
            await client.get("v1", "Namespace", sp.namespace, None),
            await client.get("v1", "Pod", sp.pod_name, sp.namespace),
            await client.get("v1", "Secret", sp.secret_name, sp.namespace),
        )


async def _drop_namespace(kube: KubeTarget, name: str) -> None:
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        await client.delete("v1", "Namespace", name, None)
        for _ in range(400):
            if await client.get("v1", "Namespace", name, None) is None:
                return
            await asyncio.sleep(0.05)
    raise AssertionError(f"namespace {name} was not deleted")


def _plain_meta(ns: dict[str, Any]) -> dict[str, Any]:
    meta = ns["metadata"]
    return {"name": meta["name"], "labels": meta.get("labels") or {},
            "annotations": meta.get("annotations") or {}}  # fmt: skip


async def test_the_namespace_and_pod_are_kubespawners(
    kubespawner_env: KubeTarget, namespaces: list[str]  # noqa: F811
) -> None:
    from kubespawner import KubeSpawner

    kube = kubespawner_env
    case = user_case(
        kube, "{username}", user_namespace_labels={"team": "{username}"},
        user_namespace_annotations={"owner": "{unescaped_username}"},
    )  # fmt: skip
    theirs = spawner_for(kube, case, KubeSpawner)
    namespaces.append(theirs.namespace)
    await asyncio.wait_for(theirs.start(), 60)
    their_ns, their_pod, _ = await _objects(kube, theirs)
    await theirs.stop(now=True)
    assert their_ns is not None and their_pod is not None
    await _drop_namespace(kube, theirs.namespace)

    ours = spawner_for(kube, case, KubeTemplateSpawner)
    assert ours.namespace == theirs.namespace
    await asyncio.wait_for(ours.start(), 60)
    ns, pod, secret = await _objects(kube, ours)
    await ours.stop(now=True)
    assert ns is not None and pod is not None
    assert_same_pod(Created(pod, None, secret, ours), their_pod)
    mine = _plain_meta(ns)
    assert mine["labels"].pop(USER_ID_LABEL) == ours.identity.user_id
    assert mine["annotations"].pop(USERNAME_ANNOTATION) == "alice"
    assert_same(mine, _plain_meta(their_ns))
    # The namespace outlives the server, as KubeSpawner's does; the server's objects are gone.
    ns, pod, secret = await _objects(kube, ours)
    assert ns is not None and pod is None and secret is None


async def test_a_namespace_another_user_holds_is_refused(kube: KubeTarget, namespaces: list[str]) -> None:
    first = spawner_for(kube, user_case(kube, "shared", user="alice"), KubeTemplateSpawner)
    namespaces.append(first.namespace)
    await first.start()
    second = spawner_for(kube, user_case(kube, "shared", user="bob"), KubeTemplateSpawner)
    assert second.namespace == first.namespace
    with pytest.raises(SpawnFailed) as info:
        await second.start()
    message = str(info.value)
    assert info.value.status_code == 409 and f"Namespace {first.namespace}" in message, message
    assert "belongs to another user" in message
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        pods = await client.list("v1", "Pod", first.namespace)
    assert [p["metadata"]["name"] for p in pods] == [first.pod_name]
    await first.stop(now=True)


@pytest.mark.parametrize("annotated", [False, True], ids=["unidentified", "annotated-as-the-users"])
async def test_an_existing_namespace_is_taken_only_when_it_is_the_users(
    kube: KubeTarget, namespaces: list[str], annotated: bool
) -> None:
    sp = spawner_for(kube, user_case(kube, "{username}"), KubeTemplateSpawner)
    namespaces.append(sp.namespace)
    meta: dict[str, Any] = {"name": sp.namespace}
    if annotated:
        meta["annotations"] = {USERNAME_ANNOTATION: "alice"}
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        await client.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": meta}],
                           namespace="", field_manager="someone-else")  # fmt: skip
    if not annotated:
        with pytest.raises(SpawnFailed) as info:
            await sp.start()
        assert info.value.status_code == 409 and "adopt_unidentified" in str(info.value)
        return
    await sp.start()
    ns, pod, _ = await _objects(kube, sp)
    await sp.stop(now=True)
    assert pod is not None and ns is not None
    assert ns["metadata"]["labels"][USER_ID_LABEL] == sp.identity.user_id
