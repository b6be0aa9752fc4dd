"""Transport robustness: dropped connections are retried for idempotent calls, with typed errors after."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kts.kube import KubeClient, RetryPolicy, Unavailable
from tests.kube.conftest import Kube, cm

pytestmark = pytest.mark.cluster


class DroppingProxy:
    """A TCP proxy in front of the emulator that cuts the next ``drops`` connections after reading
    their first bytes (a request sent, no answer)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.drops = 0
        self.dropped = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.drops > 0:
            self.drops -= 1
            self.dropped += 1
            await reader.read(1)
            writer.close()
            return
        up_r, up_w = await asyncio.open_connection(*self.target)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_w), pipe(up_r, writer))

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()


@pytest.fixture
async def proxied(kube: Kube, tmp_path: Path) -> AsyncIterator[tuple[KubeClient, DroppingProxy]]:
    emu = kube.need_emulator()
    host, port = emu.url.removeprefix("http://").split(":")
    proxy = DroppingProxy(host, int(port))
    url = await proxy.start()
    cfg: dict[str, Any] = yaml.safe_load(Path(emu.kubeconfig_path).read_text())
    cfg["clusters"][0]["cluster"]["server"] = url
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(cfg))
    client = await KubeClient.connect(str(path), retry=RetryPolicy(base=0.01, cap=0.05, attempts=6))
    try:
        yield client, proxy
    finally:
        await client.close()
        await proxy.stop()


async def test_dropped_connections_are_retried(kube: Kube, proxied: tuple[KubeClient, DroppingProxy]) -> None:
    client, proxy = proxied
    await client.version()
    proxy.drops = 4
    out = await client.apply([cm(f"d{i}") for i in range(3)], namespace=kube.ns, field_manager="kts-test")
    assert len(out) == 3 and proxy.dropped >= 1  # kept-alive connections are reused, new ones dropped
    assert client.stats.retries >= proxy.dropped


@pytest.mark.slow
async def test_persistent_outage_becomes_unavailable(
    kube: Kube, proxied: tuple[KubeClient, DroppingProxy]
) -> None:
    client, proxy = proxied
    proxy.drops = 100
    with pytest.raises(Unavailable, match="GET /api: ServerDisconnectedError"):
        await client.apply([cm("never")], namespace=kube.ns, field_manager="kts-test")
    assert 6 <= proxy.dropped <= 12  # six attempts (the HTTP library may reconnect once per attempt)


async def test_aggregated_and_legacy_discovery_agree(kube: Kube) -> None:
    from kts.kube.discovery import Discovery

    aggregated = await kube.client.discovery()
    _, core = await kube.client.transport.request("GET", "/api")
    legacy = await Discovery(kube.client.transport)._legacy(core)

    builtin = {
        "",
        "apps",
        "batch",
        "policy",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "networking.k8s.io",
    }

    def facts(resources: Any) -> set[tuple[str, str, str, bool, bool]]:
        # Built-in groups only: an aggregated API server of a real cluster may be briefly unavailable.
        return {
            (r.api_version, r.kind, r.plural, r.namespaced, r.preferred)
            for r in resources
            if r.group in builtin
        }

    assert facts(aggregated.resources) == facts(legacy)
    pods = aggregated.lookup("v1", "Pod")
    assert pods and pods.plural == "pods" and pods.namespaced and {"list", "watch", "delete"} <= pods.verbs
    assert aggregated.kinds()["Deployment"].api_version == "apps/v1"


async def test_non_idempotent_calls_retry_only_when_unprocessed(kube: Kube) -> None:
    emu = kube.need_emulator()
    t = kube.client.transport
    path = f"/api/v1/namespaces/{kube.ns}/configmaps"
    emu.fail_requests("/configmaps", 503, method="POST", count=1)
    with pytest.raises(Unavailable):
        await t.request("POST", path, body=cm("once"), idempotent=False)
    assert len(emu.requests(method="POST")) == 1  # a 503 may hide a processed create: no retry
    emu.fail_requests("/configmaps", 429, method="POST", count=2)
    status, created = await t.request("POST", path, body=cm("once"), idempotent=False)
    assert status == 201 and created["metadata"]["name"] == "once"
    assert len(emu.requests(method="POST")) == 4
