"""Non-apply patch types: JSON merge patch (RFC 7386), strategic merge patch basics, JSON patch."""

from __future__ import annotations

import copy
from typing import Any

from kts.testing.errors import ApiError, bad_request
from kts.testing.fieldsets import Path, item_key
from kts.testing.listrules import Rules


def json_merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = json_merge_patch(out.get(k), v)
    return out


def strategic_merge_patch(target: Any, patch: Any, rules: Rules, path: Path = ()) -> Any:
    """Maps merge, null deletes, lists with a patch merge key (containers, env, ports, ...) merge
    by it and honour ``$patch: delete`` items, scalar lists with the merge strategy take the union;
    other lists are replaced."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if k.startswith("$"):
            continue
        p = (*path, ("f", k))
        if v is None:
            out.pop(k, None)
        elif (
            isinstance(v, list)
            and (keys := rules.patch_merge(path, k)) is not None
            and isinstance(out.get(k), list)
        ):
            if keys:
                out[k] = _merge_keyed(out[k], v, keys, rules, p)
            else:
                out[k] = list(out[k]) + [copy.deepcopy(i) for i in v if i not in out[k]]
        elif isinstance(v, dict):
            out[k] = strategic_merge_patch(out.get(k), v, rules, p)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _merge_keyed(live: list, patch: list, keys: tuple[str, ...], rules: Rules, path: Path) -> list:
    out = [copy.deepcopy(i) for i in live]
    for item in patch:
        key = item_key(item, keys)
        if key is None:
            return [copy.deepcopy(i) for i in patch]
        idx = next((n for n, i in enumerate(out) if item_key(i, keys) == key), None)
        if isinstance(item, dict) and item.get("$patch") == "delete":
            if idx is not None:
                out.pop(idx)
        elif idx is None:
            out.append(copy.deepcopy(item))
        else:
            out[idx] = strategic_merge_patch(out[idx], item, rules, (*path, ("k", key)))
    return out


def _pointer(ptr: str) -> list[str]:
    if ptr == "":
        return []
    if not ptr.startswith("/"):
        raise bad_request(f"invalid JSON pointer {ptr!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in ptr[1:].split("/")]


def _resolve(doc: Any, parts: list[str]) -> Any:
    cur = doc
    for p in parts:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise ApiError(
                422,
                "Invalid",
                f"the server rejected our request due to an error in our request: "
                f"missing path /{'/'.join(parts)}",
            )
    return cur


def json_patch(doc: Any, ops: Any) -> Any:
    """RFC 6902 add/remove/replace/move/copy/test."""
    if not isinstance(ops, list):
        raise bad_request("json patch must be a list of operations")
    doc = copy.deepcopy(doc)
    for op in ops:
        kind, parts = op.get("op"), _pointer(op.get("path", ""))
        if kind in ("move", "copy"):
            src = _pointer(op.get("from", ""))
            value = copy.deepcopy(_resolve(doc, src))
            if kind == "move":
                doc = _remove(doc, src)
            doc = _add(doc, parts, value)
        elif kind == "add":
            doc = _add(doc, parts, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            doc = _remove(doc, parts)
        elif kind == "replace":
            _resolve(doc, parts)
            doc = _remove(doc, parts)
            doc = _add(doc, parts, copy.deepcopy(op.get("value")))
        elif kind == "test":
            if _resolve(doc, parts) != op.get("value"):
                raise ApiError(
                    422,
                    "Invalid",
                    "the server rejected our request due to an error in our request: "
                    f"testing value /{'/'.join(parts)} failed",
                )
        else:
            raise bad_request(f"unexpected kind of JSON patch operation: {kind}")
    return doc


def _add(doc: Any, parts: list[str], value: Any) -> Any:
    if not parts:
        return value
    parent = _resolve(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            parent.insert(int(last), value)
    elif isinstance(parent, dict):
        parent[last] = value
    return doc


def _remove(doc: Any, parts: list[str]) -> Any:
    _resolve(doc, parts)
    parent = _resolve(doc, parts[:-1])
    if isinstance(parent, list):
        parent.pop(int(parts[-1]))
    else:
        del parent[parts[-1]]
    return doc
