"""The spawner against a cluster (the emulator, or a real one with KTS_TEST_KUBECONFIG): start,
poll, stop, state, lifecycles, failures and rollback, with the example chart."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kts.spawner import ContractError, KubeTemplateSpawner, SpawnFailed, charts
from kts.spawner.cluster import shared_cluster
from kts.spawner.orphans import sweep_orphans
from tests.spawner.conftest import KubeTarget, real_cluster_skip
from tests.spawner.standalone import make_spawner

LIFECYCLE = "kubetemplatespawner/lifecycle"
KINDS = (
    ("v1", "Pod"),
    ("v1", "Service"),
    ("v1", "Secret"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "ConfigMap"),
)


async def objects(sp: KubeTemplateSpawner, *, server_only: bool = False) -> dict[str, str]:
    """``Kind/name -> lifecycle`` of the user's (or this server's) live objects."""
    cluster = await sp.cluster()
    labels = sp.server_labels() if server_only else sp.user_labels()
    selector = ",".join(f"{k}={v}" for k, v in labels.items())
    out = {}
    for api_version, kind in KINDS:
        for obj in await cluster.client.list(api_version, kind, sp.namespace, selector):
            meta = obj["metadata"]
            if meta.get("deletionTimestamp"):
                continue
            out[f"{kind}/{meta['name']}"] = (meta.get("annotations") or {}).get(LIFECYCLE, "server-stopped")
    return out


def spawner(kube: KubeTarget, user: str = "alice", server: str = "", **config: Any) -> KubeTemplateSpawner:
    # A real cluster pulls real images: give it time.
    config.setdefault("start_timeout", 20 if kube.emulator is not None else 300)
    config.setdefault("delete_timeout", 20)
    config.setdefault("chart", str(charts.example_chart_path()))
    return make_spawner(user, server, **kube.spawner_config(**config))


@pytest.mark.slow
async def test_start_poll_stop(kube: KubeTarget) -> None:
    sp = spawner(kube)
    assert await sp.poll() == 0
    url = await sp.start()
    assert url.startswith("http://") and url.endswith(":8888")
    assert await objects(sp) == {
        "Pod/jupyter-alice": "server-stopped",
        "Secret/jupyter-alice": "server-stopped",
        "PersistentVolumeClaim/jupyter-alice": "server-deleted",
    }
    pod = await (await sp.cluster()).get("v1", "Pod", "jupyter-alice", sp.namespace)
    assert pod is not None and "env" not in pod["spec"]["containers"][0]  # the token stays in the Secret
    assert await sp.poll() is None
    state = sp.get_state()
    assert "secret-token-value" not in repr(state)
    await sp.stop()
    assert await objects(sp) == {"PersistentVolumeClaim/jupyter-alice": "server-deleted"}
    assert await sp.poll() == 0
    await sp.stop()  # idempotent
    sp.clear_state()
    await sp.delete_forever()
    assert await objects(sp) == {}


@pytest.mark.slow
async def test_progress_is_fresh_and_terminates(kube: KubeTarget) -> None:
    sp = spawner(kube)
    await sp.start()
    first = [e async for e in sp.progress()]
    assert first[0]["message"].startswith("Rendering") and first[-1]["progress"] == 95
    assert [e["progress"] for e in first if "progress" in e] == sorted(
        e["progress"] for e in first if "progress" in e
    )
    await sp.stop()
    await sp.start()
    second = [e async for e in sp.progress()]
    assert len(second) <= len(first) + 2 and second[0]["message"].startswith("Rendering")
    await sp.stop()


@pytest.mark.slow
@real_cluster_skip
async def test_poll_sends_no_requests(kube: KubeTarget) -> None:
    assert kube.emulator is not None
    sp = spawner(kube)
    await sp.start()
    assert await sp.poll() is None
    kube.emulator.clear_requests()
    for _ in range(200):
        assert await sp.poll() is None
    assert kube.emulator.requests(watch=False) == []
    kube.emulator.delete("v1", "Pod", "jupyter-alice", sp.namespace)
    for _ in range(100):
        if await sp.poll() is not None:
            break
        await asyncio.sleep(0.02)
    assert await sp.poll() == 1
    await sp.stop()


@pytest.mark.slow
async def test_reconnect_after_hub_restart(kube: KubeTarget) -> None:
    sp = spawner(kube)
    url = await sp.start()
    state = sp.get_state()
    again = spawner(kube)
    again.load_state(state)
    assert await again.poll() is None
    assert again._state.connection is not None and again._state.connection.name == "jupyter-alice"
    await again.stop()
    assert await again.poll() == 0
    assert "Pod/jupyter-alice" not in await objects(again)
    assert url


@pytest.mark.slow
async def test_named_server_and_user_deletion(kube: KubeTarget) -> None:
    shared = {"storage": {"perUser": True}}
    named = spawner(kube, server="gpu", values=shared)
    default = spawner(kube, values=shared)
    await named.start()
    await default.start()
    assert await objects(named, server_only=True) == {
        "Pod/jupyter-alice--gpu": "server-stopped",
        "Secret/jupyter-alice--gpu": "server-stopped",
    }
    assert (await objects(default))["PersistentVolumeClaim/jupyter-alice"] == "user-deleted"
    await named.stop()
    await named.delete_forever()
    assert "PersistentVolumeClaim/jupyter-alice" in await objects(default)
    await default.stop()
    await default.delete_forever()
    assert await objects(default) == {}


@pytest.mark.slow
async def test_named_server_volume_is_server_deleted(kube: KubeTarget) -> None:
    named = spawner(kube, server="scratch")
    await named.start()
    await named.stop()
    assert await objects(named) == {"PersistentVolumeClaim/jupyter-alice--scratch": "server-deleted"}
    await named.delete_forever()
    assert await objects(named) == {}


@pytest.mark.slow
async def test_an_existing_volume_is_not_reapplied(kube: KubeTarget) -> None:
    """The example chart's claim is create-only: a later start with another capacity leaves the
    claim's spec as it is (rather than fail on an immutable or shrunk spec), and takes only the
    lifecycle the chart now gives."""
    first = spawner(kube, values={"storage": {"capacity": "2Gi"}})
    await first.start()
    await first.stop()
    cluster = await first.cluster()
    created = await cluster.get("v1", "PersistentVolumeClaim", "jupyter-alice", first.namespace)
    assert created is not None
    later = spawner(kube, values={"storage": {"capacity": "1Gi", "perUser": True}})
    await later.start()
    claim = await cluster.get("v1", "PersistentVolumeClaim", "jupyter-alice", later.namespace)
    assert claim is not None and claim["metadata"]["uid"] == created["metadata"]["uid"]
    assert claim["spec"]["resources"] == created["spec"]["resources"]
    assert claim["metadata"]["annotations"][LIFECYCLE] == "user-deleted"
    await later.stop()
    await later.delete_forever()
    assert await objects(later) == {}


def _failure_values(mode: str) -> dict[str, Any]:
    values: dict[str, Any] = {"storage": {"enabled": False}}
    if mode == "image-pull":
        values["image"] = {"name": "registry.invalid/kts/no-such-image", "tag": "0"}
    elif mode == "unschedulable":
        values["resources"] = {"requests": {"memory": "900Ti"}}
    else:
        values["image"] = {"name": "busybox", "tag": "1.36"}
    return values


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("image-pull", "cannot pull image"),
        ("crash-loop", "CrashLoopBackOff"),
        ("unschedulable", "unschedulable"),
    ],
)
async def test_pod_failures_are_reported_and_rolled_back(kube: KubeTarget, mode: str, message: str) -> None:
    extra: dict[str, Any] = {}
    if kube.emulator is not None:
        kube.emulator.fail_pods(mode, name="jupyter-alice")
    elif mode == "crash-loop":
        extra = {"cmd": ["sh", "-c", "exit 3"]}
    sp = spawner(kube, values=_failure_values(mode), image_pull_grace=0.5, start_timeout=60, **extra)
    events: list[dict[str, Any]] = []

    async def follow() -> None:
        async for event in sp.progress():
            events.append(event)

    follower = asyncio.ensure_future(asyncio.sleep(0))
    with pytest.raises(SpawnFailed) as info:
        start = asyncio.ensure_future(sp.start())
        await asyncio.sleep(0)
        follower = asyncio.ensure_future(follow())
        await start
    await asyncio.wait_for(follower, 5)
    assert message in str(info.value)
    assert "jupyter-alice" in str(info.value)
    assert events[-1].get("failed") and message in events[-1]["message"]
    kube_events = [e["message"] for e in events if e["message"].startswith("[")]
    assert kube_events, events
    if mode != "crash-loop":
        assert any(m.startswith("[Warning]") for m in kube_events), kube_events
    left = await objects(sp)
    assert all(lifecycle != "server-stopped" for lifecycle in left.values()), left
    await sp.delete_forever()


@pytest.mark.slow
@real_cluster_skip
async def test_timeout_rolls_back(kube: KubeTarget) -> None:
    assert kube.emulator is not None
    kube.emulator.fail_pods("image-pull", name="jupyter-alice")
    sp = spawner(kube, ready_timeout=0.5, image_pull_grace=60)
    with pytest.raises(SpawnFailed, match="server did not start"):
        await sp.start()
    assert all(v != "server-stopped" for v in (await objects(sp)).values())
    assert await sp.poll() == 0


@pytest.mark.slow
@real_cluster_skip
async def test_cancelled_start_rolls_back(kube: KubeTarget) -> None:
    assert kube.emulator is not None
    kube.emulator.fail_pods("image-pull", name="jupyter-alice")
    sp = spawner(kube, image_pull_grace=60)
    task = asyncio.ensure_future(sp.start())
    await asyncio.sleep(0.5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):
        if all(v != "server-stopped" for v in (await objects(sp)).values()):
            break
        await asyncio.sleep(0.05)
    assert all(v != "server-stopped" for v in (await objects(sp)).values())


@real_cluster_skip
async def test_api_faults_during_start(kube: KubeTarget) -> None:
    emu = kube.emulator
    assert emu is not None
    emu.fail_requests(r"/pods/jupyter-alice$", 503, method="PATCH", count=1)
    sp = spawner(kube)
    await sp.start()  # a transient fault is retried
    await sp.stop()
    emu.fail_requests(r"/pods/jupyter-alice$", 403, method="PATCH", count=1, message="pods is forbidden")
    with pytest.raises(SpawnFailed, match="forbidden") as info:
        await sp.start()
    assert "Pod" in str(info.value)
    assert all(v != "server-stopped" for v in (await objects(sp)).values())


@pytest.mark.slow
@real_cluster_skip
async def test_api_faults_during_stop_never_lose_the_server(kube: KubeTarget) -> None:
    emu = kube.emulator
    assert emu is not None
    sp = spawner(kube, delete_timeout=2)
    await sp.start()
    emu.fail_requests(r"/pods/jupyter-alice$", 503, method="DELETE", count=1)
    await sp.stop()
    assert "Pod/jupyter-alice" not in await objects(sp)
    await sp.start()
    emu.fail_requests(r"/pods/jupyter-alice$", 403, method="DELETE", count=1)
    with pytest.raises(Exception, match=r"403|forbidden|Forbidden"):
        await sp.stop()
    assert await sp.poll() is None  # still running, so the hub will try again
    await sp.stop()
    assert await sp.poll() == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["{{ .Values }}", '"; rm -rf /', "yes", "null", "🐧 ünïcode", "a--b", "1"])
async def test_hostile_usernames_stay_data(kube: KubeTarget, name: str) -> None:
    sp = spawner(kube, user=name)
    await sp.start()
    found = await objects(sp)
    assert sum(1 for k in found if k.startswith("Pod/")) == 1
    cluster = await sp.cluster()
    pod_name = next(k for k in found if k.startswith("Pod/")).split("/", 1)[1]
    pod = await cluster.get("v1", "Pod", pod_name, sp.namespace)
    assert pod is not None
    assert pod["metadata"]["annotations"]["hub.jupyter.org/username"] == name
    assert pod["metadata"]["labels"]["hub.jupyter.org/username"] == sp.server_names.username
    secret = await cluster.get("v1", "Secret", pod_name, sp.namespace)
    assert secret is not None
    await sp.stop()
    await sp.delete_forever()


async def test_contract_violation_applies_nothing(kube: KubeTarget, chart_factory) -> None:
    chart = chart_factory(
        {
            "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p-{{ .Values.escaped_username }}\n"
            "  labels: {app.kubernetes.io/instance: {{ .Values.instance | quote }}}\n"
            "  annotations: {kubetemplatespawner/connection: 'true'}\n"
            "spec: {containers: [{name: c, image: i}]}\n"
        }
    )
    sp = spawner(kube, chart=str(chart))
    if kube.emulator is not None:
        kube.emulator.clear_requests()
    with pytest.raises(ContractError) as info:
        await sp.start()
    assert info.value.template.endswith("templates/pod.yaml")
    assert info.value.object == "Pod/p-alice"
    assert "hub.jupyter.org/username" in info.value.rule
    if kube.emulator is not None:
        assert kube.emulator.requests(method="PATCH") == []
    assert await sp.poll() == 0


async def test_render_error_is_a_spawn_failure(kube: KubeTarget, chart_factory) -> None:
    chart = chart_factory({"pod.yaml": '{{ fail "no image configured" }}'})
    with pytest.raises(SpawnFailed, match="no image configured"):
        await spawner(kube, chart=str(chart)).start()


@pytest.mark.slow
async def test_leftovers_of_an_earlier_run_are_removed(kube: KubeTarget) -> None:
    sp = spawner(kube)
    await sp.start()
    cluster = await sp.cluster()
    stale = {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "stale", "namespace": sp.namespace, "labels": sp.server_labels()},
    }  # fmt: skip
    await cluster.apply([stale], namespace=sp.namespace, field_manager="test")
    # The hub lost track (crash): a fresh spawner for the same server starts over the leftovers.
    again = spawner(kube, resource_kinds=["v1/ConfigMap"])
    await again.start()
    found = await objects(again)
    assert "ConfigMap/stale" not in found and "Pod/jupyter-alice" in found
    await again.stop()


@pytest.mark.slow
async def test_service_connection_url(kube: KubeTarget) -> None:
    sp = spawner(kube, values={"service": {"enabled": True}})
    url = await sp.start()
    assert url == f"http://jupyter-alice.{sp.namespace}.svc:8888"
    assert "Service/jupyter-alice" in await objects(sp)
    await sp.stop()
    assert "Service/jupyter-alice" not in await objects(sp)


async def test_lookup_reads_the_namespace_only(kube: KubeTarget, chart_factory) -> None:
    template = (
        '{{- $s := lookup "v1" "Secret" .Release.Namespace .Release.Name }}\n'
        '{{- $other := lookup "v1" "ConfigMap" {ns} "x" }}\n'
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n"
        "    app.kubernetes.io/instance: {{ .Values.instance | quote }}\n"
        "    hub.jupyter.org/username: {{ .Values.escaped_username | quote }}\n"
        "    hub.jupyter.org/servername: {{ .Values.escaped_servername | quote }}\n"
        "  annotations:\n    kubetemplatespawner/connection: 'true'\n"
        '    seen: {{ ternary "yes" "no" (empty $s) | quote }}\n'
        "spec:\n  containers:\n"
        "    - {name: notebook, image: 'registry.k8s.io/pause:3.9', ports: [{containerPort: 8888}]}\n"
    )
    ok = chart_factory({"pod.yaml": template.replace("{ns}", ".Release.Namespace")})
    sp = spawner(kube, chart=str(ok))
    await sp.start()
    await sp.stop()
    bad = chart_factory({"pod.yaml": template.replace("{ns}", '"kube-system"')})
    with pytest.raises(SpawnFailed, match="allow_other_namespaces"):
        await spawner(kube, chart=str(bad)).start()


@pytest.mark.slow
@real_cluster_skip
async def test_orphans_are_swept(kube: KubeTarget) -> None:
    running = spawner(kube, user="bob")
    orphan = spawner(kube, user="carol")
    await running.start()
    await orphan.start()
    cluster = await shared_cluster(running.connection_settings)
    await asyncio.sleep(0.1)
    cleaned = await sweep_orphans(
        cluster, namespace=running.namespace, instance="jupyter", running={running.identity.server_id},
        lifecycle_key=LIFECYCLE, delete_timeout=5, min_age=0,
    )  # fmt: skip
    assert cleaned == [("carol", "")]
    assert "Pod/jupyter-carol" not in await objects(orphan)
    assert "PersistentVolumeClaim/jupyter-carol" in await objects(orphan)
    assert "Pod/jupyter-bob" in await objects(running)
    await running.stop()


@pytest.mark.slow
@real_cluster_skip
async def test_poll_survives_api_outage(kube: KubeTarget, monkeypatch: pytest.MonkeyPatch) -> None:
    from kts.spawner import cluster as cluster_module
    from kts.spawner.cluster import close_shared

    emu = kube.emulator
    assert emu is not None
    sp = spawner(kube)
    await sp.start()
    state = sp.get_state()
    await close_shared()  # a restarted hub: no cache yet
    monkeypatch.setattr(cluster_module, "SYNC_TIMEOUT", 0.5)
    emu.fail_requests(r"/pods$", 503, method="GET", count=1000)
    again = spawner(kube)
    again.load_state(state)
    assert await again.poll() is None  # unknown is not stopped
    emu.clear_faults()
    await close_shared()
    assert await again.poll() is None
    await again.stop()
    assert await again.poll() == 0


@pytest.mark.slow
async def test_progress_asked_before_start_waits_for_this_spawn(kube: KubeTarget) -> None:
    sp = spawner(kube)
    await sp.start()
    await sp.stop()
    sp._spawn_pending = True  # the hub runs spawn hooks before start()
    reader = asyncio.ensure_future(_collect(sp))
    await asyncio.sleep(0.2)
    assert not reader.done()
    await sp.start()
    sp._spawn_pending = False
    events = await asyncio.wait_for(reader, 5)
    assert events[0]["message"].startswith("Rendering") and events[-1]["progress"] == 95
    assert sum(1 for e in events if e["message"].startswith("Rendering")) == 1
    await sp.stop()


async def _collect(sp: KubeTemplateSpawner) -> list[dict[str, Any]]:
    return [e async for e in sp.progress()]


async def test_renamed_user_still_finds_the_servers_objects(kube: KubeTarget) -> None:
    before = spawner(kube, user="frank")
    await before.start()
    renamed = spawner(kube, user="frank-renamed")
    renamed.load_state(before.get_state())
    assert await renamed.poll() is None
    await renamed.stop()
    assert "Pod/jupyter-frank" not in await objects(before)
    renamed.clear_state()
    await renamed.delete_forever()
    assert await objects(before) == {}


@pytest.mark.slow
@pytest.mark.parametrize("remembered", [True, False])
@pytest.mark.parametrize("chart", ["example", "kubespawner"])
async def test_a_renamed_server_keeps_its_volume(kube: KubeTarget, chart: str, remembered: bool) -> None:
    """Renaming a stopped server keeps its volume: the state remembers the names it started with
    (or, for a state saved without them, rename() records them)."""
    config: dict[str, Any] = {"chart": ""} if chart == "kubespawner" else {}
    if chart == "kubespawner":
        config.update(storage_pvc_ensure=True, pvc_name_template="claim-{user_server}")
    before = spawner(kube, server="old", **config)
    await before.start()
    claims = [k for k in await objects(before) if k.startswith("PersistentVolumeClaim/")]
    assert len(claims) == 1
    cluster = await before.cluster()
    claim = await cluster.get("v1", "PersistentVolumeClaim", claims[0].split("/")[1], before.namespace)
    assert claim is not None
    await before.stop()
    before.clear_state()
    if not remembered:
        before._state.origin, before._state.pvc_name = [], ""
    before.orm_spawner.state = before.get_state()
    await before.rename("old", "new")  # as the hub does, on a stopped server
    after = spawner(kube, server="new", **config)
    after.load_state(before.orm_spawner.state)
    await after.start()
    kept = await cluster.get("v1", "PersistentVolumeClaim", claims[0].split("/")[1], before.namespace)
    assert kept is not None and kept["metadata"]["uid"] == claim["metadata"]["uid"]
    assert [k for k in await objects(after) if k.startswith("PersistentVolumeClaim/")] == claims
    await after.stop()
    after.clear_state()
    await after.delete_forever()
    assert await objects(after) == {}
