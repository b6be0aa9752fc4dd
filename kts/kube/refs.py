"""Object references: how the engine names an object in messages and reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class ObjectRef:
    """apiVersion, kind, namespace (``None`` when cluster-scoped) and name of one object."""

    api_version: str
    kind: str
    namespace: str | None
    name: str
    uid: str | None = None

    @classmethod
    def of(cls, obj: dict[str, Any], namespace: str | None = None) -> ObjectRef:
        meta = obj.get("metadata") or {}
        return cls(
            str(obj.get("apiVersion", "")),
            str(obj.get("kind", "")),
            meta.get("namespace") or namespace,
            str(meta.get("name", "")),
            meta.get("uid"),
        )

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"
