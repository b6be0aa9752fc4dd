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


async def test_persistent_outage_becomes_unavailable(
    kube: Kube, proxied: tuple[KubeClient, DroppingProxy]
) -> None:
    client, proxy = proxied
    proxy.drops = 100
    with pytest.raises(Unavailable, match="GET /api: ServerDisconnectedError"):
        await client.apply([cm("never")], namespace=kube.ns, field_manager="kts-test")
    assert 6 <= proxy.dropped <= 12  # six attempts (the HTTP library may reconnect once per attempt)


async def test_one_shared_client_per_loop(kube_env: Any) -> None:
    path = str(kube_env.kubeconfig)
    a = await KubeClient.for_loop(path)
    try:
        assert await KubeClient.for_loop(path) is a
        assert (await a.version())["major"]
    finally:
        await a.close()
    b = await KubeClient.for_loop(path)
    assert b is not a
    await b.close()
