"""kubectl, a client nobody here wrote, drives the emulator and gets what a real API server gives.

Each test runs the kubectl on PATH (v1.32 on these machines) against a fresh emulator, with its own
discovery cache. What kubectl sends is its own business (protobuf for typed ``create``, Table
Accept headers for ``get``, OpenAPI v3 for validation and ``explain``); the emulator must answer.
Expected values come from kubectl itself (``--dry-run=client -o json``) or from Kubernetes'
published schemas, never typed in.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from kts.testing import Emulator, protobuf
from kts.testing.kubeschema import schemas_for

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Kubectl:
    def __init__(self, emu: Emulator, cache: Path) -> None:
        self.emu = emu
        self.cache = cache

    async def __call__(self, *args: str, stdin: str | None = None, timeout: float = 30.0) -> Run:
        assert self.emu.kubeconfig_path is not None
        proc = await asyncio.create_subprocess_exec(
            "kubectl",
            f"--kubeconfig={self.emu.kubeconfig_path}",
            f"--cache-dir={self.cache}",
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(stdin.encode() if stdin else None), timeout)
        return Run(proc.returncode or 0, out.decode(), err.decode())

    async def ok(self, *args: str, stdin: str | None = None) -> Run:
        run = await self(*args, stdin=stdin)
        assert run.code == 0, f"kubectl {' '.join(args)} failed: {run.err}"
        return run


@pytest.fixture
async def kubectl(kube_emulator: Emulator, tmp_path: Path) -> AsyncIterator[Kubectl]:
    yield Kubectl(kube_emulator, tmp_path / "kube-cache")


def _manifest(*objects: dict[str, Any]) -> str:
    return "---\n".join(yaml.safe_dump(o) for o in objects)


def _configmap(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


# -- writes ---------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_server_side_apply_with_validation_on(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    run = await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(_configmap("c1", a="1")))
    assert "configmap/c1 serverside-applied" in run.out
    live = kube_emulator.get("v1", "ConfigMap", "c1", "default")
    assert live is not None and live["data"] == {"a": "1"}
    managers = [(e["manager"], e["operation"]) for e in live["metadata"]["managedFields"]]
    assert managers == [("kubectl", "Apply")]
    # kubectl left validation to the server: it asked for it on the request
    patch = kube_emulator.requests(method="PATCH")[-1]
    assert patch.query.get("fieldValidation") == "Strict"


@pytest.mark.slow
async def test_a_namespace_created_by_apply_has_its_applier_recorded(
    kubectl: Kubectl, kube_emulator: Emulator
) -> None:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "applied"}}
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(ns))
    run = await kubectl.ok("get", "namespace", "applied", "-o", "json", "--show-managed-fields")
    entries = run.json()["metadata"]["managedFields"]
    assert [(e["manager"], e["operation"], e["fieldsV1"]) for e in entries] == [("kubectl", "Apply", {})]


@pytest.mark.slow
async def test_the_server_refuses_what_the_schema_does_not_declare(kubectl: Kubectl) -> None:
    bad = _configmap("c2", a="1")
    bad["spec"] = {"replicas": 1}
    run = await kubectl("apply", "--server-side", "-f", "-", stdin=_manifest(bad))
    assert run.code != 0 and ".spec: field not declared in schema" in run.err
    run = await kubectl("create", "-f", "-", stdin=_manifest(bad))
    assert run.code != 0 and 'strict decoding error: unknown field "spec"' in run.err
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "app", "image": "busybox", "resources": "oops"}]},
    }
    run = await kubectl("create", "-f", "-", stdin=_manifest(pod))
    assert run.code != 0 and "cannot unmarshal string into Go struct field" in run.err


def _subset(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` lacks or changes a value of ``expected`` (nulls and empty maps in
    ``expected`` are what the client left unset)."""
    if expected is None or expected == {}:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [path]
        return [p for k, v in expected.items() for p in _subset(v, actual.get(k), f"{path}.{k}")]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [path]
        return [
            p
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for p in _subset(e, a, f"{path}[{i}]")
        ]
    return [] if expected == actual else [path]


def _no_nulls(value: Any) -> Any:
    """``value`` without null members: Go prints a nil pointer or slice as null where the wire
    simply lacks it."""
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_no_nulls(v) for v in value]
    return value


_TYPED_CREATE = {
    "configmap": ("configmap", "cfg", "--from-literal=a=1", "--from-literal=b=two"),
    "secret": ("secret", "generic", "sec", "--from-literal=token=s3cret", "--type=example.com/token"),
    "docker-registry": (
        "secret", "docker-registry", "reg", "--docker-server=r.example", "--docker-username=u",
        "--docker-password=p",
    ),
    "namespace": ("namespace", "team-a"),
    "serviceaccount": ("serviceaccount", "robot"),
    "deployment": ("deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=8080"),
    "deployment-0": ("deployment", "idle", "--image=nginx:1.27", "--replicas=0"),
    "job": ("job", "once", "--image=busybox:1.36", "--", "echo", "hello"),
    "cronjob": ("cronjob", "tick", "--image=busybox:1.36", "--schedule=*/5 * * * *", "--", "date"),
    "service": ("service", "clusterip", "front", "--tcp=80:8080"),
    "service-headless": ("service", "clusterip", "headless", "--clusterip=None"),
    "service-nodeport": ("service", "nodeport", "np", "--tcp=80:8080", "--node-port=30080"),
    "service-loadbalancer": ("service", "loadbalancer", "lb", "--tcp=443:8443"),
    "service-externalname": ("service", "externalname", "ext", "--external-name=example.com"),
    "role": ("role", "reader", "--verb=get", "--verb=list", "--resource=pods,deployments.apps"),
    "rolebinding": ("rolebinding", "rb", "--role=reader", "--user=alice", "--serviceaccount=default:robot"),
    "clusterrole": ("clusterrole", "creader", "--verb=get", "--resource=nodes", "--non-resource-url=/logs/*"),
    "clusterrole-aggregated": ("clusterrole", "agg", "--aggregation-rule=team=a"),
    "clusterrolebinding": ("clusterrolebinding", "crb", "--clusterrole=creader", "--group=devs"),
    "quota": ("quota", "q", "--hard=cpu=1,memory=1G,pods=2,count/deployments.apps=3", "--scopes=BestEffort"),
    "priorityclass": (
        "priorityclass", "high", "--value=1000", "--description=important", "--preemption-policy=Never",
    ),
    "poddisruptionbudget": ("poddisruptionbudget", "pdb", "--selector=app=web", "--min-available=50%"),
    "poddisruptionbudget-int": ("poddisruptionbudget", "pdb2", "--selector=app=web", "--max-unavailable=1"),
    "ingress": ("ingress", "ing", "--rule=foo.com/bar*=svc1:8080,tls=my-cert", "--class=nginx"),
    "ingress-default": ("ingress", "catch", "--default-backend=svc2:http", "--annotation=a=b"),
}


@pytest.mark.slow
@pytest.mark.parametrize("args", _TYPED_CREATE.values(), ids=_TYPED_CREATE.keys())
async def test_typed_create_sends_protobuf_and_the_object_arrives_whole(
    kubectl: Kubectl, kube_emulator: Emulator, args: tuple[str, ...]
) -> None:
    cut = args.index("--") if "--" in args else len(args)  # a job's command comes last
    head, command = args[:cut], args[cut:]
    expected = (await kubectl.ok("create", *head, "--dry-run=client", "-o", "json", *command)).json()
    created = (await kubectl.ok("create", *head, "-o", "json", "--show-managed-fields", *command)).json()
    post = kube_emulator.requests(method="POST")[-1]
    assert post.content_type == protobuf.MEDIA_TYPE
    # the protobuf body decodes to exactly the object kubectl prints for it
    assert _no_nulls(protobuf.decode(post.body)) == _no_nulls(expected)
    # everything kubectl set arrived (the server adds defaults and identity on top)
    assert _subset(expected, created) == []
    if expected["kind"] != "ServiceAccount":  # a name alone is no field: no entry, as on a real server
        assert created["metadata"]["managedFields"][0]["manager"] == "kubectl-create"
    resource = f"{expected['kind'].lower()}.{expected['apiVersion'].rsplit('/', 1)[0]}"
    got = await kubectl.ok("get", resource.removesuffix(".v1"), expected["metadata"]["name"], "-o", "json")
    assert got.json()["metadata"]["uid"] == created["metadata"]["uid"]


def _pb_field(number: int, payload: bytes) -> bytes:
    """One length-delimited protobuf field (tags and sizes here stay below 128)."""
    return bytes([number << 3 | 2, len(payload)]) + payload


@pytest.mark.slow
async def test_protobuf_for_a_kind_without_a_codec_is_a_415_and_garbage_a_400(
    kubectl: Kubectl, kube_emulator: Emulator, tmp_path: Path
) -> None:
    await kubectl.ok("create", "configmap", "probe", "--from-literal=a=1")
    body = kube_emulator.requests(method="POST")[-1].body
    assert body.startswith(b"k8s\x00")
    kubeconfig = yaml.safe_load(Path(kube_emulator.kubeconfig_path or "").read_text())
    server = kubeconfig["clusters"][0]["cluster"]["server"]
    meta = _pb_field(1, b"example.com/v1") + _pb_field(2, b"Widget")
    foreign = b"k8s\x00" + _pb_field(1, meta) + _pb_field(2, _pb_field(1, _pb_field(1, b"w")))
    async with aiohttp.ClientSession() as http:
        for payload, code in ((foreign, 415), (body[:-3], 400), (b"k8s\x00\xff\xff", 400)):
            async with http.post(
                f"{server}/api/v1/namespaces/default/configmaps",
                data=payload,
                headers={"Content-Type": protobuf.MEDIA_TYPE},
            ) as r:
                status = await r.json()
            assert (r.status, status["kind"], status["code"]) == (code, "Status", code)
            if code == 415:
                assert "example.com/v1, Kind=Widget" in status["message"]


def _changed_by_writes(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` without what every write moves on (resourceVersion, generation, managedFields)."""
    moving = ("resourceVersion", "generation", "managedFields")
    return {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k not in moving}}


_MUTATIONS = {
    "label": ("label", "deployment", "web", "tier=front"),
    "label-overwrite": ("label", "deployment", "web", "app=web", "--overwrite", "extra=1"),
    "label-remove": ("label", "deployment", "web", "app-"),
    "annotate": ("annotate", "deployment", "web", "note=hi", "other=there"),
    "set-image": ("set", "image", "deployment/web", "nginx=nginx:1.28"),
    "set-env": ("set", "env", "deployment/web", "FOO=bar", "BAZ=qux"),
    "set-resources": ("set", "resources", "deployment", "web", "--limits=cpu=200m,memory=512Mi"),
    "set-serviceaccount": ("set", "serviceaccount", "deployment", "web", "robot"),
    "patch-strategic-add": (
        "patch", "deployment", "web", "-p",
        json.dumps({"spec": {"template": {"spec": {"containers": [{"name": "side", "image": "busybox"}]}}}}),
    ),
    "patch-strategic-order": (
        "patch", "deployment", "web", "-p",
        json.dumps({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "side"}, {"name": "nginx"}],
            "containers": [{"name": "side", "image": "busybox"}],
        }}}}),
    ),
    "patch-strategic-delete": (
        "patch", "deployment", "web", "-p",
        json.dumps({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "$patch": "delete"},
                                                                   {"name": "solo", "image": "busybox"}]}}}}),
    ),
    "patch-merge": ("patch", "deployment", "web", "--type=merge", "-p", '{"metadata":{"labels":{"m":"1"}}}'),
    "patch-json": (
        "patch", "deployment", "web", "--type=json", "-p",
        json.dumps([
            {"op": "replace", "path": "/spec/replicas", "value": 4},
            {"op": "add", "path": "/metadata/labels/j", "value": "2"},
        ]),
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("args", _MUTATIONS.values(), ids=_MUTATIONS.keys())
async def test_imperative_changes_give_what_kubectl_computes_itself(
    kubectl: Kubectl, kube_emulator: Emulator, args: tuple[str, ...]
) -> None:
    """kubectl computes each change on the live object itself with --dry-run=client (using
    apimachinery's patch code, the real server's); the server's answer must be that object."""
    await kubectl.ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2")
    await kubectl.ok("create", "serviceaccount", "robot")
    expected = (await kubectl.ok(*args, "--dry-run=client", "-o", "json")).json()
    changed = (await kubectl.ok(*args, "-o", "json")).json()
    assert kube_emulator.requests(method="PATCH")[-1].path.startswith("/apis/apps/v1/namespaces/default/")
    # equal but for what the server moves on and the defaults it adds (lists equal in order)
    assert _subset(_changed_by_writes(expected), changed) == []
    containers = changed["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == [
        c["name"] for c in expected["spec"]["template"]["spec"]["containers"]
    ]
    # kubectl prints the answer through the Go types (a template's null creationTimestamp)
    live = (await kubectl.ok("get", "deployment", "web", "-o", "json")).json()
    assert _no_nulls(live["spec"]) == _no_nulls(changed["spec"])


@pytest.mark.slow
async def test_scale_through_the_scale_subresource(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    await kubectl.ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=1")
    await kubectl.ok("scale", "deployment", "web", "--replicas=2")
    assert kube_emulator.requests(method="PATCH")[-1].path.endswith("/deployments/web/scale")
    live = (await kubectl.ok("get", "deployment", "web", "-o", "json")).json()
    assert live["spec"]["replicas"] == 2
    # with a precondition kubectl reads the Scale and writes it back whole (zero replicas omitted)
    run = await kubectl("scale", "deployment", "web", "--current-replicas=5", "--replicas=3")
    assert run.code != 0 and "Expected replicas to be 5, was 2" in run.err
    await kubectl.ok("scale", "deployment", "web", "--current-replicas=2", "--replicas=0")
    live = (await kubectl.ok("get", "deployment", "web", "-o", "json")).json()
    assert live["spec"]["replicas"] == 0


@pytest.mark.slow
async def test_rollout_restart_stamps_the_template_and_rolls_out(kubectl: Kubectl) -> None:
    await kubectl.ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=1")
    await kubectl.ok("rollout", "status", "deployment/web", "--timeout=20s")
    before = (await kubectl.ok("get", "deployment", "web", "-o", "json")).json()
    run = await kubectl.ok("rollout", "restart", "deployment/web")
    assert "deployment.apps/web restarted" in run.out
    after = (await kubectl.ok("get", "deployment", "web", "-o", "json")).json()
    stamp = after["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
    assert stamp[:4].isdigit() and "T" in stamp
    assert after["metadata"]["generation"] == before["metadata"]["generation"] + 1
    await kubectl.ok("rollout", "status", "deployment/web", "--timeout=20s")
    sets = (await kubectl.ok("get", "replicasets", "-l", "app=web", "-o", "json")).json()["items"]
    assert len(sets) == 2


@pytest.mark.slow
async def test_run_and_expose(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    run_args = ("run", "pod1", "--image=busybox:1.36", "--labels=app=p,tier=t", "--env=A=1", "--port=80",
                "--restart=Never")
    expected = (await kubectl.ok(*run_args, "--dry-run=client", "-o", "json", "--", "sleep", "3600")).json()
    created = (await kubectl.ok(*run_args, "-o", "json", "--", "sleep", "3600")).json()
    assert _subset(expected, created) == []
    await kubectl.ok("create", "deployment", "web", "--image=nginx:1.27", "--port=8080")
    for args in (
        ("expose", "deployment", "web", "--port=80", "--target-port=8080", "--name=web-svc"),
        ("expose", "pod", "pod1", "--port=8000", "--target-port=80", "--type=NodePort", "--name=pod-svc"),
    ):
        expected = (await kubectl.ok(*args, "--dry-run=client", "-o", "json")).json()
        created = (await kubectl.ok(*args, "-o", "json")).json()
        assert _subset(expected, created) == []
        assert created["spec"]["clusterIP"] == created["spec"]["clusterIPs"][0]
    node_port = created["spec"]["ports"][0]["nodePort"]
    assert 30000 <= node_port <= 32767
    assert kube_emulator.get("v1", "Service", "web-svc", "default") is not None


@pytest.mark.slow
async def test_autoscale_sends_protobuf(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    await kubectl.ok("create", "deployment", "web", "--image=nginx:1.27")
    args = ("autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80")
    expected = (await kubectl.ok(*args, "--dry-run=client", "-o", "json")).json()
    created = (await kubectl.ok(*args, "-o", "json")).json()
    post = kube_emulator.requests(method="POST")[-1]
    assert post.content_type == protobuf.MEDIA_TYPE
    assert _no_nulls(protobuf.decode(post.body)) == _no_nulls(expected)
    assert _subset(expected, created) == []
    got = (await kubectl.ok("get", "hpa", "web", "-o", "json")).json()
    assert got["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    # without --min the API server defaults minReplicas to 1
    bare = (await kubectl.ok("autoscale", "deployment", "web", "--max=3", "--name=bare", "-o", "json")).json()
    assert bare["spec"]["minReplicas"] == 1


@pytest.mark.slow
async def test_rollout_undo_returns_to_the_previous_revision(kubectl: Kubectl) -> None:
    await kubectl.ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=1")
    await kubectl.ok("rollout", "status", "deployment/web", "--timeout=20s")
    await kubectl.ok("set", "image", "deployment/web", "nginx=nginx:1.28")
    await kubectl.ok("rollout", "status", "deployment/web", "--timeout=20s")
    history = await kubectl.ok("rollout", "history", "deployment/web")
    assert [row[0] for row in _table(history.out)[2:]] == ["1", "2"]
    assert "rolled back" in (await kubectl.ok("rollout", "undo", "deployment/web")).out
    await kubectl.ok("rollout", "status", "deployment/web", "--timeout=20s")
    live = (await kubectl.ok("get", "deployment", "web", "-o", "json")).json()
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert live["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    history = await kubectl.ok("rollout", "history", "deployment/web")
    assert [row[0] for row in _table(history.out)[2:]] == ["2", "3"]  # revision 1 became 3


@pytest.mark.slow
async def test_drain_deletes_with_protobuf_options_and_nothing_lands_on_the_cordoned_node(
    kubectl: Kubectl, kube_emulator: Emulator
) -> None:
    await kubectl.ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2")
    await kubectl.ok("rollout", "status", "deployment/web", "--timeout=20s")
    node = (await kubectl.ok("get", "nodes", "-o", "json")).json()["items"][0]["metadata"]["name"]
    run = await kubectl.ok("drain", node, "--ignore-daemonsets", "--disable-eviction", "--timeout=20s")
    assert f"node/{node} drained" in run.out
    deletes = kube_emulator.requests(method="DELETE", path="/pods/")
    assert len(deletes) == 2 and all(r.content_type == protobuf.MEDIA_TYPE for r in deletes)
    assert protobuf.decode(deletes[0].body)["kind"] == "DeleteOptions"
    # the replacements stay Pending: the node is cordoned
    await kube_emulator.wait_for(
        lambda: len([e for e in kube_emulator.list("v1", "Event") if e["reason"] == "FailedScheduling"]) >= 2
    )
    pods = (await kubectl.ok("get", "pods", "-l", "app=web", "-o", "json")).json()["items"]
    assert len(pods) == 2 and {p["status"]["phase"] for p in pods} == {"Pending"}
    events = await kubectl.ok("get", "events", "--field-selector=reason=FailedScheduling", "-o", "json")
    assert any("1 node(s) were unschedulable" in e["message"] for e in events.json()["items"])
    await kubectl.ok("uncordon", node)
    await kubectl.ok("rollout", "status", "deployment/web", "--timeout=20s")
    await kubectl.ok("taint", "nodes", node, "dedicated=gpu:NoSchedule")
    await kubectl.ok("run", "plain", "--image=busybox:1.36", "--restart=Never")

    def scheduled() -> dict[str, Any] | None:
        pod = kube_emulator.get("v1", "Pod", "plain", "default") or {}
        conditions = (pod.get("status") or {}).get("conditions") or []
        return next((c for c in conditions if c["type"] == "PodScheduled"), None)

    await kube_emulator.wait_for(scheduled)
    pod = (await kubectl.ok("get", "pod", "plain", "-o", "json")).json()
    condition = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert condition["status"] == "False"
    assert "untolerated taint {dedicated: gpu}" in condition["message"]


def _budget(emu: Emulator, name: str) -> dict[str, Any]:
    return dict((emu.get("policy/v1", "PodDisruptionBudget", name, "default") or {}).get("status") or {})


@pytest.mark.slow
async def test_drain_evicts_within_the_disruption_budget(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    await kubectl.ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2")
    await kubectl.ok("rollout", "status", "deployment/web", "--timeout=20s")
    await kubectl.ok("create", "poddisruptionbudget", "all", "--selector=app=web", "--min-available=2")
    await kube_emulator.wait_for(lambda: _budget(kube_emulator, "all").get("observedGeneration"))
    status = (await kubectl.ok("get", "pdb", "all", "-o", "json")).json()["status"]
    assert (status["currentHealthy"], status["desiredHealthy"], status["disruptionsAllowed"]) == (2, 2, 0)
    node = (await kubectl.ok("get", "nodes", "-o", "json")).json()["items"][0]["metadata"]["name"]
    run = await kubectl("drain", node, "--ignore-daemonsets", "--timeout=2s")
    assert run.code != 0 and "Cannot evict pod as it would violate the pod's disruption budget" in run.err
    assert kube_emulator.requests(method="POST", path="/eviction")
    assert len(kube_emulator.list("v1", "Pod", "default")) == 2  # nothing was evicted
    await kubectl.ok("delete", "pdb", "all")
    await kubectl.ok("uncordon", node)
    await kubectl.ok("create", "poddisruptionbudget", "half", "--selector=app=web", "--max-unavailable=50%")
    await kube_emulator.wait_for(lambda: _budget(kube_emulator, "half").get("disruptionsAllowed"))
    status = (await kubectl.ok("get", "pdb", "half", "-o", "json")).json()["status"]
    assert (status["expectedPods"], status["desiredHealthy"], status["disruptionsAllowed"]) == (2, 1, 1)
    # one pod goes; its replacement cannot start on the cordoned node, so the budget holds the other
    run = await kubectl("drain", node, "--ignore-daemonsets", "--timeout=2s")
    assert run.code != 0 and run.out.count(" evicted") == 1


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


@pytest.mark.slow
async def test_create_token(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    await kubectl.ok("create", "serviceaccount", "robot")
    answer = (await kubectl.ok("create", "token", "robot", "--duration=2h", "-o", "json")).json()
    post = kube_emulator.requests(method="POST")[-1]
    assert post.path == "/api/v1/namespaces/default/serviceaccounts/robot/token"
    assert post.content_type == protobuf.MEDIA_TYPE
    sent = protobuf.decode(post.body)
    assert (sent["kind"], sent["spec"]["expirationSeconds"]) == ("TokenRequest", 7200)
    assert answer["kind"] == "TokenRequest" and answer["spec"]["expirationSeconds"] == 7200
    claims = _claims(answer["status"]["token"])
    assert claims["sub"] == "system:serviceaccount:default:robot"
    assert claims["exp"] - claims["iat"] == 7200
    sa = kube_emulator.get("v1", "ServiceAccount", "robot", "default")
    assert sa is not None and claims["kubernetes.io"]["serviceaccount"]["uid"] == sa["metadata"]["uid"]
    token = (await kubectl.ok("create", "token", "robot", "--audience=one", "--audience=two")).out.strip()
    assert _claims(token)["aud"] == ["one", "two"]
    run = await kubectl("create", "token", "robot", "--duration=5m")
    assert run.code != 0 and "may not specify a duration less than 10 minutes" in run.err
    run = await kubectl("create", "token", "ghost")
    assert run.code != 0 and 'serviceaccounts "ghost" not found' in run.err


# -- reads ----------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_explain_reads_the_published_schema(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    defs = schemas_for(kube_emulator.kube_version).defs
    requirements = defs["io.k8s.api.core.v1.ResourceRequirements"]
    run = await kubectl.ok("explain", "pods.spec.containers.resources")
    assert "FIELD: resources <ResourceRequirements>" in run.out
    for field in requirements["properties"]:
        assert f"\n  {field}\t<" in run.out
    run = await kubectl.ok("explain", "deployments.spec.strategy", "--api-version=apps/v1")
    assert "rollingUpdate\t<RollingUpdateDeployment>" in run.out


@pytest.mark.slow
async def test_auth_can_i(kubectl: Kubectl) -> None:
    assert (await kubectl.ok("auth", "can-i", "create", "pods")).out.strip() == "yes"
    run = await kubectl.ok("auth", "can-i", "delete", "deployments.apps", "-n", "kube-system")
    assert run.out.strip() == "yes"
    listing = await kubectl.ok("auth", "can-i", "--list")
    assert "*.*" in listing.out


# -- tables ---------------------------------------------------------------------------------------


def _table(text: str) -> list[list[str]]:
    """kubectl's column output split on runs of 2+ spaces."""
    import re

    return [re.split(r"\s{2,}", line.strip()) for line in text.strip().splitlines()]


def _deployment(name: str, image: str = "nginx:1.27", replicas: int = 1) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "web", "image": image}]},
            },
        },
    }


@pytest.mark.slow
async def test_get_prints_the_server_side_columns(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    await kubectl.ok("create", "configmap", "cfg", "--from-literal=a=1", "--from-literal=b=2")
    rows = _table((await kubectl.ok("get", "configmap", "cfg")).out)
    live = kube_emulator.get("v1", "ConfigMap", "cfg", "default")
    assert live is not None
    assert rows[0] == ["NAME", "DATA", "AGE"]
    assert rows[1][:2] == ["cfg", str(len(live["data"]))]
    # a Table was asked for and given
    get = kube_emulator.requests(method="GET")[-1]
    assert get.path == "/api/v1/namespaces/default/configmaps/cfg"
    rows = _table((await kubectl.ok("get", "namespaces")).out)
    assert rows[0] == ["NAME", "STATUS", "AGE"]
    assert {r[0]: r[1] for r in rows[1:]}["default"] == "Active"


@pytest.mark.slow
async def test_get_pods_wide_and_deployments(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(_deployment("web", replicas=2)))
    await kubectl.ok("rollout", "status", "deployment/web", "--timeout=30s")
    rows = _table((await kubectl.ok("get", "deployments")).out)
    assert rows == [["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ["web", "2/2", "2", "2", rows[1][4]]]
    rows = _table((await kubectl.ok("get", "pods", "-o", "wide", "-l", "app=web")).out)
    assert rows[0] == [
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED NODE",
        "READINESS GATES",
    ]
    pods = {p["metadata"]["name"]: p for p in kube_emulator.list("v1", "Pod", "default")}
    assert sorted(r[0] for r in rows[1:]) == sorted(pods)
    for row in rows[1:]:
        pod = pods[row[0]]
        assert row[1:4] == ["1/1", pod["status"]["phase"], "0"]
        assert row[5:7] == [pod["status"]["podIP"], pod["spec"]["nodeName"]]
    # -o json still lists the objects themselves
    listed = (await kubectl.ok("get", "pods", "-o", "json")).json()
    assert listed["kind"] == "List" and {i["metadata"]["name"] for i in listed["items"]} == set(pods)


_WIDGETS = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "properties": {
                                    "replicas": {"type": "integer", "minimum": 0},
                                    "color": {"type": "string", "default": "blue"},
                                    "sizes": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                        },
                    }
                },
                "additionalPrinterColumns": [
                    {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
                    {"name": "Color", "type": "string", "jsonPath": ".spec.color", "priority": 1},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                ],
            }
        ],
    },
}


def _widget(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": name}, "spec": spec}


@pytest.mark.slow
async def test_custom_resources_print_their_crd_columns(kubectl: Kubectl) -> None:
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(_WIDGETS))
    await kubectl.ok("wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s")
    await kubectl.ok(
        "apply", "--server-side", "-f", "-", stdin=_manifest(_widget("w1", replicas=3, color="red"))
    )
    columns = [c["name"].upper() for c in _WIDGETS["spec"]["versions"][0]["additionalPrinterColumns"]]
    rows = _table((await kubectl.ok("get", "widgets")).out)
    assert rows[0] == ["NAME", *(c for c in columns if c != "COLOR")]
    assert rows[1][:2] == ["w1", "3"]
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(_widget("w2", replicas=1)))
    rows = _table((await kubectl.ok("get", "widgets", "-o", "wide")).out)
    assert rows[0] == ["NAME", *columns]
    default = _WIDGETS["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
    assert [r[:3] for r in rows[1:]] == [["w1", "3", "red"], ["w2", "1", default["color"]["default"]]]
    bad = await kubectl("create", "-f", "-", stdin=_manifest(_widget("w3", replicas="many")))
    assert bad.code != 0
    assert 'spec.replicas in body must be of type integer: "string"' in bad.err


@pytest.mark.slow
async def test_get_watch_prints_rows_as_objects_change(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    assert kube_emulator.kubeconfig_path is not None
    proc = await asyncio.create_subprocess_exec(
        "kubectl",
        f"--kubeconfig={kube_emulator.kubeconfig_path}",
        f"--cache-dir={kubectl.cache}",
        "get",
        "configmaps",
        "-w",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        header = await asyncio.wait_for(proc.stdout.readline(), 20)
        assert header.split() == [b"NAME", b"DATA", b"AGE"]
        await kubectl.ok("create", "configmap", "late", "--from-literal=a=1")
        seen = b""
        while b"late" not in seen:
            seen = await asyncio.wait_for(proc.stdout.readline(), 20)
        assert seen.split()[:2] == [b"late", b"1"]
    finally:
        proc.kill()
        await proc.wait()


# -- behaviour kubectl relies on --------------------------------------------------------------------


@pytest.mark.slow
async def test_apply_conflicts_and_force_conflicts(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(_configmap("shared", a="1")))
    run = await kubectl(
        "apply",
        "--server-side",
        "--field-manager=other",
        "-f",
        "-",
        stdin=_manifest(_configmap("shared", a="2")),
    )
    assert run.code != 0
    assert 'conflict with "kubectl"' in run.err and ".data.a" in run.err
    await kubectl.ok(
        "apply",
        "--server-side",
        "--field-manager=other",
        "--force-conflicts",
        "-f",
        "-",
        stdin=_manifest(_configmap("shared", a="2")),
    )
    live = kube_emulator.get("v1", "ConfigMap", "shared", "default")
    assert live is not None and live["data"] == {"a": "2"}
    owners = {e["manager"]: e["fieldsV1"] for e in live["metadata"]["managedFields"]}
    assert "f:a" in owners["other"]["f:data"] and "f:data" not in owners.get("kubectl", {})


@pytest.mark.slow
async def test_diff_server_side(kubectl: Kubectl) -> None:
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(_configmap("d", a="1")))
    same = await kubectl("diff", "--server-side", "-f", "-", stdin=_manifest(_configmap("d", a="1")))
    assert same.code == 0 and same.out == ""
    changed = await kubectl("diff", "--server-side", "-f", "-", stdin=_manifest(_configmap("d", a="2")))
    assert changed.code == 1, changed.err
    assert '-  a: "1"' in changed.out and '+  a: "2"' in changed.out


@pytest.mark.slow
async def test_wait_delete_by_label_and_events(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(_deployment("api")))
    await kubectl.ok("wait", "--for=condition=Available", "deployment/api", "--timeout=30s")
    await kubectl.ok("wait", "--for=condition=Ready", "pod", "-l", "app=api", "--timeout=30s")
    events = (await kubectl.ok("get", "events", "-o", "json")).json()["items"]
    assert any(e["involvedObject"]["kind"] == "Pod" and e["reason"] == "Scheduled" for e in events)
    # every object has managedFields, the control plane's events included
    stored = kube_emulator.list("v1", "Event", "default")
    assert stored and all(e["metadata"].get("managedFields") for e in stored)
    managers = {e["metadata"]["managedFields"][0]["manager"] for e in stored}
    assert {"kubelet", "kube-scheduler"} <= managers
    rows = _table((await kubectl.ok("get", "events")).out)
    assert rows[0] == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    await kubectl.ok("delete", "deployment", "-l", "app=api", "--wait=true", "--timeout=30s")
    assert kube_emulator.get("apps/v1", "Deployment", "api", "default") is None
    await kubectl.ok("wait", "--for=delete", "pod", "-l", "app=api", "--timeout=30s")


@pytest.mark.slow
async def test_client_side_apply_and_strategic_patch_merge_by_key(
    kubectl: Kubectl, kube_emulator: Emulator
) -> None:
    dep = _deployment("merge")
    dep["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"containerPort": 80}]
    dep["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox:1.36"})
    await kubectl.ok("apply", "-f", "-", stdin=_manifest(dep))
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}}}}
    await kubectl.ok("patch", "deployment", "merge", "-p", json.dumps(patch))  # strategic by default
    live = kube_emulator.get("apps/v1", "Deployment", "merge", "default")
    assert live is not None
    containers = {c["name"]: c for c in live["spec"]["template"]["spec"]["containers"]}
    # merged by the schema's patch merge key (name): the other container and the ports stay
    assert set(containers) == {"web", "side"}
    assert containers["web"]["image"] == "nginx:1.28"
    assert [p["containerPort"] for p in containers["web"]["ports"]] == [80]
    # a second client-side apply computes its patch against the last-applied annotation
    dep["spec"]["replicas"] = 3
    await kubectl.ok("apply", "-f", "-", stdin=_manifest(dep))
    live = kube_emulator.get("apps/v1", "Deployment", "merge", "default")
    assert live is not None and live["spec"]["replicas"] == 3
    assert "kubectl.kubernetes.io/last-applied-configuration" in live["metadata"]["annotations"]


@pytest.mark.slow
async def test_more_kinds_print_their_columns(kubectl: Kubectl) -> None:
    template = _deployment("x")["spec"]["template"]
    cron = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {
            "spec": {"restartPolicy": "Never", "containers": template["spec"]["containers"]}}}}},
    }  # fmt: skip
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "readers"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
        "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "default"}],
    }
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(cron, binding))
    rows = _table((await kubectl.ok("get", "cronjobs")).out)
    assert rows[0] == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"]
    assert rows[1][:6] == ["nightly", cron["spec"]["schedule"], "<none>", "False", "0", "<none>"]
    rows = _table((await kubectl.ok("get", "rolebindings", "-o", "wide")).out)
    assert rows[0] == ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]
    assert rows[1][:2] == ["readers", "Role/reader"] and rows[1][-1] == "default/default"
    await kubectl.ok("create", "priorityclass", "high", "--value=1000", "--global-default")
    rows = _table((await kubectl.ok("get", "priorityclasses")).out)
    assert rows[0] == ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]
    assert rows[1][:3] == ["high", "1000", "true"] and rows[1][-1] == "PreemptLowerPriority"
    live = (await kubectl.ok("get", "priorityclass", "high", "-o", "json")).json()
    assert live["preemptionPolicy"] == "PreemptLowerPriority"  # defaulted by the server


@pytest.mark.slow
async def test_two_appliers_share_a_keyed_list(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(_deployment("shared")))
    sidecar = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "shared"},
        "spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "busybox:1.36"}]}}},
    }
    await kubectl.ok(
        "apply", "--server-side", "--field-manager=injector", "-f", "-", stdin=_manifest(sidecar)
    )
    live = kube_emulator.get("apps/v1", "Deployment", "shared", "default")
    assert live is not None
    assert [c["name"] for c in live["spec"]["template"]["spec"]["containers"]] == ["web", "sidecar"]
    owned = {
        e["manager"]: e["fieldsV1"] for e in live["metadata"]["managedFields"] if e["operation"] == "Apply"
    }
    containers = owned["injector"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert list(containers) == ['k:{"name":"sidecar"}']
    # the first applier's selector is one atomic field, as the schema marks LabelSelector
    assert owned["kubectl"]["f:spec"]["f:selector"] == {}
