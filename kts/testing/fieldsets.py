"""Field sets for server-side apply: which leaves of an object a manager owns, FieldsV1 encoding,
merging an applied intent into the live object and removing fields a manager gave up.

A path is a tuple of elements ``("f", name)`` (a struct field or map key) or ``("k", json)``
(an associative-list item identified by its key fields, ``json`` being the sorted compact JSON of
those fields). A path ending in ``("k", ...)`` marks the item's presence.
"""

from __future__ import annotations

import copy
import json
from typing import Any

Elem = tuple[str, str]
Path = tuple[Elem, ...]

_CONTAINER_LISTS = {"containers", "initContainers", "ephemeralContainers"}
_BY_NAME = _CONTAINER_LISTS | {"env", "volumes", "imagePullSecrets", "resourceClaims"}

# Fields that identify or describe the object rather than express intent; never owned.
_META_UNTRACKED = {
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
    "generateName",
}


Rules = bool | dict  # built-in merge keys, a CRD openAPIV3Schema, or all lists atomic


def _schema_at(schema: dict[str, Any], path: Path, field: str) -> dict[str, Any] | None:
    node: Any = schema
    for kind, name in (*path, ("f", field)):
        if not isinstance(node, dict):
            return None
        if kind == "k":
            node = node.get("items")
        else:
            props = node.get("properties") or {}
            node = props.get(name, node.get("additionalProperties") if name not in props else None)
    return node if isinstance(node, dict) else None


def list_keys(path: Path, field: str, builtin: Rules) -> tuple[str, ...] | None:
    """Merge keys of the list at ``path + field``; None for an atomic list.

    Custom resources have atomic lists unless their schema marks one
    ``x-kubernetes-list-type: map`` (keys from ``x-kubernetes-list-map-keys``), as on a real server."""
    names = [e[1] for e in path if e[0] == "f"]
    if field == "ownerReferences" and names == ["metadata"]:
        return ("uid",)
    if isinstance(builtin, dict):
        node = _schema_at(builtin, path, field)
        if node and node.get("x-kubernetes-list-type") == "map" and node.get("x-kubernetes-list-map-keys"):
            return tuple(node["x-kubernetes-list-map-keys"])
        return None
    if not builtin:
        return None
    if field in _BY_NAME:
        return ("name",)
    if field == "volumeMounts":
        return ("mountPath",)
    if field == "volumeDevices":
        return ("devicePath",)
    if field == "conditions":
        return ("type",)
    if field == "hostAliases":
        return ("ip",)
    if field == "ports":
        in_container = any(n in _CONTAINER_LISTS for n in names) or any(e[0] == "k" for e in path)
        return ("containerPort",) if in_container else ("port",)
    return None


def item_key(item: Any, keys: tuple[str, ...]) -> str | None:
    if not isinstance(item, dict) or any(k not in item for k in keys):
        return None
    return json.dumps({k: item[k] for k in keys}, sort_keys=True, separators=(",", ":"))


def strip_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def tracked_content(obj: dict[str, Any], scope: str, status_subresource: bool) -> dict[str, Any]:
    """The part of an object whose fields are owned: no identity fields, and only the status when
    ``scope == "status"`` (or everything but the status when the kind has a status subresource)."""
    out: dict[str, Any] = {}
    for k, v in obj.items():
        if k in ("apiVersion", "kind"):
            continue
        if scope == "status":
            if k == "status":
                out[k] = v
            continue
        if k == "status" and status_subresource:
            continue
        if k == "metadata" and isinstance(v, dict):
            meta = {mk: mv for mk, mv in v.items() if mk not in _META_UNTRACKED}
            if meta:
                out[k] = meta
            continue
        out[k] = v
    return out


def field_set(obj: Any, builtin: Rules, path: Path = ()) -> set[Path]:
    """Every owned path of an object: leaves, atomic lists, empty maps and keyed-item markers."""
    out: set[Path] = set()
    if not isinstance(obj, dict):
        return out
    for k, v in obj.items():
        p = (*path, ("f", k))
        if isinstance(v, dict) and v:
            out |= field_set(v, builtin, p)
        elif (
            isinstance(v, list)
            and v
            and (keys := list_keys(path, k, builtin)) is not None
            and all(item_key(i, keys) is not None for i in v)
        ):
            for item in v:
                ip = (*p, ("k", item_key(item, keys) or ""))
                out.add(ip)
                out |= field_set(item, builtin, ip)
        else:
            out.add(p)
    return out


_MISSING = object()


def get_at(obj: Any, path: Path) -> Any:
    """The value at ``path`` or ``_MISSING``."""
    cur = obj
    for kind, name in path:
        if kind == "f":
            if not isinstance(cur, dict) or name not in cur:
                return _MISSING
            cur = cur[name]
        else:
            if not isinstance(cur, list):
                return _MISSING
            want = json.loads(name)
            for item in cur:
                if isinstance(item, dict) and all(item.get(k, _MISSING) == v for k, v in want.items()):
                    cur = item
                    break
            else:
                return _MISSING
    return cur


def is_missing(value: Any) -> bool:
    return value is _MISSING


def remove_at(obj: Any, path: Path) -> None:
    """Delete the field or list item at ``path`` and prune maps left empty by that."""
    if not path:
        return
    parent = get_at(obj, path[:-1])
    kind, name = path[-1]
    if kind == "f" and isinstance(parent, dict):
        parent.pop(name, None)
    elif kind == "k" and isinstance(parent, list):
        want = json.loads(name)
        parent[:] = [
            i
            for i in parent
            if not (isinstance(i, dict) and all(i.get(k, _MISSING) == v for k, v in want.items()))
        ]
    if len(path) > 1 and path[-2][0] == "f" and parent in ({}, []) and path[:-1] != (("f", "metadata"),):
        remove_at(obj, path[:-1])


def merge(live: Any, applied: Any, builtin: Rules, path: Path = ()) -> Any:
    """Merge an applied intent into the live value: maps recursively, keyed lists by key,
    everything else replaced."""
    if isinstance(live, dict) and isinstance(applied, dict):
        out = dict(live)
        for k, v in applied.items():
            p = (*path, ("f", k))
            if k in live:
                if isinstance(v, list) and isinstance(live[k], list):
                    out[k] = _merge_list(live[k], v, list_keys(path, k, builtin), builtin, p)
                else:
                    out[k] = merge(live[k], v, builtin, p)
            else:
                out[k] = copy.deepcopy(v)
        return out
    return copy.deepcopy(applied)


def _merge_list(live: list, applied: list, keys: tuple[str, ...] | None, builtin: Rules, path: Path) -> list:
    if keys is None or any(item_key(i, keys) is None for i in live + applied):
        return copy.deepcopy(applied)
    out = list(live)
    index = {item_key(i, keys): n for n, i in enumerate(out)}
    for item in applied:
        key = item_key(item, keys)
        if key in index:
            n = index[key]
            out[n] = merge(out[n], item, builtin, (*path, ("k", key or "")))
        else:
            index[key] = len(out)
            out.append(copy.deepcopy(item))
    return out


def path_text(path: Path) -> str:
    """structured-merge-diff's path string: ``.spec.containers[name="app"].image``."""
    parts = []
    for kind, name in path:
        if kind == "f":
            parts.append("." + name)
        else:
            key = json.loads(name)
            parts.append("[" + ",".join(f"{k}={json.dumps(v)}" for k, v in key.items()) + "]")
    return "".join(parts)


def to_fieldsv1(paths: set[Path]) -> dict[str, Any]:
    trie: dict[str, Any] = {}
    for path in paths:
        node = trie
        for kind, name in path:
            node = node.setdefault(f"{kind}:{name}", {})
        if path and path[-1][0] == "k":
            node["."] = {}
    return _sorted_trie(trie)


def _sorted_trie(node: dict[str, Any]) -> dict[str, Any]:
    return {k: _sorted_trie(v) for k, v in sorted(node.items())}


def from_fieldsv1(trie: dict[str, Any] | None, prefix: Path = ()) -> set[Path]:
    out: set[Path] = set()
    for key, child in (trie or {}).items():
        if key == ".":
            out.add(prefix)
            continue
        kind, _, name = key.partition(":")
        if kind not in ("f", "k"):
            continue
        p = (*prefix, (kind, name))
        if child:
            out |= from_fieldsv1(child, p)
            if kind == "k":
                out.add(p)
        else:
            out.add(p)
    return out


def has_prefix(path: Path, prefix: Path) -> bool:
    return path[: len(prefix)] == prefix
