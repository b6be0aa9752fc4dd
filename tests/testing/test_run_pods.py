"""``run_pods=True``: pods run as local processes on their pod IP with the pod's environment."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import aiohttp
import pytest

from kts.testing import Emulator
from tests.testing.conftest import Http

PODS = "/api/v1/namespaces/t/pods"

SERVER = """
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (os.environ["GREETING"] + "/" + os.environ["TOKEN"] + "/" + os.environ["POD"]).encode()
        self.send_response(200); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
print("serving on", sys.argv[1], flush=True)
http.server.HTTPServer((sys.argv[1], 8000), H).serve_forever()
"""


def server_pod(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "python:3",
                    "command": [sys.executable, "-c", SERVER],
                    "args": ["0.0.0.0"],
                    "ports": [{"containerPort": 8000, "name": "http"}],
                    "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
                    "env": [
                        {
                            "name": "GREETING",
                            "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "greeting"}},
                        },
                        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "token"}}},
                        {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    ],
                }
            ]
        },
    }


def phase(emu: Emulator, name: str) -> str | None:
    return ((emu.get("v1", "Pod", name, "t") or {}).get("status") or {}).get("phase")


def ready(emu: Emulator, name: str) -> bool:
    conds = ((emu.get("v1", "Pod", name, "t") or {}).get("status") or {}).get("conditions") or []
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conds)


@pytest.mark.kube_emulator(run_pods=True, pod_ready_delay=0.01)
async def test_pod_process_serves_on_pod_ip(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post(
        "/api/v1/namespaces/t/configmaps", {"metadata": {"name": "cfg"}, "data": {"greeting": "hi"}}
    )
    await http.post(
        "/api/v1/namespaces/t/secrets", {"metadata": {"name": "sec"}, "stringData": {"token": "s3"}}
    )
    await http.post(PODS, server_pod("a"))
    await http.post(PODS, server_pod("b"))
    await kube_emulator.wait_for(lambda: ready(kube_emulator, "a") and ready(kube_emulator, "b"), timeout=10)
    ips = [kube_emulator.get("v1", "Pod", n, "t")["status"]["podIP"] for n in "ab"]
    async with aiohttp.ClientSession() as s:
        for name, ip in zip("ab", ips, strict=True):
            async with s.get(f"http://{ip}:8000/") as r:
                assert await r.text() == f"hi/s3/{name}"
    status, log = await http.get(f"{PODS}/a/log")
    assert status == 200 and log == f"serving on {ips[0]}\n"
    uid = kube_emulator.get("v1", "Pod", "a", "t")["metadata"]["uid"]
    proc = kube_emulator.runner.procs[uid]
    await http.delete(f"{PODS}/a")
    await kube_emulator.wait_for(lambda: kube_emulator.get("v1", "Pod", "a", "t") is None, timeout=5)
    await kube_emulator.wait_for(lambda: proc.poll() is not None, timeout=5)


@pytest.mark.kube_emulator(run_pods=True, pod_ready_delay=0.01)
async def test_pod_process_exit_code(kube_emulator: Emulator, http: Http, ns: str) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "x"},
        "spec": {
            "restartPolicy": "Never",
            "containers": [
                {"name": "app", "image": "python:3", "command": [sys.executable, "-c", "raise SystemExit(3)"]}
            ],
        },
    }
    await http.post(PODS, body)
    await kube_emulator.wait_for(lambda: phase(kube_emulator, "x") == "Failed", timeout=10)
    term = kube_emulator.get("v1", "Pod", "x", "t")["status"]["containerStatuses"][0]["state"]["terminated"]
    assert term["exitCode"] == 3
    assert "message" not in term  # terminationMessagePolicy File: the process wrote no message


@pytest.mark.kube_emulator(run_pods=True, pod_ready_delay=0.01)
@pytest.mark.parametrize("restart", ["Never", "OnFailure"])
async def test_fallback_to_logs_on_error(kube_emulator: Emulator, http: Http, ns: str, restart: str) -> None:
    """The termination message is the end of the log: the last 80 lines, at most 2 KiB."""
    script = "for i in range(200): print('line', i)\nraise SystemExit('bad config: no port')"
    container = {"name": "app", "image": "python:3", "command": [sys.executable, "-c", script]}
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "x"},
        "spec": {
            "restartPolicy": restart,
            "containers": [{**container, "terminationMessagePolicy": "FallbackToLogsOnError"}],
        },
    }
    await http.post(PODS, body)

    def terminated() -> dict[str, Any] | None:
        status = (kube_emulator.get("v1", "Pod", "x", "t") or {}).get("status") or {}
        cs = (status.get("containerStatuses") or [{}])[0]
        return (cs.get("state") or {}).get("terminated") or (cs.get("lastState") or {}).get("terminated")

    await kube_emulator.wait_for(lambda: terminated() is not None, timeout=10)
    message = terminated()["message"]  # type: ignore[index]
    lines = message.splitlines()
    assert lines[-1] == "bad config: no port" and lines[-2] == "line 199", message
    assert len(lines) <= 80 and len(message.encode()) <= 2048


@pytest.mark.kube_emulator(run_pods=True, pod_ready_delay=0.01)
async def test_services_forward_to_ready_pods(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post(
        "/api/v1/namespaces/t/configmaps", {"metadata": {"name": "cfg"}, "data": {"greeting": "yo"}}
    )
    await http.post(
        "/api/v1/namespaces/t/secrets", {"metadata": {"name": "sec"}, "stringData": {"token": "t"}}
    )
    body = server_pod("a")
    body["metadata"]["labels"] = {"app": "srv"}
    await http.post(PODS, body)
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "srv"},
        "spec": {
            "type": "LoadBalancer",
            "selector": {"app": "srv"},
            "ports": [{"port": 80, "targetPort": "http"}],
        },
    }
    _, created = await http.post("/api/v1/namespaces/t/services", svc)
    ip = created["spec"]["clusterIP"]
    assert ip.startswith("127.")
    await kube_emulator.wait_for(lambda: ready(kube_emulator, "a"), timeout=10)
    lb = await kube_emulator.wait_for(
        lambda: (
            (kube_emulator.get("v1", "Service", "srv", "t") or {})
            .get("status", {})
            .get("loadBalancer", {})
            .get("ingress")
        )
    )
    async with aiohttp.ClientSession() as s:
        for host in (ip, lb[0]["ip"]):
            for _ in range(100):
                try:
                    async with s.get(f"http://{host}:80/") as r:
                        assert await r.text() == "yo/t/a"
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
            else:
                raise AssertionError(f"service {host} never answered")


@pytest.mark.kube_emulator(run_pods=True, pod_ready_delay=0.01)
async def test_any_address_in_env_means_the_pod_ip(kube_emulator: Emulator, http: Http, ns: str) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "e"},
        "spec": {
            "restartPolicy": "Never",
            "containers": [
                {
                    "name": "app",
                    "image": "python:3",
                    "command": [sys.executable, "-c", "import os; print(os.environ['URL'])"],
                    "env": [
                        {"name": "PORT", "value": "8888"},
                        {"name": "URL", "value": "http://0.0.0.0:$(PORT)/x"},
                    ],
                }
            ],
        },
    }
    await http.post(PODS, body)
    await kube_emulator.wait_for(lambda: phase(kube_emulator, "e") == "Succeeded", timeout=10)
    ip = kube_emulator.get("v1", "Pod", "e", "t")["status"]["podIP"]
    status, log = await http.get(f"{PODS}/e/log")
    assert (status, log) == (200, f"http://{ip}:8888/x\n")
