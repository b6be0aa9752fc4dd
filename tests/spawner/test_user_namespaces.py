"""``enable_user_namespaces``: the user's namespace is created as KubeSpawner creates it, the
server's objects go there, and no user's objects land in a namespace another user holds."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from kts.kube import KubeClient
from kts.spawner import KubeTemplateSpawner, SpawnFailed
from kts.spawner.contract import INSTANCE_LABEL, SERVERNAME_LABEL, USERNAME_LABEL
from kts.spawner.orphans import OrphanSweeper, user_namespaces
from kts.spawner.ownership import SERVER_ID_LABEL, USER_ID_LABEL, USERNAME_ANNOTATION, Identity
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


def _orphan_secret(name: str, namespace: str, instance: str, user: str) -> dict[str, Any]:
    """A server-stopped Secret bearing every label the sweep selects an orphan of ``user`` by."""
    return {
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {
            "name": name, "namespace": namespace,
            "labels": {INSTANCE_LABEL: instance, USERNAME_LABEL: user, SERVERNAME_LABEL: "",
                       SERVER_ID_LABEL: Identity(instance, user, "").server_id},
            "annotations": {"kubetemplatespawner/lifecycle": "server-stopped", USERNAME_ANNOTATION: user},
        },
    }  # fmt: skip


@pytest.mark.slow
async def test_the_orphan_sweep_covers_the_user_namespaces_of_its_instance(
    kube: KubeTarget, namespaces: list[str]
) -> None:
    instance = f"sweep-{uuid.uuid4().hex[:8]}"
    other = f"{instance}-other"

    def user_spawner(user: str, of: str = instance) -> Any:
        sp = spawner_for(kube, user_case(kube, "{username}", user=user), KubeTemplateSpawner)
        sp.instance = of
        namespaces.append(sp.namespace)
        return sp

    running, orphan, theirs = user_spawner("alice"), user_spawner("bob"), user_spawner("carol", other)
    for sp in (running, orphan, theirs):
        await sp.start()
    plain, forged = f"{kube.namespace}-plain", f"{kube.namespace}-forged"
    namespaces += [plain, forged]
    # Namespaces kts does not hold for this instance: one without labels, one with a copied user-id
    # label that is not the identity of the user it names, and the other instance's. Each holds
    # what would be an orphan of this instance; the user namespace holds one of the other instance.
    planted = [(plain, "dave"), (forged, "mallory"), (theirs.namespace, "carol")]
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        await client.apply([
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": plain}},
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {
                "name": forged, "labels": {USER_ID_LABEL: running.identity.user_id},
                "annotations": {USERNAME_ANNOTATION: "mallory"}}},
        ], namespace="", field_manager="someone-else")  # fmt: skip
        await client.apply(
            [_orphan_secret("planted", ns, instance, user) for ns, user in planted]
            + [_orphan_secret("planted", orphan.namespace, other, "bob")],
            namespace="", field_manager="someone-else",
        )  # fmt: skip
    cluster = await running.cluster()
    assert await user_namespaces(cluster, instance) == sorted([running.namespace, orphan.namespace])
    cleaned = await OrphanSweeper.sweep_once(running, cluster, {running.identity.server_id}, None, min_age=0)
    assert cleaned == [("bob", "")]
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        assert await client.get("v1", "Pod", orphan.pod_name, orphan.namespace) is None
        assert await client.get("v1", "Secret", orphan.secret_name, orphan.namespace) is None
        assert await client.get("v1", "Pod", running.pod_name, running.namespace) is not None
        assert await client.get("v1", "Pod", theirs.pod_name, theirs.namespace) is not None
        for ns in (plain, forged, theirs.namespace, orphan.namespace):
            assert await client.get("v1", "Secret", "planted", ns) is not None, ns
    await running.stop(now=True)
    await theirs.stop(now=True)


async def test_one_sweeper_runs_for_all_user_namespaces(kube: KubeTarget) -> None:
    """Each spawner's namespace is its user's: the sweeper is started per instance, not per user."""
    instance = f"sweep-{uuid.uuid4().hex[:8]}"
    before = set(OrphanSweeper._tasks)
    for user in ("alice", "bob"):
        sp = spawner_for(kube, user_case(kube, "{username}", user=user), KubeTemplateSpawner)
        sp.instance = instance
        OrphanSweeper.ensure_started(sp)
    started = OrphanSweeper._tasks - before
    assert len(started) == 1
    for task in started:
        task.cancel()
    await asyncio.gather(*started, return_exceptions=True)
