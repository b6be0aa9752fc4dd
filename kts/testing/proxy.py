"""A small kube-proxy for ``run_pods=True``: every Service port listens on the Service's loopback
cluster IP and forwards each connection to a ready pod the selector picks (at its targetPort)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kts.testing.store import Store

Key = tuple[str, str, str, int]  # namespace, service, cluster IP, port


def _ready(pod: dict[str, Any]) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def _target_port(pod: dict[str, Any], target: Any) -> int | None:
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == target:
                return int(p["containerPort"])
    return None


class ServiceProxy:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.servers: dict[Key, asyncio.AbstractServer | None] = {}
        self._rr = itertools.count()
        self._tasks: set[asyncio.Task] = set()

    def reconcile(self) -> None:
        wanted: dict[Key, dict[str, Any]] = {}
        for svc in self.store.items("", "services"):
            spec = svc.get("spec") or {}
            if svc["metadata"].get("deletionTimestamp"):
                continue
            ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            ips = [spec.get("clusterIP")] + [i.get("ip") for i in ingress if isinstance(i, dict)]
            for ip in ips:
                if not isinstance(ip, str) or not ip.startswith("127."):
                    continue
                for port in spec.get("ports") or []:
                    if isinstance(port, dict) and isinstance(port.get("port"), int):
                        wanted[(svc["metadata"]["namespace"], svc["metadata"]["name"], ip, port["port"])] = (
                            port
                        )
        for key in list(self.servers):
            if key not in wanted:
                server = self.servers.pop(key)
                if server is not None:
                    server.close()
        for key, port in wanted.items():
            if key not in self.servers:
                self.servers[key] = None
                task = asyncio.get_running_loop().create_task(self._listen(key, port))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _listen(self, key: Key, port: dict[str, Any]) -> None:
        namespace, name, ip, number = key

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            backend = self._backend(namespace, name, port)
            if backend is None:
                writer.close()
                return
            try:
                up_reader, up_writer = await asyncio.open_connection(*backend)
            except OSError:
                writer.close()
                return
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

        try:
            server = await asyncio.start_server(handle, ip, number)
        except OSError:
            self.servers.pop(key, None)
            return
        if key in self.servers:
            self.servers[key] = server
        else:
            server.close()

    def _backend(self, namespace: str, name: str, port: dict[str, Any]) -> tuple[str, int] | None:
        svc = next(
            (s for s in self.store.items("", "services", namespace) if s["metadata"]["name"] == name), None
        )
        if svc is None:
            return None
        selector = (svc.get("spec") or {}).get("selector") or {}
        if not selector:
            return None
        pods = [
            p
            for p in self.store.items("", "pods", namespace)
            if _ready(p)
            and not p["metadata"].get("deletionTimestamp")
            and all((p["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items())
        ]
        if not pods:
            return None
        pod = pods[next(self._rr) % len(pods)]
        target = _target_port(pod, port.get("targetPort", port["port"]))
        ip = (pod.get("status") or {}).get("podIP")
        return (ip, target) if ip and target else None

    async def close(self) -> None:
        for server in self.servers.values():
            if server is not None:
                server.close()
        self.servers.clear()
        for task in list(self._tasks):
            task.cancel()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()
