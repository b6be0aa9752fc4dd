"""kubectl, a client nobody here wrote, drives the emulator and gets what a real API server gives.

Each test runs the kubectl on PATH (v1.32 on these machines) against a fresh emulator, with its own
discovery cache. What kubectl sends is its own business (protobuf for typed ``create``, Table
Accept headers for ``get``, OpenAPI v3 for validation and ``explain``); the emulator must answer.
Expected values come from kubectl itself (``--dry-run=client -o json``) or from Kubernetes'
published schemas, never typed in.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kts.testing import Emulator
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
    return "\n---\n".join(json.dumps(o) for o in objects)


def _configmap(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


# -- writes ---------------------------------------------------------------------------------------


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


async def test_a_namespace_created_by_apply_has_its_applier_recorded(
    kubectl: Kubectl, kube_emulator: Emulator
) -> None:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "applied"}}
    await kubectl.ok("apply", "--server-side", "-f", "-", stdin=_manifest(ns))
    run = await kubectl.ok("get", "namespace", "applied", "-o", "json", "--show-managed-fields")
    entries = run.json()["metadata"]["managedFields"]
    assert [(e["manager"], e["operation"], e["fieldsV1"]) for e in entries] == [("kubectl", "Apply", {})]


@pytest.mark.parametrize(
    "args",
    [
        ("configmap", "cfg", "--from-literal=a=1", "--from-literal=b=two"),
        ("secret", "generic", "sec", "--from-literal=token=s3cret", "--type=example.com/token"),
        ("namespace", "team-a"),
        ("serviceaccount", "robot"),
    ],
    ids=["configmap", "secret", "namespace", "serviceaccount"],
)
async def test_typed_create_sends_protobuf_and_the_object_arrives_whole(
    kubectl: Kubectl, kube_emulator: Emulator, args: tuple[str, ...]
) -> None:
    expected = (await kubectl.ok("create", *args, "--dry-run=client", "-o", "json")).json()
    created = (await kubectl.ok("create", *args, "-o", "json", "--show-managed-fields")).json()
    assert kube_emulator.requests(method="POST")[-1].content_type == "application/vnd.kubernetes.protobuf"
    for field in ("data", "type"):
        assert created.get(field) == expected.get(field)
    assert created["kind"] == expected["kind"]
    assert created["metadata"]["name"] == expected["metadata"]["name"]
    if expected["kind"] != "ServiceAccount":  # a name alone is no field: no entry, as on a real server
        assert created["metadata"]["managedFields"][0]["manager"] == "kubectl-create"
    got = await kubectl.ok("get", expected["kind"].lower(), expected["metadata"]["name"], "-o", "json")
    assert got.json()["metadata"]["uid"] == created["metadata"]["uid"]


async def test_create_of_a_kind_without_protobuf_decoding_is_a_415(kubectl: Kubectl) -> None:
    run = await kubectl("create", "deployment", "web", "--image=nginx:1.27")
    assert run.code != 0
    assert "the body of the request was in an unknown format" in run.err


# -- reads ----------------------------------------------------------------------------------------


async def test_explain_reads_the_published_schema(kubectl: Kubectl, kube_emulator: Emulator) -> None:
    defs = schemas_for(kube_emulator.kube_version).defs
    requirements = defs["io.k8s.api.core.v1.ResourceRequirements"]
    run = await kubectl.ok("explain", "pods.spec.containers.resources")
    assert "FIELD: resources <ResourceRequirements>" in run.out
    for field in requirements["properties"]:
        assert f"\n  {field}\t<" in run.out
    run = await kubectl.ok("explain", "deployments.spec.strategy", "--api-version=apps/v1")
    assert "rollingUpdate\t<RollingUpdateDeployment>" in run.out


async def test_auth_can_i(kubectl: Kubectl) -> None:
    assert (await kubectl.ok("auth", "can-i", "create", "pods")).out.strip() == "yes"
    run = await kubectl.ok("auth", "can-i", "delete", "deployments.apps", "-n", "kube-system")
    assert run.out.strip() == "yes"
    listing = await kubectl.ok("auth", "can-i", "--list")
    assert "*.*" in listing.out
