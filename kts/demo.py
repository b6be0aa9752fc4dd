"""``kts demo``: a local JupyterHub whose servers are Helm charts applied to the Kubernetes emulator.

The emulator runs each pod's command as a local process on the pod's loopback IP, so the
notebook servers are real ``jupyterhub-singleuser`` processes behind a real hub and proxy.
``--once`` runs the whole scenario unattended and exits 0 only if every step held.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kts.spawner.contract import INSTANCE_LABEL as INSTANCE
from kts.spawner.contract import LIFECYCLE_ANNOTATION as LIFECYCLE
from kts.spawner.hubprocess import HubProcess, ProxyMissing, find_proxy, port_free, singleuser_command

NAMESPACE = "default"
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


# A failing server's last log lines become its termination message, which the spawn page shows.
def _logs_on_error(spawner, objects):
    for obj in objects:
        if obj.get("kind") == "Pod":
            for container in obj.get("spec", {}).get("containers", []):
                container.setdefault("terminationMessagePolicy", "FallbackToLogsOnError")


c.KubeTemplateSpawner.post_render_hook = _logs_on_error
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


class _Stopper:
    """Turns the first SIGINT or SIGTERM, at any moment, into a cancellation of the demo, whose
    clean-up then stops the hub, its proxy and every pod; later signals do not cut the clean-up short."""

    def __init__(self) -> None:
        self.task = asyncio.current_task()
        self.signum = 0
        self.cleaning = False
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, signum: int) -> None:
        if self.signum:
            return
        self.signum = signum
        _say("\nStopping the hub, its proxy and every server...")
        if not self.cleaning and self.task is not None:
            self.task.cancel()

    def exit_code(self, code: int) -> int:
        return 128 + self.signum if self.signum else code


async def run(args: argparse.Namespace) -> int:
    stopper = _Stopper()
    try:
        return stopper.exit_code(await _run(args, stopper))
    except asyncio.CancelledError:
        if not stopper.signum:
            raise
        return stopper.exit_code(1)


async def _run(args: argparse.Namespace, stopper: _Stopper) -> int:
    from kts.testing.emulator import Emulator

    logging.getLogger("kts.testing.server").addFilter(_quiet_disconnects)
    own_workdir = not args.workdir
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="kts-demo-"))
    keep_workdir = False
    hub: HubProcess | None = None
    emu = Emulator(run_pods=True, pod_ready_delay=0.05)
    try:
        await emu.start()
        assert emu.kubeconfig_path is not None
        from kts.spawner import charts

        # The scenario uses the example chart's options (a Service, the pod's arguments).
        chart = Path(args.chart).resolve() if args.chart else charts.example_chart_path()
        spawner_config: dict[str, Any] = {"chart": str(chart)}
        hub = HubProcess(
            workdir, str(emu.kubeconfig_path), namespace=NAMESPACE, spawner_config=spawner_config,
            extra_config=DEMO_CONFIG, ip=args.ip, **({"port": args.port} if args.port else {}),
        )  # fmt: skip
        _say(f"Starting JupyterHub against the Kubernetes emulator at {emu.url} (hub log: {hub.log_path})")
        try:
            await hub.start()
        except (RuntimeError, TimeoutError) as e:
            keep_workdir = True
            _say(f"kts demo: {e}\n{_tail(hub.log_path)}")
            return 1
        if args.once:
            started = time.monotonic()
            try:
                await scenario(hub, emu)
            except StepFailed as e:
                keep_workdir = True
                _say(f"FAILED: {e}\n(hub log: {hub.log_path})")
                return 1
            _say(f"Demo scenario passed in {time.monotonic() - started:.1f}s")
            return 0
        _say(
            f"\nJupyterHub is up at {hub.url}/\n"
            "  Log in with any user name and any password; the user 'admin' also gets the Admin page.\n"
            "  Press 'Start My Server': the spawn page shows the chart being rendered and applied,\n"
            "  then JupyterLab opens in your server. Stop it from the hub's Home page.\n"
            "  A named server called 'svc' connects through a Kubernetes Service.\n"
            "Press Ctrl-C to stop the hub, its proxy and every server."
        )
        await asyncio.Event().wait()
        return 0
    finally:
        stopper.cleaning = True
        if hub is not None:
            await hub.stop()
        if emu.runner is not None:
            await emu.runner.stop_all()
        await emu.stop()
        if own_workdir and not keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def _tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log, to show why a process failed without sending the user to a file."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join("    " + line for line in text.splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kts demo", description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="run the scenario unattended and exit")
    parser.add_argument("--ip", default="127.0.0.1", help="address the hub listens on (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=0, help="hub port (default: 8000 if free, else a free one)"
    )
    parser.add_argument("--chart", help="server chart (default: the example chart, kts/charts/singleuser)")
    parser.add_argument(
        "--workdir", help="directory for the hub's database and logs (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    problem = _missing()
    if problem:
        print(f"kts demo: {problem}", file=sys.stderr)
        return 1
    if args.port and not port_free(args.port, args.ip):
        print(
            f"kts demo: port {args.port} on {args.ip} is in use; choose another with --port", file=sys.stderr
        )
        return 1
    if not args.port and not args.once:
        if port_free(8000, args.ip):
            args.port = 8000
        else:
            _say("Port 8000 is in use; the hub takes a free port instead.")
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 130


def _missing() -> str | None:
    """What the demo needs and cannot find, said so that a person knows what to install."""
    try:
        find_proxy()
    except ProxyMissing as e:
        return str(e)
    command = singleuser_command()[0]
    if not Path(command).exists() and shutil.which(command) is None:
        return (
            "jupyterhub-singleuser, the server each pod runs, is not installed in this environment; "
            f"install it with `{sys.executable} -m pip install jupyterhub jupyterlab` (or `make demo`)"
        )
    return None


if __name__ == "__main__":
    sys.exit(main())
