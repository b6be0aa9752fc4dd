"""The chart contract is checked before anything is applied; violations name template, object, rule."""

from __future__ import annotations

import pytest

from kts.spawner.contract import Rendered, Rules, check
from kts.spawner.errors import ContractError
from tests.spawner.objects import LABELS, obj, pod, pvc, rendered

RULES = Rules(instance="jupyter", username="alice", servername="", namespace="ns")


def violation(objects: list[Rendered], rules: Rules = RULES) -> ContractError:
    with pytest.raises(ContractError) as info:
        check(objects, rules)
    return info.value


def test_valid_set_gets_namespace_and_refs() -> None:
    checked = check(rendered(pod(), pvc()), RULES)
    assert [b["metadata"]["namespace"] for b in checked.bodies] == ["ns", "ns"]
    assert checked.connection.kind == "Pod"
    assert [r.lifecycle for r in checked.refs] == ["server-stopped", "user-deleted"]


def test_unannotated_objects_are_server_stopped() -> None:
    checked = check(rendered(pod(), obj("ConfigMap", "cm")), RULES)
    assert checked.refs[1].lifecycle == "server-stopped"


@pytest.mark.parametrize(
    ("label", "rule"),
    [
        ("app.kubernetes.io/instance", "every object needs the label app.kubernetes.io/instance"),
        ("hub.jupyter.org/username", "every user object needs the label hub.jupyter.org/username"),
        ("hub.jupyter.org/servername", "every server object (lifecycle server-stopped) needs the label"),
    ],
)
def test_missing_labels(label: str, rule: str) -> None:
    labels = {k: v for k, v in LABELS.items() if k != label}
    err = violation(rendered(pod(), obj("ConfigMap", "cm", labels=labels)))
    assert err.template == "singleuser/templates/configmap.yaml"
    assert err.object == "ConfigMap/cm"
    assert rule in err.rule
    assert "ConfigMap/cm" in str(err) and "configmap.yaml" in str(err)


def test_user_deleted_may_omit_servername_but_not_lie() -> None:
    shared = {k: v for k, v in LABELS.items() if k != "hub.jupyter.org/servername"}
    check(rendered(pod(), pvc(labels=shared)), RULES)
    wrong = dict(LABELS, **{"hub.jupyter.org/servername": "other"})
    assert "expected ''" in violation(rendered(pod(), pvc(labels=wrong))).rule


def test_wrong_label_value_and_yaml_boolean() -> None:
    rules = Rules(instance="jupyter", username="yes", servername="", namespace="ns")
    labels = dict(LABELS, **{"hub.jupyter.org/username": True})
    err = violation(rendered(pod(labels=labels)), rules)
    assert "is True, expected 'yes'" in err.rule


SLUGGED = Rules(instance="jupyter", username="alice-x---1234abcd", servername="", namespace="ns",
                username_aliases=("Alice.X",), servername_aliases=("",))  # fmt: skip


@pytest.mark.parametrize("value", ["alice-x---1234abcd", "Alice.X"])
def test_either_username_value_when_used_throughout(value: str) -> None:
    """The escaped name, or KubeSpawner's label slug; the set's value is what deletion selects."""
    labels = dict(LABELS, **{"hub.jupyter.org/username": value})
    checked = check(rendered(pod(labels=labels), pvc(labels=labels)), SLUGGED)
    assert checked.labels == {"hub.jupyter.org/username": value, "hub.jupyter.org/servername": ""}


def test_mixed_username_values_are_refused() -> None:
    """Objects under two values would escape a deletion selecting on one of them."""
    first = dict(LABELS, **{"hub.jupyter.org/username": "Alice.X"})
    second = dict(LABELS, **{"hub.jupyter.org/username": "alice-x---1234abcd"})
    err = violation(rendered(pod(labels=first), pvc(labels=second)), SLUGGED)
    assert err.object == "PersistentVolumeClaim/jupyter-alice"
    assert "is 'alice-x---1234abcd', but Pod/" in err.rule and "has 'Alice.X'" in err.rule
    assert "must use the same value" in err.rule


def test_an_alias_is_only_accepted_for_its_own_label() -> None:
    labels = dict(LABELS, **{"hub.jupyter.org/username": "someone-else"})
    err = violation(rendered(pod(labels=labels)), SLUGGED)
    assert "expected 'alice-x---1234abcd' or 'Alice.X'" in err.rule


@pytest.mark.parametrize("count", [0, 2])
def test_exactly_one_connection(count: int) -> None:
    objects = [pod(f"p{i}", connection=i < count) for i in range(2)]
    err = violation(rendered(*objects))
    assert "connection" in err.rule


def test_connection_must_be_pod_or_service_and_server_stopped() -> None:
    cm = obj("ConfigMap", "cm", annotations={"kubetemplatespawner/connection": "true"})
    assert "v1 Pod or Service" in violation(rendered(cm)).rule
    p = pod(annotations={"kubetemplatespawner/lifecycle": "server-deleted"})
    assert "lifecycle server-stopped" in violation(rendered(p)).rule
    bad = pod(annotations={"kubetemplatespawner/connection": "yes"})
    assert 'must be "true"' in violation(rendered(bad)).rule


def test_service_connection() -> None:
    svc = obj("Service", annotations={"kubetemplatespawner/connection": "true"})
    checked = check(rendered(pod(connection=False), svc), RULES)
    assert checked.connection.kind == "Service"


def test_invalid_lifecycle() -> None:
    err = violation(rendered(pod(), pvc(lifecycle="forever")))
    assert "'forever' is not one of server-stopped, server-deleted, user-deleted" in err.rule


def test_other_namespace_guard() -> None:
    objects = rendered(pod(), obj("ConfigMap", "cm", namespace="kube-system"))
    assert "namespace 'kube-system'" in violation(objects).rule
    rules = Rules(**{**RULES.__dict__, "allow_other_namespaces": True})
    assert check(objects, rules).bodies[1]["metadata"]["namespace"] == "kube-system"


def test_cluster_scoped_guard_uses_discovery() -> None:
    objects = rendered(pod(), obj("ClusterRole", "cr", api_version="rbac.authorization.k8s.io/v1"))
    assert "cluster-scoped" in violation(objects).rule
    custom = rendered(pod(), obj("Widget", "w", api_version="example.com/v1"))
    rules = Rules(**{**RULES.__dict__, "is_namespaced": lambda av, k: k != "Widget"})
    assert "cluster-scoped" in violation(custom, rules).rule
    allowed = Rules(
        **{**RULES.__dict__, "is_namespaced": lambda av, k: k != "Widget", "allow_cluster_scoped": True}
    )
    assert check(custom, allowed).refs[1].namespace is None


def test_allowed_kinds() -> None:
    objects = rendered(pod(), obj("ConfigMap", "cm"))
    rules = Rules(**{**RULES.__dict__, "allowed_kinds": ("Pod", "v1/Secret")})
    assert "kind v1/ConfigMap is not in allowed_kinds" in violation(objects, rules).rule
    ok = Rules(**{**RULES.__dict__, "allowed_kinds": ("Pod", "/ConfigMap")})
    check(objects, ok)


def test_structure_errors() -> None:
    assert "apiVersion and kind" in violation([Rendered("t.yaml", {"metadata": {"name": "x"}})]).rule
    nameless = {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "x-"}}
    assert "metadata.name" in violation([Rendered("t.yaml", nameless)]).rule
    dup = rendered(pod(), pod(connection=False))
    assert "also rendered by" in violation(dup).rule


def test_test_hooks_are_dropped() -> None:
    hook = Rendered("t/tests/t.yaml", obj("Pod", "test", labels={}), hook="test")
    checked = check([*rendered(pod()), hook], RULES)
    assert len(checked.refs) == 1


def test_never_deleted_is_a_user_lifecycle() -> None:
    """never-deleted (KubeSpawner's delete_pvc = False) may be the user's (no servername label)
    or a server's, like user-deleted."""
    shared = {k: v for k, v in LABELS.items() if k != "hub.jupyter.org/servername"}
    checked = check(rendered(pod(), pvc(lifecycle="never-deleted", labels=shared)), RULES)
    assert checked.refs[1].lifecycle == "never-deleted"
    wrong = dict(LABELS, **{"hub.jupyter.org/servername": "other"})
    assert "expected ''" in violation(rendered(pod(), pvc(lifecycle="never-deleted", labels=wrong))).rule


def test_create_only_objects_outlive_a_stop() -> None:
    once = {"kubetemplatespawner/create-only": "true"}
    kept = pvc(lifecycle="user-deleted", labels=LABELS)
    kept["metadata"]["annotations"].update(once)
    assert check(rendered(pod(), kept), RULES).create_only == [False, True]
    err = violation(rendered(pod(), obj("ConfigMap", "cm", annotations=once)))
    assert err.object == "ConfigMap/cm"
    assert 'create-only="true" needs a lifecycle that outlives a stop' in err.rule
    assert err.rule.endswith("not server-stopped")
    bad = obj("ConfigMap", "cm", annotations={"kubetemplatespawner/create-only": "yes"})
    assert 'must be "true" or "false", not \'yes\'' in violation(rendered(pod(), bad)).rule
