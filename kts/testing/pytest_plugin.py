"""Pytest fixtures that give engine and spawner tests a Kubernetes API: the emulator, or a real
cluster when KTS_TEST_KUBECONFIG is set.

Fixtures (function-scoped, async):

``kube_env`` -> ``KubeEnv``
    ``.kubeconfig``  path of a kubeconfig file for the cluster
    ``.namespace``   a fresh namespace created for this test and deleted afterwards
    ``.emulator``    the running ``kts.testing.Emulator`` (a new one per test), or ``None`` when
                     ``KTS_TEST_KUBECONFIG`` points at a real cluster
    ``.real``        True for a real cluster
    ``await kube_env.api_client()``  a kubernetes_asyncio ``ApiClient`` for the kubeconfig
                     (closed by the fixture at teardown)

``kube_emulator`` -> ``Emulator``
    a bare emulator (always the emulator, never a real cluster).

Emulator options per test with a marker, e.g.
``@pytest.mark.kube_emulator(pod_ready_delay=0.2, run_pods=True)``; the keywords are
``Emulator(...)``'s. Tests that only make sense on the emulator (fault injection, pod failures)
can check ``kube_env.emulator is None`` and skip.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kts.testing.emulator import Emulator

REAL_KUBECONFIG_ENV = "KTS_TEST_KUBECONFIG"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kube_emulator(**options): options for the Kubernetes API emulator")


@dataclass
class KubeEnv:
    kubeconfig: Path
    namespace: str
    emulator: Emulator | None
    _clients: list[Any] = field(default_factory=list)

    @property
    def real(self) -> bool:
        return self.emulator is None

    async def api_client(self) -> Any:
        from kubernetes_asyncio import config

        client = await config.new_client_from_config(config_file=str(self.kubeconfig))
        self._clients.append(client)
        return client


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("kube_emulator")
    return dict(marker.kwargs) if marker else {}


async def _real_namespace(kubeconfig: str, name: str, create: bool) -> None:
    from kubernetes_asyncio import client, config

    api_client = await config.new_client_from_config(config_file=kubeconfig)
    try:
        core = client.CoreV1Api(api_client)
        if create:
            await core.create_namespace({"metadata": {"name": name}})  # type: ignore[arg-type]  # a dict body is sent as is
        else:
            await core.delete_namespace(name, propagation_policy="Background")
    finally:
        await api_client.close()


@pytest.fixture
async def kube_emulator(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    async with Emulator(**_options(request)) as emu:
        yield emu


@pytest.fixture
async def kube_env(request: pytest.FixtureRequest) -> AsyncIterator[KubeEnv]:
    namespace = f"kts-test-{secrets.token_hex(4)}"
    real = os.environ.get(REAL_KUBECONFIG_ENV)
    if real:
        await _real_namespace(real, namespace, create=True)
        env = KubeEnv(Path(real), namespace, None)
        try:
            yield env
        finally:
            for c in env._clients:
                await c.close()
            await _real_namespace(real, namespace, create=False)
        return
    async with Emulator(**_options(request)) as emu:
        emu.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        assert emu.kubeconfig_path is not None
        env = KubeEnv(emu.kubeconfig_path, namespace, emu)
        try:
            yield env
        finally:
            for c in env._clients:
                await c.close()
