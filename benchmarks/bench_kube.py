"""Benchmark the Kubernetes engine against the in-process API emulator.

    .venv/bin/python benchmarks/bench_kube.py [--objects 1000] [--lifecycles 1000]

Reports, per phase: wall time, requests sent (and requests per object), retries, and peak memory
(traced Python allocations of the whole process, which also hosts the emulator).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kts.kube import KubeClient
from kts.testing.emulator import Emulator

NS = "bench"
PAUSE = "registry.k8s.io/pause:3.9"


def configmap(i: int) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": f"cm-{i}", "labels": {"bench": "bulk"}}, "data": {"i": str(i)}}  # fmt: skip


def lifecycle_objects(i: int) -> list[dict[str, Any]]:
    labels = {"user": f"u{i}"}
    return [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"conf-{i}", "labels": labels},
         "data": {"user": str(i)}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"svc-{i}", "labels": labels},
         "spec": {"selector": labels, "ports": [{"port": 8888}]}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i}", "labels": labels},
         "spec": {"containers": [{"name": "main", "image": PAUSE}], "terminationGracePeriodSeconds": 0}},
    ]  # fmt: skip


class Phase:
    def __init__(self, name: str, client: KubeClient, objects: int) -> None:
        self.name, self.client, self.objects = name, client, objects

    def __enter__(self) -> Phase:
        self.t0 = time.perf_counter()
        self.r0 = self.client.stats.requests
        self.retries0 = self.client.stats.retries
        if tracemalloc.is_tracing():
            tracemalloc.reset_peak()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self.t0
        reqs = self.client.stats.requests - self.r0
        _, peak = tracemalloc.get_traced_memory() if tracemalloc.is_tracing() else (0, 0)
        row = {
            "phase": self.name, "objects": self.objects, "wall_s": round(wall, 3),
            "requests": reqs, "requests_per_object": round(reqs / max(1, self.objects), 2),
            "retries": self.client.stats.retries - self.retries0, "peak_traced_mb": round(peak / 2**20, 1),
        }  # fmt: skip
        print(json.dumps(row), flush=True)


async def main(n_objects: int, n_lifecycles: int, concurrency: int, trace: bool) -> None:
    if trace:
        tracemalloc.start()
    async with Emulator(pod_ready_delay=0.05, history_limit=50000) as emu:
        emu.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
        client = await KubeClient.connect(str(emu.kubeconfig_path))
        async with client:
            await client.discovery()
            objs = [configmap(i) for i in range(n_objects)]
            with Phase("apply", client, n_objects):
                await client.apply(objs, namespace=NS, field_manager="bench", concurrency=concurrency)
            with Phase("re-apply (no-op)", client, n_objects):
                await client.apply(objs, namespace=NS, field_manager="bench", concurrency=concurrency)
            with Phase("delete_by_labels", client, n_objects):
                gone = await client.delete_by_labels(namespace=NS, labels={"bench": "bulk"}, timeout=300)
            assert len(gone) == n_objects

            sem = asyncio.Semaphore(n_lifecycles)

            async def lifecycle(i: int) -> None:
                async with sem:
                    out = await client.apply(lifecycle_objects(i), namespace=NS, field_manager="bench")
                    await client.wait_ready(out, timeout=300)
                    await client.delete_by_labels(
                        namespace=NS,
                        labels={"user": f"u{i}"},
                        timeout=300,
                        kinds={"ConfigMap", "Service", "Pod"},
                    )

            with Phase("lifecycles apply/wait/delete", client, n_lifecycles * 3):
                await asyncio.gather(*(lifecycle(i) for i in range(n_lifecycles)))
            assert emu.list("v1", "Pod", NS) == []

            async def full_scan_delete(i: int) -> None:
                await client.apply(lifecycle_objects(i), namespace=NS, field_manager="bench")
                await client.delete_by_labels(namespace=NS, labels={"user": f"u{i}"}, timeout=300)

            k = max(1, n_lifecycles // 10)
            with Phase(f"{k} lifecycles, delete scanning every kind", client, k * 3):
                await asyncio.gather(*(full_scan_delete(i) for i in range(k)))
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"process_max_rss_mb": round(maxrss / 1024, 1)}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objects", type=int, default=1000)
    ap.add_argument("--lifecycles", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--no-trace", action="store_true", help="skip tracemalloc (faster; no peak memory)")
    args = ap.parse_args()
    asyncio.run(main(args.objects, args.lifecycles, args.concurrency, not args.no_trace))
