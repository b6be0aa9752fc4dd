"""How a kind's lists and maps merge, read from its schema as the API server reads it.

Server-side apply follows structured-merge-diff: a list marked ``x-kubernetes-list-type: map`` is
keyed by ``x-kubernetes-list-map-keys``, ``set`` holds unique scalars, ``atomic`` is replaced
whole; an unmarked list of a built-in kind with ``x-kubernetes-patch-strategy: merge`` is keyed
by its patch merge key (a set when it has none); every other list is atomic, and a map marked
``x-kubernetes-map-type: atomic`` is owned and replaced as one field. Strategic merge patch reads
the patch strategy and merge key. Built-in kinds get their rules from Kubernetes' published
definitions, custom resources from their CRD's schema; a kind without a schema has atomic lists.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from kts.testing.kubeschema import OBJECT_META, KubeSchemas

Path = tuple[tuple[str, str], ...]

# Key fields the published OpenAPI v3 schemas default (``ContainerPort.protocol``, ``ServicePort.
# protocol``: "TCP"); structured-merge-diff fills them in before keying a list item.
KEY_DEFAULTS = {"protocol": "TCP"}


@dataclass(frozen=True)
class ListKind:
    kind: str  # "atomic", "set" or "map"
    keys: tuple[str, ...] = ()


ATOMIC_LIST = ListKind("atomic")


class Rules:
    """The rules of a kind without a schema: every list and map is replaced whole."""

    def list_kind(self, path: Path, field: str) -> ListKind:
        return ATOMIC_LIST

    def atomic_map(self, path: Path, field: str) -> bool:
        return False

    def patch_merge(self, path: Path, field: str) -> tuple[str, ...] | None:
        """Strategic merge patch: the merge key of a list (``()`` merges scalars), or None to replace."""
        return None


NO_SCHEMA = Rules()


def _names(path: Path, field: str) -> tuple[str, ...]:
    return (*("*" if kind != "f" else name for kind, name in path), field)


def _markers(node: dict[str, Any] | None) -> tuple[ListKind, bool, tuple[str, ...] | None]:
    if node is None:
        return ATOMIC_LIST, False, None
    list_type = node.get("x-kubernetes-list-type")
    strategy = str(node.get("x-kubernetes-patch-strategy") or "")
    merge_key = node.get("x-kubernetes-patch-merge-key")
    merging = "merge" in strategy.split(",")
    if list_type == "map":
        kind = ListKind("map", tuple(node.get("x-kubernetes-list-map-keys") or ()))
    elif list_type == "set":
        kind = ListKind("set")
    elif list_type is None and merging:
        kind = ListKind("map", (merge_key,)) if merge_key else ListKind("set")
    else:
        kind = ATOMIC_LIST
    patch = ((merge_key,) if merge_key else ()) if merging else None
    return kind, node.get("x-kubernetes-map-type") == "atomic", patch


class SchemaRules(Rules):
    """Rules read from a schema; ``node_at`` finds the schema of a field path (``"*"`` for list
    items and map values)."""

    def __init__(
        self, schemas: KubeSchemas, definition: str | None, crd_schema: dict[str, Any] | None
    ) -> None:
        self.schemas = schemas
        self.definition = definition
        self.crd_schema = crd_schema
        self._markers = functools.lru_cache(maxsize=4096)(self._lookup)

    def _node(self, names: tuple[str, ...]) -> dict[str, Any] | None:
        if self.definition is not None:
            node = self.schemas.node_at(self.definition, names)
            return self.schemas.resolve(node) if node is not None else None
        if names[:1] == ("metadata",):
            node = self.schemas.node_at(OBJECT_META, names[1:])
            return self.schemas.resolve(node) if node is not None else None
        cur: Any = self.crd_schema
        for name in names:
            if not isinstance(cur, dict):
                return None
            if name == "*" and isinstance(cur.get("items"), dict):
                cur = cur["items"]
            elif name in (cur.get("properties") or {}):
                cur = cur["properties"][name]
            else:
                extra = cur.get("additionalProperties")
                cur = extra if isinstance(extra, dict) else None
        return cur if isinstance(cur, dict) else None

    def _lookup(self, names: tuple[str, ...]) -> tuple[ListKind, bool, tuple[str, ...] | None]:
        return _markers(self._node(names))

    def list_kind(self, path: Path, field: str) -> ListKind:
        return self._markers(_names(path, field))[0]

    def atomic_map(self, path: Path, field: str) -> bool:
        return self._markers(_names(path, field))[1]

    def patch_merge(self, path: Path, field: str) -> tuple[str, ...] | None:
        return self._markers(_names(path, field))[2]
