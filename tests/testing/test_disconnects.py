"""Clients that go away (a closed watch, a dropped connection, an emulator stopping under open
watches) leave no traceback or error in the emulator's log."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from kts.testing import Emulator

CMS = "/api/v1/namespaces/default/configmaps"


async def _raw_request(emu: Emulator, path: str) -> None:
    """Send a request and hang up without reading the answer."""
    host, port = emu.url.removeprefix("http://").split(":")
    _, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    writer.close()
    await writer.wait_closed()


def _cm(name: str) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}


@pytest.mark.slow
@pytest.mark.kube_emulator(bookmark_interval=0.05)
async def test_gone_clients_leave_no_noise(kube_emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    emu = kube_emulator
    for path in (f"{CMS}?watch=true", f"{CMS}?watch=true&allowWatchBookmarks=true", CMS, "/openapi/v2"):
        await _raw_request(emu, path)
    async with aiohttp.ClientSession() as session:
        response = await session.get(emu.url + f"{CMS}?watch=true")
        await response.content.readline()
        response.close()  # the client hangs up; the next events have nowhere to go
        for i in range(3):
            emu.create(_cm(f"after-close-{i}"))
            await asyncio.sleep(0.05)
        response = await session.get(emu.url + f"{CMS}?watch=true&allowWatchBookmarks=true")
        await response.content.readline()
        emu.drop_watches()
        await asyncio.sleep(0.2)
        response.close()
        await session.get(emu.url + f"{CMS}?watch=true")
    await asyncio.sleep(0.3)
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not noisy, [(r.name, r.getMessage()) for r in noisy]
