"""Differential: for the same ``c.KubeSpawner.*`` configuration, the default chart creates the Pod
and PVC KubeSpawner 7.1 itself creates, field for field.

Real KubeSpawner starts each server first, against the same cluster, with its own clients; its
objects are read back, removed, and then KubeTemplateSpawner starts the same server. The only
differences allowed: kts's own labels and annotations, the API token read from a Secret, and what
the API server fills in per object. The ``hub.jupyter.org/username|servername`` labels hold
KubeSpawner's own label slugs, so selectors written for KubeSpawner's objects select kts's.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from jupyterhub.objects import Hub
from kubespawner import KubeSpawner
from kubespawner import clients as kubespawner_clients
from traitlets.config import Config

from kts.kube import KubeClient
from kts.spawner import KubeTemplateSpawner, SpawnFailed, charts
from kts.spawner.contract import INSTANCE_LABEL, SERVERNAME_LABEL, USERNAME_LABEL
from kts.spawner.ownership import SERVER_ID_LABEL, USER_ID_LABEL
from tests.spawner.conftest import KubeTarget
from tests.spawner.standalone import make_spawner
from tests.support.kubespawner_clients import close_shared_clients

TOKEN = "secret-token-value"
HUB = Hub(ip="hub", port=8081)
CONNECTION = "kubetemplatespawner/connection"
LIFECYCLE = "kubetemplatespawner/lifecycle"
KTS_LABELS = {INSTANCE_LABEL, USER_ID_LABEL, SERVER_ID_LABEL, SERVERNAME_LABEL}
CREATE_ONLY = "kubetemplatespawner/create-only"
FOLLOWS_DELETE_PVC = "kubetemplatespawner/follows-delete-pvc"
KTS_ANNOTATIONS = {CONNECTION, LIFECYCLE, CREATE_ONLY, FOLLOWS_DELETE_PVC, "hub.jupyter.org/servername"}
SERVER_FILLED = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation")

Z2JH = {
    "image": "quay.io/jupyterhub/k8s-singleuser-sample:4.1.0",
    "cmd": ["jupyterhub-singleuser"],
    "uid": 1000,
    "fs_gid": 100,
    "common_labels": {
        "app": "jupyterhub",
        "heritage": "jupyterhub",
        "release": "jupyterhub",
        "chart": "jupyterhub-4.1.0",
    },
    "extra_labels": {"hub.jupyter.org/network-access-hub": "true"},
    "pod_name_template": "jupyter-{user_server}",
    "storage_pvc_ensure": True,
    "pvc_name_template": "claim-{user_server}",
    "storage_capacity": "10Gi",
    "storage_access_modes": ["ReadWriteOnce"],
    "storage_extra_labels": {"hub.jupyter.org/storage-kind": "user"},
    "volumes": [{"name": "volume-{user_server}", "persistentVolumeClaim": {"claimName": "{pvc_name}"}}],
    "volume_mounts": [{"name": "volume-{user_server}", "mountPath": "/home/jovyan"}],
    "mem_guarantee": "1G",
    "cpu_limit": None,
    "start_timeout": 30,
}


def _hook(spawner: Any, pod: Any) -> Any:
    pod.spec.containers[0].args = ["--debug"]
    pod.metadata.labels["hooked"] = spawner.user.name
    return pod


PROFILES: list[dict[str, Any]] = [
    {"display_name": "Small", "slug": "small", "default": True, "kubespawner_override": {"mem_limit": "1G"}},
    {
        "display_name": "GPU",
        "slug": "gpu",
        "kubespawner_override": {
            "image": "quay.io/jupyter/pytorch-notebook:cuda12",
            "extra_resource_limits": {"nvidia.com/gpu": "1"},
            "node_selector": {"gpu": "true"},
        },
        "profile_options": {
            "image": {
                "display_name": "Image",
                "choices": {
                    "base": {
                        "display_name": "Base",
                        "kubespawner_override": {"image": "quay.io/jupyter/base-notebook"},
                    },
                    "torch": {
                        "display_name": "Torch",
                        "kubespawner_override": {"environment": {"FLAVOUR": "torch-{username}"}},
                    },
                },
                "unlisted_choice": {
                    "enabled": True,
                    "validation_regex": "^quay.io/jupyter/.*$",
                    "kubespawner_override": {"image": "{value}"},
                },
            }
        },
    },
]


@dataclass
class Case:
    id: str
    config: dict[str, Any] = field(default_factory=dict)
    user: str = "alice"
    server: str = ""
    user_options: dict[str, Any] | None = None
    form: dict[str, list[str]] | None = None
    """Form data, turned into user_options by the spawner's own options_from_form."""
    service_accounts: tuple[str, ...] = ()
    """ServiceAccounts the cluster must have (the API server refuses pods naming absent ones)."""


CASES = [
    Case("z2jh-defaults"),
    Case(
        "resources",
        {
            "mem_limit": "2G",
            "mem_guarantee": "1.5G",
            "cpu_limit": 2.5,
            "cpu_guarantee": 0.5,
            "extra_resource_limits": {"nvidia.com/gpu": "1"},
            "extra_resource_guarantees": {"ephemeral-storage": "1Gi"},
        },
    ),
    Case(
        "scheduling",
        {
            "node_selector": {"disktype": "ssd", "zone": "a"},
            "tolerations": {
                "b": {"key": "gpu", "operator": "Exists", "effect": "NoSchedule"},
                "a": {
                    "key": "hub.jupyter.org/dedicated",
                    "operator": "Equal",
                    "value": "user",
                    "effect": "NoSchedule",
                },
            },
            "node_affinity_required": [
                {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["users"]}]}
            ],
            "scheduler_name": "jupyterhub-user-scheduler",
            "priority_class_name": "user-pods",
        },
    ),
    Case(
        "labels-annotations",
        {
            "extra_labels": {"team": "{username}", "hub.jupyter.org/network-access-hub": "true"},
            "extra_annotations": {"owner": "{unescaped_username}", "server": "{servername}"},
        },
    ),
    Case(
        "storage",
        {
            "storage_class": "fast-ssd",
            "storage_capacity": "50Gi",
            "storage_access_modes": ["ReadWriteMany"],
            "storage_extra_annotations": {"backup": "{username}"},
            "storage_selector": {"matchLabels": {"user": "{username}"}},
        },
    ),
    Case("no-storage", {"storage_pvc_ensure": False, "volumes": [], "volume_mounts": []}),
    Case(
        "volumes-dict",
        {
            "volumes": {
                "b-home": {"name": "home", "persistentVolumeClaim": {"claimName": "{pvc_name}"}},
                "a-shared": {
                    "name": "shared-{username}",
                    "nfs": {"server": "nfs.example.org", "path": "/shared/{username}"},
                },
            },
            "volume_mounts": {
                "b": {"name": "home", "mountPath": "/home/{username}"},
                "a": {"name": "shared-{username}", "mountPath": "/shared", "readOnly": True},
            },
            "working_dir": "/home/{username}",
        },
    ),
    Case(
        "extra-containers",
        {
            "extra_containers": [
                {
                    "name": "sidecar-{username}",
                    "image": "busybox:1.36",
                    "command": ["sh", "-c", "sleep infinity"],
                }
            ],
            "init_containers": [
                {
                    "name": "chown",
                    "image": "busybox:1.36",
                    "command": ["chown", "1000:100", "/home/jovyan"],
                    "securityContext": {"runAsUser": 0},
                }
            ],
        },
    ),
    Case(
        "lifecycle-hooks",
        {
            "lifecycle_hooks": {
                "postStart": {"exec": {"command": ["sh", "-c", "echo hi"]}},
                "preStop": {"exec": {"command": ["sh", "-c", "sleep 1"]}},
            }
        },
    ),
    Case(
        "service-account",
        {
            "service_account": "user-{username}",
            "automount_service_account_token": True,
            "image_pull_secrets": ["regcred"],
            "image_pull_policy": "Always",
        },
        service_accounts=("user-alice",),
    ),
    Case(
        "security",
        {
            "uid": 1001,
            "gid": 1002,
            "fs_gid": 1003,
            "supplemental_gids": [2000, 2001],
            "privileged": False,
            "allow_privilege_escalation": False,
            "container_security_context": {"readOnlyRootFilesystem": True},
            "pod_security_context": {"seccompProfile": {"type": "RuntimeDefault"}},
        },
    ),
    Case(
        "environment",
        {
            "environment": {
                "GREETING": "hello {username}",
                "REF": "$(JUPYTERHUB_USER)-x",
                "FROM_FIELD": {"valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
            }
        },
    ),
    Case(
        "extra-config",
        {
            "extra_pod_config": {"dnsPolicy": "ClusterFirst", "hostname": "{username}"},
            "extra_container_config": {"stdin": True},
            "modify_pod_hook": _hook,
            "port": 9999,
            "args": ["--ServerApp.log_level=DEBUG"],
        },
    ),
    Case("named-server", server="gpu-box"),
    Case("escaped-username", user="first.last@example.org"),
    Case(
        "long-names", user="a-very-long-user-name-that-needs-hashing-0123456789", server="and-a-long-server"
    ),
    Case("escape-scheme", {"slug_scheme": "escape"}, user="bob.smith", server="x"),
    Case("user-pvc", {"pvc_name_template": "claim-{username}"}, server="second"),
    Case("kept-pvc", {"delete_pvc": False}, server="kept"),
    Case("profile-default", {"profile_list": PROFILES}),
    Case("profile-api", {"profile_list": PROFILES}, user_options={"profile": "gpu", "image": "torch"}),
    Case(
        "profile-form",
        {"profile_list": PROFILES},
        form={"profile": ["gpu"], "profile-option-gpu--image": ["base"]},
    ),
    Case(
        "profile-unlisted",
        {"profile_list": PROFILES},
        user_options={"profile": "gpu", "image--unlisted-choice": "quay.io/jupyter/r-notebook:2025"},
    ),
]


def traits(kube: KubeTarget, case: Case, cls: type) -> Config:
    """The hub's configuration, set on ``c.KubeSpawner`` as Z2JH sets it, plus connection settings."""
    c = Config()
    for key, value in {**Z2JH, **copy.deepcopy(case.config)}.items():
        c.KubeSpawner[key] = value
    c.KubeSpawner.namespace = kube.namespace
    if cls is KubeSpawner:
        c.KubeSpawner.events_enabled = False
        if kube.emulator is not None:
            c.KubeSpawner.k8s_api_host = kube.emulator.url
    else:
        c.KubeTemplateSpawner.kubeconfig = kube.kubeconfig
        c.KubeTemplateSpawner.delete_timeout = 20
    return c


def spawner_for(kube: KubeTarget, case: Case, cls: type) -> Any:
    sp = make_spawner(case.user, case.server, spawner_class=cls, traits=traits(kube, case, cls), hub=HUB)
    sp.api_token = TOKEN
    if case.form is not None:
        sp.user_options = sp.options_from_form(case.form)
    elif case.user_options is not None:
        sp.user_options = copy.deepcopy(case.user_options)
    return sp


@pytest.fixture
async def kubespawner_env(kube: KubeTarget, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[KubeTarget]:
    """Real KubeSpawner pointed at the test cluster through its usual kubeconfig loading."""
    import kubernetes_asyncio.config.kube_config as kube_config

    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", kube.kubeconfig)
    # KubeSpawner loads its configuration once per host (lru_cache); an emulator may get the port
    # of an earlier one whose configuration was since replaced, so every test loads afresh.
    kubespawner_clients.load_config.cache_clear()
    try:
        yield kube
    finally:
        kubespawner_clients.load_config.cache_clear()
        await KubeSpawner._stop_all_reflectors()
        await close_shared_clients()


async def _read(client: KubeClient, kind: str, name: str, namespace: str) -> dict[str, Any] | None:
    return await client.get("v1", kind, name, namespace)


async def _gone(client: KubeClient, kind: str, name: str, namespace: str) -> None:
    await client.delete("v1", kind, name, namespace)
    for _ in range(200):
        if await _read(client, kind, name, namespace) is None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{kind} {name} was not deleted")


async def kubespawner_objects(kube: KubeTarget, case: Case) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The Pod and PVC real KubeSpawner created for ``case``; both are removed again."""
    sp = spawner_for(kube, case, KubeSpawner)
    await asyncio.wait_for(sp.start(), 60)
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        pod = await _read(client, "Pod", sp.pod_name, kube.namespace)
        pvc = await _read(client, "PersistentVolumeClaim", sp.pvc_name, kube.namespace)
        await sp.stop(now=True)
        if pvc is not None:
            await _gone(client, "PersistentVolumeClaim", sp.pvc_name, kube.namespace)
    assert pod is not None, "KubeSpawner created no pod"
    return pod, pvc


@dataclass
class Created:
    pod: dict[str, Any]
    pvc: dict[str, Any] | None
    secret: dict[str, Any] | None
    spawner: KubeTemplateSpawner


async def kts_objects(kube: KubeTarget, case: Case) -> Created:
    sp = spawner_for(kube, case, KubeTemplateSpawner)
    await asyncio.wait_for(sp.start(), 60)
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        pod = await _read(client, "Pod", sp.pod_name, kube.namespace)
        pvc = await _read(client, "PersistentVolumeClaim", sp.pvc_name, kube.namespace)
        secret = await _read(client, "Secret", sp.secret_name, kube.namespace)
    await sp.stop(now=True)
    assert pod is not None, "kts created no pod"
    return Created(pod, pvc, secret, sp)


def _server_fields_dropped(obj: dict[str, Any]) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    obj.pop("status", None)
    meta = obj["metadata"]
    for key in SERVER_FILLED:
        meta.pop(key, None)
    if obj["kind"] == "PersistentVolumeClaim":
        obj["spec"].pop("volumeName", None)  # the bound volume is named after the claim's uid
    return obj


def label(obj: dict[str, Any], key: str) -> str:
    value = (obj["metadata"].get("labels") or {}).get(key)
    assert isinstance(value, str), f"{obj['kind']} has no label {key}"
    return value


def _as_kubespawner_would(
    ours: dict[str, Any], theirs: dict[str, Any], contract: dict[str, str]
) -> dict[str, Any]:
    """``ours`` with only the allowed differences undone; asserts each one is what kts promises."""
    ours, theirs = _server_fields_dropped(ours), _server_fields_dropped(theirs)
    meta, their_meta = ours["metadata"], theirs["metadata"]
    labels, their_labels = meta.get("labels") or {}, their_meta.get("labels") or {}
    for key, value in contract.items():
        assert labels.get(key) == value, f"contract label {key}"
        if key in their_labels:
            labels[key] = their_labels[key]
    meta["labels"] = {k: v for k, v in labels.items() if k in their_labels or k not in KTS_LABELS}
    annotations, theirs_ann = meta.get("annotations") or {}, their_meta.get("annotations") or {}
    meta["annotations"] = {
        k: v for k, v in annotations.items() if k in theirs_ann or k not in KTS_ANNOTATIONS
    }
    return ours


def _env_resolved(pod: dict[str, Any], secret: dict[str, Any] | None) -> list[str]:
    """The notebook container's env with Secret references replaced by the Secret's values;
    returns the names that came from the Secret."""
    data = {k: base64.b64decode(v).decode() for k, v in ((secret or {}).get("data") or {}).items()}
    from_secret = []
    for container in pod["spec"]["containers"]:
        for var in container.get("env") or []:
            ref = (var.get("valueFrom") or {}).get("secretKeyRef")
            if ref and secret is not None and ref["name"] == secret["metadata"]["name"]:
                var.pop("valueFrom")
                var["value"] = data[ref["key"]]
                from_secret.append(var["name"])
    return from_secret


def _differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Where two objects differ, as ``path: ours != theirs`` lines (for readable failures)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        keys = sorted(set(ours) | set(theirs))
        return [
            d
            for k in keys
            for d in _differences(ours.get(k, "<absent>"), theirs.get(k, "<absent>"), f"{path}.{k}")
        ]
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [
            d
            for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
            for d in _differences(a, b, f"{path}[{i}]")
        ]
    return [] if ours == theirs else [f"{path}: {ours!r} != {theirs!r}"]


def assert_same(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    diff = _differences(ours, theirs)
    assert not diff, "differs from KubeSpawner's:\n" + "\n".join(diff)


def assert_same_pod(created: Created, theirs: dict[str, Any]) -> None:
    sp = created.spawner
    assert TOKEN not in json.dumps(created.pod), "the API token is in the pod spec"
    ours = _as_kubespawner_would(
        created.pod, theirs,
        {INSTANCE_LABEL: sp.instance, USERNAME_LABEL: label(theirs, USERNAME_LABEL),
         SERVERNAME_LABEL: label(theirs, SERVERNAME_LABEL)},
    )  # fmt: skip
    annotations = created.pod["metadata"]["annotations"]
    assert annotations[CONNECTION] == "true" and annotations[LIFECYCLE] == "server-stopped"
    assert sorted(_env_resolved(ours, created.secret)) == ["JPY_API_TOKEN", "JUPYTERHUB_API_TOKEN"]
    assert created.secret is not None
    assert created.secret["metadata"]["annotations"][LIFECYCLE] == "server-stopped"
    assert_same(ours, _server_fields_dropped(theirs))


def assert_same_pvc(created: Created, theirs: dict[str, Any] | None, their_pod: dict[str, Any]) -> None:
    if theirs is None:
        assert created.pvc is None
        return
    assert created.pvc is not None, "kts created no PVC"
    sp = created.spawner
    per_server = "{user_server}" in sp.pvc_name_template
    contract = {INSTANCE_LABEL: sp.instance, USERNAME_LABEL: label(theirs, USERNAME_LABEL)}
    if per_server:
        # KubeSpawner's PVC has no servername label; kts adds its Pod's, to delete it with the server.
        contract[SERVERNAME_LABEL] = label(their_pod, SERVERNAME_LABEL)
    annotations = created.pvc["metadata"]["annotations"]
    kept = not sp.delete_pvc  # KubeSpawner's delete_forever would not delete it
    deleted_with = "server-deleted" if per_server else "user-deleted"
    assert annotations[LIFECYCLE] == ("never-deleted" if kept else deleted_with)
    assert annotations[CREATE_ONLY] == "true"  # KubeSpawner creates it when missing, never updates it
    assert annotations[FOLLOWS_DELETE_PVC] == "true"  # its lifecycle is delete_pvc's when the user goes
    assert_same(_as_kubespawner_would(created.pvc, theirs, contract), _server_fields_dropped(theirs))


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_same_objects_as_kubespawner(kubespawner_env: KubeTarget, case: Case) -> None:
    if case.service_accounts:
        accounts = [
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": n}}
            for n in case.service_accounts
        ]
        async with await KubeClient.connect(kubeconfig=kubespawner_env.kubeconfig) as client:
            await client.apply(accounts, namespace=kubespawner_env.namespace, field_manager="kts-tests")
    their_pod, their_pvc = await kubespawner_objects(kubespawner_env, case)
    created = await kts_objects(kubespawner_env, case)
    assert_same_pod(created, their_pod)
    assert_same_pvc(created, their_pvc, their_pod)


@pytest.mark.slow
async def test_profile_choice_selects_the_override(kubespawner_env: KubeTarget) -> None:
    case = next(c for c in CASES if c.id == "profile-form")
    created = await kts_objects(kubespawner_env, case)
    container = created.pod["spec"]["containers"][0]
    chosen = PROFILES[1]["profile_options"]["image"]["choices"]["base"]["kubespawner_override"]["image"]
    assert container["image"] == chosen
    assert created.pod["spec"]["nodeSelector"] == PROFILES[1]["kubespawner_override"]["node_selector"]
    assert created.spawner.user_options == {"profile": "gpu", "image": "base"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "options",
    [{"profile": "nope"}, {"profile": "gpu", "image--unlisted-choice": "evil.example.org/x:1"}],
    ids=["unknown-profile", "unlisted-choice-failing-the-regex"],
)
async def test_invalid_user_options_apply_nothing(
    kubespawner_env: KubeTarget, options: dict[str, Any]
) -> None:
    case = Case("bad", {"profile_list": PROFILES}, user_options=options)
    sp = spawner_for(kubespawner_env, case, KubeTemplateSpawner)
    with pytest.raises(SpawnFailed) as info:
        await sp.start()
    assert info.value.status_code == 400 and "invalid server options" in str(info.value)
    async with await KubeClient.connect(kubeconfig=kubespawner_env.kubeconfig) as client:
        assert await client.list("v1", "Pod", kubespawner_env.namespace) == []


@pytest.mark.slow
async def test_kubespawner_machinery_never_runs(kube: KubeTarget, monkeypatch: pytest.MonkeyPatch) -> None:
    """No KubeSpawner client, reflector or kubeconfig loading: kts's own engine does the work."""
    import kubespawner.spawner

    loaded: list[Any] = []
    monkeypatch.setattr(kubespawner.spawner, "load_config", lambda *a, **k: loaded.append(a))
    sp = spawner_for(kube, Case("machinery"), KubeTemplateSpawner)
    await sp.start()
    assert await sp.poll() is None
    await sp.stop()
    loop = asyncio.get_running_loop()
    assert not loaded and sp.api is None
    assert not KubeSpawner.reflectors
    assert not [key for key in kubespawner_clients._client_cache if key[0] is loop]
    with pytest.raises(RuntimeError, match="reflectors"):
        await sp._start_watching_pods()


@pytest.mark.slow
@pytest.mark.parametrize(
    "case", [c for c in CASES if c.id in ("z2jh-defaults", "user-pvc", "profile-api")], ids=str
)
async def test_default_chart_renders_like_helm(case: Case, tmp_path: Any) -> None:
    """kts renders the kubespawner chart exactly as Helm does, for KubeSpawner's values."""
    from tests.support.oracle import helm_render

    target = KubeTarget(str(tmp_path / "unused-kubeconfig"), "ns", None)
    sp = spawner_for(target, case, KubeTemplateSpawner)
    await sp.load_user_options()
    values = await sp.chart_values()
    path = charts.default_chart_path()
    ours = charts.load(str(path)).render(values, release_name="jupyter-test", namespace="ns")
    theirs = helm_render(path, values, release_name="jupyter-test", namespace="ns")
    assert isinstance(theirs, dict), theirs
    assert ours == theirs


@pytest.mark.slow
async def test_a_server_kubespawner_started_carries_over(kubespawner_env: KubeTarget) -> None:
    """The hub switches spawner_class while KubeSpawner's server runs: kts reads KubeSpawner's saved
    state, polls that server as running, stops it, and the next start adopts its volume."""
    kube = kubespawner_env
    case = Case("carry-over", {"storage_pvc_ensure": True}, user="Dana.Lee@example.org")
    theirs = spawner_for(kube, case, KubeSpawner)
    await asyncio.wait_for(theirs.start(), 60)
    saved = theirs.get_state()
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        their_pod = await _read(client, "Pod", theirs.pod_name, kube.namespace)
        their_pvc = await _read(client, "PersistentVolumeClaim", theirs.pvc_name, kube.namespace)
        assert their_pod is not None and their_pvc is not None

        ours = spawner_for(kube, case, KubeTemplateSpawner)
        ours.load_state(saved)
        assert await ours.poll() is None  # KubeSpawner's pod runs: the server is running
        await ours.stop(now=True)
        assert await _read(client, "Pod", theirs.pod_name, kube.namespace) is None
        assert await ours.poll() == 0
        ours.clear_state()

        again = spawner_for(kube, case, KubeTemplateSpawner)
        await asyncio.wait_for(again.start(), 60)
        pvc = await _read(client, "PersistentVolumeClaim", theirs.pvc_name, kube.namespace)
        assert pvc is not None and pvc["metadata"]["uid"] == their_pvc["metadata"]["uid"]
        assert pvc["spec"] == their_pvc["spec"]  # adopted as it is: only kts's labels are added
        assert pvc["metadata"]["labels"][USER_ID_LABEL] == again.identity.user_id
        await again.stop(now=True)
        again.clear_state()
        await again.delete_forever()
        assert await _read(client, "PersistentVolumeClaim", theirs.pvc_name, kube.namespace) is None


@pytest.mark.slow
async def test_after_pod_created_hook_gets_the_created_pod(kube: KubeTarget) -> None:
    seen: list[dict[str, Any]] = []
    case = Case("hooked", {"after_pod_created_hook": lambda spawner, pod: seen.append(pod)})
    created = await kts_objects(kube, case)
    assert [p["metadata"]["uid"] for p in seen] == [created.pod["metadata"]["uid"]]


@pytest.mark.slow
async def test_a_failing_after_pod_created_hook_fails_the_spawn_and_leaves_nothing(kube: KubeTarget) -> None:
    def fail(spawner: Any, pod: dict[str, Any]) -> None:
        raise RuntimeError(f"no quota for {pod['metadata']['name']}")

    sp = spawner_for(kube, Case("hook-fails", {"after_pod_created_hook": fail}), KubeTemplateSpawner)
    expected = "after_pod_created_hook failed: RuntimeError: no quota for jupyter-alice"
    with pytest.raises(SpawnFailed, match=expected):
        await sp.start()
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        for kind in ("Pod", "Secret"):
            assert await client.list("v1", kind, kube.namespace) == [], kind


async def _user_objects(client: KubeClient, sp: KubeTemplateSpawner) -> dict[str, dict[str, str]]:
    """``Kind/name -> labels`` of the user's live objects, found by the user's identity alone."""
    out = {}
    for kind in ("Pod", "Secret", "PersistentVolumeClaim"):
        for obj in await client.list("v1", kind, sp.namespace, f"{USER_ID_LABEL}={sp.identity.user_id}"):
            if not obj["metadata"].get("deletionTimestamp"):
                out[f"{kind}/{obj['metadata']['name']}"] = obj["metadata"]["labels"]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("server", ["", "Lab.1"])
async def test_objects_under_kubespawner_label_slugs_are_stopped_and_deleted(
    kube: KubeTarget, server: str
) -> None:
    """The default chart labels with KubeSpawner's label slugs: the state records them, and a stop
    whose state is lost (or a deletion by a spawner that never started) still finds the objects."""
    from kubespawner.slugs import is_valid_label, safe_slug

    case = Case("label-slugs", {"pvc_name_template": "claim-{username}"}, user="Alice.Smith@example.org",
                server=server)  # fmt: skip
    sp = spawner_for(kube, case, KubeTemplateSpawner)
    await asyncio.wait_for(sp.start(), 60)
    want = {USERNAME_LABEL: safe_slug(case.user, is_valid=is_valid_label),
            SERVERNAME_LABEL: safe_slug(server, is_valid=is_valid_label)}  # fmt: skip
    assert want[USERNAME_LABEL] != sp.server_names.username  # the label slug is not the name slug
    assert {k: sp.get_state()["kts"]["labels"][k] for k in want} == want
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        found = await _user_objects(client, sp)
        assert sorted(k.split("/")[0] for k in found) == ["PersistentVolumeClaim", "Pod", "Secret"]
        assert all(labels[USERNAME_LABEL] == want[USERNAME_LABEL] for labels in found.values())

        lost = spawner_for(kube, case, KubeTemplateSpawner)
        lost.load_state({"kts": {"version": -1}})  # damaged: nothing remembered
        await lost.stop(now=True)
        assert [k.split("/")[0] for k in await _user_objects(client, sp)] == ["PersistentVolumeClaim"]

        default = spawner_for(kube, Case("label-slugs", case.config, user=case.user), KubeTemplateSpawner)
        await default.delete_forever()  # the user is deleted; this spawner never started
        assert await _user_objects(client, sp) == {}


@pytest.mark.slow
async def test_an_existing_claim_is_left_as_it_is(kubespawner_env: KubeTarget) -> None:
    """KubeSpawner creates the PVC only when it is missing: a later start with other storage
    settings leaves the claim as it is. kts's claim matches KubeSpawner's after the same two starts
    (kts updates only its own labels and the lifecycle, here never-deleted from delete_pvc)."""
    kube = kubespawner_env
    first = Case("claim-once")
    later = Case("claim-once", {
        "storage_capacity": "20Gi", "storage_access_modes": ["ReadWriteMany"], "delete_pvc": False,
        "storage_extra_labels": {"hub.jupyter.org/storage-kind": "scratch"},
    })  # fmt: skip
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        theirs = spawner_for(kube, first, KubeSpawner)
        await asyncio.wait_for(theirs.start(), 60)
        await theirs.stop(now=True)
        their_pod, their_pvc = await kubespawner_objects(kube, later)  # removes the claim after
        assert their_pvc is not None and their_pvc["spec"]["resources"]["requests"]["storage"] == "10Gi"

        ours = spawner_for(kube, first, KubeTemplateSpawner)
        await asyncio.wait_for(ours.start(), 60)
        await ours.stop(now=True)
        created = await kts_objects(kube, later)
        assert_same_pvc(created, their_pvc, their_pod)
        await _gone(client, "PersistentVolumeClaim", created.spawner.pvc_name, kube.namespace)


@pytest.mark.slow
@pytest.mark.parametrize("pvc_name", ["claim-{username}", "claim-{user_server}"])
async def test_a_kept_claim_outlives_its_user(kube: KubeTarget, pvc_name: str) -> None:
    """delete_pvc = False: the claim is never-deleted. Stop, the server's and the user's deletion
    and the orphan sweep leave it; the user, created again, gets the same claim back."""
    from kts.spawner.orphans import sweep_orphans

    case = Case("kept", {"delete_pvc": False, "pvc_name_template": pvc_name}, server="lab")
    sp = spawner_for(kube, case, KubeTemplateSpawner)
    await asyncio.wait_for(sp.start(), 60)
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        claim = await _read(client, "PersistentVolumeClaim", sp.pvc_name, kube.namespace)
        assert claim is not None and claim["metadata"]["annotations"][LIFECYCLE] == "never-deleted"
        await sp.stop(now=True)
        sp.clear_state()
        await sp.delete_forever()  # the named server is deleted
        default = spawner_for(kube, Case("kept", case.config), KubeTemplateSpawner)
        await default.delete_forever()  # then the user
        await sweep_orphans(await sp.cluster(), namespace=kube.namespace, instance=sp.instance, running=set(),
                            lifecycle_key=LIFECYCLE, delete_timeout=20, min_age=0)  # fmt: skip
        kept = await _read(client, "PersistentVolumeClaim", sp.pvc_name, kube.namespace)
        assert kept is not None and kept["metadata"]["uid"] == claim["metadata"]["uid"]

        again = spawner_for(kube, case, KubeTemplateSpawner)
        await asyncio.wait_for(again.start(), 60)
        back = await _read(client, "PersistentVolumeClaim", again.pvc_name, kube.namespace)
        assert back is not None and back["metadata"]["uid"] == claim["metadata"]["uid"]
        await again.stop(now=True)
        await _gone(client, "PersistentVolumeClaim", again.pvc_name, kube.namespace)


async def _claim_after(kube: KubeTarget, cls: type, case: Case, later: Case) -> dict[str, Any] | None:
    """The claim left once the server, started and stopped under ``case``, is deleted (the named
    server, or the user for the default one) by a hub restarted with ``later``'s settings."""
    first = spawner_for(kube, case, cls)
    await asyncio.wait_for(first.start(), 60)
    await first.stop(now=True)
    first.clear_state()
    state = first.get_state()
    deleting = spawner_for(kube, later, cls)
    deleting.load_state(state)
    await deleting.delete_forever()
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        for _ in range(100):  # KubeSpawner does not wait for the deletion to finish
            claim = await _read(client, "PersistentVolumeClaim", first.pvc_name, kube.namespace)
            if claim is None or claim["metadata"].get("deletionTimestamp") is None:
                break
            await asyncio.sleep(0.05)
        if claim is not None:
            await _gone(client, "PersistentVolumeClaim", first.pvc_name, kube.namespace)
    return claim


@pytest.mark.slow
@pytest.mark.parametrize("pvc_name", ["claim-{username}", "claim-{user_server}"])
@pytest.mark.parametrize("delete_pvc", [True, False], ids=["switched-on", "switched-off"])
async def test_delete_pvc_as_set_when_the_user_is_deleted(
    kubespawner_env: KubeTarget, pvc_name: str, delete_pvc: bool
) -> None:
    """The operator changes delete_pvc after the claim was made: KubeSpawner reads it when the
    user (or the named server owning the claim) is deleted, and so does kts."""
    kube = kubespawner_env
    server = "lab" if "{user_server}" in pvc_name else ""
    case = Case("delete-pvc", {"delete_pvc": not delete_pvc, "pvc_name_template": pvc_name}, server=server)
    later = Case("delete-pvc", {**case.config, "delete_pvc": delete_pvc}, server=server)
    theirs = await _claim_after(kube, KubeSpawner, case, later)
    ours = await _claim_after(kube, KubeTemplateSpawner, case, later)
    assert (theirs is None) == delete_pvc, "KubeSpawner deletes the claim exactly when delete_pvc is on"
    assert (ours is None) == (theirs is None), (ours, theirs)
    if ours is not None:
        assert ours["metadata"]["annotations"][LIFECYCLE] == "never-deleted"
