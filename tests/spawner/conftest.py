"""Spawner test fixtures: the emulator (or a real cluster when KTS_TEST_KUBECONFIG is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from kts.spawner.cluster import close_shared
from kts.testing.emulator import Emulator

REAL_CLUSTER = os.environ.get("KTS_TEST_KUBECONFIG")
real_cluster_skip = pytest.mark.skipif(bool(REAL_CLUSTER), reason="uses the emulator's fault injection")


@dataclass
class KubeTarget:
    """Where spawner tests create objects."""

    kubeconfig: str
    namespace: str
    emulator: Emulator | None

    def spawner_config(self, **config: Any) -> dict[str, Any]:
        return {"kubeconfig": self.kubeconfig, "namespace": self.namespace, **config}


async def _real_namespace(kubeconfig: str) -> str:
    from kts.kube import KubeClient

    name = f"kts-test-{uuid.uuid4().hex[:8]}"
    async with await KubeClient.connect(kubeconfig=kubeconfig) as client:
        await client.apply(
            [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}],
            namespace=name, field_manager="kts-tests",
        )  # fmt: skip
    return name


async def _drop_namespace(kubeconfig: str, name: str) -> None:
    from kts.kube import KubeClient

    async with await KubeClient.connect(kubeconfig=kubeconfig) as client:
        await client.delete("v1", "Namespace", name, None)


@pytest.fixture
async def kube(tmp_path) -> AsyncIterator[KubeTarget]:
    """A cluster for in-process spawners: pods become Ready without running anything."""
    if REAL_CLUSTER:
        ns = await _real_namespace(REAL_CLUSTER)
        try:
            yield KubeTarget(REAL_CLUSTER, ns, None)
        finally:
            await close_shared()
            await _drop_namespace(REAL_CLUSTER, ns)
        return
    async with Emulator(pod_ready_delay=0.02) as emu:
        assert emu.kubeconfig_path is not None
        try:
            yield KubeTarget(str(emu.kubeconfig_path), "default", emu)
        finally:
            await close_shared()
