"""``Emulator``: a Kubernetes API server and simulated control plane on a loopback port.

    async with Emulator(pod_ready_delay=0.05) as emu:
        emu.url, emu.kubeconfig_path           # emu.write_kubeconfig(path) writes another one
        emu.fail_pods("image-pull", image="bad:tag")   # crash-loop, unschedulable, exit, not-ready
        emu.fail_requests(r"/configmaps", status=500, method="PATCH", count=2)
        emu.add_latency(0.1, path="/pods"); emu.drop_watches(); emu.compact()
        emu.requests(method="PATCH"), emu.request_count   # the request log
        emu.get("apps/v1", "Deployment", "web", "ns"), emu.list("v1", "Pod", "ns")
        await emu.wait_for(lambda: ...)

Options: ``pod_ready_delay`` (scheduled -> Running+Ready), ``pod_terminate_delay`` (graceful
deletion), ``run_pods`` (run pods as local processes on loopback pod IPs, and serve Services on
loopback cluster/load-balancer IPs that forward to ready pods), ``history_limit`` (watch history
before 410 Expired), ``bookmark_interval``, ``crd_establish_delay``, ``kube_version`` (the
release whose published schemas are served and enforced, default ``DEFAULT_KUBE_VERSION``).
Pod failure modes are described in ``kts.testing.pods``.
"""

from __future__ import annotations

import asyncio
import builtins
import copy
import random
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import yaml
from aiohttp import web

from kts.testing.controlplane import ControlPlane, ControlPlaneConfig
from kts.testing.faults import Faults, LatencyRule, RequestRecord
from kts.testing.kubeschema import DEFAULT_KUBE_VERSION, normalize_version, schemas_for
from kts.testing.operations import Api, WriteOptions
from kts.testing.pods import PodFailure
from kts.testing.processes import ProcessRunner
from kts.testing.resources import Registry, ResourceType
from kts.testing.server import Server
from kts.testing.store import Store, obj_key

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


DEFAULT_NODE_ALLOCATABLE = {"cpu": "8", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"}

class Emulator:
    """One emulated cluster. Use as an async context manager (or ``start()``/``stop()``)."""

    def __init__(
        self,
        *,
        pod_ready_delay: float = 0.05,
        pod_terminate_delay: float = 0.0,
        run_pods: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        history_limit: int = 2000,
        bookmark_interval: float = 1.0,
        crd_establish_delay: float = 0.0,
        node_allocatable: dict[str, str] | None = None,
        kube_version: str = DEFAULT_KUBE_VERSION,
    ) -> None:
        self.host = host
        # The Kubernetes release served: its published schemas validate objects and feed /openapi.
        self.kube_version = normalize_version(kube_version)
        # One node's capacity; scheduling fails with "Insufficient ..." beyond it, like a real cluster.
        self.node_allocatable = {**DEFAULT_NODE_ALLOCATABLE, **(node_allocatable or {})}
        self.port = port
        self.store = Store(history_limit=history_limit)
        self.registry = Registry(schemas_for(self.kube_version))
        self.api = Api(self.store, self.registry)
        self.faults = Faults()
        self.server = Server(self.store, self.registry, self.api, self.faults, bookmark_interval)
        self.config = ControlPlaneConfig(
            pod_ready_delay=pod_ready_delay,
            pod_terminate_delay=pod_terminate_delay,
            run_pods=run_pods,
            crd_establish_delay=crd_establish_delay,
        )
        self.runner = ProcessRunner() if run_pods else None
        if self.runner is not None:
            self.server.pod_logs = self.runner.logs
            # services get loopback cluster IPs that the control plane's proxy serves
            block = random.randint(1, 254)
            self.api.cluster_ip_prefix = f"127.{block}.255."
            self.config.load_balancer_ip_prefix = f"127.{block}.254."
        self.control_plane: ControlPlane | None = None
        self._runner: web.AppRunner | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.url = ""
        self.kubeconfig_path: Path | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self.control_plane = ControlPlane(self.api, self.config, self.runner)
        self.server.disruption = self.control_plane.disruption
        self._seed()
        self.control_plane.start()
        self._runner = web.AppRunner(
            self.server.app, handle_signals=False, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        listener = cast("asyncio.Server | None", site._server)
        sockets = listener.sockets if listener else []
        port = sockets[0].getsockname()[1]
        self.url = f"http://{self.host}:{port}"
        self.server.url = self.url
        self._tmp = tempfile.TemporaryDirectory(prefix="kts-emulator-")
        self.kubeconfig_path = self.write_kubeconfig(Path(self._tmp.name) / "kubeconfig")

    async def stop(self) -> None:
        self.store.close_watches()
        await asyncio.sleep(0)
        if self.control_plane is not None:
            await self.control_plane.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _seed(self) -> None:
        ns_rt = self._rt("v1", "Namespace")
        for name in SYSTEM_NAMESPACES:
            self.api.create(ns_rt, "", {"metadata": {"name": name}}, WriteOptions(manager="kube-apiserver"))
        node_rt = self._rt("v1", "Node")
        node = self.api.create(
            node_rt,
            "",
            {
                "metadata": {
                    "name": "kts-node",
                    "labels": {"kubernetes.io/hostname": "kts-node", "kubernetes.io/os": "linux"},
                }
            },
            WriteOptions(manager="kubelet"),
        ).obj
        node["status"] = {
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                }
            ],
            "addresses": [
                {"type": "InternalIP", "address": "127.0.0.1"},
                {"type": "Hostname", "address": "kts-node"},
            ],
            "capacity": dict(self.node_allocatable),
            "allocatable": dict(self.node_allocatable),
        }
        self.api.system_update(node_rt, node, manager="kubelet")
        self.api.create(
            self._rt("storage.k8s.io/v1", "StorageClass"),
            "",
            {
                "metadata": {
                    "name": "standard",
                    "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
                },
                "provisioner": "kts.emulator/hostpath",
                "reclaimPolicy": "Delete",
                "volumeBindingMode": "Immediate",
            },
            WriteOptions(manager="kube-apiserver"),
        )

    def write_kubeconfig(self, path: str | Path, namespace: str = "default") -> Path:
        """Write a kubeconfig for this emulator (current context ``kts-emulator``)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "current-context": "kts-emulator",
            "preferences": {},
            "clusters": [{"name": "kts-emulator", "cluster": {"server": self.url}}],
            "users": [{"name": "kts-emulator", "user": {"token": "kts-emulator"}}],
            "contexts": [
                {
                    "name": "kts-emulator",
                    "context": {"cluster": "kts-emulator", "user": "kts-emulator", "namespace": namespace},
                }
            ],
        }
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path

    # -- request log -------------------------------------------------------------------------

    @property
    def request_log(self) -> list[RequestRecord]:
        return self.server.log

    @property
    def request_count(self) -> int:
        """Requests served since start (or the last ``clear_requests``)."""
        return self.server.request_total

    def requests(
        self, method: str | None = None, path: str | None = None, watch: bool | None = None
    ) -> list[RequestRecord]:
        """Logged requests, filtered by method, a substring of the path and whether they watch."""
        return [
            r
            for r in self.server.log
            if (method is None or r.method == method.upper())
            and (path is None or path in r.path)
            and (watch is None or r.is_watch == watch)
        ]

    def clear_requests(self) -> None:
        self.server.log.clear()
        self.server.request_total = 0

    # -- fault injection ---------------------------------------------------------------------

    def fail_requests(
        self,
        path: str = ".*",
        status: int = 500,
        *,
        method: str | None = None,
        count: int = 1,
        reason: str | None = None,
        message: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next ``count`` requests whose path matches the regex ``path`` with ``status``."""
        self.faults.add_failure(method, path, status, count, reason, message, body)

    def add_latency(self, seconds: float, *, path: str = ".*", method: str | None = None) -> None:
        import re

        self.faults.latencies.append(LatencyRule(method, re.compile(path), seconds))

    def clear_faults(self) -> None:
        self.faults.failures.clear()
        self.faults.latencies.clear()

    def drop_watches(self) -> int:
        """Close every open watch stream; returns how many were closed."""
        return self.store.close_watches()

    def compact(self) -> None:
        """Forget the event history: watches from an older resourceVersion get 410 Expired."""
        self.store.compact()

    # -- pod failures ------------------------------------------------------------------------

    def fail_pods(
        self,
        mode: str,
        *,
        image: str | None = None,
        name: str | None = None,
        namespace: str | None = None,
        labels: dict[str, str] | None = None,
        exit_code: int = 1,
        message: str | None = None,
    ) -> PodFailure:
        """Make matching pods (created from now on) fail: ``image-pull``, ``crash-loop``,
        ``unschedulable``, ``exit`` (with ``exit_code``) or ``not-ready``; see ``kts.testing.pods``."""
        from kts.testing.pods import MODES

        if mode not in MODES:
            raise ValueError(f"unknown failure mode {mode!r}; one of {MODES}")
        f = PodFailure(
            mode,
            image=image,
            name=name,
            namespace=namespace,
            labels=labels,
            exit_code=exit_code,
            message=message,
        )
        assert self.control_plane is not None
        self.control_plane.pods.failures.append(f)
        return f

    def clear_pod_failures(self) -> None:
        assert self.control_plane is not None
        self.control_plane.pods.failures.clear()

    # -- direct object access ----------------------------------------------------------------

    def _rt(self, api_version: str, kind: str) -> ResourceType:
        rt = self.registry.by_kind(api_version, kind)
        if rt is None:
            raise KeyError(f"no resource for {api_version} {kind}")
        return rt

    def get(self, api_version: str, kind: str, name: str, namespace: str = "") -> dict[str, Any] | None:
        """The stored object (a copy), or None."""
        rt = self._rt(api_version, kind)
        obj = self.store.get(obj_key(rt, namespace, name))
        return copy.deepcopy(obj) if obj is not None else None

    def list(self, api_version: str, kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
        rt = self._rt(api_version, kind)
        return copy.deepcopy(self.store.items(rt.group, rt.plural, namespace if rt.namespaced else None))

    def create(self, obj: dict[str, Any], manager: str = "kts-emulator") -> dict[str, Any]:
        """Create an object directly (as a POST would)."""
        rt = self._rt(obj["apiVersion"], obj["kind"])
        ns = obj.get("metadata", {}).get("namespace", "") if rt.namespaced else ""
        return self.api.create(rt, ns, obj, WriteOptions(manager=manager)).obj

    def delete(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str = "",
        propagation_policy: str = "Background",
    ) -> None:
        rt = self._rt(api_version, kind)
        self.api.delete(rt, namespace, name, {"propagationPolicy": propagation_policy})

    def events_for(self, name: str, namespace: str) -> builtins.list[dict[str, Any]]:
        """Events whose involvedObject has this name, oldest first."""
        return [e for e in self.list("v1", "Event", namespace) if e["involvedObject"]["name"] == name]

    def dump(self, namespace: str | None = None) -> str:
        """Every stored object (of one namespace, or all) as a YAML stream, events left out;
        handy in a failing test's message."""
        docs = [
            o
            for k, o in sorted(self.store.objects.items())
            if k[1] != "events" and (namespace is None or k[2] == namespace)
        ]
        return yaml.safe_dump_all(docs, sort_keys=False)

    async def settle(self, quiet: float = 0.02, timeout: float = 5.0) -> None:
        """Wait until the control plane has had nothing to do for ``quiet`` seconds."""
        assert self.control_plane is not None
        deadline = time.monotonic() + timeout
        last_rv = -1
        while time.monotonic() < deadline:
            rv = self.store.rv
            if rv == last_rv and not self.control_plane.busy:
                return
            last_rv = rv
            await asyncio.sleep(quiet)
        raise TimeoutError("the control plane did not settle")

    async def wait_for(self, predicate: Any, timeout: float = 5.0, interval: float = 0.01) -> Any:
        """Poll ``predicate()`` until it returns something truthy; TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            await asyncio.sleep(interval)
