"""``kts emulator`` runs until signalled and writes a working kubeconfig."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml


@pytest.mark.slow
async def test_cli_serves_and_stops(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kc"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys; from kts.testing.cli import main; sys.exit(main(sys.argv[1:]))",
        "--kubeconfig",
        str(kubeconfig),
        "--pod-ready-delay",
        "0.01",
        "--kube-version",
        "1.31",
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ},
    )
    try:
        for _ in range(200):
            if kubeconfig.exists():
                break
            await asyncio.sleep(0.05)
        server = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
        async with aiohttp.ClientSession() as s, s.get(server + "/api/v1/namespaces/default") as r:
            assert r.status == 200
        async with aiohttp.ClientSession() as s, s.get(server + "/version") as r:
            assert (await r.json())["minor"] == "31"
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 10)
    assert code == 0
