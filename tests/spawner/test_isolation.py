"""Tenant isolation: no action of one server (start, stop, rollback, deletion, sweep) changes or
deletes an object of another, even when their escaped names collide or the chart lets a user
choose an object's name. Runs against the emulator, or a real cluster with KTS_TEST_KUBECONFIG."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubespawner.slugs import escape_slug, is_valid_label, safe_slug

from kts.kube.errors import KubeError
from kts.spawner import ContractError, KubeTemplateSpawner, OwnershipError, SpawnFailed
from kts.spawner.ownership import SERVER_ID_LABEL, USER_ID_LABEL
from tests.spawner.conftest import KubeTarget, real_cluster_skip
from tests.spawner.test_lifecycle import KINDS, objects, spawner

_pair_counter = itertools.count()


def colliding_usernames(prefix: str) -> tuple[str, str]:
    """Two usernames with one KubeSpawner 'safe' slug and one label slug, found by a birthday
    search over their 32-bit hash (KubeSpawner's own slug functions confirm the collisions)."""
    seen: dict[str, str] = {}
    for i in itertools.count():
        name = f"{prefix}@{'q' * 40}.{i}"  # '@': not a valid label either, so both slugs hash
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        if digest in seen:
            first = seen[digest]
            assert safe_slug(first, max_length=48) == safe_slug(name, max_length=48)
            assert safe_slug(first, is_valid=is_valid_label) == safe_slug(name, is_valid=is_valid_label)
            return first, name
        seen[digest] = name
    raise AssertionError("unreachable")


async def snapshot(sp: KubeTemplateSpawner) -> dict[str, tuple[Any, ...]]:
    """What another server must never change: each object of ``sp``'s user by uid, with its
    labels, annotations and content (status and resourceVersion may move on their own)."""
    cluster = await sp.cluster()
    selector = f"{USER_ID_LABEL}={sp.identity.user_id}"
    out: dict[str, tuple[Any, ...]] = {}
    for api_version, kind in KINDS:
        for obj in await cluster.client.list(api_version, kind, sp.namespace, selector):
            meta = obj["metadata"]
            if meta.get("deletionTimestamp"):
                continue
            content = {k: v for k, v in obj.items() if k not in ("metadata", "status")}
            out[f"{kind}/{meta['name']}"] = (meta["uid"], meta.get("labels"), meta.get("annotations"),
                                             repr(sorted(content.items())))  # fmt: skip
    return out


async def attacker_leaves_victim_alone(attacker: KubeTemplateSpawner, victim: KubeTemplateSpawner,
                                       before: dict[str, tuple[Any, ...]]) -> None:  # fmt: skip
    """The attacker stops and is deleted; the victim's objects are as they were, its server runs,
    and its own stop and deletion then remove everything of it."""
    await attacker.stop()
    attacker.clear_state()
    await attacker.delete_forever()
    assert await snapshot(victim) == before
    assert await victim.poll() is None
    await victim.stop()
    await victim.delete_forever()
    assert await snapshot(victim) == {}


@pytest.mark.slow
@pytest.mark.parametrize("per_user", [False, True])
@pytest.mark.parametrize("scheme", ["safe", "escape"])
async def test_colliding_slugs_cannot_reach_each_other(kube: KubeTarget, scheme: str, per_user: bool) -> None:
    """Two users whose escaped names (the seed contract's labels) collide: the second one's start,
    stop and deletion never touch the first one's objects. A per-user volume's name collides too,
    so the second start is refused, naming it."""
    if scheme == "safe":
        first, second = colliding_usernames(f"student{next(_pair_counter)}")
    else:
        first, second = "a\x02d", "a-"
        assert escape_slug(first) == escape_slug(second)
    values = {"storage": {"perUser": per_user}, "service": {"enabled": True}}
    victim = spawner(kube, user=first, slug_scheme=scheme, values=values)
    attacker = spawner(kube, user=second, slug_scheme=scheme, values=values)
    assert victim.server_names.username == attacker.server_names.username
    await victim.start()
    before = await snapshot(victim)
    assert any(k.startswith("Pod/") for k in before)
    assert any(k.startswith("PersistentVolumeClaim/") for k in before)

    names_clash = per_user or victim.server_names.user_server == attacker.server_names.user_server
    if names_clash:
        with pytest.raises(OwnershipError, match="belongs to another") as info:
            await attacker.start()
        assert info.value.object.split(" ")[0] in {k.split("/")[0] for k in before}
    else:
        await attacker.start()
        service = next(k for k in before if k.startswith("Service/")).split("/")[1]
        victim_service = await (await victim.cluster()).get("v1", "Service", service, victim.namespace)
        assert victim_service is not None
        assert victim_service["spec"]["selector"][SERVER_ID_LABEL] == victim.identity.server_id
    await attacker_leaves_victim_alone(attacker, victim, before)


@pytest.mark.slow
@pytest.mark.parametrize("state_lost", [False, True])
@pytest.mark.parametrize("pvc_name", ["claim-{username}", "claim-{user_server}"])
async def test_colliding_slugs_with_the_kubespawner_chart(
    kube: KubeTarget, pvc_name: str, state_lost: bool
) -> None:
    """The same with the default chart, which labels objects with KubeSpawner's label slugs: those
    collide too. With its state lost, the attacker's stop searches by those slugs, and its
    identity still keeps it off the victim's objects."""
    first, second = colliding_usernames(f"ks{next(_pair_counter)}")
    config: dict[str, Any] = {"chart": "", "storage_pvc_ensure": True, "pvc_name_template": pvc_name,
                              "services_enabled": True}  # fmt: skip
    victim = spawner(kube, user=first, **config)
    attacker = spawner(kube, user=second, **config)
    await victim.start()
    before = await snapshot(victim)
    assert any(k.startswith("Pod/") for k in before)
    assert any(k.startswith("PersistentVolumeClaim/") for k in before)
    slug = safe_slug(first, is_valid=is_valid_label)
    assert all(labels["hub.jupyter.org/username"] == slug for _, labels, _, _ in before.values())
    assert victim.get_state()["kts"]["labels"]["hub.jupyter.org/username"] == slug
    if pvc_name == "claim-{username}":  # the claim's name collides too: refused
        with pytest.raises(OwnershipError, match=r"PersistentVolumeClaim .*belongs to another"):
            await attacker.start()
    else:
        await attacker.start()
        assert attacker.get_state()["kts"]["labels"]["hub.jupyter.org/username"] == slug
    if state_lost:
        attacker.load_state({"kts": {"version": -1}})
    await attacker_leaves_victim_alone(attacker, victim, before)


_NAMED_BY_USER = """\
apiVersion: v1
kind: {kind}
metadata:
  name: {{{{ .Values.user_options.name | default (printf "jupyter-%s" .Values.escaped_username) }}}}
  labels:
    app.kubernetes.io/instance: {{{{ .Values.instance | quote }}}}
    hub.jupyter.org/username: {{{{ .Values.escaped_username | quote }}}}
    {server_label}
  annotations:
    kubetemplatespawner/lifecycle: {lifecycle}
{body}
"""

_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: pod-{{ .Values.escaped_user_server }}
  labels:
    app.kubernetes.io/instance: {{ .Values.instance | quote }}
    hub.jupyter.org/username: {{ .Values.escaped_username | quote }}
    hub.jupyter.org/servername: {{ .Values.escaped_servername | quote }}
  annotations:
    kubetemplatespawner/connection: "true"
spec:
  containers:
    - {name: notebook, image: "registry.k8s.io/pause:3.9", ports: [{containerPort: 8888}]}
"""


def _careless_chart(chart_factory: Any, kind: str) -> str:
    """A chart that (carelessly) lets user_options name an object."""
    if kind == "Secret":
        body = "stringData: {owner: {{ .Values.unescaped_username | quote }}}"
        server_label = "hub.jupyter.org/servername: {{ .Values.escaped_servername | quote }}"
        lifecycle = "server-stopped"
    else:
        body = "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}"
        server_label, lifecycle = "", "user-deleted"
    named = _NAMED_BY_USER.format(kind=kind, server_label=server_label, lifecycle=lifecycle, body=body)
    return str(chart_factory({"named.yaml": named, "pod.yaml": _POD}))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["Secret", "PersistentVolumeClaim"])
async def test_user_options_cannot_take_over_another_users_object(
    kube: KubeTarget, chart_factory: Any, kind: str
) -> None:
    chart = _careless_chart(chart_factory, kind)
    victim = spawner(kube, user="victim", chart=chart)
    attacker = spawner(kube, user="mallory", chart=chart)
    await victim.start()
    before = await snapshot(victim)
    assert f"{kind}/jupyter-victim" in before
    attacker.user_options = {"name": "jupyter-victim"}
    with pytest.raises(OwnershipError, match=re.escape(f"{kind} {victim.namespace}/jupyter-victim")):
        await attacker.start()
    await attacker.stop()
    attacker.clear_state()
    await attacker.delete_forever()
    assert await snapshot(victim) == before
    await victim.stop()
    await victim.delete_forever()


async def test_a_race_to_create_the_same_object_conflicts(
    kube: KubeTarget, chart_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the victim's object appears between the check and the apply, the API server refuses the
    attacker's apply (another field manager owns the identity label) instead of overwriting."""
    chart = _careless_chart(chart_factory, "Secret")
    victim = spawner(kube, user="victim", chart=chart)
    attacker = spawner(kube, user="mallory", chart=chart)
    await victim.start()
    before = await snapshot(victim)

    async def blind(self: Any, cluster: Any, checked: Any) -> set[tuple[str, ...]]:
        from kts.spawner.ownership import stamp

        for body in checked.bodies:
            stamp(body, self.identity)
        return set()  # "nothing existed" at check time

    monkeypatch.setattr(KubeTemplateSpawner, "_check_ownership", blind)
    attacker.user_options = {"name": "jupyter-victim"}
    with pytest.raises(SpawnFailed, match=r"(?i)conflict"):
        await attacker.start()
    monkeypatch.undo()
    assert await snapshot(victim) == before
    await victim.stop()
    await victim.delete_forever()


async def test_objects_of_kubespawner_for_this_user_are_adopted(kube: KubeTarget) -> None:
    """A PVC KubeSpawner made (raw-name annotation, no kts identity) is this user's: adopted."""
    sp = spawner(kube, user="Alice.Smith@example.org", values={"storage": {"perUser": True}})
    cluster = await sp.cluster()
    claim = sp.server_names.username
    legacy = {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": f"jupyter-{claim}", "namespace": sp.namespace,
                     "annotations": {"hub.jupyter.org/username": "Alice.Smith@example.org"},
                     "labels": {"app.kubernetes.io/managed-by": "kubespawner"}},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
    }  # fmt: skip
    await cluster.apply([legacy], namespace=sp.namespace, field_manager="kubespawner")
    made = await cluster.get("v1", "PersistentVolumeClaim", f"jupyter-{claim}", sp.namespace)
    assert made is not None
    await sp.start()
    adopted = await cluster.get("v1", "PersistentVolumeClaim", f"jupyter-{claim}", sp.namespace)
    assert adopted is not None and adopted["metadata"]["uid"] == made["metadata"]["uid"]
    assert adopted["metadata"]["labels"][USER_ID_LABEL] == sp.identity.user_id
    await sp.stop()
    await sp.delete_forever()
    assert await cluster.get("v1", "PersistentVolumeClaim", f"jupyter-{claim}", sp.namespace) is None


async def test_unidentified_objects_are_refused_unless_the_operator_opts_in(kube: KubeTarget) -> None:
    sp = spawner(kube, user="olga")
    cluster = await sp.cluster()
    stranger = {
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "jupyter-olga", "namespace": sp.namespace}, "stringData": {"k": "v"},
    }  # fmt: skip
    await cluster.apply([stranger], namespace=sp.namespace, field_manager="someone-else")
    with pytest.raises(OwnershipError, match=r"without kts's ownership labels.*adopt_unidentified"):
        await sp.start()
    assert await cluster.get("v1", "Secret", "jupyter-olga", sp.namespace) is not None
    # Another hub instance's object is never adopted, even when the operator opts in.
    other_instance = {**stranger, "metadata": {**stranger["metadata"],
                                               "labels": {"app.kubernetes.io/instance": "other-hub"}}}
    await cluster.apply([other_instance], namespace=sp.namespace, field_manager="someone-else")
    with pytest.raises(OwnershipError, match="another hub instance"):
        await spawner(kube, user="olga", adopt_unidentified=True).start()
    await cluster.client.delete("v1", "Secret", "jupyter-olga", sp.namespace)
    await cluster.apply([stranger], namespace=sp.namespace, field_manager="someone-else")
    opted_in = spawner(kube, user="olga", adopt_unidentified=True)
    await opted_in.start()
    await opted_in.stop()
    await opted_in.delete_forever()


_NAME = st.one_of(
    st.sampled_from(["alice", "Alice", "a--b", "x", "-", "\x02d", "1", "yes", "🐧"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12),
)


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=_NAME, second=_NAME, first_server=st.sampled_from(["", "gpu"]),
    second_server=st.sampled_from(["", "gpu"]), per_user=st.booleans(), collide=st.booleans(),
)  # fmt: skip
async def test_no_action_of_one_server_touches_another(
    kube: KubeTarget, first: str, second: str, first_server: str, second_server: str,
    per_user: bool, collide: bool,
) -> None:  # fmt: skip
    if collide:
        first, second = colliding_usernames(f"p{next(_pair_counter)}")
    if (first, first_server) == (second, second_server):
        second_server = "other"
    values = {"storage": {"perUser": per_user}}
    a = spawner(kube, user=first, server=first_server, values=values)
    b = spawner(kube, user=second, server=second_server, values=values)
    await a.start()
    mine = await snapshot(a)
    ours = {k: v for k, v in mine.items() if v[1].get(SERVER_ID_LABEL) == a.identity.server_id}
    shared_user = first == second
    try:
        await b.start()
        await b.stop()
    except OwnershipError:
        assert not shared_user  # only a clash of escaped names is refused
    b.clear_state()
    await b.delete_forever()
    after = await snapshot(a)
    for key, value in (ours if shared_user else mine).items():
        assert after.get(key) == value, key
    assert await a.poll() is None
    await a.stop()
    a.clear_state()
    await a.delete_forever()
    if first_server:
        await spawner(kube, user=first).delete_forever()  # the user's deletion
    assert await snapshot(a) == {}


@pytest.mark.slow
@real_cluster_skip
async def test_an_outage_during_a_failed_start_forgets_nothing(
    kube: KubeTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API goes down while a failed start rolls back and while the hub stops the server; the hub
    then clears the state. poll() must not call the server stopped while its Pod runs, and once the
    API answers again nothing of the server is left."""
    from kts.spawner import reaper

    emu = kube.emulator
    assert emu is not None
    monkeypatch.setattr(reaper, "FIRST_DELAY", 0.05)
    monkeypatch.setattr(reaper, "MAX_DELAY", 0.2)
    emu.fail_pods("image-pull", name="jupyter-alice")
    sp = spawner(kube, image_pull_grace=0.3)
    emu.fail_requests(r".*", 503, method="DELETE", count=10**6)
    with pytest.raises(SpawnFailed, match=r"cannot pull image.*cleanup incomplete"):
        await sp.start()
    with pytest.raises(KubeError):
        await sp.stop()  # the hub's stop() after a failed start fails too
    sp.clear_state()  # ...and the hub forgets the server
    assert "Pod/jupyter-alice" in await objects(sp)
    assert await sp.poll() is None  # its Pod still runs: not stopped
    emu.clear_faults()
    for _ in range(200):
        if not any(v == "server-stopped" for v in (await objects(sp)).values()):
            break
        await asyncio.sleep(0.05)
    assert all(v != "server-stopped" for v in (await objects(sp)).values())
    assert await sp.poll() == 0
    await sp.delete_forever()


@pytest.mark.slow
@real_cluster_skip
async def test_the_sweep_finds_what_a_hub_restart_forgot(kube: KubeTarget) -> None:
    """A server whose start died before its Pod existed leaves only a Secret: the sweep finds it by
    identity (not through pods) and leaves running servers and lasting volumes alone."""
    from kts.spawner.orphans import sweep_orphans

    emu = kube.emulator
    assert emu is not None
    running = spawner(kube, user="bob")
    await running.start()
    crashed = spawner(kube, user="carol")
    emu.fail_requests(r"/pods/jupyter-carol$", 403, method="PATCH", count=1)
    emu.fail_requests(r".*", 503, method="DELETE", count=10**6)
    with pytest.raises(SpawnFailed):
        await crashed.start()
    emu.clear_faults()
    from kts.spawner import reaper

    reaper.cancel(crashed.identity.server_id)  # the hub process died: nobody retries
    assert "Secret/jupyter-carol" in await objects(crashed)
    cleaned = await sweep_orphans(
        await running.cluster(), namespace=running.namespace, instance="jupyter",
        running={running.identity.server_id}, lifecycle_key="kubetemplatespawner/lifecycle",
        delete_timeout=5, min_age=0,
    )  # fmt: skip
    assert cleaned == [("carol", "")]
    assert await objects(crashed) == {"PersistentVolumeClaim/jupyter-carol": "server-deleted"}
    assert "Pod/jupyter-bob" in await objects(running)
    await running.stop()
    await running.delete_forever()
    await crashed.delete_forever()


@pytest.mark.slow
@real_cluster_skip
async def test_an_unreachable_api_is_reported_as_such(kube: KubeTarget) -> None:
    emu = kube.emulator
    assert emu is not None
    sp = spawner(kube)
    await sp.cluster()
    emu.fail_requests(r".*", 503, count=10**6)
    with pytest.raises(SpawnFailed, match="cannot reach Kubernetes") as info:
        await sp.start()
    assert info.value.status_code == 503
    emu.clear_faults()


@pytest.mark.slow
@real_cluster_skip
async def test_a_new_start_ends_the_retries_of_an_old_stop(
    kube: KubeTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retrying a failed stop must never delete the server started after it."""
    from kts.spawner import reaper

    emu = kube.emulator
    assert emu is not None
    monkeypatch.setattr(reaper, "FIRST_DELAY", 0.3)
    sp = spawner(kube, delete_timeout=2)
    await sp.start()
    emu.fail_requests(r"/pods/jupyter-alice$", 403, method="DELETE", count=1)
    with pytest.raises(KubeError):
        await sp.stop()
    assert reaper.pending(sp.identity.server_id)
    await sp.start()
    assert not reaper.pending(sp.identity.server_id)
    await asyncio.sleep(0.6)
    assert "Pod/jupyter-alice" in await objects(sp)
    assert await sp.poll() is None
    await sp.stop()
    await sp.delete_forever()


@pytest.mark.slow
async def test_a_post_render_hook_is_checked_like_the_chart(kube: KubeTarget) -> None:
    """The hook runs before the contract check: what it adds is held to the same rules."""
    added: list[str] = []

    async def add_config(spawner: Any, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        pod = next(o for o in objects if o["kind"] == "Pod")
        meta = {"name": f"extra-{pod['metadata']['name']}", "labels": dict(pod["metadata"]["labels"])}
        extra = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
                 "data": {"who": spawner.user.name}}  # fmt: skip
        added.append(extra["metadata"]["name"])
        return [*objects, extra]

    sp = spawner(kube, user="hooked", post_render_hook=add_config, resource_kinds=["v1/ConfigMap"])
    await sp.start()
    assert f"ConfigMap/{added[0]}" in await objects(sp)
    await sp.stop()
    assert f"ConfigMap/{added[0]}" not in await objects(sp)

    def escape(spawner: Any, objects: list[dict[str, Any]]) -> None:
        objects.append({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "x", "namespace": "kube-system", "labels": {}}})  # fmt: skip

    with pytest.raises(ContractError, match="post_render_hook") as info:
        await spawner(kube, user="hooked", post_render_hook=escape).start()
    assert info.value.template == "(post_render_hook)"
    await sp.delete_forever()
