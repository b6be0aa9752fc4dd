"""text/template's predefined functions (``funcs.go``) with Go's type rules and messages.

Functions whose Go parameters are ``reflect.Value`` receive raw values: ``NOVALUE`` for a
missing value, ``None`` for a nil interface.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from kts.gotemplate.fmt import format_value, sprint, sprintf, sprintln
from kts.gotemplate.gotypes import (
    GoError,
    GoFunc,
    GoInt,
    GoMap,
    GoObject,
    GoPanic,
    GoSlice,
    Signature,
    Uint8,
    go_type_of,
    is_nil,
)
from kts.gotemplate.strconv import from_go_bytes, go_bytes, go_len, is_print
from kts.gotemplate.values import NOVALUE, assignable, basic_kind, can_be_nil, truth, zero_of

RV = "reflect.Value"
ANY = "interface {}"


def _concrete(v: Any) -> Any:
    """indirectInterface: nil interfaces and missing values both become NOVALUE."""
    return NOVALUE if v is None else v


def _not(arg: Any) -> bool:
    return not truth(arg)


def _and(arg0: Any, *args: Any) -> Any:  # short-circuited by the executor
    for a in (arg0, *args):
        if not truth(a):
            return a
    return a


def _or(arg0: Any, *args: Any) -> Any:  # short-circuited by the executor
    for a in (arg0, *args):
        if truth(a):
            return a
    return a


def _len(item: Any) -> int:
    if item is None:
        raise GoError("len of nil pointer")
    if item is NOVALUE:
        raise GoError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, str):
        return go_len(item)
    if isinstance(item, (list, dict, bytes, bytearray)):
        return len(item)
    raise GoError(f"len of type {go_type_of(item)}")


def _index_arg(index: Any, cap: int) -> int:
    if isinstance(index, int) and not isinstance(index, bool):
        x = int(index)
    elif index is NOVALUE or index is None:
        raise GoError("cannot index slice/array with nil")
    else:
        raise GoError(f"cannot index slice/array with type {go_type_of(index)}")
    if x < 0 or x > cap:
        raise GoError(f"index out of range: {x}")
    return x


def _map_key(index: Any, m: dict) -> Any:
    if index is NOVALUE or index is None:
        raise GoError("value is nil; should be of type string")
    if not isinstance(index, str):
        raise GoError(f"value has type {go_type_of(index)}; should be string")
    return index


def _index(item: Any, *indexes: Any) -> Any:
    item = _concrete(item)
    if item is NOVALUE:
        raise GoError("index of untyped nil")
    for index in indexes:
        index = _concrete(index)
        if item is None:
            raise GoError("index of nil pointer")
        if isinstance(item, str):
            b = go_bytes(item)
            x = _index_arg(index, len(b))
            if x == len(b):
                raise GoPanic("reflect: string index out of range")
            item = Uint8(b[x])
        elif isinstance(item, (bytes, bytearray)):
            x = _index_arg(index, len(item))
            if x == len(item):
                raise GoPanic("reflect: slice index out of range")
            item = Uint8(item[x])
        elif isinstance(item, list):
            x = _index_arg(index, len(item))
            if x == len(item):
                raise GoPanic("reflect: slice index out of range")
            item = item[x]
        elif isinstance(item, dict):
            key = _map_key(index, item)
            if key in item:
                item = item[key]
            else:
                item = None if type(item) is dict else zero_of(getattr(item, "elem", ANY))
        else:
            raise GoError(f"can't index item of type {go_type_of(item)}")
    return item


def _slice(item: Any, *indexes: Any) -> Any:
    item = _concrete(item)
    if item is NOVALUE:
        raise GoError("slice of untyped nil")
    if len(indexes) > 3:
        raise GoError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise GoError("cannot 3-index slice a string")
        data: Any = go_bytes(item)
    elif isinstance(item, (list, bytes, bytearray)):
        data = item
    else:
        raise GoError(f"can't slice item of type {go_type_of(item)}")
    cap = len(data)
    idx = [0, len(data), 0]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(_concrete(index), cap)
    if idx[0] > idx[1]:
        raise GoError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise GoError(f"invalid slice index: {idx[1]} > {idx[2]}")
    part = data[idx[0]:idx[1]]
    if isinstance(item, str):
        return from_go_bytes(part)
    if isinstance(item, GoSlice):
        return type(item)(part, item.elem)
    return part


def _eval_args(args: tuple[Any, ...]) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(*("<no value>" if a is None or a is NOVALUE else a for a in args))


_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&#39;", '"': "&#34;", "\0": "\ufffd"}


def _html(*args: Any) -> str:
    s = _eval_args(args)
    if not any(c in s for c in _HTML):
        return s
    return "".join(_HTML.get(c, c) for c in s)


_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026",
       "=": "\\u003D"}


def _js(*args: Any) -> str:
    s = _eval_args(args)
    out = []
    for c in s:
        o = ord(c)
        if c in _JS:
            out.append(_JS[c])
        elif o < 0x20:
            out.append(f"\\u00{o:02X}")
        elif o < 0x80:
            out.append(c)
        elif 0xDC80 <= o <= 0xDCFF or not is_print(o):
            out.append(f"\\u{0xFFFD if 0xDC80 <= o <= 0xDCFF else o:04X}")
        else:
            out.append(c)
    return "".join(out)


def _urlquery(*args: Any) -> str:
    return quote_plus(go_bytes(_eval_args(args)), safe="-_.~")


def _print(*args: Any) -> str:
    return sprint(*args)


def _printf(format: str, *args: Any) -> str:
    return sprintf(format, *args)


def _println(*args: Any) -> str:
    return sprintln(*args)


def _call(name: str, fn: Any, *args: Any) -> Any:
    fn = _concrete(fn)
    if fn is NOVALUE:
        raise GoError("call of nil")
    if isinstance(fn, GoFunc):
        sig = fn.sig
        target = fn.fn
    elif callable(fn) and not isinstance(fn, (GoObject, GoMap)):
        sig = Signature((), ANY)
        target = fn
    else:
        raise GoError(f"non-function {name} of type {go_type_of(fn)}")
    nparams = len(sig.params)
    if sig.variadic is not None:
        if len(args) < nparams:
            raise GoError(f"wrong number of args for {name}: got {len(args)} want at least {nparams}")
    elif len(args) != nparams:
        raise GoError(f"wrong number of args for {name}: got {len(args)} want {nparams}")
    argv = []
    for i, a in enumerate(args):
        a = _concrete(a)
        typ = sig.params[i] if i < nparams else sig.variadic
        assert typ is not None
        if a is NOVALUE:
            if not can_be_nil(typ):
                raise GoError(f"arg {i}: value is nil; should be of type {typ}")
            a = zero_of(typ)
        elif not assignable(a, typ):
            raise GoError(f"arg {i}: value has type {go_type_of(a)}; should be {typ}")
        argv.append(a)
    return target(*argv)


# -- comparisons ------------------------------------------------------------------


def _incompatible(a: Any, b: Any) -> GoError:
    return GoError(f"incompatible types for comparison: {go_type_of(a)} and {go_type_of(b)}")


def _is_nil(v: Any) -> bool:
    return v is NOVALUE or is_nil(v)


def _eq(arg1: Any, *arg2: Any) -> bool:
    arg1 = _concrete(arg1)
    if not arg2:
        raise GoError("missing argument for comparison")
    k1 = basic_kind(arg1)
    for arg in arg2:
        arg = _concrete(arg)
        k2 = basic_kind(arg)
        result = False
        if k1 != k2:
            if k1 == "int" and k2 == "uint":
                result = arg1 >= 0 and int(arg1) == int(arg)
            elif k1 == "uint" and k2 == "int":
                result = arg >= 0 and int(arg1) == int(arg)
            elif arg1 is not NOVALUE and arg is not NOVALUE:
                raise _incompatible(arg1, arg)
        elif k1 in ("bool", "complex", "float", "int", "string", "uint"):
            result = arg1 == arg
        else:
            if _is_nil(arg1) or _is_nil(arg):
                result = _is_nil(arg1) == _is_nil(arg)
            else:
                if _kind(arg1) != _kind(arg):
                    raise GoError(f"non-comparable types {sprintf('%s', arg1)}: {go_type_of(arg1)}, "
                                  f"{go_type_of(arg)}: {format_value(arg)}")
                if isinstance(arg, (list, dict, bytes, bytearray)):
                    raise GoError(f"non-comparable type {sprintf('%s', arg)}: {go_type_of(arg)}")
                result = arg1 is arg or (_kind(arg1) == "struct" and arg1 == arg)
        if result:
            return True
    return False


def _kind(v: Any) -> str:
    if isinstance(v, (list, bytes, bytearray)):
        return "slice"
    if isinstance(v, dict):
        return "map"
    if isinstance(v, GoObject):
        return v.go_kind
    if callable(v):
        return "func"
    return "struct"


def _ne(arg1: Any, arg2: Any) -> bool:
    return not _eq(arg1, arg2)


def _lt(arg1: Any, arg2: Any) -> bool:
    arg1 = _concrete(arg1)
    k1 = basic_kind(arg1)
    if k1 in ("invalid", "other"):
        raise GoError("invalid type for comparison")
    arg2 = _concrete(arg2)
    k2 = basic_kind(arg2)
    if k2 in ("invalid", "other"):
        raise GoError("invalid type for comparison")
    if k1 != k2:
        if k1 == "int" and k2 == "uint":
            return arg1 < 0 or int(arg1) < int(arg2)
        if k1 == "uint" and k2 == "int":
            return arg2 >= 0 and int(arg1) < int(arg2)
        raise _incompatible(arg1, arg2)
    if k1 in ("bool", "complex"):
        raise GoError("invalid type for comparison")
    if k1 == "string":
        return go_bytes(arg1) < go_bytes(arg2)
    return arg1 < arg2


def _le(arg1: Any, arg2: Any) -> bool:
    if _lt(arg1, arg2):
        return True
    return _eq(arg1, arg2)


def _gt(arg1: Any, arg2: Any) -> bool:
    return not _le(arg1, arg2)


def _ge(arg1: Any, arg2: Any) -> bool:
    return not _lt(arg1, arg2)


def _builtin(fn: Any, name: str, params: tuple[str, ...], variadic: str | None = None,
             result: str = ANY, error: bool = False) -> GoFunc:
    f = GoFunc(fn, Signature(params, variadic, result, error), name)
    f.builtin = True  # type: ignore[attr-defined]
    return f


BUILTINS: dict[str, GoFunc] = {
    "and": _builtin(_and, "and", (RV,), RV, RV),
    "or": _builtin(_or, "or", (RV,), RV, RV),
    "not": _builtin(_not, "not", (RV,), None, "bool"),
    "len": _builtin(_len, "len", (RV,), None, "int", True),
    "index": _builtin(_index, "index", (RV,), RV, RV, True),
    "slice": _builtin(_slice, "slice", (RV,), RV, RV, True),
    "print": _builtin(_print, "print", (), ANY, "string"),
    "printf": _builtin(_printf, "printf", ("string",), ANY, "string"),
    "println": _builtin(_println, "println", (), ANY, "string"),
    "html": _builtin(_html, "html", (), ANY, "string"),
    "js": _builtin(_js, "js", (), ANY, "string"),
    "urlquery": _builtin(_urlquery, "urlquery", (), ANY, "string"),
    "call": _builtin(_call, "call", (RV,), RV, RV, True),
    "eq": _builtin(_eq, "eq", (RV,), RV, "bool", True),
    "ne": _builtin(_ne, "ne", (RV, RV), None, "bool", True),
    "lt": _builtin(_lt, "lt", (RV, RV), None, "bool", True),
    "le": _builtin(_le, "le", (RV, RV), None, "bool", True),
    "gt": _builtin(_gt, "gt", (RV, RV), None, "bool", True),
    "ge": _builtin(_ge, "ge", (RV, RV), None, "bool", True),
}

__all__ = ["BUILTINS", "GoInt"]
