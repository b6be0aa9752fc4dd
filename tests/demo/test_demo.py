"""``kts demo`` as a person runs it: finding the proxy, the port, stopping on a signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kts.spawner.hubprocess import ProxyMissing, find_proxy, free_port, port_free


def _script(path: Path, shebang: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!{shebang}\n")
    path.chmod(0o755)
    return path


@pytest.mark.slow
def test_find_proxy_wants_the_node_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    python_one = _script(tmp_path / "bin" / "configurable-http-proxy", "/usr/bin/python3")
    monkeypatch.setenv("PATH", f"{python_one.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(ProxyMissing, match=r"npm install --prefix .*venv/node configurable-http-proxy@4"):
        find_proxy()
    node_one = _script(tmp_path / "venv/node/node_modules/.bin/configurable-http-proxy", "/usr/bin/env node")
    assert find_proxy() == str(node_one)


@pytest.mark.slow
def test_a_port_in_time_wait_is_free() -> None:
    import socket

    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the hub's proxy does
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert not port_free(port)
        client = socket.create_connection(("127.0.0.1", port))
        conn, _ = server.accept()
        conn.close()  # the server side closes first, so its end of the connection waits in TIME-WAIT
        client.close()
    assert port_free(port)


def _marked(mark: str) -> dict[int, str]:
    """Live processes whose environment carries ``mark`` (everything a demo started inherits it)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"KTS_TEST_DEMO={mark}".encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the demo's processes in /proc")
@pytest.mark.parametrize("moment", ["jupyterhub", "configurable-http-proxy"])
def test_sigterm_during_start_up_stops_everything(tmp_path: Path, moment: str) -> None:
    """A TERM while the hub starts (before or after it started its proxy) leaves no process and no
    temporary directory behind."""
    mark = f"{os.getpid()}-{moment}"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "KTS_TEST_DEMO": mark, "TMPDIR": str(tmp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kts.demo", "--port", str(free_port())],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not any(moment in cmd for pid, cmd in _marked(mark).items() if pid != proc.pid):
            assert proc.poll() is None, proc.communicate()[0].decode()
            assert time.monotonic() < deadline, f"no {moment} process: {_marked(mark)}"
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=40)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 128 + signal.SIGTERM, out.decode()
    assert "Traceback" not in out.decode(), out.decode()
    assert _marked(mark) == {}, out.decode()
    assert sorted(p.name for p in tmp.iterdir()) == [], out.decode()
