"""A small HTTP client over the emulator for asserting exact wire behaviour."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from kts.testing import Emulator

APPLY = "application/apply-patch+yaml"


class Http:
    def __init__(self, session: aiohttp.ClientSession, emu: Emulator) -> None:
        self.session = session
        self.emu = emu

    async def call(
        self, method: str, path: str, body: Any = None, content_type: str = "application/json", **params: Any
    ) -> tuple[int, Any]:
        data = None if body is None else (body if isinstance(body, (str, bytes)) else json.dumps(body))
        query = {k: str(v) for k, v in params.items()}
        async with self.session.request(
            method, self.emu.url + path, data=data, params=query, headers={"Content-Type": content_type}
        ) as r:
            text = await r.text()
            return r.status, json.loads(text) if text.strip().startswith(("{", "[")) else text

    async def get(self, path: str, **params: Any) -> tuple[int, Any]:
        return await self.call("GET", path, **params)

    async def post(self, path: str, body: Any, **params: Any) -> tuple[int, Any]:
        return await self.call("POST", path, body, **params)

    async def put(self, path: str, body: Any, **params: Any) -> tuple[int, Any]:
        return await self.call("PUT", path, body, **params)

    async def delete(self, path: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        return await self.call("DELETE", path, body, **params)

    async def apply(self, path: str, body: Any, manager: str = "test", **params: Any) -> tuple[int, Any]:
        return await self.call("PATCH", path, body, APPLY, fieldManager=manager, **params)

    async def patch(
        self, path: str, body: Any, content_type: str = "application/merge-patch+json", **params: Any
    ) -> tuple[int, Any]:
        return await self.call("PATCH", path, body, content_type, **params)

    async def watch(self, path: str, n: int, timeout: float = 3.0, **params: Any) -> list[dict[str, Any]]:
        """Collect ``n`` watch events (or fewer if the stream ends)."""
        import asyncio

        query = {"watch": "true", **{k: str(v) for k, v in params.items()}}
        out: list[dict[str, Any]] = []

        async def read() -> None:
            async with self.session.get(self.emu.url + path, params=query) as r:
                async for line in r.content:
                    if line.strip():
                        out.append(json.loads(line))
                        if len(out) >= n:
                            return

        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(read(), timeout)
        return out


@pytest.fixture
async def http(kube_emulator: Emulator) -> AsyncIterator[Http]:
    async with aiohttp.ClientSession() as session:
        yield Http(session, kube_emulator)


@pytest.fixture
async def ns(http: Http) -> str:
    status, _ = await http.post("/api/v1/namespaces", {"metadata": {"name": "t"}})
    assert status == 201
    # every namespace starts with the root CA ConfigMap; the tests here want an empty one
    status, _ = await http.delete("/api/v1/namespaces/t/configmaps/kube-root-ca.crt")
    assert status == 200
    return "t"


def cm(name: str, data: dict[str, str] | None = None, **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, **meta}, "data": data or {}}


def deployment(name: str, image: str = "app:1", replicas: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": image, **extra}]},
            },
        },
    }
