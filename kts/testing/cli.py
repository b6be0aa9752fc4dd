"""``kts emulator --kubeconfig FILE [--pod-ready-delay S] [--run-pods] [--kube-version 1.N]``:
serve the emulator on a free loopback port, write a kubeconfig for it once it is ready, run until
SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from kts.testing.emulator import Emulator
from kts.testing.kubeschema import DEFAULT_KUBE_VERSION, available_versions, normalize_version


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kts emulator", description="Run the Kubernetes API emulator.")
    p.add_argument("--kubeconfig", required=True, type=Path, help="where to write the kubeconfig")
    p.add_argument(
        "--pod-ready-delay", type=float, default=0.5, help="seconds until a pod is Running and Ready"
    )
    p.add_argument("--run-pods", action="store_true", help="run each pod's command as a local process")
    p.add_argument(
        "--node-allocatable", default="", metavar="RES=QTY,...",
        help="the node's allocatable resources, e.g. cpu=1000,memory=4Ti,pods=10000 "
        "(default: 8 CPUs, 32Gi, 110 pods)",
    )
    p.add_argument(
        "--kube-version", default=DEFAULT_KUBE_VERSION, metavar="1.N",
        help=f"the Kubernetes release whose published schemas are served and enforced "
        f"(default {DEFAULT_KUBE_VERSION}; {', '.join(available_versions())} are installed)",
    )
    p.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    return p


def parse_resources(text: str) -> dict[str, str]:
    """``cpu=8,memory=32Gi`` as a resource map."""
    pairs = (item.split("=", 1) for item in text.split(",") if item.strip())
    return {name.strip(): qty.strip() for name, qty in pairs}


async def serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Emulator(
        pod_ready_delay=args.pod_ready_delay, run_pods=args.run_pods, host=args.host, port=args.port,
        node_allocatable=parse_resources(args.node_allocatable), kube_version=args.kube_version,
    ) as emu:
        emu.write_kubeconfig(args.kubeconfig)
        print(f"kts emulator serving {emu.url}; kubeconfig {args.kubeconfig}", file=sys.stderr, flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        normalize_version(args.kube_version)
    except ValueError as e:
        parser.error(str(e))
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
