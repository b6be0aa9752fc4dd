"""``kts demo`` as a person runs it: finding the proxy, the port, stopping on a signal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kts.spawner.hubprocess import ProxyMissing, find_proxy, port_free


def _script(path: Path, shebang: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!{shebang}\n")
    path.chmod(0o755)
    return path


def test_find_proxy_wants_the_node_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    python_one = _script(tmp_path / "bin" / "configurable-http-proxy", "/usr/bin/python3")
    monkeypatch.setenv("PATH", f"{python_one.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(ProxyMissing, match=r"npm install --prefix .*venv/node configurable-http-proxy@4"):
        find_proxy()
    node_one = _script(tmp_path / "venv/node/node_modules/.bin/configurable-http-proxy", "/usr/bin/env node")
    assert find_proxy() == str(node_one)


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
