"""What the spawner keeps in the hub database: enough to find and poll a server after a restart.

Only identities are stored (names, kinds, namespace), never rendered bodies, tokens or values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kts.spawner.contract import ServerObject

STATE_VERSION = 1
STATE_KEY = "kts"


@dataclass
class ServerState:
    """The server's objects from its last start, and whether it may still be running.

    ``kinds`` (``apiVersion/Kind`` of everything the chart rendered), ``labels`` (the server's
    labels when it started) and ``namespaces`` outlive a stop: later starts, stops and deletions
    search those kinds, and still find the objects after a rename or a slug scheme change.
    """

    namespace: str = ""
    release: str = ""
    refs: list[ServerObject] = field(default_factory=list)
    connection: ServerObject | None = None
    running: bool = False
    kinds: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    namespaces: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)
    """The raw [user name, server name] the server first started with: its identity and Kubernetes
    names stay those across user and server renames, so it keeps its volume and objects."""
    pvc_name: str = ""
    """KubeSpawner's ``pvc_name`` when the server started (kept as ``remember_pvc_name`` asks)."""
    adopted: list[ServerObject] = field(default_factory=list)
    """Objects another spawner made (KubeSpawner, before the switch) that this running server is:
    found by name and checked by their raw-name annotations, as they carry no kts identity."""

    def lasting(self) -> ServerState:
        """What outlives a stop: where and how to find the objects the server may have left."""
        return ServerState(kinds=self.kinds, labels=self.labels, namespaces=self.namespaces,
                           origin=self.origin, pvc_name=self.pvc_name)  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "namespace": self.namespace,
            "release": self.release,
            "refs": [r.to_json() for r in self.refs],
            "connection": self.connection.to_json() if self.connection else None,
            "running": self.running,
            "kinds": list(self.kinds),
            "labels": dict(self.labels),
            "namespaces": list(self.namespaces),
            "origin": list(self.origin),
            "pvc_name": self.pvc_name,
            "adopted": [r.to_json() for r in self.adopted],
        }

    @classmethod
    def from_json(cls, data: Any) -> ServerState:
        """Read stored state; raises ValueError for a version this code does not know."""
        if not isinstance(data, dict):
            raise ValueError("state is not a map")
        version = data.get("version")
        if version != STATE_VERSION:
            raise ValueError(f"unknown state version {version!r}")
        conn = data.get("connection")
        return cls(
            namespace=str(data.get("namespace") or ""),
            release=str(data.get("release") or ""),
            refs=[ServerObject.from_json(r) for r in data.get("refs") or []],
            connection=ServerObject.from_json(conn) if conn else None,
            running=bool(data.get("running")),
            kinds=[str(k) for k in data.get("kinds") or []],
            labels={str(k): str(v) for k, v in (data.get("labels") or {}).items()},
            namespaces=[str(n) for n in data.get("namespaces") or []],
            origin=[str(n) for n in data.get("origin") or []][:2],
            pvc_name=str(data.get("pvc_name") or ""),
            adopted=[ServerObject.from_json(r) for r in data.get("adopted") or []],
        )
