"""KubeTemplateSpawner at scale against the emulator (run in its own process, so the figures are the hub's).

1. ``--users`` users spawn at once with the example chart, then all stop: wall time, per-spawn
   overhead (start latency minus the emulator's simulated pod start), API requests per spawn and
   per stop, and the hub process's memory per running server.
2. ``--servers`` running servers are polled (as the hub does every poll_interval): time per poll
   and API requests per poll (the shared pod cache should make it zero).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jupyterhub.objects import Hub

from kts.spawner import KubeTemplateSpawner, charts
from kts.spawner.cluster import close_shared
from kts.spawner.contract import ObjectRef
from kts.spawner.ownership import Identity
from kts.spawner.state import ServerState
from tests.spawner.standalone import make_spawner

POD_READY_DELAY = 0.5


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_emulator(workdir: Path) -> tuple[subprocess.Popen[bytes], Path]:
    kubeconfig = workdir / "kubeconfig"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kts.cli", "emulator", "--kubeconfig", str(kubeconfig),
         "--pod-ready-delay", str(POD_READY_DELAY),
         # a cluster big enough for every user: the benchmark measures the hub, not scheduling
         "--node-allocatable", "cpu=100000,memory=1000Ti,pods=1000000"],
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not kubeconfig.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the emulator did not start")
        time.sleep(0.05)
    return proc, kubeconfig


def spawner(kubeconfig: Path, user: str, **config: Any) -> KubeTemplateSpawner:
    return make_spawner(
        user, kubeconfig=str(kubeconfig), namespace="default", start_timeout=600, delete_timeout=600,
        chart=str(charts.example_chart_path()), values={"storage": {"enabled": False}}, **config,
    )  # fmt: skip


async def spawn_all(kubeconfig: Path, users: int) -> None:
    warm = spawner(kubeconfig, "warmup")
    await warm.start()
    await warm.stop()
    stats = (await warm.cluster()).client.stats
    spawners = [spawner(kubeconfig, f"user{i}") for i in range(users)]
    base_rss, base_requests = rss_mib(), stats.requests
    latencies: list[float] = []

    async def one(sp: KubeTemplateSpawner) -> None:
        t = time.monotonic()
        await sp.start()
        latencies.append(time.monotonic() - t)

    t0, cpu0 = time.monotonic(), time.process_time()
    await asyncio.gather(*(one(sp) for sp in spawners))
    wall, cpu = time.monotonic() - t0, time.process_time() - cpu0
    spawn_requests = (stats.requests - base_requests) / users
    rss = rss_mib() - base_rss
    overhead = sorted(max(0.0, lat - POD_READY_DELAY) for lat in latencies)
    before_stop = stats.requests
    t0 = time.monotonic()
    await asyncio.gather(*(sp.stop() for sp in spawners))
    stop_wall = time.monotonic() - t0
    print(f"{users} users spawning at once: all running after {wall:.2f}s")
    print(f"  (the emulator's simulated pod start takes {POD_READY_DELAY}s)")
    print(
        f"  spawn overhead beyond pod start: median {statistics.median(overhead) * 1e3:.0f} ms, "
        f"p95 {overhead[int(len(overhead) * 0.95) - 1] * 1e3:.0f} ms"
    )
    stop_requests = (stats.requests - before_stop) / users
    print(f"  API requests per spawn: {spawn_requests:.1f}; per stop: {stop_requests:.1f}")
    print(f"  hub CPU per spawn: {cpu / users * 1e3:.1f} ms (render, checks, API calls, watches)")
    print(f"  hub memory: {rss:.1f} MiB for {users} running servers ({rss * 1024 / users:.1f} KiB each)")
    print(f"  all {users} stopped in {stop_wall:.2f}s")


async def poll_many(kubeconfig: Path, servers: int) -> None:
    first = spawner(kubeconfig, "poller")
    cluster = await first.cluster()
    pods = [
        {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"jupyter-p{i}", "namespace": "default", "labels": {
                "app.kubernetes.io/instance": "jupyter", "hub.jupyter.org/username": f"p{i}",
                "hub.jupyter.org/servername": "",
                **Identity("jupyter", f"p{i}", "").labels(server_level=True)}},
            "spec": {"containers": [{"name": "notebook", "image": "img:1"}]},
        }
        for i in range(servers)
    ]  # fmt: skip
    t0 = time.monotonic()
    sem = asyncio.Semaphore(32)

    async def put(chunk: list[dict[str, Any]]) -> None:
        async with sem:
            await cluster.apply(chunk, namespace="default", field_manager="bench")

    await asyncio.gather(*(put(pods[i : i + 50]) for i in range(0, servers, 50)))
    created = time.monotonic() - t0
    spawners = []
    for i in range(servers):
        # A stand-in user: poll() reads only the name, and a database user per server is slow to make.
        user = SimpleNamespace(name=f"p{i}", id=i, url=f"/user/p{i}/", db=None)
        sp = KubeTemplateSpawner(
            user=user, hub=Hub(), kubeconfig=str(kubeconfig), namespace="default", cleanup_orphans=False
        )
        ref = ObjectRef("v1", "Pod", f"jupyter-p{i}", "default", "server-stopped")
        sp._state = ServerState(
            namespace="default", refs=[ref], connection=ref, running=True, kinds=["v1/Pod"]
        )
        spawners.append(sp)
    await spawners[0].poll()  # the shared pod cache fills once
    requests = cluster.client.stats.requests
    t0 = time.monotonic()
    results = [await sp.poll() for sp in spawners]
    elapsed = time.monotonic() - t0
    running = sum(1 for r in results if r is None)
    print(
        f"{servers} running servers ({created:.1f}s to create their pods): polling all of them took "
        f"{elapsed * 1e3:.1f} ms ({elapsed / servers * 1e6:.1f} µs per poll), "
        f"{cluster.client.stats.requests - requests} API requests; {running} reported running"
    )


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proc, kubeconfig = start_emulator(Path(tmp))
        try:
            await spawn_all(kubeconfig, args.users)
            await poll_many(kubeconfig, args.servers)
        finally:
            await close_shared()
            proc.terminate()
            proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--servers", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="50 users and 500 servers")
    args = parser.parse_args()
    if args.quick:
        args.users, args.servers = 50, 500
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
