"""A real JupyterHub process configured with KubeTemplateSpawner, for the demo and end-to-end tests.

The hub runs as a child process (its own event loop, database and proxy) and talks to whatever
cluster the kubeconfig names: the emulator or a real one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

PROXY_NPM_PACKAGE = "configurable-http-proxy@4"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on ``port`` now. SO_REUSEADDR, as servers set it, so the
    TIME-WAIT connections an earlier hub left do not count as busy."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


class ProxyMissing(FileNotFoundError):
    """The Node ``configurable-http-proxy`` JupyterHub needs is not installed."""


def node_prefix() -> Path:
    """Where ``make`` installs the Node proxy: inside the virtualenv, so it goes away with it."""
    return Path(sys.prefix) / "node"


def proxy_install_command() -> str:
    return f"npm install --prefix {node_prefix()} {PROXY_NPM_PACKAGE}"


def _is_python_script(path: Path) -> bool:
    """The pure-Python proxy of the same name buffers server-sent events, so spawn progress never shows."""
    try:
        with path.open("rb") as f:
            return b"python" in f.readline()
    except OSError:
        return True


def find_proxy() -> str:
    """Path of the Node ``configurable-http-proxy``: the project's own (``make`` installs it), else PATH's.

    Installs nothing: a missing proxy raises ``ProxyMissing`` saying how to install it.
    """
    local = node_prefix() / "node_modules" / ".bin" / "configurable-http-proxy"
    candidates = [local] + [
        Path(d) / "configurable-http-proxy" for d in os.environ.get("PATH", "").split(os.pathsep) if d
    ]
    found = next(
        (c for c in candidates if c.is_file() and os.access(c, os.X_OK) and not _is_python_script(c)), None
    )
    if found is None:
        raise ProxyMissing(
            "JupyterHub's proxy, the Node configurable-http-proxy, is not installed. Install it with "
            f"`{proxy_install_command()}` (as `make demo` and `make test` do; needs Node.js and npm)."
        )
    if shutil.which("node") is None:
        raise ProxyMissing(f"{found} needs Node.js, but `node` is not on PATH; install Node.js (20 or later)")
    return str(found)


async def _gone(pid: int, timeout: float) -> bool:
    """Whether ``pid`` ended within ``timeout`` (reaped, or a zombie of another parent)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        await asyncio.sleep(0.05)
    return False


def singleuser_command() -> list[str]:
    """The server command pods run (the emulator runs it as a local process)."""
    exe = Path(sys.executable).parent / "jupyterhub-singleuser"
    return [str(exe)] if exe.exists() else ["jupyterhub-singleuser"]


@dataclass
class HubProcess:
    """One JupyterHub child process; ``await start()``, use ``api()``, ``await stop()``."""

    workdir: Path
    kubeconfig: str
    namespace: str = "default"
    spawner_config: dict[str, Any] = field(default_factory=dict)
    extra_config: str = ""
    port: int = field(default_factory=free_port)
    hub_port: int = field(default_factory=free_port)
    proxy_api_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    ip: str = "127.0.0.1"
    proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        """Where this machine reaches the hub (loopback when it listens on all addresses)."""
        host = "127.0.0.1" if self.ip in ("", "0.0.0.0") else self.ip
        host = "[::1]" if host == "::" else f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def bind_url(self) -> str:
        return f"http://{f'[{self.ip}]' if ':' in self.ip else self.ip}:{self.port}/"

    @property
    def proxy_pid_file(self) -> Path:
        return self.workdir / "jupyterhub-proxy.pid"

    @property
    def log_path(self) -> Path:
        return self.workdir / "jupyterhub.log"

    def config_text(self) -> str:
        spawner = {
            "kubeconfig": self.kubeconfig,
            "namespace": self.namespace,
            "cmd": singleuser_command(),
            "start_timeout": 60,
            "http_timeout": 30,
            "poll_interval": 5,
            **self.spawner_config,
        }
        lines = [
            "c = get_config()  # noqa",
            f"c.JupyterHub.bind_url = {self.bind_url!r}",
            f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{self.hub_port}'",
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{self.proxy_api_port}'",
            f"c.ConfigurableHTTPProxy.command = [{find_proxy()!r}]",
            f"c.ConfigurableHTTPProxy.pid_file = {str(self.proxy_pid_file)!r}",
            "c.JupyterHub.authenticator_class = 'dummy'",
            "c.Authenticator.allow_all = True",
            "c.Authenticator.admin_users = {'admin'}",
            "c.JupyterHub.spawner_class = 'kubetemplate'",
            "c.JupyterHub.allow_named_servers = True",
            "c.JupyterHub.cleanup_servers = False",
            f"c.JupyterHub.db_url = 'sqlite:///{self.workdir / 'jupyterhub.sqlite'}'",
            f"c.JupyterHub.cookie_secret_file = {str(self.workdir / 'cookie_secret')!r}",
            f"c.JupyterHub.pid_file = {str(self.workdir / 'jupyterhub.pid')!r}",
            "c.JupyterHub.last_activity_interval = 3600",
            # Answer spawn requests at once (202) and let clients follow progress, as Z2JH does.
            "c.JupyterHub.tornado_settings = {'slow_spawn_timeout': 0}",
            f"c.JupyterHub.services = [{{'name': 'kts-demo', 'api_token': {self.token!r}}}]",
            "c.JupyterHub.load_roles = [{'name': 'kts-demo', 'services': ['kts-demo'], 'scopes': "
            "['admin:users', 'admin:servers', 'access:servers', 'read:users', 'read:servers']}]",
        ]
        for key, value in spawner.items():
            lines.append(f"c.KubeTemplateSpawner.{key} = {json.loads(json.dumps(value))!r}")
        return "\n".join(lines) + "\n" + self.extra_config + "\n"

    async def start(self, timeout: float = 60) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        cfg = self.workdir / "jupyterhub_config.py"
        cfg.write_text(self.config_text())
        log = self.log_path.open("ab")
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "jupyterhub", "-f", str(cfg), "--no-ssl",
            cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self.proc.returncode is not None:
                raise RuntimeError(f"jupyterhub exited ({self.proc.returncode}); see {self.log_path}")
            with contextlib.suppress(aiohttp.ClientError, OSError):
                status, _ = await self.api("GET", "/")
                if status == 200:
                    return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"jupyterhub did not answer within {timeout}s; see {self.log_path}")
            await asyncio.sleep(0.2)

    async def stop(self, timeout: float = 20) -> None:
        """Stop the hub, then its proxy if the hub left it (a hub stopped while starting does)."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
        await self._stop_leftover_proxy(timeout)

    async def _stop_leftover_proxy(self, timeout: float) -> None:
        """The proxy runs in its own session, so it outlives a hub that had no time to stop it."""
        try:
            pid = int(self.proxy_pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            cmdline = b""
        if b"configurable-http-proxy" in cmdline:
            for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
                if await _gone(pid, wait):
                    break
        self.proxy_pid_file.unlink(missing_ok=True)

    async def api(self, method: str, path: str, body: Any = None, *, timeout: float = 30) -> tuple[int, Any]:
        """Call the hub REST API (``/hub/api`` + ``path``) as the demo service."""
        return await self.request(method, f"/hub/api{path}", body, timeout=timeout)

    async def request(
        self, method: str, path: str, body: Any = None, *, timeout: float = 30
    ) -> tuple[int, Any]:
        """Any request through the hub's proxy, with the service's token."""
        headers = {"Authorization": f"token {self.token}"}
        client_timeout = aiohttp.ClientTimeout(total=timeout)
        async with (
            aiohttp.ClientSession(timeout=client_timeout) as session,
            session.request(
                method, self.url + path, json=body, headers=headers, allow_redirects=False
            ) as resp,
        ):
            text = await resp.text()
            try:
                data = json.loads(text) if text else None
            except ValueError:
                data = text
            return resp.status, data

    async def wait_server(self, user: str, server: str = "", *, timeout: float = 60) -> dict[str, Any]:
        """Wait until the hub reports the server ready (or failed); returns the server model."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            status, model = await self.api("GET", f"/users/{user}")
            spawner = ((model or {}).get("servers") or {}).get(server) if status == 200 else None
            if spawner and spawner.get("ready"):
                return spawner
            if status == 200 and not spawner and asyncio.get_running_loop().time() > deadline - timeout + 1:
                raise RuntimeError(f"server {user}/{server} is gone: the spawn failed (see {self.log_path})")
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"server {user}/{server} not ready after {timeout}s")
            await asyncio.sleep(0.2)

    async def progress(
        self, user: str, server: str = "", *, timeout: float = 60
    ) -> AsyncIterator[dict[str, Any]]:
        """The spawn's progress events (server-sent events) until ready or failed."""
        path = f"/hub/api/users/{user}/" + (f"servers/{server}/progress" if server else "server/progress")
        headers = {"Authorization": f"token {self.token}"}
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
            session.get(self.url + path, headers=headers) as resp,
        ):
            async for raw in resp.content:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    event = json.loads(line[5:])
                    yield event
                    if event.get("ready") or event.get("failed"):
                        return
