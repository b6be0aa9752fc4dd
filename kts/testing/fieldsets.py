"""Field sets for server-side apply: which leaves of an object a manager owns, FieldsV1 encoding,
merging an applied intent into the live object and removing fields a manager gave up.

A path is a tuple of elements ``("f", name)`` (a struct field or map key), ``("k", json)``
(an associative-list item identified by its key fields, ``json`` being the sorted compact JSON of
those fields) or ``("v", json)`` (a member of a set list). A path ending in ``("k", ...)`` marks
the item's presence. Which lists are keyed or sets comes from the kind's :class:`Rules`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from kts.testing.listrules import KEY_DEFAULTS, Rules

Elem = tuple[str, str]
Path = tuple[Elem, ...]

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


def list_keys(path: Path, field: str, rules: Rules) -> tuple[str, ...] | None:
    """Keys of the associative list at ``path + field``; None when the list is not keyed."""
    kind = rules.list_kind(path, field)
    return kind.keys if kind.kind == "map" and kind.keys else None


def item_key(item: Any, keys: tuple[str, ...]) -> str | None:
    """An associative-list item's identity, key fields the schema defaults filled in."""
    if not isinstance(item, dict):
        return None
    values = {}
    for k in keys:
        if k in item:
            values[k] = item[k]
        elif k in KEY_DEFAULTS:
            values[k] = KEY_DEFAULTS[k]
        else:
            return None
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


def _matches(item: Any, want: dict[str, Any]) -> bool:
    if not isinstance(item, dict):
        return False
    return all(item.get(k, KEY_DEFAULTS.get(k, _MISSING)) == v for k, v in want.items())


def _is_set(value: Any, path: Path, field: str, rules: Rules) -> bool:
    return (
        isinstance(value, list)
        and rules.list_kind(path, field).kind == "set"
        and all(not isinstance(i, (dict, list)) for i in value)
        and len({json.dumps(i) for i in value}) == len(value)
    )


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


def field_set(obj: Any, rules: Rules, path: Path = ()) -> set[Path]:
    """Every owned path of an object: leaves, atomic lists and maps, empty maps, keyed-item
    markers and set members."""
    out: set[Path] = set()
    if not isinstance(obj, dict):
        return out
    for k, v in obj.items():
        p = (*path, ("f", k))
        if isinstance(v, dict) and v and not rules.atomic_map(path, k):
            out |= field_set(v, rules, p)
        elif (
            isinstance(v, list)
            and v
            and (keys := list_keys(path, k, rules)) is not None
            and all(item_key(i, keys) is not None for i in v)
        ):
            for item in v:
                ip = (*p, ("k", item_key(item, keys) or ""))
                out.add(ip)
                out |= field_set(item, rules, ip)
        elif v and _is_set(v, path, k, rules):
            out |= {(*p, ("v", json.dumps(i))) for i in v}
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
        elif kind == "v":
            if not isinstance(cur, list) or json.loads(name) not in cur:
                return _MISSING
            cur = json.loads(name)
        else:
            if not isinstance(cur, list):
                return _MISSING
            want = json.loads(name)
            for item in cur:
                if _matches(item, want):
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
        parent[:] = [i for i in parent if not _matches(i, want)]
    elif kind == "v" and isinstance(parent, list):
        value = json.loads(name)
        parent[:] = [i for i in parent if i != value]
    if len(path) > 1 and path[-2][0] == "f" and parent in ({}, []) and path[:-1] != (("f", "metadata"),):
        remove_at(obj, path[:-1])


def merge(live: Any, applied: Any, rules: Rules, path: Path = ()) -> Any:
    """Merge an applied intent into the live value: maps recursively, keyed lists by key, sets
    by union, everything else (atomic lists and maps) replaced."""
    if isinstance(live, dict) and isinstance(applied, dict):
        out = dict(live)
        for k, v in applied.items():
            p = (*path, ("f", k))
            if k not in live or rules.atomic_map(path, k):
                out[k] = copy.deepcopy(v)
            elif isinstance(v, list) and isinstance(live[k], list):
                if _is_set(v, path, k, rules) and _is_set(live[k], path, k, rules):
                    out[k] = list(live[k]) + [i for i in v if i not in live[k]]
                else:
                    out[k] = _merge_list(live[k], v, list_keys(path, k, rules), rules, p)
            else:
                out[k] = merge(live[k], v, rules, p)
        return out
    return copy.deepcopy(applied)


def _merge_list(live: list, applied: list, keys: tuple[str, ...] | None, rules: Rules, path: Path) -> list:
    if keys is None or any(item_key(i, keys) is None for i in live + applied):
        return copy.deepcopy(applied)
    out = list(live)
    index = {item_key(i, keys): n for n, i in enumerate(out)}
    for item in applied:
        key = item_key(item, keys)
        if key in index:
            n = index[key]
            out[n] = merge(out[n], item, rules, (*path, ("k", key or "")))
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
        elif kind == "v":
            parts.append(f"[={name}]")
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
        if kind not in ("f", "k", "v"):
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
