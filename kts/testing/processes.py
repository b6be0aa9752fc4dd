"""Running pods as local processes (``run_pods=True``): a pod's first container command+args runs
with the pod's environment (values, secretKeyRef, configMapKeyRef, fieldRef, envFrom resolved and
``$(VAR)`` expanded), ``0.0.0.0`` in its arguments and environment values replaced by the pod IP so
each pod listens on its own loopback address. The pod is Ready once its port (readinessProbe port,
else the first containerPort) accepts connections, and ends with the process's exit code."""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kts.testing.store import obj_key

if TYPE_CHECKING:
    from kts.testing.operations import Api


def _field_ref(pod: dict[str, Any], path: str) -> str:
    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    m = re.match(r"metadata\.(labels|annotations)\['(.+)'\]$", path)
    if m:
        return str((meta.get(m.group(1)) or {}).get(m.group(2), ""))
    simple = {
        "metadata.name": meta.get("name"),
        "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"),
        "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName"),
        "status.podIP": status.get("podIP"),
        "status.hostIP": status.get("hostIP"),
    }
    return str(simple.get(path) or "")


class ProcessRunner:
    def __init__(self, log_dir: Path | None = None) -> None:
        self.procs: dict[str, subprocess.Popen] = {}
        self.pods: dict[str, dict[str, Any]] = {}
        self._own_dirs: list[str] = []
        if log_dir is None:
            log_dir = Path(tempfile.mkdtemp(prefix="kts-emulator-pods-"))
            self._own_dirs.append(str(log_dir))
        self.log_dir = log_dir

    def log_path(self, uid: str) -> Path:
        return self.log_dir / f"{uid}.log"

    def _data(self, api: Api, plural: str, namespace: str, name: str) -> dict[str, str] | None:
        rt = api.registry.lookup("", "v1", plural)
        assert rt is not None
        obj = api.store.get(obj_key(rt, namespace, name))
        if obj is None:
            return None
        data = dict(obj.get("data") or {})
        if plural == "secrets":
            return {k: base64.b64decode(v).decode(errors="replace") for k, v in data.items()}
        return data

    def environment(self, pod: dict[str, Any], container: dict[str, Any], api: Api) -> dict[str, str]:
        ns = pod["metadata"]["namespace"]
        env: dict[str, str] = {}
        for src in container.get("envFrom") or []:
            prefix = src.get("prefix", "")
            for kind, plural in (("configMapRef", "configmaps"), ("secretRef", "secrets")):
                if kind in src:
                    data = self._data(api, plural, ns, src[kind].get("name", "")) or {}
                    env.update({prefix + k: v for k, v in data.items()})
        for var in container.get("env") or []:
            name = var.get("name", "")
            if "value" in var:
                env[name] = _expand(str(var["value"]), env)
                continue
            ref = var.get("valueFrom") or {}
            value: str | None = None
            for kind, plural in (("secretKeyRef", "secrets"), ("configMapKeyRef", "configmaps")):
                if kind in ref:
                    data = self._data(api, plural, ns, ref[kind].get("name", "")) or {}
                    value = data.get(ref[kind].get("key", ""))
            if "fieldRef" in ref:
                value = _field_ref(pod, ref["fieldRef"].get("fieldPath", ""))
            if value is not None:
                env[name] = value
        return env

    def start(self, pod: dict[str, Any], api: Api) -> str | None:
        """Start the pod's process; returns an error message when it cannot run."""
        uid = pod["metadata"]["uid"]
        containers = (pod.get("spec") or {}).get("containers") or []
        if not containers:
            return "no containers"
        c = containers[0]
        argv = list(c.get("command") or []) + list(c.get("args") or [])
        if not argv:
            return "the emulator can only run containers with an explicit command"
        ip = (pod.get("status") or {}).get("podIP", "127.0.0.1")
        # inside a pod 0.0.0.0 means the pod's own addresses; here that is the pod IP
        pod_env = {k: v.replace("0.0.0.0", ip) for k, v in self.environment(pod, c, api).items()}
        argv = [_expand(a, pod_env).replace("0.0.0.0", ip) for a in argv]
        env = dict(os.environ)
        env.update(pod_env)
        env["KTS_POD_IP"] = ip
        # console scripts of the running interpreter's environment (e.g. jupyterhub-singleuser)
        env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
        workdir = c.get("workingDir")
        if workdir and os.path.isdir(workdir):
            cwd = workdir
        else:
            cwd = tempfile.mkdtemp(prefix="kts-pod-")
            self._own_dirs.append(cwd)
        log = open(self.log_path(uid), "ab")  # noqa: SIM115 - owned by the child for its lifetime
        try:
            proc = subprocess.Popen(
                argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        except OSError as e:
            log.close()
            return f'failed to create containerd task: exec: "{argv[0]}": {e.strerror}'
        log.close()
        self.procs[uid] = proc
        self.pods[uid] = pod
        return None

    def logs(self, pod: dict[str, Any]) -> str:
        path = self.log_path(pod["metadata"]["uid"])
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, uid: str, *, lines: int = 80, limit: int = 2048) -> str:
        """The end of a pod's log as the kubelet keeps it for a termination message: the last 80
        lines, at most 2 KiB."""
        path = self.log_path(uid)
        try:
            with path.open("rb") as f:
                f.seek(max(0, path.stat().st_size - limit))
                data = f.read(limit)
        except OSError:
            return ""
        return "\n".join(data.decode(errors="replace").splitlines()[-lines:])

    def exit_code(self, uid: str) -> int | None:
        proc = self.procs.get(uid)
        return None if proc is None else proc.poll()

    def ready(self, pod: dict[str, Any]) -> bool:
        port = probe_port(pod)
        if port is None:
            return True
        ip = (pod.get("status") or {}).get("podIP", "127.0.0.1")
        try:
            with socket.create_connection((ip, port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self, uid: str) -> None:
        proc = self.procs.pop(uid, None)
        self.pods.pop(uid, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return

        def reap() -> None:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

        threading.Thread(target=reap, daemon=True).start()

    async def stop_all(self) -> None:
        procs = list(self.procs.values())
        for uid in list(self.procs):
            self.stop(uid)
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        for d in self._own_dirs:
            shutil.rmtree(d, ignore_errors=True)
        self._own_dirs.clear()


def _expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes ``$(VAR)`` expansion (``$$`` escapes)."""

    def repl(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        return env.get(m.group(1), m.group(0))

    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)", repl, text)


def probe_port(pod: dict[str, Any]) -> int | None:
    containers = (pod.get("spec") or {}).get("containers") or []
    if not containers:
        return None
    c = containers[0]
    probe = c.get("readinessProbe") or {}
    port: Any = (probe.get("httpGet") or probe.get("tcpSocket") or {}).get("port")
    ports = c.get("ports") or []
    if isinstance(port, str) and not port.isdigit():
        port = next((p.get("containerPort") for p in ports if p.get("name") == port), None)
    if port is None and ports:
        port = ports[0].get("containerPort")
    return int(port) if port is not None else None
