"""The tenant guards hold against what discovery, lookup and List documents could slip past them:
kinds unknown to a stale discovery, lookups of cluster-scoped kinds, and objects inside Lists."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from kts.spawner import ContractError, KubeTemplateSpawner, SpawnFailed, charts
from kts.spawner.cluster import Cluster
from kts.spawner.contract import Rendered, Rules, check
from tests.spawner.conftest import KubeTarget
from tests.spawner.objects import LABELS as LABELLED
from tests.spawner.objects import obj, pod, rendered
from tests.spawner.standalone import make_spawner

RULES = Rules(instance="jupyter", username="alice", servername="", namespace="ns")

LABELS = (
    "  labels:\n"
    "    app.kubernetes.io/instance: {{ .Values.instance | quote }}\n"
    "    hub.jupyter.org/username: {{ .Values.escaped_username | quote }}\n"
    "    hub.jupyter.org/servername: {{ .Values.escaped_servername | quote }}\n"
)
POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n" + LABELS
    + "  annotations:\n    kubetemplatespawner/connection: 'true'\n"
    "    found: {{ $found | default \"\" | quote }}\n"
    "spec:\n  containers:\n"
    "    - {name: notebook, image: 'registry.k8s.io/pause:3.9', ports: [{containerPort: 8888}]}\n"
)  # fmt: skip


def spawner(kube: KubeTarget, **config: Any) -> KubeTemplateSpawner:
    config.setdefault("start_timeout", 20 if kube.emulator is not None else 300)
    config.setdefault("delete_timeout", 20)
    config.setdefault("chart", str(charts.example_chart_path()))
    return make_spawner("alice", "", **kube.spawner_config(**config))


def with_scopes(**scopes: bool) -> Rules:
    """Rules of a connected cluster whose discovery knows exactly ``scopes`` (kind -> namespaced)."""
    return Rules(**{**RULES.__dict__, "is_namespaced": lambda av, kind: scopes.get(kind)})


def labelled(body: dict[str, Any]) -> dict[str, Any]:
    body["metadata"]["labels"] = dict(LABELLED)
    return body


def violation(objects: list[Rendered], rules: Rules) -> ContractError:
    with pytest.raises(ContractError) as info:
        check(objects, rules)
    return info.value


def crd(group: str, kind: str, scope: str) -> dict[str, Any]:
    plural = kind.lower() + "s"
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "scope": scope,
            "names": {"plural": plural, "singular": kind.lower(), "kind": kind},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
                    },
                }
            ],
        },
    }


# ----- stale discovery ----------------------------------------------------------------------


async def _install_crd(cluster: Cluster, body: dict[str, Any]) -> None:
    client = cluster.client
    await client.apply([body], namespace="default", field_manager="kts-tests")
    api_version = f"{body['spec']['group']}/v1"
    kind = body["spec"]["names"]["kind"]
    for _ in range(600):
        live = await client.get("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                                body["metadata"]["name"], None)  # fmt: skip
        conditions = ((live or {}).get("status") or {}).get("conditions") or []
        established = any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions)
        # The client's own discovery, not the spawner's scope table: that one stays as it was.
        if established and (await client.discovery(refresh=True)).lookup(api_version, kind) is not None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{body['metadata']['name']} was not established")


@pytest.mark.slow
async def test_cluster_scoped_crd_installed_after_start(kube: KubeTarget, chart_factory) -> None:
    group = f"g{uuid.uuid4().hex[:8]}.kts.test"
    gadget = f"apiVersion: {group}/v1\nkind: Gadget\nmetadata:\n  name: {{{{ .Release.Name }}}}\n" + LABELS
    chart = chart_factory({"pod.yaml": '{{- $found := "" }}\n' + POD, "gadget.yaml": gadget})
    first = spawner(kube)
    cluster = await first.cluster()
    await cluster.load_scopes()  # the hub learnt the scopes before the CRD existed
    definition = crd(group, "Gadget", "Cluster")
    await _install_crd(cluster, definition)
    try:
        sp = spawner(kube, chart=str(chart))
        with pytest.raises(ContractError) as info:
            await sp.start()
        assert info.value.template.endswith("templates/gadget.yaml")
        assert info.value.object == "Gadget/jupyter-alice"
        assert "Gadget is cluster-scoped (set allow_cluster_scoped" in info.value.rule
        assert await cluster.client.list(f"{group}/v1", "Gadget", None) == []
        assert cluster.is_namespaced(f"{group}/v1", "Gadget") is False

        allowed = spawner(kube, chart=str(chart), allow_cluster_scoped=True)
        await allowed.start()
        live = await cluster.get(f"{group}/v1", "Gadget", "jupyter-alice", None)
        assert live is not None and "namespace" not in live["metadata"]
        await allowed.stop()
    finally:
        await cluster.client.delete("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                                    definition["metadata"]["name"], None)  # fmt: skip


@pytest.mark.slow
async def test_lookup_of_a_cluster_scoped_crd_installed_after_start(kube: KubeTarget, chart_factory) -> None:
    group = f"g{uuid.uuid4().hex[:8]}.kts.test"
    lookup = f'{{{{- $found := lookup "{group}/v1" "Gizmo" .Release.Namespace "" | toJson }}}}\n'
    chart = chart_factory({"pod.yaml": lookup + POD})
    first = spawner(kube)
    cluster = await first.cluster()
    await cluster.load_scopes()
    definition = crd(group, "Gizmo", "Cluster")
    await _install_crd(cluster, definition)
    try:
        with pytest.raises(SpawnFailed, match=r"cluster-scoped Gizmo.*allow_cluster_scoped"):
            await spawner(kube, chart=str(chart)).start()
    finally:
        await cluster.client.delete("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                                    definition["metadata"]["name"], None)  # fmt: skip


@pytest.mark.slow
async def test_kind_unknown_to_the_cluster_is_refused(kube: KubeTarget, chart_factory) -> None:
    sprocket = "apiVersion: nothere.kts.test/v1\nkind: Sprocket\nmetadata:\n  name: s\n" + LABELS
    chart = chart_factory({"pod.yaml": '{{- $found := "" }}\n' + POD, "sprocket.yaml": sprocket})
    sp = spawner(kube, chart=str(chart), allow_cluster_scoped=True, allow_other_namespaces=True)
    if kube.emulator is not None:
        kube.emulator.clear_requests()
    with pytest.raises(ContractError) as info:
        await sp.start()
    assert info.value.template.endswith("templates/sprocket.yaml")
    assert info.value.object == "Sprocket/s"
    assert "nothere.kts.test/v1/Sprocket is not served by the cluster" in info.value.rule
    if kube.emulator is not None:
        assert kube.emulator.requests(method="PATCH") == []


def test_connected_discovery_decides_not_the_builtin_table() -> None:
    # Discovery that does not know ConfigMap: the table's "namespaced" guess must not apply it.
    rules = Rules(**{**with_scopes(Pod=True).__dict__, "allow_cluster_scoped": True})
    err = violation(rendered(pod(), obj("ConfigMap", "cm")), rules)
    assert err.template == "singleuser/templates/configmap.yaml" and err.object == "ConfigMap/cm"
    assert "v1/ConfigMap is not served by the cluster" in err.rule


def test_kind_defined_by_a_crd_in_the_same_set() -> None:
    rules = Rules(**{**with_scopes(Pod=True, CustomResourceDefinition=False).__dict__,
                     "allow_cluster_scoped": True})  # fmt: skip
    namespaced = rendered(pod(), labelled(crd("example.com", "Widget", "Namespaced")), obj("Widget", "w",
                          api_version="example.com/v1"))  # fmt: skip
    assert check(namespaced, rules).refs[2].namespace == "ns"
    cluster_scoped = rendered(pod(), labelled(crd("example.com", "Widget", "Cluster")), obj("Widget", "w",
                              api_version="example.com/v1"))  # fmt: skip
    assert check(cluster_scoped, rules).refs[2].namespace is None
    placed = rendered(pod(), labelled(crd("example.com", "Widget", "Cluster")), obj("Widget", "w",
                      api_version="example.com/v1", namespace="ns"))  # fmt: skip
    assert "cluster-scoped and cannot have a namespace" in violation(placed, rules).rule
    # Only the versions the CRD defines.
    other = rendered(pod(), labelled(crd("example.com", "Widget", "Namespaced")), obj("Widget", "w",
                     api_version="example.com/v2"))  # fmt: skip
    assert "example.com/v2/Widget is not served" in violation(other, rules).rule
    # The CRD itself is cluster-scoped: without allow_cluster_scoped the set is refused.
    strict = with_scopes(Pod=True, CustomResourceDefinition=False)
    err = violation(namespaced, strict)
    assert err.object == "CustomResourceDefinition/widgets.example.com" and "cluster-scoped" in err.rule


@dataclass
class _Resource:
    api_version: str
    kind: str
    namespaced: bool


class _Map:
    def __init__(self, resources: list[_Resource]) -> None:
        self.resources = resources


class _Discovering:
    """A client whose discovery answers from ``served`` and counts the fetches."""

    def __init__(self) -> None:
        self.served = [_Resource("v1", "Pod", True)]
        self.fetches: list[float] = []

    async def discovery(self, *, refresh: bool = False) -> _Map:
        self.fetches.append(time.monotonic())
        await asyncio.sleep(0.01)
        return _Map(list(self.served))


@pytest.mark.slow
async def test_rediscovery_is_rate_limited_and_never_stale() -> None:
    client = _Discovering()
    cluster = Cluster(client)
    cluster.scope_refresh_interval = 0.3
    await cluster.load_scopes()
    await cluster.ensure_scopes([("v1", "Pod")])
    assert len(client.fetches) == 1  # known kinds send nothing
    client.served.append(_Resource("example.com/v1", "Gadget", False))
    # Concurrent asks share one re-discovery.
    await asyncio.gather(*(cluster.ensure_scopes([("example.com/v1", "Gadget")]) for _ in range(5)))
    assert len(client.fetches) == 2 and cluster.is_namespaced("example.com/v1", "Gadget") is False
    for fetches in (3, 4):
        # Still unknown after the last one: wait out the interval and ask again, never skip.
        await asyncio.gather(*(cluster.ensure_scopes([("example.com/v1", "Missing")]) for _ in range(5)))
        assert len(client.fetches) == fetches and cluster.is_namespaced("example.com/v1", "Missing") is None
        assert client.fetches[-1] - client.fetches[-2] >= 0.29
    client.served.append(_Resource("example.com/v1", "Missing", True))
    await cluster.ensure_scopes([("example.com/v1", "Missing")])
    assert len(client.fetches) == 5 and cluster.is_namespaced("example.com/v1", "Missing") is True


# ----- lookup -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("call", "rule"),
    [
        ('lookup "v1" "Node" .Release.Namespace ""', "lookup of cluster-scoped Node"),
        ('lookup "v1" "Namespace" .Release.Namespace "kube-system"', "lookup of cluster-scoped Namespace"),
        ('lookup "v1" "Namespace" "" "kube-system"', "lookup of cluster-scoped Namespace"),
        ('lookup "rbac.authorization.k8s.io/v1" "ClusterRole" "kube-system" ""', "of cluster-scoped Cluster"),
        ('lookup "v1" "ConfigMap" "kube-system" ""', "lookup in namespace 'kube-system'"),
        ('lookup "v1" "ConfigMap" "" ""', "lookup of ConfigMap in all namespaces"),
    ],
)
async def test_lookup_guards(kube: KubeTarget, chart_factory, call: str, rule: str) -> None:
    chart = chart_factory({"pod.yaml": f"{{{{- $found := {call} | toJson }}}}\n" + POD})
    with pytest.raises(SpawnFailed) as info:
        await spawner(kube, chart=str(chart)).start()
    message = str(info.value)
    assert rule in message and "templates/pod.yaml:1" in message
    guard = "allow_cluster_scoped" if "cluster-scoped" in rule else "allow_other_namespaces"
    assert f"(set {guard} to permit it)" in message


async def test_lookup_allowed_by_the_guards(kube: KubeTarget, chart_factory) -> None:
    call = 'lookup "v1" "Namespace" "ignored" .Release.Namespace'
    chart = chart_factory({"pod.yaml": f"{{{{- $found := ({call}).metadata.name }}}}\n" + POD})
    sp = spawner(kube, chart=str(chart), allow_cluster_scoped=True)
    await sp.start()
    live = await (await sp.cluster()).get("v1", "Pod", "jupyter-alice", sp.namespace)
    assert live is not None and live["metadata"]["annotations"]["found"] == sp.namespace
    await sp.stop()


@pytest.mark.slow
async def test_lookup_of_unknown_kinds_answers_like_helm(kube: KubeTarget, chart_factory) -> None:
    # A kind its served group version lacks reads as absent.
    call = 'lookup "v1" "Sprocket" .Release.Namespace ""'
    empty = f'{{{{- $found := ternary "empty" "full" (empty ({call})) }}}}\n'
    sp = spawner(kube, chart=str(chart_factory({"pod.yaml": empty + POD})))
    await sp.start()
    live = await (await sp.cluster()).get("v1", "Pod", "jupyter-alice", sp.namespace)
    assert live is not None and live["metadata"]["annotations"]["found"] == "empty"
    await sp.stop()
    # A group version the cluster does not serve is an error, as in Helm.
    call = 'lookup "nothere.kts.test/v1" "Sprocket" .Release.Namespace ""'
    chart = chart_factory({"pod.yaml": f"{{{{- $found := {call} | toJson }}}}\n" + POD})
    with pytest.raises(SpawnFailed, match=r"unable to get apiresource from unstructured: nothere\.kts"):
        await spawner(kube, chart=str(chart)).start()


@pytest.mark.slow
async def test_lookups_of_unknown_kinds_rediscover_once_per_render(kube: KubeTarget, chart_factory) -> None:
    probes = '{{- range until 4 }}{{ $_ := lookup "v1" "Sprocket" $.Release.Namespace "" }}{{ end }}\n'
    chart = chart_factory({"pod.yaml": probes + '{{- $found := "" }}\n' + POD})
    sp = spawner(kube, chart=str(chart))
    if kube.emulator is not None:
        kube.emulator.clear_requests()
    await sp.start()
    if kube.emulator is not None:
        # The hub's first discovery, and one re-discovery for the four lookups.
        assert len([r for r in kube.emulator.requests(method="GET") if r.path == "/api"]) == 2
    await sp.stop()


# ----- List kinds ---------------------------------------------------------------------------


def a_list(*items: dict[str, Any], kind: str = "List", **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": kind, "items": list(items), **extra}


def test_list_items_are_checked_as_objects() -> None:
    listed = [Rendered("singleuser/templates/list.yaml", a_list(pod(), obj("ConfigMap", "cm")))]
    checked = check(listed, RULES)
    assert [r.describe() for r in checked.refs] == ["Pod ns/jupyter-alice", "ConfigMap ns/cm"]
    assert [b["metadata"]["namespace"] for b in checked.bodies] == ["ns", "ns"]


@pytest.mark.parametrize("kind", ["List", "ConfigMapList", "ClusterRoleList"])
def test_list_cannot_carry_objects_past_the_guards(kind: str) -> None:
    role = obj("ClusterRole", "cr", api_version="rbac.authorization.k8s.io/v1")
    listed = [*rendered(pod()), Rendered("singleuser/templates/list.yaml", a_list(role, kind=kind))]
    err = violation(listed, RULES)
    assert err.template == "singleuser/templates/list.yaml"
    assert err.object.startswith("ClusterRole/cr") and f"items[0] of {kind}" in err.object
    assert "ClusterRole is cluster-scoped (set allow_cluster_scoped" in err.rule
    elsewhere = a_list(obj("ConfigMap", "cm", namespace="kube-system"), kind=kind)
    err = violation([*rendered(pod()), Rendered("t/list.yaml", elsewhere)], RULES)
    assert "namespace 'kube-system'" in err.rule and err.object.startswith("ConfigMap/cm")


def test_nested_lists_are_flattened() -> None:
    role = obj("ClusterRole", "cr", api_version="rbac.authorization.k8s.io/v1")
    nested = a_list(obj("ConfigMap", "a"), a_list(obj("ConfigMap", "b"), a_list(role)))
    err = violation([*rendered(pod()), Rendered("t/list.yaml", nested)], RULES)
    assert "items[0] of List items[1] of List items[1] of List" in err.object
    assert "cluster-scoped" in err.rule
    ok = a_list(obj("ConfigMap", "a"), a_list(obj("ConfigMap", "b"), a_list(pod())))
    checked = check([Rendered("t/list.yaml", ok)], with_scopes(Pod=True, ConfigMap=True))
    assert [r.name for r in checked.refs] == ["a", "b", "jupyter-alice"]
    assert checked.connection.kind == "Pod"


def test_lists_that_are_not_lists_are_refused() -> None:
    mapping = a_list(kind="ConfigMapList") | {"items": {"a": 1}}
    bad_items = [*rendered(pod()), Rendered("t/list.yaml", mapping)]
    assert "items must be a list" in violation(bad_items, RULES).rule
    not_object = [*rendered(pod()), Rendered("t/list.yaml", a_list("just text"))]  # type: ignore[arg-type]
    err = violation(not_object, RULES)
    assert err.template == "t/list.yaml" and err.object == "? (items[0] of List)"
    assert "not a Kubernetes object" in err.rule
    # A kind named like a list but without items is an object like any other (and unknown here).
    nameless = [*rendered(pod()), Rendered("t/list.yaml", {"apiVersion": "v1", "kind": "List"})]
    assert "metadata.name" in violation(nameless, RULES).rule


def test_list_hooks_apply_to_their_items() -> None:
    role = obj("ClusterRole", "cr", api_version="rbac.authorization.k8s.io/v1")
    tests = Rendered("t/tests/list.yaml", a_list(role), hook="test")
    assert len(check([*rendered(pod()), tests], RULES).refs) == 1


@pytest.mark.slow
async def test_rendered_list_is_applied_item_by_item(kube: KubeTarget, chart_factory) -> None:
    items = POD.replace("\n", "\n    ").rstrip()
    config_map = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n" + LABELS
                  ).replace("\n", "\n    ").rstrip()  # fmt: skip
    chart = chart_factory({"list.yaml": "{{- $found := \"\" }}\napiVersion: v1\nkind: List\nitems:\n"
                                        f"  - {items}\n  - {config_map}\n"})  # fmt: skip
    sp = spawner(kube, chart=str(chart))
    await sp.start()
    cluster = await sp.cluster()
    assert await cluster.get("v1", "ConfigMap", "jupyter-alice-cm", sp.namespace) is not None
    await sp.stop()
    assert await cluster.get("v1", "ConfigMap", "jupyter-alice-cm", sp.namespace) is None
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n" + LABELS
            ).replace("\n", "\n    ").rstrip()  # fmt: skip
    sneaky = chart_factory({"pod.yaml": "{{- $found := \"\" }}\n" + POD,
                            "list.yaml": f"apiVersion: v1\nkind: List\nitems:\n  - {role}\n"})  # fmt: skip
    with pytest.raises(ContractError, match="ClusterRole is cluster-scoped"):
        await spawner(kube, chart=str(sneaky)).start()
    assert await cluster.get("rbac.authorization.k8s.io/v1", "ClusterRole", "r", None) is None
