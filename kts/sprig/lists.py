"""Sprig's list functions: they accept any Go slice and return new ``[]interface {}`` values.

The plain names panic where their ``must`` twins return the same error, so both raise with
Sprig's text; a nil list panics inside ``reflect`` before either can tell.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from kts.gotemplate.gotypes import FuncMap, GoError, GoFunc, GoPanic, GoSlice, Signature, go_type_of
from kts.gotemplate.limits import check_list
from kts.sprig.defaults import is_empty
from kts.sprig.reflection import NilSlice, deep_equal, is_list, kind_or_panic, list_items


def _items(value: Any, what: str) -> list[Any]:
    kind = kind_or_panic(value)
    if not is_list(value):
        raise GoError(what.format(kind=kind))
    return list_items(value)


def _in(haystack: list[Any], needle: Any) -> bool:
    return any(deep_equal(needle, h) for h in haystack)


def push(lst: Any, v: Any) -> list[Any]:
    return [*_items(lst, "Cannot push on type {kind}"), v]


def prepend(lst: Any, v: Any) -> list[Any]:
    return [v, *_items(lst, "Cannot prepend on type {kind}")]


def _go_int(value: float) -> int:
    # Go's float-to-int conversion on amd64: NaN, infinities and overflow give the minimum int64.
    if math.isnan(value) or math.isinf(value) or not -(2**63) <= value < 2**63:
        return -(2**63)
    return int(value)


def _fdiv(a: float, b: float) -> float:
    if b:
        return a / b
    return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)


def _ffloor(x: float) -> float:
    return x if math.isnan(x) or math.isinf(x) else float(math.floor(x))


def chunk(size: int, lst: Any) -> GoSlice:
    items = _items(lst, "Cannot chunk type {kind}")
    n = len(items)
    count = _go_int(_ffloor(_fdiv(n - 1, size)) + 1)
    if count < 0:
        raise GoPanic("runtime error: makeslice: len out of range")
    out: list[Any] = []
    for i in range(count):
        clen = size
        if i == count - 1:
            clen = _go_int(_ffloor(math.fmod(n, size) if size else math.nan)) or size
        if clen < 0:
            raise GoPanic("runtime error: makeslice: len out of range")
        row = []
        for j in range(clen):
            ix = i * size + j
            if not 0 <= ix < n:
                raise GoPanic("reflect: slice index out of range")
            row.append(items[ix])
        out.append(row)
    return GoSlice(out, "[]interface {}")


def last(lst: Any) -> Any:
    items = _items(lst, "Cannot find last on type {kind}")
    return items[-1] if items else None


def first(lst: Any) -> Any:
    items = _items(lst, "Cannot find first on type {kind}")
    return items[0] if items else None


def rest(lst: Any) -> list[Any]:
    items = _items(lst, "Cannot find rest on type {kind}")
    return items[1:] if items else NilSlice()


def initial(lst: Any) -> list[Any]:
    items = _items(lst, "Cannot find initial on type {kind}")
    return items[:-1] if items else NilSlice()


def reverse(lst: Any) -> list[Any]:
    return _items(lst, "Cannot find reverse on type {kind}")[::-1]


def compact(lst: Any) -> list[Any]:
    return [x for x in _items(lst, "Cannot compact on type {kind}") if not is_empty(x)]


_NOT_HASHED: Any = object()


def _scalar_key(item: Any) -> Any:
    """A hashable key that is equal exactly when ``reflect.DeepEqual`` says so, for scalars.

    NaN equals nothing (itself included) and containers compare deeply: those get no key.
    """
    if item is None:
        return None
    if isinstance(item, (str, int, float)) and type(item).__hash__ is not None:
        if isinstance(item, float) and item != item:
            return _NOT_HASHED
        return (go_type_of(item), item)
    return _NOT_HASHED


def uniq(lst: Any) -> list[Any]:
    """Sprig's ``uniq`` (first occurrences, in order) without its quadratic scan for scalars."""
    out: list[Any] = []
    seen: set[Any] = set()
    others: list[Any] = []  # unhashable firsts: compared deeply, as Sprig does
    for item in _items(lst, "Cannot find uniq on type {kind}"):
        key = _scalar_key(item)
        if key is _NOT_HASHED:
            if isinstance(item, float) or not _in(others, item):
                others.append(item)
                out.append(item)
        elif key not in seen:
            seen.add(key)
            out.append(item)
    return out


def without(lst: Any, *omit: Any) -> list[Any]:
    return [x for x in _items(lst, "Cannot find without on type {kind}") if not _in(list(omit), x)]


def has(needle: Any, haystack: Any) -> bool:
    if haystack is None:
        return False
    return _in(_items(haystack, "Cannot find has on type {kind}"), needle)


def slice_(lst: Any, *indices: Any) -> Any:
    items = _items(lst, "list should be type of slice or array but {kind}")
    n = len(items)
    if n == 0:
        return None
    start = _to_int(indices[0]) if indices else 0
    end = _to_int(indices[1]) if len(indices) >= 2 else n
    if start < 0 or end < start or end > n:
        raise GoPanic("reflect.Value.Slice: slice index out of bounds")
    if isinstance(lst, (bytes, bytearray)):
        return bytes(lst[start:end])
    if isinstance(lst, GoSlice):
        return GoSlice(lst[start:end], lst.elem)
    return items[start:end]


def _to_int(value: Any) -> int:
    """spf13/cast ``ToInt`` as Sprig uses it for slice indices (failures give 0)."""
    if value is None:
        return 0
    if isinstance(value, (bool, int)):
        return int(value)
    if isinstance(value, float):
        return _go_int(value) if not math.isnan(value) else 0
    if isinstance(value, str):
        text = value
        if "." in text:
            head, _, tail = text.partition(".")
            if tail.strip("0") == "" and head:
                text = head
        try:
            return _parse_go_int(text)
        except ValueError:
            return 0
    return 0


def _parse_go_int(text: str) -> int:
    # strconv.ParseInt(s, 0, 0): optional sign, 0x/0o/0b/0 prefixes, underscores only with a prefix.
    sign = -1 if text[:1] == "-" else 1
    body = text[1:] if text[:1] in "+-" else text
    if not body or body[0] in "+-":
        raise ValueError(text)
    lower = body.lower()
    base = 10
    if lower.startswith(("0x", "0o", "0b")):
        base = {"x": 16, "o": 8, "b": 2}[lower[1]]
        body = body[2:]
    elif len(body) > 1 and body[0] == "0":
        base = 8
        body = body[1:]
    if base == 10 and "_" in body:
        raise ValueError(text)
    if body.startswith("_") or body.endswith("_") or "__" in body:
        raise ValueError(text)
    value = sign * int(body.replace("_", ""), base)
    if not -(2**63) <= value < 2**63:
        raise ValueError(text)
    return value


def concat(*lists: Any) -> list[Any]:
    res: list[Any] = []
    for lst in lists:
        kind = kind_or_panic(lst)
        if not is_list(lst):
            raise GoPanic(f"Cannot concat type {kind} as list")
        items = list_items(lst)
        if len(res) + len(items) > 4096:
            check_list(len(res) + len(items))
        res += items
    return res or NilSlice()


def list_(*v: Any) -> list[Any]:
    return list(v)


def _pair(name: str, fn: Callable[..., Any], params: tuple[str, ...], variadic: str | None,
          result: str) -> dict[str, GoFunc]:
    """The plain function and its ``must`` twin (same behaviour, Go signature with an error)."""
    must = "must" + name[0].upper() + name[1:]
    return {
        name: GoFunc(fn, Signature(params, variadic, result), name),
        must: GoFunc(fn, Signature(params, variadic, result, error=True), must),
    }


_ANY = "interface {}"
_LIST = "[]interface {}"

FUNCS: FuncMap = {
    "list": GoFunc(list_, Signature((), _ANY, _LIST), "list"),
    "tuple": GoFunc(list_, Signature((), _ANY, _LIST), "tuple"),
    "concat": GoFunc(concat, Signature((), _ANY, _ANY), "concat"),
    **_pair("append", push, (_ANY, _ANY), None, _LIST),
    **_pair("push", push, (_ANY, _ANY), None, _LIST),
    **_pair("prepend", prepend, (_ANY, _ANY), None, _LIST),
    **_pair("first", first, (_ANY,), None, _ANY),
    **_pair("rest", rest, (_ANY,), None, _LIST),
    **_pair("last", last, (_ANY,), None, _ANY),
    **_pair("initial", initial, (_ANY,), None, _LIST),
    **_pair("reverse", reverse, (_ANY,), None, _LIST),
    **_pair("uniq", uniq, (_ANY,), None, _LIST),
    **_pair("without", without, (_ANY,), _ANY, _LIST),
    **_pair("has", has, (_ANY, _ANY), None, "bool"),
    **_pair("compact", compact, (_ANY,), None, _LIST),
    **_pair("slice", slice_, (_ANY,), _ANY, _ANY),
    **_pair("chunk", chunk, ("int", _ANY), None, "[][]interface {}"),
}
