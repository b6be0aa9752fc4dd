"""Shared pod/event caches: reads cost no request; they survive dropped watches and 410 Gone."""

from __future__ import annotations

from typing import Any

import pytest

from kts.kube.reflector import EventCache
from tests.kube.conftest import Kube, pod

pytestmark = pytest.mark.cluster


async def _until(refl: Any, predicate: Any, timeout: float = 30.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        left = deadline - time.monotonic()
        assert left > 0, "cache did not converge"
        await refl.wait_changed(min(left, 0.5))


async def test_polling_the_cache_costs_no_requests(kube: Kube) -> None:
    out = await kube.client.apply(
        [pod(f"p{i}", {"app": "cached"}) for i in range(5)], namespace=kube.ns, field_manager="kts-test"
    )
    refl = kube.client.pod_cache(kube.ns, "app=cached")
    assert kube.client.pod_cache(kube.ns, "app=cached") is refl  # shared
    await refl.synced(timeout=10)
    await kube.client.wait_ready(out, timeout=60)
    await _until(refl, lambda: all((refl.get(f"p{i}") or {}).get("status", {}).get("phase") == "Running"
                                   for i in range(5)))  # fmt: skip
    await _until(refl, lambda: all(refl.events_for("Pod", f"p{i}") for i in range(5)))
    sent = kube.client.stats.requests
    logged = kube.emu.request_count if kube.emu else 0
    for _ in range(2000):
        for i in range(5):
            assert refl.get(f"p{i}") is not None
        assert len(refl.items()) == 5
        assert refl.events_for("Pod", "p1")
    assert kube.client.stats.requests == sent
    if kube.emu is not None:
        assert kube.emu.request_count == logged


@pytest.mark.slow
async def test_cache_survives_dropped_watches_and_gone(kube: Kube) -> None:
    emu = kube.need_emulator()
    refl = kube.client.pod_cache(kube.ns, "app=r")
    await refl.synced(timeout=10)
    await kube.client.apply([pod("a", {"app": "r"})], namespace=kube.ns, field_manager="kts-test")
    await _until(refl, lambda: refl.get("a") is not None)

    assert emu.drop_watches() >= 1
    await kube.client.apply([pod("b", {"app": "r"})], namespace=kube.ns, field_manager="kts-test")
    await _until(refl, lambda: refl.get("b") is not None)
    relists = refl.lw.relists

    # Forget history and drop the watch: resuming from the old resourceVersion gets 410, so it relists.
    emu.compact()
    emu.drop_watches()
    await kube.client.apply([pod("c", {"app": "r"})], namespace=kube.ns, field_manager="kts-test")
    emu.delete("v1", "Pod", "a", kube.ns)
    await _until(refl, lambda: refl.get("c") is not None and refl.get("a") is None)
    assert refl.lw.relists > relists  # 410 Gone made it list again
    assert sorted(p["metadata"]["name"] for p in refl.items()) == ["b", "c"]

    # Injected server errors on the watch are retried too.
    emu.fail_requests("/pods", 503, method="GET", count=3)
    emu.drop_watches()
    await kube.client.apply([pod("d", {"app": "r"})], namespace=kube.ns, field_manager="kts-test")
    await _until(refl, lambda: refl.get("d") is not None)
    assert refl.error is None


def test_event_cache_is_bounded() -> None:
    cache = EventCache(_NoTransport(), "ns", max_events=50)  # type: ignore[arg-type]
    for i in range(500):
        involved = {"kind": "Pod", "name": f"p{i % 7}"}
        cache._on("ADDED", {"metadata": {"uid": f"u{i}", "resourceVersion": "1"}, "involvedObject": involved})
    assert len(cache) == 50
    assert sum(len(cache.events_for("Pod", f"p{i}")) for i in range(7)) == 50
    assert len(cache._order) <= 100
    cache.max_age = -1.0
    cache._on("ADDED", {"metadata": {"uid": "last", "resourceVersion": "1"},
                        "involvedObject": {"kind": "Pod", "name": "x"}})  # fmt: skip
    assert len(cache) == 0


class _NoTransport:
    pass
