"""Sprig's dict functions, with Sprig's in-place mutation and mergo v1.0.1's merge rules."""

from __future__ import annotations

from typing import Any

from kts.gotemplate.gotypes import FuncMap, GoObject, GoPanic, GoSlice, go_type_of, gofunc, is_nil
from kts.sprig.strval import strval

_MAP = "map[string]interface {}"
_ANY = "interface {}"


def _empty_value(value: Any) -> bool:
    """mergo's ``isEmptyValue`` (dereferencing pointers): structs are never empty."""
    if value is None:
        return True
    if isinstance(value, GoObject):
        return False
    if isinstance(value, (bool, int, float, complex)):
        return not value
    if isinstance(value, (str, bytes, bytearray, list, dict)):
        return len(value) == 0
    return False


def merge_into(dst: dict[str, Any], src: dict[str, Any], overwrite: bool) -> None:
    """mergo's ``deepMerge`` of two maps, mutating ``dst`` (nested dst maps too).

    Without overwrite a key is set only when dst lacks it or holds an empty value; maps on both
    sides merge recursively; src nil is skipped. With overwrite src wins, even nil or empty, except
    that a map merged into a map stays the (merged) dst map. Values are shared, not copied.
    """
    for key, s in list(src.items()):
        present = key in dst
        d = dst.get(key)
        if s is None:
            if overwrite:
                dst[key] = None
            continue
        if isinstance(s, dict) and isinstance(d, dict) and not is_nil(d):
            merge_into(d, s, overwrite)
        elif isinstance(s, list | bytes) and overwrite:
            dst[key] = s  # mergo replaces slices even with an empty one
            continue
        if present and not _empty_value(d):
            if isinstance(s, list | bytes):
                continue
            if isinstance(s, dict) and isinstance(d, dict):
                continue
        if overwrite or not present or _empty_value(d):
            dst[key] = s


@gofunc(_MAP, "string")
def get(d: dict[str, Any], key: str) -> Any:
    return d.get(key, "")


@gofunc(_MAP, "string", _ANY, result=_MAP)
def set_(d: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    d[key] = value
    return d


@gofunc(_MAP, "string", result=_MAP)
def unset(d: dict[str, Any], key: str) -> dict[str, Any]:
    d.pop(key, None)
    return d


@gofunc(_MAP, "string", result="bool")
def hasKey(d: dict[str, Any], key: str) -> bool:
    return key in d


@gofunc("string", variadic=_MAP, result="[]interface {}")
def pluck(key: str, *dicts: dict[str, Any]) -> list[Any]:
    return [d[key] for d in dicts if key in d]


@gofunc(variadic=_MAP, result="[]string")
def keys(*dicts: dict[str, Any]) -> GoSlice:
    return GoSlice([k for d in dicts for k in d], "string")


@gofunc(_MAP, variadic="string", result=_MAP)
def pick(d: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: d[k] for k in names if k in d}


@gofunc(_MAP, variadic="string", result=_MAP)
def omit(d: dict[str, Any], *names: str) -> dict[str, Any]:
    drop = set(names)
    return {k: v for k, v in d.items() if k not in drop}


@gofunc(variadic=_ANY, result=_MAP)
def dict_(*v: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(0, len(v), 2):
        out[strval(v[i])] = v[i + 1] if i + 1 < len(v) else ""
    return out


@gofunc(_MAP, result="[]interface {}")
def values(d: dict[str, Any]) -> list[Any]:
    return list(d.values())


def _merge_all(dst: dict[str, Any], srcs: tuple[dict[str, Any], ...], overwrite: bool) -> Any:
    for src in srcs:
        if is_nil(dst):
            if is_nil(src):
                continue
            dst = {}  # mergo gives a nil destination a fresh map before merging into it
        merge_into(dst, src, overwrite)
    return dst


@gofunc(_MAP, variadic=_MAP)
def merge(dst: dict[str, Any], *srcs: dict[str, Any]) -> Any:
    return _merge_all(dst, srcs, False)


@gofunc(_MAP, variadic=_MAP, error=True)
def mustMerge(dst: dict[str, Any], *srcs: dict[str, Any]) -> Any:
    return _merge_all(dst, srcs, False)


@gofunc(_MAP, variadic=_MAP)
def mergeOverwrite(dst: dict[str, Any], *srcs: dict[str, Any]) -> Any:
    return _merge_all(dst, srcs, True)


@gofunc(_MAP, variadic=_MAP, error=True)
def mustMergeOverwrite(dst: dict[str, Any], *srcs: dict[str, Any]) -> Any:
    return _merge_all(dst, srcs, True)


def _assert_type(value: Any, want: str) -> None:
    got = "nil" if value is None else go_type_of(value)
    if got != want:
        raise GoPanic(f"interface conversion: interface {{}} is {got}, not {want}")


@gofunc(variadic=_ANY, error=True)
def dig(*ps: Any) -> Any:
    if len(ps) < 3:
        raise GoPanic("dig needs at least three arguments")
    d = ps[-1]
    _assert_type(d, _MAP)
    default = ps[-2]
    path = ps[:-2]
    for k in path:
        _assert_type(k, "string")
    for i, k in enumerate(path):
        if k not in d:
            return default
        step = d[k]
        if i == len(path) - 1:
            return step
        _assert_type(step, _MAP)
        d = step
    return default


FUNCS: FuncMap = {
    "dict": dict_,
    "get": get,
    "set": set_,
    "unset": unset,
    "hasKey": hasKey,
    "pluck": pluck,
    "keys": keys,
    "pick": pick,
    "omit": omit,
    "merge": merge,
    "mustMerge": mustMerge,
    "mergeOverwrite": mergeOverwrite,
    "mustMergeOverwrite": mustMergeOverwrite,
    "values": values,
    "dig": dig,
}
