"""Non-apply patch types: JSON merge patch (RFC 7386), strategic merge patch basics, JSON patch."""

from __future__ import annotations

import copy
import json
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


_ORDER = "$setElementOrder/"


def strategic_merge_patch(target: Any, patch: Any, rules: Rules, path: Path = ()) -> Any:
    """Maps merge, null deletes, lists with a patch merge key (containers, env, ports, ...) merge
    by it and honour ``$patch: delete`` items, scalar lists with the merge strategy take the union;
    other lists are replaced. A merged list is ordered as apimachinery orders it: the patch's items
    (or a ``$setElementOrder`` directive's) in their order, the live-only items kept in theirs."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    out = dict(target) if isinstance(target, dict) else {}
    orders = {k[len(_ORDER) :]: v for k, v in patch.items() if k.startswith(_ORDER) and isinstance(v, list)}
    for k, v in patch.items():
        if k.startswith("$"):
            continue
        p = (*path, ("f", k))
        keys = rules.patch_merge(path, k) if isinstance(v, list) else None
        if v is None:
            out.pop(k, None)
        elif keys is not None and isinstance(v, list) and isinstance(out.get(k), list):
            live = out[k]
            if keys:
                merged = _merge_keyed(live, v, keys, rules, p)
            else:
                merged = list(live) + [copy.deepcopy(i) for i in v if i not in live]
            out[k] = _ordered(merged, orders.get(k, v), live, keys)
        elif isinstance(v, dict):
            out[k] = strategic_merge_patch(out.get(k), v, rules, p)
        else:
            out[k] = copy.deepcopy(v)
    for k, order in orders.items():
        keys = rules.patch_merge(path, k)
        if k not in patch and keys is not None and isinstance(out.get(k), list):
            out[k] = _ordered(out[k], order, out[k], keys)
    return out


def _ordered(merged: list, order: list, live: list, keys: tuple[str, ...]) -> list:
    """apimachinery's normalizeElementOrder: the items named in ``order`` sorted as there, the
    others as in ``live``, interleaved so each keeps its place relative to the live order."""

    def ident(item: Any) -> Any:
        return item_key(item, keys) if keys else json.dumps(item, sort_keys=True)

    def position(items: list[Any], item: Any) -> int:
        want = ident(item)
        return next((n for n, i in enumerate(items) if ident(i) == want), -1)

    wanted = [i for i in order if not (isinstance(i, dict) and i.get("$patch") == "delete")]
    named = [m for m in merged if position(wanted, m) >= 0]
    rest = [m for m in merged if position(wanted, m) < 0]
    named.sort(key=lambda m: position(wanted, m))
    rest.sort(key=lambda m: position(live, m))
    out: list = []
    while named or rest:
        if rest and named:
            left, right = position(live, rest[0]), position(live, named[0])
            out.append(rest.pop(0) if left >= 0 and right >= 0 and left < right else named.pop(0))
        else:
            out.append((named or rest).pop(0))
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
