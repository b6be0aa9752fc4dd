"""``kts demo``: a local JupyterHub whose servers are Helm charts applied to the Kubernetes emulator.

The emulator runs each pod's command as a local process on the pod's loopback IP, so the
notebook servers are real ``jupyterhub-singleuser`` processes behind a real hub and proxy.
``--once`` runs the whole scenario unattended and exits 0 only if every step held.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kts.spawner.hubprocess import HubProcess, ProxyMissing, find_proxy, port_free

NAMESPACE = "default"
LIFECYCLE = "kubetemplatespawner/lifecycle"
INSTANCE = "app.kubernetes.io/instance"
# Kinds the example chart creates, checked for leftovers after each step.
CHART_KINDS = (("v1", "Pod"), ("v1", "Service"), ("v1", "Secret"), ("v1", "PersistentVolumeClaim"))

# A named server called "svc" connects through a Service (reached via its ready pod); others via the Pod.
DEMO_CONFIG = """
def _demo_vars(spawner):
    return {"service": {"enabled": spawner.name == "svc"}}

c.KubeTemplateSpawner.extra_vars = _demo_vars
c.KubeTemplateSpawner.service_connect = "endpoints"
# A person lands in JupyterLab (with jupyterlab installed, jupyterhub-singleuser serves it).
c.KubeTemplateSpawner.default_url = "/lab"
# The emulator replaces 0.0.0.0 in a pod's arguments by the pod's own IP; pods are local processes
# of this user (root in containers and CI).
import os as _os
c.KubeTemplateSpawner.args = ["--ServerApp.ip=0.0.0.0"] + (["--allow-root"] if _os.geteuid() == 0 else [])
"""


class StepFailed(Exception):
    """A step of the unattended scenario did not hold."""


def _say(message: str) -> None:
    print(message, flush=True)


def objects_of(emu: Any, user: str, server: str | None = None) -> list[tuple[str, str, str]]:
    """(kind, name, lifecycle) of the demo instance's objects for ``user`` (and ``server``)."""
    from kts.names import server_names

    names = server_names(user, server or "")
    found = []
    for api_version, kind in CHART_KINDS:
        for obj in emu.list(api_version, kind, NAMESPACE):
            meta = obj.get("metadata") or {}
            labels = meta.get("labels") or {}
            if labels.get(INSTANCE) != "jupyter" or labels.get("hub.jupyter.org/username") != names.username:
                continue
            if server is not None and labels.get("hub.jupyter.org/servername") != names.servername:
                continue
            lifecycle = (meta.get("annotations") or {}).get(LIFECYCLE, "server-stopped")
            found.append((kind, meta["name"], lifecycle))
    return found


async def _check(hub: HubProcess, what: str, coro: Any) -> Any:
    start = time.monotonic()
    try:
        result = await coro
    except Exception as e:
        raise StepFailed(f"{what}: {e}") from e
    _say(f"  ok  {what} ({time.monotonic() - start:.1f}s)")
    return result


async def _expect(hub: HubProcess, method: str, path: str, codes: tuple[int, ...], body: Any = None) -> Any:
    status, data = await hub.api(method, path, body)
    if status not in codes:
        raise StepFailed(f"{method} {path} answered {status}: {data}")
    return data


async def spawn_and_use(hub: HubProcess, emu: Any, user: str, server: str = "") -> None:
    """Spawn through the REST API, follow progress, reach the server through the proxy, stop."""
    path = f"/users/{user}/servers/{server}" if server else f"/users/{user}/server"
    label = f"{user}/{server}" if server else user
    started = time.monotonic()
    await _expect(hub, "POST", path, (201, 202))
    messages: list[str] = []
    async for event in hub.progress(user, server):
        messages.append(str(event.get("message", "")))
        if event.get("failed"):
            raise StepFailed(f"spawn of {label} failed: {event.get('message')}")
    _say(f"  ok  spawn {label} ({time.monotonic() - started:.1f}s, {len(messages)} progress events)")
    for message in messages:
        _say(f"        {message[:110]}")
    model = await hub.wait_server(user, server)
    url = model["url"]
    status, data = await hub.request("GET", f"{url}api/status")
    if status != 200 or not isinstance(data, dict) or "started" not in data:
        raise StepFailed(f"notebook server {label} did not answer through the proxy: {status} {data}")
    _say(f"  ok  notebook server {label} answers through the proxy at {url}")
    status, data = await hub.request(
        "PUT", f"{url}api/contents/demo.txt", {"type": "file", "format": "text", "content": "hello from kts"}
    )
    if status not in (200, 201):
        raise StepFailed(f"could not write a file in {label}'s server: {status} {data}")
    _say(f"  ok  wrote demo.txt through {label}'s Jupyter API")

    async def stopped() -> None:
        await _expect(hub, "DELETE", path, (202, 204))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            _, model = await hub.api("GET", f"/users/{user}")
            if not ((model or {}).get("servers") or {}).get(server):
                left = [o for o in objects_of(emu, user, server) if o[2] == "server-stopped"]
                if not left:
                    return
            await asyncio.sleep(0.2)
        raise StepFailed(f"{label} did not stop; left: {objects_of(emu, user, server)}")

    await _check(hub, f"stop {label}: no server-stopped object left", stopped())


async def scenario(hub: HubProcess, emu: Any) -> None:
    """The unattended demo: default server via a Pod, named server via a Service, user deletion."""
    await _expect(hub, "POST", "/users/alice", (201, 409))
    await spawn_and_use(hub, emu, "alice")
    kept = objects_of(emu, "alice")
    if not any(kind == "PersistentVolumeClaim" for kind, _, _ in kept):
        raise StepFailed(f"alice's home volume should outlive the stop, found {kept}")
    _say("  ok  alice's home volume is kept after the stop")
    await spawn_and_use(hub, emu, "alice", "svc")

    async def all_gone() -> None:
        await _expect(hub, "DELETE", "/users/alice", (204,))
        deadline = time.monotonic() + 30
        while objects_of(emu, "alice"):
            if time.monotonic() > deadline:
                raise StepFailed(f"objects left after deleting alice: {objects_of(emu, 'alice')}")
            await asyncio.sleep(0.2)

    await _check(hub, "delete user alice: her volumes are gone", all_gone())


def _quiet_disconnects(record: logging.LogRecord) -> bool:
    """Drop the emulator's reports of clients that hung up mid-watch (routine when watches end)."""
    exc = record.exc_info[1] if record.exc_info else None
    return not isinstance(exc, ConnectionResetError)


async def run(args: argparse.Namespace) -> int:
    from kts.testing.emulator import Emulator

    logging.getLogger("kts.testing.server").addFilter(_quiet_disconnects)

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="kts-demo-"))
    async with Emulator(run_pods=True, pod_ready_delay=0.05) as emu:
        assert emu.kubeconfig_path is not None
        from kts.spawner import charts

        # The scenario uses the example chart's options (a Service, the pod's arguments).
        chart = Path(args.chart).resolve() if args.chart else charts.example_chart_path()
        spawner_config: dict[str, Any] = {"chart": str(chart)}
        hub = HubProcess(
            workdir, str(emu.kubeconfig_path), namespace=NAMESPACE, spawner_config=spawner_config,
            extra_config=DEMO_CONFIG, **({"port": args.port} if args.port else {}),
        )  # fmt: skip
        _say(f"Starting JupyterHub (logs: {hub.log_path}) against the Kubernetes emulator at {emu.url}")
        try:
            await hub.start()
            if args.once:
                started = time.monotonic()
                try:
                    await scenario(hub, emu)
                except StepFailed as e:
                    _say(f"FAILED: {e}\n(hub log: {hub.log_path})")
                    return 1
                _say(f"Demo scenario passed in {time.monotonic() - started:.1f}s")
                return 0
            _say(
                f"\nJupyterHub is up at {hub.url}/\n"
                "Log in with any user name and password, start your server, use the notebook, stop it.\n"
                "A named server called 'svc' connects through a Kubernetes Service.\n"
                "Press Ctrl-C to quit."
            )
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError):
                    loop.add_signal_handler(sig, stop.set)
            await stop.wait()
            return 0
        finally:
            await hub.stop()
            if emu.runner is not None:
                await emu.runner.stop_all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kts demo", description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="run the scenario unattended and exit")
    parser.add_argument("--port", type=int, default=0, help="hub port (default: a free one; 8000 if free)")
    parser.add_argument("--chart", help="server chart (default: the example chart, kts/charts/singleuser)")
    parser.add_argument("--workdir", help="directory for the hub's database and logs")
    args = parser.parse_args(argv)
    try:
        find_proxy()
    except ProxyMissing as e:
        print(f"kts demo: {e}", file=sys.stderr)
        return 1
    if not args.port and not args.once:
        args.port = 8000 if port_free(8000) else 0
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
