"""Benchmark the API emulator's size and cost: 5,000 objects held with 500 open watches.

    .venv/bin/python benchmarks/bench_emulator.py [--objects 5000] [--watchers 500]

Creates the objects (ConfigMaps, and one Pod in 50, over 50 namespaces) through the HTTP API,
which the simulated control plane schedules and starts, opens the
watches (half on one namespace's ConfigMaps, half cluster-wide on Pods with a label selector),
then writes one change per watched namespace and waits until every watcher saw its events.
Reports wall times (under tracemalloc, which slows Python about threefold), the memory the
emulator's own code allocated (traced), the process's peak RSS, and exits 1 when the emulator's
traced memory exceeds its budget.
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

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kts.testing.emulator import Emulator

NAMESPACES = 50
POD_EVERY = 50  # one object in 50 is a Pod, which the control plane schedules and starts
# The memory budget: what the emulator's code may hold (traced allocations in kts/testing and the
# aiohttp server) per 1,000 objects and per 100 open watches; 5,000 objects and 500 watches may
# use 45 MiB. Measured: 19 MiB for the objects (the store, the watch history of the last 2,000
# events, managedFields), 29 MiB with the watches open; the budget leaves room for growth
# without hiding a leak.
BUDGET_MIB_PER_1000_OBJECTS = 6.0
BUDGET_MIB_PER_100_WATCHERS = 3.0


def configmap(ns: str, i: int) -> dict[str, Any]:
    data = {f"key{k}": f"value-{i}-{k}" * 4 for k in range(4)}
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": f"cm-{i}", "namespace": ns, "labels": {"bench": "yes", "i": str(i)}},
            "data": data}  # fmt: skip


def pod(ns: str, i: int) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"pod-{i}", "namespace": ns,
                         "labels": {"bench": "yes", "app": f"a{i % 10}"}},
            "spec": {"containers": [{"name": "main", "image": "registry.k8s.io/pause:3.9",
                                     "resources": {"requests": {"cpu": "1m", "memory": "1Mi"}}}],
                     "terminationGracePeriodSeconds": 0}}  # fmt: skip


def emulator_traced() -> int:
    """Bytes currently allocated by the emulator's own modules (kts/testing) and aiohttp's server."""
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(True, "*kts/testing/*"), tracemalloc.Filter(True, "*aiohttp/web*")]
    )
    return sum(s.size for s in snapshot.statistics("filename"))


async def watch(session: aiohttp.ClientSession, url: str, want: int, ready: asyncio.Event,
                counts: list[int], slot: int) -> None:  # fmt: skip
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=None)) as r:
        ready.set()
        async for line in r.content:
            if line.strip() and json.loads(line)["type"] in ("ADDED", "MODIFIED"):
                counts[slot] += 1
                if counts[slot] >= want:
                    return


async def run(objects: int, watchers: int) -> int:
    tracemalloc.start()
    async with Emulator(pod_ready_delay=0.0, node_allocatable={"pods": str(objects), "cpu": "1000"}) as emu:
        base = emu.url
        namespaces = [f"ns-{n}" for n in range(NAMESPACES)]
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            for ns in namespaces:
                async with session.post(f"{base}/api/v1/namespaces", json={"metadata": {"name": ns}}) as r:
                    assert r.status == 201, await r.text()
            t0 = time.perf_counter()
            sem = asyncio.Semaphore(32)

            async def create(i: int) -> None:
                ns = namespaces[(i // 2) % NAMESPACES]  # even numbers are ConfigMaps, some odd ones Pods
                if i % 2 == 0 or i % POD_EVERY != 1:
                    kind, body = "configmaps", configmap(ns, i)
                else:
                    kind, body = "pods", pod(ns, i)
                async with sem, session.post(f"{base}/api/v1/namespaces/{ns}/{kind}", json=body) as r:
                    assert r.status == 201, await r.text()

            await asyncio.gather(*(create(i) for i in range(objects)))
            create_s = time.perf_counter() - t0
            await emu.settle(quiet=0.2, timeout=60)
            held = emulator_traced()

            t1 = time.perf_counter()
            counts = [0] * watchers
            tasks, readies = [], []
            for w in range(watchers):
                ns = namespaces[w % NAMESPACES]
                since = f"watch=true&resourceVersion={emu.store.rv}"
                if w % 2 == 0:
                    url = f"{base}/api/v1/namespaces/{ns}/configmaps?{since}"
                else:
                    url = f"{base}/api/v1/pods?{since}&labelSelector=app%3Da{w % 10}"
                ready = asyncio.Event()
                readies.append(ready)
                tasks.append(asyncio.create_task(watch(session, url, 1, ready, counts, w)))
            await asyncio.gather(*(r.wait() for r in readies))
            open_s = time.perf_counter() - t1
            with_watchers = emulator_traced()

            t2 = time.perf_counter()
            for n, ns in enumerate(namespaces):
                cm = configmap(ns, 2 * n)  # a ConfigMap of namespace n
                cm["data"]["changed"] = "yes"
                async with session.put(f"{base}/api/v1/namespaces/{ns}/configmaps/{cm['metadata']['name']}",
                                       json=cm) as r:  # fmt: skip
                    assert r.status == 200, await r.text()
            for a in range(10):  # relabel one pod into each app=aN selector
                i = next(j for j in range(1, objects, POD_EVERY) if j // POD_EVERY % 10 == a % 10)
                patch = {"metadata": {"labels": {"touched": "yes", "app": f"a{a}"}}}
                url = f"{base}/api/v1/namespaces/{namespaces[(i // 2) % NAMESPACES]}/pods/pod-{i}"
                headers = {"Content-Type": "application/merge-patch+json"}
                async with session.patch(url, json=patch, headers=headers) as r:
                    assert r.status == 200, await r.text()
            await asyncio.wait_for(asyncio.gather(*tasks), 120)
            fanout_s = time.perf_counter() - t2
        _, peak = tracemalloc.get_traced_memory()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    budget = objects / 1000 * BUDGET_MIB_PER_1000_OBJECTS + watchers / 100 * BUDGET_MIB_PER_100_WATCHERS
    mib = 1024 * 1024
    print(f"emulator: {objects} objects in {create_s:.1f} s ({objects / create_s:.0f}/s); "
          f"{watchers} watches opened in {open_s:.2f} s; "
          f"every watcher saw its change after {fanout_s:.2f} s")  # fmt: skip
    print(f"  traced memory of the emulator: {held / mib:.1f} MiB with the objects, "
          f"{with_watchers / mib:.1f} MiB with the watches open (budget {budget:.0f} MiB); "
          f"process peak traced {peak / mib:.0f} MiB, peak RSS {rss_mib:.0f} MiB")  # fmt: skip
    if with_watchers / mib > budget:
        print(f"  OVER BUDGET: {with_watchers / mib:.1f} MiB > {budget:.0f} MiB")
        return 1
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--objects", type=int, default=5000)
    p.add_argument("--watchers", type=int, default=500)
    args, _ = p.parse_known_args()
    return asyncio.run(run(args.objects, args.watchers))


if __name__ == "__main__":
    sys.exit(main())
