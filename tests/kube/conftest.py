"""A connected KubeClient per test, on the emulator or on the real cluster behind KTS_TEST_KUBECONFIG."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from kts.kube import KubeClient, RetryPolicy


@dataclass
class Kube:
    client: KubeClient
    ns: str
    emu: Any  # the Emulator, or None on a real cluster

    def need_emulator(self) -> Any:
        if self.emu is None:
            pytest.skip("needs the emulator's fault injection; KTS_TEST_KUBECONFIG points at a real cluster")
        return self.emu


@pytest.fixture
async def kube(kube_env: Any) -> AsyncIterator[Kube]:
    client = await KubeClient.connect(str(kube_env.kubeconfig), retry=RetryPolicy(base=0.01, cap=0.1))
    try:
        yield Kube(client, kube_env.namespace, kube_env.emulator)
    finally:
        await client.close()


def cm(name: str, data: dict[str, str] | None = None, **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, **meta}, "data": data or {}}


PAUSE = "registry.k8s.io/pause:3.9"


def pod_spec(image: str = PAUSE, **extra: Any) -> dict[str, Any]:
    return {"containers": [{"name": "main", "image": image}], **extra}


def deployment(name: str, labels: dict[str, str], image: str = PAUSE, replicas: int = 1) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": pod_spec(image)},
        },
    }


def pod(name: str, labels: dict[str, str] | None = None, image: str = PAUSE, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {}},
        "spec": pod_spec(image, **spec),
    }
